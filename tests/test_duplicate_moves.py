"""The duplicate question is asked at every move into review and to published, whatever changed."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.urls import reverse

from events.models import Meeting, Status

from .factories import make_meeting, make_source
from .forms import form_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins():
    """Two drafts of the same event: they cite the same source."""
    source = make_source(url="https://news.example.org/same")
    first = make_meeting(title="First record", status=Status.DRAFT, sources=[source])
    second = make_meeting(title="Second record", status=Status.DRAFT, sources=[source])
    return first, second


def change_url(meeting) -> str:
    return reverse("admin:events_meeting_change", args=[meeting.pk])


def shown_messages(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def test_an_unchanged_save_that_submits_for_review_still_asks_about_duplicates(as_editor, twins):
    first, second = twins
    data = form_values(as_editor.get(change_url(second)).content.decode(), form_id="meeting_form")
    data["status"] = [Status.IN_REVIEW]
    response = as_editor.post(change_url(second), data)
    assert response.status_code == 200
    warning = BeautifulSoup(response.content, "html.parser").select_one(".errorlist.nonfield")
    assert "This may be a meeting that is already recorded" in warning.get_text()
    second.refresh_from_db()
    assert second.status == Status.DRAFT

    data = form_values(response.content.decode(), form_id="meeting_form")
    data["not_a_duplicate"] = ["on"]
    assert as_editor.post(change_url(second), data).status_code == 302
    second.refresh_from_db()
    assert second.status == Status.IN_REVIEW


def test_a_save_that_stays_a_draft_does_not_ask_again(as_editor, twins):
    _, second = twins
    data = form_values(as_editor.get(change_url(second)).content.decode(), form_id="meeting_form")
    data["summary"] = ["Only the summary changed."]
    assert as_editor.post(change_url(second), data).status_code == 302


def move_buttons(client, meeting) -> dict[str, tuple[str, dict]]:
    soup = BeautifulSoup(client.get(change_url(meeting)).content, "html.parser")
    return {
        form.button.text.strip(): (form["action"], {i["name"]: i["value"] for i in form.find_all("input")})
        for form in soup.select(".object-tools form")
    }


def test_the_submit_button_refuses_a_likely_duplicate_and_says_how_to_confirm(as_editor, twins):
    first, second = twins
    response = as_editor.post(*move_buttons(as_editor, second)["Submit for review"], follow=True)
    second.refresh_from_db()
    assert second.status == Status.DRAFT
    shown = shown_messages(response)
    assert "This may be a meeting that is already recorded" in shown and "First record" in shown
    assert "not a duplicate" in shown


def test_the_publish_action_refuses_a_likely_duplicate(as_publisher, twins):
    first, second = twins
    Meeting.objects.filter(pk=second.pk).update(status=Status.IN_REVIEW)
    data = {"action": "publish", "_selected_action": [str(second.pk)]}
    response = as_publisher.post(reverse("admin:events_meeting_changelist"), data, follow=True)
    second.refresh_from_db()
    assert second.status == Status.IN_REVIEW
    assert "already recorded" in shown_messages(response)


def test_a_meeting_with_no_likely_duplicate_moves_with_the_button(as_editor):
    meeting = make_meeting(status=Status.DRAFT, sources=[make_source()])
    as_editor.post(*move_buttons(as_editor, meeting)["Submit for review"])
    meeting.refresh_from_db()
    assert meeting.status == Status.IN_REVIEW
