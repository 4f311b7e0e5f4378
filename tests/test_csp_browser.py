"""The admin works in a real browser under the Content Security Policy.

Chromium reports every blocked script, style or image as a
`securitypolicyviolation` event; an editor's path through the admin must
raise none. Skipped where Chromium is not installed (CI installs it).
"""

import pytest

from .factories import make_organisation, make_source

pytestmark = pytest.mark.browser

COLLECT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    const blocked = event.blockedURI || "inline";
    const where = `${event.sourceFile}:${event.lineNumber}`;
    window.cspViolations.push(`${event.effectiveDirective} blocked ${blocked} at ${where}`);
});
"""


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.add_init_script(COLLECT_VIOLATIONS)
    yield context.new_page()
    context.close()


def violations(page) -> list[str]:
    return page.evaluate("window.cspViolations")


@pytest.fixture
def records(live_server, django_user_model):
    # Created before the browser starts: Playwright's event loop makes Django refuse database calls.
    django_user_model.objects.create_superuser("editor", "", "a-long-test-password")
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac")
    make_source()


def test_editor_path_through_the_admin_raises_no_csp_violations(live_server, records, page):
    response = page.goto(f"{live_server.url}/admin/login/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert violations(page) == []

    # The meeting form: calendar shortcuts, prepopulated slug, autocomplete, inlines.
    page.goto(f"{live_server.url}/admin/events/meeting/add/")
    page.locator("#id_title").press_sequentially("ANAMA delegation meets TMAC")
    assert page.input_value("#id_slug") == "anama-delegation-meets-tmac"
    page.click("#id_start_date + .datetimeshortcuts a")  # "Today"
    assert page.input_value("#id_start_date") != ""
    page.click("#calendarlink0")
    page.wait_for_selector("#calendarbox0", state="visible")
    page.keyboard.press("Escape")
    page.click("#organisation_roles-group .select2-selection")
    page.keyboard.type("TMAC")
    page.wait_for_selector(".select2-results__option:has-text('Thailand Mine Action Centre')")
    page.keyboard.press("Enter")
    page.click("#organisation_roles-group .add-row a")
    assert violations(page) == []

    # A change list with facets and the source form.
    page.goto(f"{live_server.url}/admin/events/organisation/?_facets=True")
    page.goto(f"{live_server.url}/admin/events/source/add/")
    assert violations(page) == []
