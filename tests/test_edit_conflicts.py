"""Two people editing one record: a save against an older version is refused, says why, loses nothing."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.contrib.messages import get_messages
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from events.admin.conflicts import READ_VERSION, field_data, latest_version
from events.models import Delegation, Meeting, Organisation, Participation, Person, Source, Status, Topic

from .factories import (
    make_delegation,
    make_meeting,
    make_organisation,
    make_person,
    make_source,
    make_topic,
)
from .forms import form_values

pytestmark = pytest.mark.django_db


def change_url(record) -> str:
    return reverse(f"admin:events_{record._meta.model_name}_change", args=[record.pk])


def open_form(client, record) -> dict[str, list[str]]:
    """What the change form would send if saved now, as the browser holds it."""
    response = client.get(change_url(record))
    assert response.status_code == 200
    return form_values(response.content.decode(), form_id=f"{record._meta.model_name}_form")


def save(client, record, data, **changes):
    data = {**data, **{name: [value] for name, value in changes.items()}}
    return client.post(change_url(record), data)


def resave(client, record, refused):
    """Save again the form a refusal gave back, as it stands."""
    return client.post(
        change_url(record), form_values(refused.content.decode(), f"{record._meta.model_name}_form")
    )


def buttons(client, record) -> dict[str, tuple[str, dict]]:
    soup = BeautifulSoup(client.get(change_url(record)).content, "html.parser")
    return {
        form.button.text.strip(): (form["action"], {i["name"]: i["value"] for i in form.find_all("input")})
        for form in soup.select(".object-tools form")
    }


def conflict_rows(response) -> dict[str, list[str]]:
    """The "changed since you opened this form" table: field → [then, now, by, yours]."""
    table = BeautifulSoup(response.content, "html.parser").select_one("#edit-conflict table")
    rows = {}
    for row in table.select("tbody tr") if table else []:
        cells = [" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"])]
        rows[cells[0]] = cells[1:]
    return rows


def errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(li.get_text().split()) for li in soup.select(".errorlist li")]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def publisher_b(django_user_model):
    from .conftest import staff_in_group

    return staff_in_group(django_user_model, "bea-publisher", "Publisher")


@pytest.fixture
def editor_b(django_user_model):
    from .conftest import staff_in_group

    return staff_in_group(django_user_model, "ben-editor", "Editor")


def published_meeting(**overrides) -> Meeting:
    return make_meeting(title="ANAMA meets TMAC", sources=[make_source()], **overrides)


# --- The version every form carries ----------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_meeting(status=Status.DRAFT),
        lambda: make_delegation(status=Status.DRAFT),
        make_organisation,
        make_person,
        make_source,
        make_topic,
    ],
    ids=["meeting", "delegation", "organisation", "person", "source", "topic"],
)
def test_every_change_form_carries_the_version_it_was_read_at(as_publisher, make):
    record = make()
    data = open_form(as_publisher, record)
    assert data[READ_VERSION] == [str(record.history.latest().history_id)]
    assert data[READ_VERSION] == [str(latest_version(type(record), record.pk))]


# --- The scenario that re-published a withdrawn meeting ------------------------------------


def test_a_typo_fix_read_before_a_withdrawal_does_not_publish_again(publisher, publisher_b):
    meeting = published_meeting()
    published_at = meeting.published_at
    a, b = logged_in(publisher), logged_in(publisher_b)
    b_form = open_form(b, meeting)  # B opens the published meeting
    a.post(*buttons(a, meeting)["Withdraw"])  # A withdraws it
    assert Meeting.objects.get().status == Status.WITHDRAWN

    response = save(b, meeting, b_form, title="ANAMA meets TMAC in Bangkok")  # B saves a typo fix
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert (meeting.status, meeting.title, meeting.published_at) == (
        Status.WITHDRAWN,
        "ANAMA meets TMAC",
        published_at,
    )
    assert errors(response)[0].startswith("Not saved: pat-publisher saved this meeting since you opened it")
    status_row = conflict_rows(response)["Status"]
    assert status_row[:2] == ["Published", "Withdrawn"]
    assert status_row[2].startswith("pat-publisher, ")
    assert status_row[3] == "unchanged by you: the form shows the new value"
    # The form keeps B's fix and now shows the withdrawal; saving again applies the fix only.
    again = form_values(response.content.decode(), form_id="meeting_form")
    assert (again["title"], again["status"]) == (["ANAMA meets TMAC in Bangkok"], ["withdrawn"])
    assert again[READ_VERSION] == [str(latest_version(Meeting, meeting.pk))]
    assert b.post(change_url(meeting), again).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.title, meeting.published_at) == (
        Status.WITHDRAWN,
        "ANAMA meets TMAC in Bangkok",
        published_at,
    )


def test_a_stale_save_never_moves_a_meeting_back_to_draft(editor, editor_b):
    meeting = make_meeting(status=Status.DRAFT, summary="First summary.")
    a, b = logged_in(editor), logged_in(editor_b)
    b_form = open_form(b, meeting)
    a.post(*buttons(a, meeting)["Submit for review"])
    response = save(b, meeting, b_form, summary="A better summary.")
    assert response.status_code == 200
    assert Meeting.objects.get().status == Status.IN_REVIEW
    again = form_values(response.content.decode(), form_id="meeting_form")
    assert again["status"] == ["in_review"]
    assert b.post(change_url(meeting), again).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.summary) == (Status.IN_REVIEW, "A better summary.")


def test_a_stale_workflow_button_is_refused(publisher, publisher_b):
    meeting = make_meeting(status=Status.IN_REVIEW, sources=[make_source()])
    a, b = logged_in(publisher), logged_in(publisher_b)
    b_buttons = buttons(b, meeting)  # B's page offers "Return to draft"
    a.post(*buttons(a, meeting)["Publish"])
    response = b.post(*b_buttons["Return to draft"])
    assert response.status_code == 302
    assert Meeting.objects.get().status == Status.PUBLISHED
    [message] = messages_of(response)
    assert message.startswith("Nothing was done: pat-publisher saved this meeting since you opened it")
    assert "changed: status, published at, published by" in message


def test_an_editor_who_may_no_longer_change_it_gets_their_text_back(editor, publisher):
    meeting = make_meeting(status=Status.IN_REVIEW, sources=[make_source()], summary="Old.")
    e, p = logged_in(editor), logged_in(publisher)
    e_form = open_form(e, meeting)
    p.post(*buttons(p, meeting)["Publish"])
    response = save(e, meeting, e_form, summary="Talks on joint training in Bangkok.")
    assert (response.status_code, response["Location"]) == (302, change_url(meeting))
    [message] = messages_of(response)
    assert "pat-publisher saved this meeting since you opened it" in message
    assert "What you had typed: Summary: “Talks on joint training in Bangkok.”" in message
    meeting.refresh_from_db()
    assert (meeting.status, meeting.summary) == (Status.PUBLISHED, "Old.")


# --- Nothing lost: their changes and yours ---------------------------------------------------


def test_changes_to_different_fields_both_survive(editor, editor_b):
    meeting = make_meeting(status=Status.DRAFT, venue="TMAC headquarters", summary="Old.")
    a, b = logged_in(editor), logged_in(editor_b)
    a_form, b_form = open_form(a, meeting), open_form(b, meeting)
    assert save(a, meeting, a_form, venue="Pattaya training centre").status_code == 302
    response = save(b, meeting, b_form, summary="New.")
    assert response.status_code == 200
    [(label, (then, now, by, yours))] = conflict_rows(response).items()
    assert (label, then, now, yours) == (
        "Venue",
        "TMAC headquarters",
        "Pattaya training centre",
        "unchanged by you: the form shows the new value",
    )
    assert by.startswith("eve-editor, ")
    assert (
        b.post(change_url(meeting), form_values(response.content.decode(), "meeting_form")).status_code == 302
    )
    meeting.refresh_from_db()
    assert (meeting.venue, meeting.summary) == ("Pattaya training centre", "New.")


def test_when_both_change_a_field_yours_is_kept_and_flagged(editor, editor_b):
    meeting = make_meeting(status=Status.DRAFT, title="Talks")
    a, b = logged_in(editor), logged_in(editor_b)
    a_form, b_form = open_form(a, meeting), open_form(b, meeting)
    save(a, meeting, a_form, title="Talks in Bangkok")
    response = save(b, meeting, b_form, title="Talks on training")
    then, now, by, yours = conflict_rows(response)["Title"]
    assert (then, now, yours) == (
        "Talks",
        "Talks in Bangkok",
        "Talks on training (kept in the form: check it)",
    )
    assert "You and they both changed title" in errors(response)[0]
    assert form_values(response.content.decode(), "meeting_form")["title"] == ["Talks on training"]
    assert Meeting.objects.get().title == "Talks in Bangkok"


def test_related_choices_and_inline_rows_changed_meanwhile_are_kept(editor, editor_b):
    first, second = make_topic(name="Survey"), make_topic(name="Clearance")
    meeting = make_meeting(status=Status.DRAFT, topics=[first], participants=["V. Suleymanov"])
    a, b = logged_in(editor), logged_in(editor_b)
    a_form, b_form = open_form(a, meeting), open_form(b, meeting)
    a_form["topics"] = [str(first.pk), str(second.pk)]
    a_form["participations-0-title_as_stated"] = ["Chairman"]
    assert a.post(change_url(meeting), a_form).status_code == 302

    response = save(b, meeting, b_form, venue="TMAC headquarters")
    assert response.status_code == 200
    assert conflict_rows(response)["Topics"][:2] == ["Survey", "Clearance, Survey"]
    assert "changed participant" in " ".join(
        BeautifulSoup(response.content, "html.parser").select_one("#edit-conflict").get_text(" ").split()
    )
    assert (
        b.post(change_url(meeting), form_values(response.content.decode(), "meeting_form")).status_code == 302
    )
    meeting.refresh_from_db()
    assert meeting.venue == "TMAC headquarters"
    assert set(meeting.topics.all()) == {first, second}
    assert Participation.objects.get().title_as_stated == "Chairman"


def test_a_form_that_does_not_say_its_version_is_refused(as_editor):
    meeting = make_meeting(status=Status.DRAFT, title="Talks")
    data = open_form(as_editor, meeting)
    del data[READ_VERSION]
    response = save(as_editor, meeting, data, title="Changed")
    assert response.status_code == 200
    assert "does not say which version of the meeting it shows" in errors(response)[0]
    assert Meeting.objects.get().title == "Talks"


def test_saving_an_unchanged_form_twice_is_refused_the_second_time(as_editor):
    meeting = make_meeting(status=Status.DRAFT, title="Talks")
    data = open_form(as_editor, meeting)
    assert save(as_editor, meeting, data, title="Talks in Bangkok").status_code == 302
    # The same page submitted again (the back button, a second tab): its version is gone.
    response = save(as_editor, meeting, data, title="Talks in Pattaya")
    assert response.status_code == 200
    assert Meeting.objects.get().title == "Talks in Bangkok"


@pytest.mark.parametrize(
    ("make", "theirs", "yours"),
    [
        (lambda: make_delegation(status=Status.DRAFT), {"purpose": "Training."}, {"title": "A trip"}),
        (make_organisation, {"website": "https://tmac.example.org"}, {"acronym": "TMAC"}),
        (make_person, {"honorific": "Dr"}, {"name": "Vugar Suleymanov"}),
        (make_source, {"author": "F. Latifova"}, {"title": "A report"}),
        (make_topic, {"description": "Land release."}, {"keywords": "survey\nclearance"}),
    ],
    ids=["delegation", "organisation", "person", "source", "topic"],
)
def test_every_record_is_checked_the_same_way(publisher, publisher_b, make, theirs, yours):
    record = make()
    model = type(record)
    a, b = logged_in(publisher), logged_in(publisher_b)
    a_form, b_form = open_form(a, record), open_form(b, record)
    assert save(a, record, a_form, **theirs).status_code == 302
    response = save(b, record, b_form, **yours)
    assert response.status_code == 200, response
    assert errors(response)[0].startswith("Not saved: pat-publisher saved this")
    again = form_values(response.content.decode(), form_id=f"{model._meta.model_name}_form")
    assert b.post(change_url(record), again).status_code == 302
    record = model.objects.get(pk=record.pk)
    for name, value in {**theirs, **yours}.items():
        assert getattr(record, name) == value


# --- The form data written for a value --------------------------------------------------------


@pytest.mark.parametrize("model", [Meeting, Delegation, Organisation, Person, Source, Topic])
def test_field_data_is_what_a_browser_would_send(model, superuser_request):
    model_admin = admin.site.get_model_admin(model)
    topic, source = make_topic(), make_source()
    records = {
        Meeting: lambda: make_meeting(
            topics=[topic], sources=[source], end_date=datetime.date(2024, 8, 23), city="Bangkok"
        ),
        Delegation: lambda: make_delegation(destination_countries=["TH", "KH"], head=make_person()),
        Organisation: lambda: make_organisation(parent=make_organisation(), website="https://x.example.org"),
        Person: make_person,
        Source: lambda: make_source(accessed_on=datetime.date(2024, 9, 1)),
        Topic: lambda: make_topic(parent=topic, keywords="one\ntwo"),
    }
    record = records[model]()
    form_class = model_admin.get_form(superuser_request, record, change=True)
    shown = form_class(instance=record)
    data = {}
    for name in shown.fields:
        data.update(field_data(shown, name, shown[name].initial))
    bound = form_class(MultiValueDict(data), instance=record)
    for name in shown.fields:
        assert not bound[name].field.has_changed(shown[name].initial, bound[name].data), name


@pytest.fixture
def superuser_request(django_user_model):
    request = RequestFactory().get("/")
    request.user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    return request
