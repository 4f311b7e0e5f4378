"""Draft → in review → published (→ withdrawn), and who may make each move."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from events.models import Delegation, Meeting, Source, Status

from .factories import make_delegation, make_meeting, make_source
from .forms import form_values

pytestmark = pytest.mark.django_db


def change_url(record) -> str:
    return reverse(f"admin:events_{record._meta.model_name}_change", args=[record.pk])


def run_action(client, model: str, action: str, records, **extra):
    data = {"action": action, "_selected_action": [str(r.pk) for r in records], **extra}
    return client.post(reverse(f"admin:events_{model}_changelist"), data, follow=True)


def action_names(client, model: str = "meeting") -> set[str]:
    html = client.get(reverse(f"admin:events_{model}_changelist")).content.decode()
    select = BeautifulSoup(html, "html.parser").find("select", attrs={"name": "action"})
    return {option["value"] for option in select.find_all("option") if option["value"]}


def status_choices(html: str) -> list[str]:
    select = BeautifulSoup(html, "html.parser").find("select", attrs={"name": "status"})
    return [option["value"] for option in select.find_all("option")]


def page_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_only_published_records_are_public(client):
    shown = make_meeting(status=Status.PUBLISHED)
    hidden = [make_meeting(status=status) for status in (Status.DRAFT, Status.IN_REVIEW, Status.WITHDRAWN)]
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.WITHDRAWN):
        make_delegation(status=status)
    assert list(Meeting.objects.published()) == [shown]
    assert Delegation.objects.published().count() == 0
    assert client.get(shown.get_absolute_url()).status_code == 200
    for meeting in hidden:
        assert client.get(meeting.get_absolute_url()).status_code == 404


def test_the_roles_migration_creates_editor_and_publisher():
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    publisher = set(Group.objects.get(name="Publisher").permissions.values_list("codename", flat=True))
    assert {"add_meeting", "change_meeting", "view_meeting", "add_source", "change_participation"} <= editor
    assert not {"publish_meeting", "withdraw_meeting", "merge_meeting", "publish_delegation"} & editor
    assert editor < publisher
    assert {"publish_meeting", "withdraw_meeting", "merge_meeting", "publish_delegation"} <= publisher


def test_a_meeting_without_a_source_cannot_be_published(publisher):
    meeting = make_meeting(status=Status.IN_REVIEW)
    with pytest.raises(ValidationError, match="without at least one source"):
        meeting.publish(publisher)
    meeting.refresh_from_db()
    assert meeting.status == Status.IN_REVIEW
    assert meeting.published_at is None


def test_publishing_records_when_and_who(publisher):
    meeting = make_meeting(status=Status.IN_REVIEW, sources=[make_source()])
    meeting.publish(publisher)
    meeting.refresh_from_db()
    assert meeting.status == Status.PUBLISHED
    assert meeting.published_by == publisher
    assert meeting.published_at is not None


def test_an_editor_cannot_publish_or_withdraw_by_any_method(editor):
    meeting = make_meeting(status=Status.IN_REVIEW, sources=[make_source()])
    with pytest.raises(PermissionDenied):
        meeting.publish(editor)
    published = make_meeting(status=Status.PUBLISHED, sources=[make_source()])
    with pytest.raises(PermissionDenied):
        published.withdraw(editor)


def test_moves_outside_the_workflow_are_refused(publisher):
    meeting = make_meeting(status=Status.PUBLISHED, sources=[make_source()])
    with pytest.raises(ValidationError, match="cannot become in review"):
        meeting.submit_for_review(publisher)


def test_editor_drafts_and_submits_for_review_but_has_no_publish_action(as_editor, editor):
    draft = make_meeting(status=Status.DRAFT)
    actions = action_names(as_editor)
    assert {"submit_for_review", "return_to_draft"} <= actions
    assert not {"publish", "withdraw", "merge_meetings"} & actions
    response = run_action(as_editor, "meeting", "submit_for_review", [draft])
    assert "1 meeting now in review." in page_messages(response)
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert draft.history.first().history_user == editor


def test_editor_posting_the_publish_action_changes_nothing(as_editor):
    meeting = make_meeting(status=Status.IN_REVIEW, sources=[make_source()])
    run_action(as_editor, "meeting", "publish", [meeting])
    meeting.refresh_from_db()
    assert meeting.status == Status.IN_REVIEW


def test_editor_cannot_publish_through_the_change_form(as_editor):
    meeting = make_meeting(status=Status.IN_REVIEW, sources=[make_source()])
    response = as_editor.get(change_url(meeting))
    assert status_choices(response.content.decode()) == ["draft", "in_review"]
    data = form_values(response.content.decode(), form_id="meeting_form")
    data["status"] = ["published"]
    response = as_editor.post(change_url(meeting), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Status.IN_REVIEW


def test_editor_cannot_change_a_published_meeting(as_editor):
    meeting = make_meeting(status=Status.PUBLISHED, sources=[make_source()])
    response = as_editor.get(change_url(meeting))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("input", attrs={"name": "_save"}) is None  # a read-only view
    assert as_editor.post(change_url(meeting), {"title": "Changed"}).status_code == 403


def test_publisher_publishes_with_the_action_and_a_missing_source_is_explained(as_publisher, publisher):
    ready = make_meeting(status=Status.IN_REVIEW, sources=[make_source()])
    unsourced = make_meeting(status=Status.IN_REVIEW, title="No source yet")
    response = run_action(as_publisher, "meeting", "publish", [ready, unsourced])
    shown = page_messages(response)
    assert "1 meeting now published." in shown
    assert any("No source yet" in m and "without at least one source" in m for m in shown)
    ready.refresh_from_db()
    unsourced.refresh_from_db()
    assert (ready.status, ready.published_by) == (Status.PUBLISHED, publisher)
    assert unsourced.status == Status.IN_REVIEW


def test_publisher_publishing_in_the_change_form_needs_a_source(as_publisher, publisher):
    meeting = make_meeting(status=Status.IN_REVIEW)
    response = as_publisher.get(change_url(meeting))
    assert status_choices(response.content.decode()) == ["draft", "in_review", "published"]
    data = form_values(response.content.decode(), form_id="meeting_form")
    data["status"] = ["published"]
    response = as_publisher.post(change_url(meeting), data)
    assert response.status_code == 200
    assert "cannot be published without at least one source" in response.content.decode()

    data["sources"] = [str(make_source().pk)]
    response = as_publisher.post(change_url(meeting), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.published_by) == (Status.PUBLISHED, publisher)


def test_change_form_buttons_offer_only_the_users_moves(as_editor, client, publisher):
    meeting = make_meeting(status=Status.IN_REVIEW, sources=[make_source()])

    def buttons(c) -> dict[str, tuple[str, dict]]:
        soup = BeautifulSoup(c.get(change_url(meeting)).content, "html.parser")
        return {
            form.button.text.strip(): (
                form["action"],
                {i["name"]: i["value"] for i in form.find_all("input")},
            )
            for form in soup.select(".object-tools form")
        }

    assert set(buttons(as_editor)) == {"Return to draft"}
    client.force_login(publisher)
    moves = buttons(client)
    assert set(moves) == {"Return to draft", "Publish"}
    response = client.post(*moves["Publish"])
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.PUBLISHED
    assert set(buttons(client)) == {"Withdraw"}
    assert client.get(moves["Publish"][0]).status_code == 405


def test_editor_posting_a_publish_button_url_changes_nothing(as_editor):
    meeting = make_meeting(status=Status.IN_REVIEW, sources=[make_source()])
    url = reverse("admin:events_meeting_move", args=[meeting.pk, "published"])
    as_editor.post(url)
    meeting.refresh_from_db()
    assert meeting.status == Status.IN_REVIEW


def test_publisher_withdraws_and_the_record_is_kept_but_hidden(as_publisher):
    meeting = make_meeting(status=Status.PUBLISHED, sources=[make_source()])
    run_action(as_publisher, "meeting", "withdraw", [meeting])
    meeting.refresh_from_db()
    assert meeting.status == Status.WITHDRAWN
    assert not Meeting.objects.published().exists()


def test_editors_delete_drafts_only_and_nobody_deletes_a_published_meeting(as_editor, client, publisher):
    draft = make_meeting(status=Status.DRAFT)
    in_review = make_meeting(status=Status.IN_REVIEW)
    published = make_meeting(status=Status.PUBLISHED, sources=[make_source()])

    def delete_url(m):
        return reverse("admin:events_meeting_delete", args=[m.pk])

    assert as_editor.get(delete_url(in_review)).status_code == 403
    assert as_editor.post(delete_url(draft), {"post": "yes"}).status_code == 302
    assert not Meeting.objects.filter(pk=draft.pk).exists()
    assert Meeting.history.filter(id=draft.pk, history_type="-").exists()  # kept in the history

    client.force_login(publisher)
    assert client.get(delete_url(published)).status_code == 403
    response = run_action(client, "meeting", "delete_selected", [published, in_review], post="yes")
    assert "withdraw it first" in response.content.decode()
    assert Meeting.objects.filter(pk__in=[published.pk, in_review.pk]).count() == 2


def test_nobody_deletes_a_source_that_a_published_meeting_cites(as_editor, publisher):
    cited = make_source()
    make_meeting(status=Status.PUBLISHED, sources=[cited])
    delete_url = reverse("admin:events_source_delete", args=[cited.pk])

    # The delete page names the meeting that stands in the way, and confirming deletes nothing.
    page = as_editor.get(delete_url)
    assert "Cannot delete source" in BeautifulSoup(page.content, "html.parser").get_text()
    as_editor.post(delete_url, {"post": "yes"})
    client = Client()
    client.force_login(publisher)
    client.post(delete_url, {"post": "yes"})
    response = run_action(client, "source", "delete_selected", [cited], post="yes")
    assert "Cannot delete source" in response.content.decode()
    assert Source.objects.filter(pk=cited.pk).exists()
    # The model refuses too, whatever calls it.
    with pytest.raises(ProtectedError), transaction.atomic():
        cited.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Source.objects.filter(pk=cited.pk).delete()
    # A source that no record cites may go.
    uncited = make_source()
    uncited_url = reverse("admin:events_source_delete", args=[uncited.pk])
    assert as_editor.post(uncited_url, {"post": "yes"}).status_code == 302
    assert not Source.objects.filter(pk=uncited.pk).exists()


def test_delegations_follow_the_same_workflow(as_publisher, publisher):
    trip = make_delegation(status=Status.IN_REVIEW)
    response = run_action(as_publisher, "delegation", "publish", [trip])
    assert any("without at least one source" in m for m in page_messages(response))
    trip.sources.add(make_source())
    run_action(as_publisher, "delegation", "publish", [trip])
    trip.refresh_from_db()
    assert (trip.status, trip.published_by) == (Status.PUBLISHED, publisher)
