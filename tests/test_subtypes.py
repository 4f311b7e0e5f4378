"""Meeting subtypes: a small list under each kind, kept to its kind by the form and the database."""

import csv
import io

import pytest
import tablib
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Meeting, MeetingSubtype

from .factories import make_meeting
from .forms import form_values
from .pages import meeting_titles, soup
from .test_feeds import entries, read_atom

pytestmark = pytest.mark.django_db


def subtype(slug: str) -> MeetingSubtype:
    return MeetingSubtype.objects.get(slug=slug)


def test_the_migration_seeds_subtypes_under_their_kinds():
    assert subtype("courtesy-call").kind == "bilateral"
    assert subtype("triangular-training").kind == "training"
    assert subtype("commemorative-conference").kind == "conference"
    assert str(subtype("working-visit")) == "Working visit (bilateral meeting)"


def test_a_subtype_of_another_kind_is_a_form_error():
    meeting = make_meeting(kind="training", subtype=subtype("triangular-training"))
    meeting.full_clean()
    meeting.subtype = subtype("courtesy-call")
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "subtype" in error.value.message_dict


def test_the_database_refuses_a_subtype_of_another_kind():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(kind="conference", subtype=subtype("courtesy-call"))
    meeting = make_meeting(kind="bilateral", subtype=subtype("courtesy-call"))
    with pytest.raises(IntegrityError), transaction.atomic():
        type(meeting).objects.filter(pk=meeting.pk).update(kind="training")
    # Nor may a subtype in use move to another kind, leaving its meetings behind.
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingSubtype.objects.filter(slug="courtesy-call").update(kind="training")


def test_the_admin_form_says_so_beside_the_field(editor_client):
    response = editor_client.post(
        reverse("admin:events_meeting_add"),
        {"title": "Call", "slug": "call", "kind": "training", "subtype": subtype("courtesy-call").pk},
    )
    assert response.status_code == 200
    assert "subtype" in response.context["adminform"].form.errors


def test_pages_api_and_csv_show_the_subtype_and_the_timeline_filters_by_it(client):
    make_meeting(title="Call on the minister", kind="bilateral", subtype=subtype("courtesy-call"))
    make_meeting(title="Plain talks", kind="bilateral")
    page = client.get("/?subtype=courtesy-call")
    assert meeting_titles(page) == ["Call on the minister"]
    assert "Bilateral meeting · Courtesy call" in soup(page).get_text()
    detail = client.get("/api/meetings/?subtype=courtesy-call").json()["results"]
    assert [(m["subtype"], m["subtype_label"]) for m in detail] == [("courtesy-call", "Courtesy call")]
    plain = client.get("/api/meetings/").json()["results"]
    assert {m["title"]: m["subtype"] for m in plain}["Plain talks"] is None
    rows = csv.DictReader(
        io.StringIO(b"".join(client.get("/export/meetings.csv").streaming_content).decode())
    )
    assert {row["title"]: row["subtype"] for row in rows} == {
        "Call on the minister": "courtesy-call",
        "Plain talks": "",
    }
    unknown = client.get("/?subtype=no-such")
    assert "There is no subtype “no-such”" in unknown.content.decode()


def test_timeline_queries_do_not_grow_with_subtyped_meetings(client, django_assert_num_queries):
    make_meeting(kind="bilateral", subtype=subtype("courtesy-call"))
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for _ in range(5):
        make_meeting(kind="training", subtype=subtype("triangular-training"))
    cache.clear()
    with django_assert_num_queries(len(few)):
        client.get("/")


def test_a_search_for_a_subtype_finds_its_meetings(client):
    make_meeting(title="Minister received the delegation", kind="bilateral", subtype=subtype("courtesy-call"))
    make_meeting(title="Talks on demining", kind="bilateral")
    assert meeting_titles(client.get("/?q=courtesy+call")) == ["Minister received the delegation"]


def test_the_atom_feed_files_an_entry_under_its_subtype(client):
    make_meeting(title="Call", kind="bilateral", subtype=subtype("courtesy-call"))
    (entry,) = entries(read_atom(client.get("/feeds/meetings.atom")))
    assert entry["categories"][:2] == ["Bilateral meeting", "Courtesy call"]


def test_the_atom_feed_reads_subtypes_without_a_query_per_entry(client, django_assert_num_queries):
    make_meeting(kind="bilateral", subtype=subtype("courtesy-call"))
    with CaptureQueriesContext(connection) as few:
        client.get("/feeds/meetings.atom")
    for _ in range(4):
        make_meeting(kind="training", subtype=subtype("triangular-training"))
    cache.clear()
    with django_assert_num_queries(len(few)):
        client.get("/feeds/meetings.atom")


def test_the_csv_import_reads_a_subtype_by_slug_or_label_and_keeps_it_to_its_kind():
    from events.admin.imports import MeetingResource

    header = "title,kind,subtype,start_date,date_precision"
    rows = [
        "Courtesy call on the minister,bilateral,courtesy-call,2024-05-01,day",
        "Trilateral course,training,Triangular training,2024-06-01,day",
        "Plain talks,bilateral,,2024-07-01,day",
    ]
    dataset = tablib.Dataset().load("\n".join([header, *rows]), format="csv")
    result = MeetingResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    found = {m.title: (m.subtype.slug if m.subtype else None) for m in Meeting.objects.all()}
    assert found == {
        "Courtesy call on the minister": "courtesy-call",
        "Trilateral course": "triangular-training",
        "Plain talks": None,
    }
    assert "Courtesy call" in Meeting.objects.get(title="Courtesy call on the minister").search_document

    bad = tablib.Dataset().load(
        "\n".join(
            [
                header,
                "Wrong,conference,courtesy-call,2024-05-01,day",
                "Unknown,bilateral,no-such,2024-05-01,day",
            ]
        ),
        format="csv",
    )
    result = MeetingResource().import_data(bad, dry_run=True)
    messages = " ".join(" ".join(error.messages) for row in result.invalid_rows for error in [row.error])
    assert "subtype" in messages.lower() and "no-such" in messages


def test_renaming_a_subtype_renames_it_in_its_meetings_search(client, django_user_model):
    make_meeting(title="Call", kind="bilateral", subtype=subtype("courtesy-call"))
    client.force_login(
        django_user_model.objects.create_superuser("root", "r@example.org", "a-long-pass-word")
    )
    url = reverse("admin:events_meetingsubtype_change", args=[subtype("courtesy-call").pk])
    values = form_values(client.get(url).content.decode(), "meetingsubtype_form")
    values["label"] = ["Protocol call"]
    response = client.post(url, values)
    assert response.status_code == 302
    assert meeting_titles(client.get("/?q=protocol")) == ["Call"]
