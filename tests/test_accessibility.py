"""An accessibility audit with axe-core on every page type and the admin's main forms, and a keyboard walk.

axe-core is vendored under tests/vendor/axe-core/ (with its licence) and
injected by Playwright; a page passes with no serious or critical violation.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from events.models import Meeting, Organisation, Person

from .browser import PAGE_TYPES, PHONES, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WIDTHS = {"desktop": (1280, 900), **PHONES}
# What a reader would call broken: axe's two highest impacts.
BLOCKING = {"serious", "critical"}


def audit(page) -> list[str]:
    """Each serious or critical violation on the page: rule, impact and the first elements it names."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)  # evaluated by the browser's debugger protocol, so the page's CSP allows it
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo_data", verbosity=0)
    return live_server.url


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_type_has_no_serious_accessibility_violation(browser, demo_site, width):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    found = {}
    for name, (path, _) in PAGE_TYPES.items():
        page.goto(demo_site + path)
        violations = audit(page)
        if violations:
            found[name] = violations
    # With the phone's filters open too: what is behind the disclosure is audited as well.
    page.goto(demo_site + "/?country=TH")
    page.evaluate("document.querySelectorAll('details.filters').forEach(d => d.open = true)")
    if violations := audit(page):
        found["timeline, filters open"] = violations
    context.close()
    assert found == {}


@pytest.fixture
def admin_page(browser, demo_site, django_user_model):
    django_user_model.objects.create_superuser("auditor", "auditor@example.org", "a-long-test-password")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(demo_site + "/admin/login/")
    yield page
    context.close()


def test_the_admins_main_forms_have_no_serious_accessibility_violation(admin_page, demo_site):
    page = admin_page
    found = {"login": audit(page)}
    page.get_by_label("Username").fill("auditor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    meeting = Meeting.objects.published().first()
    addresses = {
        "index": "/admin/",
        "meetings": "/admin/events/meeting/",
        "meeting": f"/admin/events/meeting/{meeting.pk}/change/",
        "new meeting": "/admin/events/meeting/add/",
        "organisation": f"/admin/events/organisation/{Organisation.objects.first().pk}/change/",
        "person": f"/admin/events/person/{Person.objects.first().pk}/change/",
        "delegations": "/admin/events/delegation/",
    }
    for name, path in addresses.items():
        page.goto(demo_site + path)
        found[name] = audit(page)
    screenshot(page, "admin-delegations-audited")
    found = {name: violations for name, violations in found.items() if violations}
    assert found == {}, "\n".join(f"{name}: {v}" for name, violations in found.items() for v in violations)


FOCUS_VISIBLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const text = (element.textContent || element.value || "").trim().slice(0, 40);
  return {tag: element.tagName, id: element.id, text: text, visible: outline || style.boxShadow !== "none"};
}"""


def tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until ``selector`` has the focus, checking that every stop shows where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_VISIBLE)
        assert focus["visible"], f"no visible focus on {focus}"
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} never had the focus")


def test_a_keyboard_user_filters_pages_and_opens_a_meeting_with_the_focus_always_visible(
    browser, demo_site, settings
):
    settings.TIMELINE_PAGE_SIZE = 2  # so that a filtered result still has pages
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(demo_site + "/")

    # Filter: to the search box, type, Enter.
    tab_to(page, "#id_q")
    page.keyboard.type("ANAMA")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=ANAMA**")
    # Then a facet, by keyboard: the first kind.
    tab_to(page, 'section[aria-labelledby="facet-kind"] a')
    page.keyboard.press("Enter")
    page.wait_for_url("**kind=**")
    assert "q=ANAMA" in page.url

    # Page: to the next page's link, Enter; the filters stay.
    tab_to(page, "a[rel=next]")
    page.keyboard.press("Enter")
    page.wait_for_url("**page=2**")
    assert "q=ANAMA" in page.url and "kind=" in page.url
    screenshot(page, "keyboard-timeline-page")

    # Open a meeting.
    tab_to(page, ".meeting-title a")
    title = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    screenshot(page, "keyboard-meeting")
    context.close()
