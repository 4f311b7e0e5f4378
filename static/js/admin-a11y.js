/* The admin, for screen readers: names for what Django's admin and its select2 autocomplete leave unnamed.
 *
 * - The autocomplete's combobox and search field take the name of the select they stand for (its
 *   label, or the aria-label an inline row's field carries); select2 builds them after the page
 *   loads and again on every change, so a MutationObserver renames them as they appear.
 * - The list of chosen values inside a multiple autocomplete is presentation, not a list.
 * - The change list's search box is named "Search".
 * - The help icons Django's two-box country chooser draws carry an aria-label on a plain span, which
 *   assistive technology ignores; as images they are read.
 */
(function () {
  "use strict";

  function nameOf(select) {
    if (select.getAttribute("aria-label")) {
      return select.getAttribute("aria-label");
    }
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      var name = nameOf(select);
      if (!container || !container.classList.contains("select2") || !name) {
        return;
      }
      container.querySelectorAll('[role="combobox"], [role="textbox"], .select2-search__field').forEach(function (element) {
        if (element.getAttribute("aria-label") !== name) {
          element.setAttribute("aria-label", name);
        }
      });
      container.querySelectorAll("ul.select2-selection__rendered").forEach(function (list) {
        if (list.getAttribute("role") !== "presentation") {
          list.setAttribute("role", "presentation");
        }
        list.querySelectorAll(":scope > li").forEach(function (item) {
          if (item.getAttribute("role") !== "presentation") {
            item.setAttribute("role", "presentation");
          }
        });
      });
    });
  }

  function showHelpIcons() {
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function nameSearchBox() {
    var search = document.getElementById("searchbar");
    if (search && !search.getAttribute("aria-label")) {
      search.setAttribute("aria-label", "Search");
    }
  }

  function start() {
    nameSearchBox();
    nameAutocompletes();
    showHelpIcons();
    new MutationObserver(function () {
      nameAutocompletes();
      showHelpIcons();
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
