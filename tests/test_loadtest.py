"""The load test's editor posts the admin's forms as a browser does; its check finds every save.

The editor of bench/loadtest.py is run here through Django's test client,
without a server.
"""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.test import Client

from events.models import Meeting

from .factories import make_organisation, make_source, make_topic

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "loadtest.py"


def load_script():
    spec = importlib.util.spec_from_file_location("loadtest", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


loadtest = load_script()

FORM = """
<form id="search" method="get"><input name="q" value="not this form"></form>
<form id="edit" method="post">
  <input type="hidden" name="csrfmiddlewaretoken" value="token">
  <input name="title" value="Fish &amp; chips">
  <input type="text" name="empty">
  <input type="checkbox" name="ticked" checked>
  <input type="checkbox" name="unticked" value="yes">
  <input type="radio" name="colour" value="red"><input type="radio" name="colour" value="blue" checked>
  <input name="off" value="x" disabled>
  <input type="submit" name="_save" value="Save"><button name="_continue">Save and continue</button>
  <select name="kind"><option value="a">A</option><option value="b">B</option></select>
  <select name="status"><option value="draft">Draft</option>
    <option value="review" selected>Review</option></select>
  <select name="topics" multiple><option value="1" selected>One</option><option value="2">Two</option>
    <option value="3" selected>Three</option></select>
  <select name="unnamed-value"><option selected> Plain  text </option></select>
  <select name="nothing" multiple></select>
  <textarea name="summary">
Line one &lt;b&gt;
line two</textarea>
  <input name="row-__prefix__-name" value="">
</form>
"""


def test_form_fields_are_what_a_browser_would_post():
    assert loadtest.form_fields(FORM, "edit") == [
        ("csrfmiddlewaretoken", "token"),
        ("title", "Fish & chips"),
        ("empty", ""),
        ("ticked", "on"),
        ("colour", "blue"),
        ("kind", "a"),
        ("status", "review"),
        ("topics", "1"),
        ("topics", "3"),
        ("unnamed-value", "Plain text"),
        ("summary", "Line one <b>\nline two"),
        ("row-__prefix__-name", ""),
    ]


def test_set_field_replaces_every_value_in_place_or_adds_the_field():
    fields = [("a", "1"), ("topics", "1"), ("b", "2"), ("topics", "3")]
    assert loadtest.set_field(fields, "topics", "5") == [("a", "1"), ("topics", "5"), ("b", "2")]
    assert loadtest.set_field(fields, "c", "x", "y")[-2:] == [("c", "x"), ("c", "y")]


class ClientBrowser(loadtest.Browser):
    """The load test's browser, answered by Django's test client instead of a server."""

    def __init__(self, client):
        self.client, self.stats, self.cookies = client, loadtest.Stats(), {}

    def send(self, method, path, body=None):
        if method == "GET":
            response = self.client.get(path)
        else:
            response = self.client.post(path, body, content_type="application/x-www-form-urlencoded")
        text = response.content.decode() if not response.streaming else ""
        return loadtest.Answer(response.status_code, response.get("Location", ""), text, 0.0)


@pytest.mark.django_db
def test_the_editor_creates_and_changes_meetings_and_every_save_is_verified(client, django_user_model):
    django_user_model.objects.create_superuser(loadtest.EDITOR_USERNAME, "", "a-long-test-password")
    data = {
        "years": [2024],
        "kinds": ["bilateral"],
        "countries": ["TH"],
        "organisations": [str(make_organisation().pk), str(make_organisation().pk)],
        "topics": [str(make_topic().pk)],
        "sources": [str(make_source().pk)],
    }
    browser = ClientBrowser(client)
    reader = ClientBrowser(Client())
    reader.stats = browser.stats
    editor = loadtest.Editor(1, browser, "a-long-test-password", data, run="test", seed=7, reader=reader)

    assert editor.login()
    editor.create()
    # The same choices again: the same day, country and organisations, so the admin warns of a
    # likely duplicate, and the editor confirms it is not one.
    editor.rng.seed(7)
    editor.create()
    for _ in range(5):
        editor.edit()

    errors = {name: entry.errors for name, entry in browser.stats.categories.items() if entry.errors}
    assert errors == {}
    assert editor.log.duplicate_confirmations == 1
    first, second = sorted(editor.log.saves)
    meeting = Meeting.objects.get(pk=first)
    assert meeting.slug == "loadtest-test-1-1"
    assert [str(o.pk) for o in meeting.organisations.order_by("pk")] == data["organisations"]
    assert meeting.participations.get().name_as_written == "Load Tester 1-1"
    assert list(meeting.topics.values_list("pk", flat=True)) == [int(data["topics"][0])]
    assert meeting.status == "published"
    # Each acknowledged save was read back from the public page at once, with no stale page.
    assert browser.stats.categories["read after save"].requests == 7
    assert meeting.summary == editor.log.saves[first][-1].marker
    assert loadtest.verify([editor.log]) == {
        "meetings_created": 2,
        "saves_acknowledged": 7,
        "saves_verified": 7,
        "lost_writes": 0,
        "history_mismatches": 0,
        "creations_without_an_id": 0,
        "duplicate_confirmations": 1,
        "stale_reads": 0,
        "problems": [],
    }


class StaleBrowser(ClientBrowser):
    """A server that keeps answering with the page as it was."""

    def send(self, method, path, body=None):
        return loadtest.Answer(200, "", "<p>The summary before the save.</p>", 0.0)


def test_a_public_page_that_does_not_show_a_save_counts_as_stale():
    browser = StaleBrowser(None)
    editor = loadtest.Editor(1, browser, "", {}, run="test", seed=1, reader=browser)
    editor.check_public_page("some-meeting", "Saved by the load test, save 2.")
    assert editor.log.stale_reads == 1
    assert browser.stats.categories["read after save"].errors == [
        "GET /meetings/some-meeting/: a stale page, without “Saved by the load test, save 2.”"
    ]


@pytest.mark.django_db
def test_the_check_reports_a_save_that_is_not_in_the_database(client, django_user_model):
    log = loadtest.EditorLog(
        saves={10**6: [loadtest.Save("Never saved.", acknowledged=True)]}, slugs={10**6: "loadtest-gone"}
    )
    result = loadtest.verify([log])
    assert (result["saves_acknowledged"], result["lost_writes"]) == (1, 1)
    assert result["problems"] == ["meeting 1000000 (loadtest-gone) is missing"]
