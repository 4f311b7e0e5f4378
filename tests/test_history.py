"""Every change is kept: who changed what and when, any version restored, deletions traced."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Meeting, Organisation, Participation, Status, Topic

from .factories import make_meeting, make_organisation, make_source
from .forms import form_values

pytestmark = pytest.mark.django_db


def change_url(record) -> str:
    return reverse(f"admin:events_{record._meta.model_name}_change", args=[record.pk])


def history_url(record) -> str:
    return reverse(f"admin:events_{record._meta.model_name}_history", args=[record.pk])


def revert_url(record, version) -> str:
    name = f"admin:events_{record._meta.model_name}_simple_history"
    return reverse(name, args=[record.pk, version.history_id])


def save_change_form(client, record, **changes):
    response = client.get(change_url(record))
    data = form_values(response.content.decode(), form_id=f"{record._meta.model_name}_form")
    data.update(changes)
    response = client.post(change_url(record), data)
    assert response.status_code == 302, BeautifulSoup(response.content, "html.parser").select(".errorlist")
    return response


@pytest.fixture
def meeting(as_editor):
    """A draft with a topic, a source, an organisation and a participant, saved once through the admin."""
    original = make_meeting(
        title="Original title",
        status=Status.DRAFT,
        topics=[Topic.objects.get(slug="training")],
        sources=[make_source()],
        organisations=[make_organisation(acronym="TMAC")],
        participants=[{"name_as_written": "Rotna But", "title_as_stated": "Executive Director"}],
    )
    save_change_form(as_editor, original)  # the editor's first version
    return original


def test_each_admin_save_is_one_version_with_its_author(as_editor, editor, meeting):
    before = meeting.history.count()
    save_change_form(as_editor, meeting, title=["Changed title"])
    assert meeting.history.count() == before + 1
    latest = meeting.history.first()
    assert (latest.title, latest.history_user, latest.history_type) == ("Changed title", editor, "~")


def test_history_page_shows_who_changed_what(as_editor, meeting):
    save_change_form(as_editor, meeting, title=["Changed title"])
    page = as_editor.get(history_url(meeting)).content.decode()
    text = BeautifulSoup(page, "html.parser").get_text(" ")
    assert "eve-editor" in text
    assert "Original title" in text and "Changed title" in text  # the change, from and to


def test_restoring_a_version_brings_back_fields_relations_and_rows(as_editor, meeting):
    version = meeting.history.first()  # the editor's first version
    form = form_values(as_editor.get(change_url(meeting)).content.decode(), form_id="meeting_form")
    form.update(
        {
            "title": ["Wrong title"],
            "topics": [str(Topic.objects.get(slug="land-release").pk)],
            "participations-0-DELETE": ["on"],
            "participations-1-name_as_written": ["Someone Else"],
        }
    )
    response = as_editor.post(change_url(meeting), form)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Wrong title"
    assert list(meeting.participations.values_list("name_as_written", flat=True)) == ["Someone Else"]

    # The history page links each version to its restore form.
    page = BeautifulSoup(as_editor.get(history_url(meeting)).content, "html.parser")
    assert revert_url(meeting, version) in {a["href"] for a in page.find_all("a", href=True)}
    restore_form = as_editor.get(revert_url(meeting, version)).content.decode()
    values = form_values(restore_form, form_id="historicalmeeting_form")
    assert values["title"] == ["Original title"]
    assert values["topics"] == [str(Topic.objects.get(slug="training").pk)]
    response = as_editor.post(revert_url(meeting, version), values)
    assert response.status_code == 302

    meeting.refresh_from_db()
    assert meeting.title == "Original title"
    assert list(meeting.topics.values_list("slug", flat=True)) == ["training"]
    assert list(meeting.participations.values_list("name_as_written", "title_as_stated")) == [
        ("Rotna But", "Executive Director")
    ]
    assert meeting.status == Status.DRAFT
    assert meeting.history.first().history_change_reason.startswith("Restored the version of")
    # Restoring is itself a change in the history: nothing is lost.
    assert Participation.history.filter(name_as_written="Someone Else", history_type="-").exists()


def test_restoring_keeps_the_workflow_status(as_publisher, publisher):
    meeting = make_meeting(title="First", status=Status.DRAFT, sources=[make_source()])
    save_change_form(as_publisher, meeting)
    draft_version = meeting.history.first()
    meeting.publish(publisher)
    restore_form = as_publisher.get(revert_url(meeting, draft_version)).content.decode()
    restore = form_values(restore_form, "historicalmeeting_form")
    assert "status" not in restore
    assert as_publisher.post(revert_url(meeting, draft_version), restore).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.published_by) == (Status.PUBLISHED, publisher)


def test_someone_who_may_not_change_the_record_cannot_restore_it(as_editor):
    meeting = make_meeting(title="Published", status=Status.PUBLISHED, sources=[make_source()])
    meeting.title = "Published, edited"
    meeting.save()
    first = meeting.history.last()
    values = form_values(as_editor.get(revert_url(meeting, first)).content.decode(), "historicalmeeting_form")
    assert as_editor.post(revert_url(meeting, first), values).status_code == 403
    meeting.refresh_from_db()
    assert meeting.title == "Published, edited"


def test_a_deleted_organisations_history_is_kept_and_it_can_be_restored(as_publisher, publisher):
    organisation = make_organisation(name="Short-lived Office", acronym="SLO")
    pk = organisation.pk
    response = as_publisher.post(reverse("admin:events_organisation_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=pk).exists()

    history = Organisation.history.filter(id=pk)
    assert [record.history_type for record in history] == ["-", "+"]
    assert history.first().history_user == publisher
    # Its history page still opens, and an earlier version brings it back.
    page = as_publisher.get(history_url(Organisation(pk=pk)))
    assert page.status_code == 200
    created = history.last()
    restore_form = as_publisher.get(revert_url(Organisation(pk=pk), created)).content.decode()
    values = form_values(restore_form, "historicalorganisation_form")
    assert as_publisher.post(revert_url(Organisation(pk=pk), created), values).status_code == 302
    assert Organisation.objects.get(pk=pk).name == "Short-lived Office"


def test_editors_deleting_a_draft_keeps_its_rows_in_the_history(as_editor, meeting):
    participation = meeting.participations.get()
    response = as_editor.post(reverse("admin:events_meeting_delete", args=[meeting.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert Meeting.history.filter(id=meeting.pk, history_type="-").exists()
    assert Participation.history.filter(id=participation.pk, history_type="-").exists()


def test_history_page_lists_changes_to_rows(as_editor, meeting):
    form = form_values(as_editor.get(change_url(meeting)).content.decode(), form_id="meeting_form")
    form["participations-0-DELETE"] = ["on"]
    assert as_editor.post(change_url(meeting), form).status_code == 302
    page = as_editor.get(history_url(meeting))
    rows = BeautifulSoup(page.content, "html.parser").select("#row-changes tbody tr")
    described = [" ".join(row.get_text(" ").split()) for row in rows]
    assert any("eve-editor deleted participation Rotna But" in text for text in described)
    assert any("added organisation in the meeting TMAC" in text for text in described)


def test_history_page_queries_do_not_grow_with_versions(as_editor, meeting, django_assert_num_queries):
    with CaptureQueriesContext(connection) as few_versions:
        assert as_editor.get(history_url(meeting)).status_code == 200
    expected = len(few_versions)  # count now: each request clears the query log
    for number, topic in enumerate(Topic.objects.all()[:4]):
        save_change_form(as_editor, meeting, title=[f"Title {number}"], topics=[str(topic.pk)])
    with django_assert_num_queries(expected):
        page = as_editor.get(history_url(meeting))
    text = " ".join(BeautifulSoup(page.content, "html.parser").get_text(" ").split())
    assert "Title: Title 2 → Title 3" in text
    assert "Topics: [" in text
