/* Pictures: say in words what the pointer or the keyboard focus is on.
 *
 * Each picture (a figure.picture holding an SVG map, route or network) has a
 * readout line marked data-picture-readout. Hovering over or tabbing to a link
 * in the picture shows that link's <title> there, e.g. "Thailand: 3 meetings".
 * Without JavaScript the browser's own tooltip shows the same <title> on
 * hover, and the table under each picture holds every number.
 */
(function () {
  "use strict";

  function linkOf(event) {
    var target = event.target;
    return target && target.closest ? target.closest("figure.picture svg a") : null;
  }

  function readoutOf(link) {
    var figure = link.closest("figure.picture");
    return figure ? figure.querySelector("[data-picture-readout]") : null;
  }

  function show(event) {
    var link = linkOf(event);
    var readout = link && readoutOf(link);
    var title = link && link.querySelector("title");
    if (!readout || !title) {
      return;
    }
    if (!readout.hasAttribute("data-idle")) {
      readout.setAttribute("data-idle", readout.textContent);
    }
    readout.textContent = title.textContent;
    readout.classList.add("is-active");
  }

  function hide(event) {
    var link = linkOf(event);
    var readout = link && readoutOf(link);
    if (readout && readout.hasAttribute("data-idle")) {
      readout.textContent = readout.getAttribute("data-idle");
      readout.classList.remove("is-active");
    }
  }

  document.addEventListener("mouseover", show);
  document.addEventListener("focusin", show);
  document.addEventListener("mouseout", hide);
  document.addEventListener("focusout", hide);
})();
