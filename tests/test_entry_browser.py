"""A meeting entered by hand in headless Chromium: few submissions, forms that fit the window."""

import re

import pytest
from django.contrib.auth.models import Group

from events.models import Meeting, Status

from .browser import WIDTHS, screenshot
from .conftest import ensure_roles
from .factories import make_meeting, make_organisation, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
LONG_TITLE = (
    "Mine Action Agency of the Republic of Azerbaijan and the Cambodian Mine Action Centre sign a "
    "memorandum of understanding on joint training, land release and explosive ordnance risk education"
)


@pytest.fixture
def site(live_server, django_user_model):
    ensure_roles()  # a transactional test before this one emptied the groups
    for username, group in (("eve", "Editor"), ("pat", "Publisher")):
        user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
    make_organisation(name="Mine Action Agency of the Republic of Azerbaijan", acronym="ANAMA", slug="anama")
    make_organisation(
        name="ANAMA-UNDP International Centre for Mine Action Excellence", acronym="", slug="anama-undp"
    )
    make_organisation(name="Cambodian Mine Action Centre", acronym="CMAC", slug="cmac", country="KH")
    make_person(name="Vugar Suleymanov", slug="vugar-suleymanov")
    return live_server.url


def log_in(browser, site, username):
    context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900})
    page = context.new_page()
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site + "/admin/")
    return page


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_the_participants_inline_fits_a_1280_pixel_window(browser, site):
    page = log_in(browser, site, "eve")
    page.goto(site + "/admin/events/meeting/add/")
    table = box(page, "#participations-group table")
    screenshot(page, "entry-participants-1280")
    assert table["x"] >= 0 and table["x"] + table["width"] <= WIDTHS["desktop"], table
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTHS["desktop"], f"the page scrolls sideways: {width} px"
    for heading in ("Title as stated", "Role", "Order", "Delete?"):
        cell = page.locator("#participations-group thead th", has_text=heading).first
        found = cell.bounding_box()
        assert found is not None and found["x"] + found["width"] <= WIDTHS["desktop"], heading
    title = box(page, "#participations-0 .field-title_as_stated input")
    assert title["width"] >= 150, title
    page.context.close()


def overlaps(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_the_publish_and_history_buttons_never_cover_a_long_title(browser, site):
    meeting = make_meeting(title=LONG_TITLE, slug="long", status=Status.IN_REVIEW)
    page = log_in(browser, site, "pat")
    page.goto(f"{site}/admin/events/meeting/{meeting.pk}/change/")
    screenshot(page, "entry-long-title-buttons")
    tools = page.locator(".object-tools li")
    assert tools.count() >= 3  # return to draft, publish, history
    headings = page.locator("#content h1, #content h2").all()
    for tool in tools.all():
        for heading in headings:
            if heading.is_visible():
                assert not overlaps(tool.bounding_box(), heading.bounding_box()), heading.inner_text()
    page.context.close()


def pick(page, select_id: str, typed: str) -> None:
    """Type in an autocomplete box and press Enter, as an editor does: the first match is taken."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    with page.expect_response(lambda response: "/autocomplete/" in response.url and "term=" in response.url):
        search.fill(typed)
    page.locator(".select2-results__option--highlighted", has_text=typed).wait_for()
    search.press("Enter")


def test_a_typical_new_meeting_takes_at_most_four_submissions(browser, site):
    """Three organisations (one new), three people (two new) and a new source, entered by hand."""
    page = log_in(browser, site, "eve")
    submissions, loads = [], []

    def watch(tab) -> None:
        tab.on("load", lambda _: loads.append(tab.url))

    page.context.on("page", watch)
    page.context.on(
        "request",
        lambda request: (
            submissions.append(request.url)
            if request.method == "POST" and request.resource_type == "document"
            else None
        ),
    )
    watch(page)

    page.goto(site + "/admin/events/meeting/add/")
    page.locator("#id_title").fill("ANAMA delegation meets CMAC and NPA")
    page.locator("#id_start_date").fill("2024-03-12")
    page.locator("#id_country").select_option("KH")

    # The article is a new source: added in the "+" window without leaving the form.
    with page.expect_popup() as opened:
        page.locator("#add_id_sources").click()
    popup = opened.value
    popup.locator("#id_url").fill("https://wire.example.org/anama-cmac-npa")
    popup.locator("#id_publisher").fill("Example Wire")
    popup.locator("#id_published_on").fill("2024-03-14")
    with popup.expect_event("close"):
        popup.locator('input[name="_save"]').click()

    pick(page, "id_organisation_roles-0-organisation", "ANAMA")
    page.locator("#id_organisation_roles-0-role").select_option("delegation")
    pick(page, "id_organisation_roles-1-organisation", "CMAC")
    page.locator("#id_organisation_roles-1-role").select_option("host")

    pick(page, "id_participations-0-person", "Vugar Suleymanov")
    pick(page, "id_participations-0-organisation", "ANAMA")
    page.locator("#id_participations-0-title_as_stated").fill("Chairman of the Board")
    page.locator("#id_participations-0-role").select_option("head_of_delegation")
    page.locator("#id_participations-1-new_person").fill("Heng Ratana")
    pick(page, "id_participations-1-organisation", "CMAC")
    page.locator("#id_participations-1-title_as_stated").fill("Director General")
    page.locator("#id_participations-1-role").select_option("host")
    page.locator("#id_participations-2-new_person").fill("Per Nergaard")
    page.locator("#id_participations-2-new_organisation_name").fill("Norwegian People's Aid")
    page.locator("#id_participations-2-new_organisation_acronym").fill("NPA")
    page.locator("#id_participations-2-title_as_stated").fill("Country Director")
    screenshot(page, "entry-typical-meeting-filled")
    page.locator('input[name="_save"]').first.click()
    page.wait_for_url(re.compile(r"/admin/events/meeting/$"))
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    meeting = Meeting.objects.get()
    assert [s.url for s in meeting.sources.all()] == ["https://wire.example.org/anama-cmac-npa"]
    assert sorted(meeting.organisation_roles.values_list("organisation__acronym", "role")) == [
        ("ANAMA", "delegation"),
        ("CMAC", "host"),
        ("NPA", "participant"),
    ]
    assert sorted(meeting.participations.values_list("person__name", "organisation__acronym")) == [
        ("Heng Ratana", "CMAC"),
        ("Per Nergaard", "NPA"),
        ("Vugar Suleymanov", "ANAMA"),
    ]
    print(f"\nA typical new meeting by hand: {len(submissions)} submissions, {len(loads)} page loads")
    assert len(submissions) <= 4, submissions
    assert len(loads) <= 6, loads
    page.context.close()
