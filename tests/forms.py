"""Read a rendered HTML form as data, the way a browser would submit it."""

from bs4 import BeautifulSoup


def form_values(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    """Every successful control of the form and its current value(s)."""
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", id=form_id) if form_id else soup.find("form", method="post")
    values: dict[str, list[str]] = {}
    for control in form.find_all(["input", "select", "textarea"]):
        name = control.get("name")
        if not name or control.has_attr("disabled"):
            continue
        if control.name == "select":
            chosen = [
                option.get("value", option.text) for option in control.find_all("option", selected=True)
            ]
            values[name] = chosen
        elif control.name == "textarea":
            values[name] = [control.text]
        elif control.get("type") in ("checkbox", "radio"):
            if control.has_attr("checked"):
                values.setdefault(name, []).append(control.get("value", "on"))
        elif control.get("type") not in ("submit", "button", "image", "file"):
            values[name] = [control.get("value", "")]
    return values
