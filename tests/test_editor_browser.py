"""An editor's and a publisher's paths through the admin in headless Chromium, with screenshots."""

import re

import pytest
from django.contrib.auth.models import Group

from events.models import Meeting, Status

from .browser import WIDTHS, screenshot
from .conftest import ensure_roles
from .factories import make_meeting, make_organisation, make_person, make_source
from .test_intake import VISIT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


@pytest.fixture
def site(live_server, django_user_model):
    ensure_roles()  # a transactional test before this one emptied the groups
    for username, group in (("eve", "Editor"), ("pat", "Publisher")):
        user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
    anama = make_organisation(
        name="Mine Action Agency of the Republic of Azerbaijan", acronym="ANAMA", slug="anama"
    )
    make_organisation(name="Cambodian Mine Action Centre", acronym="CMAC", slug="cmac", country="KH")
    make_person(name="Vugar Suleymanov", slug="vugar-suleymanov").other_names.create(name="Vuqar Suleymanov")
    assert anama.pk
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


def choose(page, select_id: str, typed: str, shown: str) -> None:
    """Pick a value in an autocomplete (select2) field by typing, as an editor does."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(f"#{select_id} + .select2 .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=shown).first.click()


def test_editor_drafts_from_an_article_and_a_publisher_publishes(browser, site):
    editor = log_in(browser, site, "eve")
    editor.goto(site + "/admin/events/meeting/")
    editor.get_by_role("link", name="New meeting from an article").click()
    editor.get_by_label("Address of the article").fill("https://wire.example.org/visit")
    editor.get_by_label("Publisher").fill("Example Wire")
    editor.get_by_label("Publication date").fill("2024-03-14")
    editor.get_by_label("Text of the article").fill(VISIT)
    editor.get_by_role("button", name="Draft the meeting").click()
    editor.wait_for_url(re.compile(r"/admin/events/meeting/\d+/change/"))
    assert (
        "Drafted “ANAMA delegation meets CMAC” from the article"
        in editor.locator(".messagelist").inner_text()
    )
    screenshot(editor, "editor-draft-from-article")

    # Correct what it got wrong, save, and submit for review.
    editor.locator("#id_title").fill("ANAMA delegation visits CMAC")
    editor.locator("#id_summary").fill("The agencies discussed land release and joint training.")
    editor.get_by_role("button", name="Save and continue editing").first.click()
    editor.wait_for_url(re.compile(r"/change/$"))
    assert editor.locator("#id_status option").all_inner_texts() == ["Draft", "In review"]
    assert editor.get_by_role("button", name="Publish").count() == 0
    editor.get_by_role("button", name="Submit for review").click()
    assert "1 meeting now in review." in editor.locator(".messagelist").inner_text()
    meeting = Meeting.objects.get()
    assert (meeting.title, meeting.status) == ("ANAMA delegation visits CMAC", Status.IN_REVIEW)
    editor.context.close()

    publisher = log_in(browser, site, "pat")
    publisher.goto(f"{site}/admin/events/meeting/{meeting.pk}/change/")
    publisher.get_by_role("button", name="Publish").click()
    assert "1 meeting now published." in publisher.locator(".messagelist").inner_text()
    assert "last published" in publisher.locator(".workflow-status").inner_text()
    screenshot(publisher, "publisher-published")
    publisher.goto(site + meeting.get_absolute_url())
    assert publisher.get_by_role("heading", level=1).inner_text() == "ANAMA delegation visits CMAC"
    publisher.context.close()


def test_publisher_is_warned_of_a_duplicate_merges_it_and_the_old_address_redirects(browser, site):
    source = make_source(url="https://wire.example.org/first")
    kept = make_meeting(title="ANAMA delegation meets CMAC", slug="kept", country="KH", sources=[source])
    publisher = log_in(browser, site, "pat")
    publisher.goto(site + "/admin/events/meeting/add/")
    publisher.locator("#id_title").fill("ANAMA visits CMAC (second report)")
    publisher.locator("#id_start_date").fill(f"{kept.start_date:%Y-%m-%d}")
    choose(publisher, "id_sources", "wire.example.org/first", str(source))
    publisher.get_by_role("button", name="Save and continue editing").first.click()
    warning = publisher.locator(".errorlist.nonfield")
    assert "This may be a meeting that is already recorded" in warning.inner_text()
    assert warning.get_by_role("link", name="ANAMA delegation meets CMAC").is_visible()
    screenshot(publisher, "duplicate-warning")
    publisher.get_by_label("I have checked: this is not a duplicate").check()
    publisher.get_by_role("button", name="Save and continue editing").first.click()
    publisher.wait_for_url(re.compile(r"/change/$"))
    duplicate = Meeting.objects.get(title="ANAMA visits CMAC (second report)")

    # It is the same meeting after all: merge it into the kept one.
    publisher.goto(site + "/admin/events/meeting/")
    for meeting in (kept, duplicate):
        publisher.locator(f'input[name="_selected_action"][value="{meeting.pk}"]').check()
    publisher.locator('select[name="action"]').select_option("merge_meetings")
    publisher.get_by_role("button", name="Go").click()
    publisher.locator(f'input[name="keep"][value="{kept.pk}"]').check()
    screenshot(publisher, "merge-choose-kept")
    publisher.get_by_role("button", name="Merge into the chosen meeting").click()
    assert "the old addresses now redirect to it" in publisher.locator(".messagelist").inner_text()
    response = publisher.goto(site + duplicate.get_absolute_url())
    assert publisher.url == site + "/meetings/kept/"
    assert response.request.redirected_from.response().status == 301
    assert publisher.get_by_role("heading", level=1).inner_text() == "ANAMA delegation meets CMAC"
    publisher.context.close()
