"""Outcomes as commitments: their status and its dated history, and the /commitments/ list."""

import csv
import datetime
import io
import re
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from hypothesis import given

from events.models import Outcome, OutcomeStatus, OutcomeStatusChange, Status
from events.versions import data_version

from .factories import make_meeting, make_organisation, make_outcome, make_source, make_topic
from .forms import form_values
from .hostile import HOSTILE, assert_never_500, hostile_query_strings
from .pages import facet_links, soup
from .test_feeds import read_ics

pytestmark = pytest.mark.django_db

DAY = datetime.date


# --- The status and its history ----------------------------------------------------------


def test_an_outcome_without_changes_stands_where_the_meeting_left_it():
    outcome = make_outcome(status_at_meeting=OutcomeStatus.PROPOSED)
    assert outcome.status == OutcomeStatus.PROPOSED


def test_the_status_is_the_latest_dated_change_whatever_order_they_were_entered_in():
    outcome = make_outcome(
        changes=[
            {"status": OutcomeStatus.DONE, "date": DAY(2025, 3, 1)},
            {"status": OutcomeStatus.UNDER_WAY, "date": DAY(2024, 11, 1)},
        ]
    )
    assert outcome.status == OutcomeStatus.DONE
    assert [change.status for change in outcome.status_changes.all()] == ["under_way", "done"]


def test_deleting_the_latest_change_brings_the_status_back():
    outcome = make_outcome(
        status_at_meeting=OutcomeStatus.AGREED,
        changes=[{"status": OutcomeStatus.LAPSED, "date": DAY(2025, 1, 1)}],
    )
    outcome.status_changes.get().delete()
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.AGREED


def test_editing_the_status_when_promised_does_not_hide_a_later_change():
    outcome = make_outcome(changes=[{"status": OutcomeStatus.DONE, "date": DAY(2025, 1, 1)}])
    outcome.status_at_meeting = OutcomeStatus.PROPOSED
    outcome.save()
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.DONE


def test_a_partial_save_still_writes_the_status():
    outcome = make_outcome()
    OutcomeStatusChange.objects.bulk_create(
        [OutcomeStatusChange(outcome=outcome, status=OutcomeStatus.DONE, date=DAY(2025, 1, 1))]
    )
    outcome.save(update_fields=["updated_at"])
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.DONE


def test_an_outcome_words_its_date_as_meetings_do():
    outcome = make_outcome(date=DAY(2025, 2, 1), date_precision="month", country="PL")
    assert outcome.date_display == "February 2025"
    assert outcome.place_display == "Poland"
    assert make_outcome().date_display == ""


def test_done_by_is_the_change_that_shows_it_done_and_a_draft_meeting_is_never_linked():
    later = make_meeting(status=Status.DRAFT)
    source = make_source()
    outcome = make_outcome(
        changes=[
            {"status": OutcomeStatus.UNDER_WAY, "date": DAY(2024, 10, 1), "source": source},
            {"status": OutcomeStatus.DONE, "date": DAY(2025, 1, 1), "meeting": later},
        ]
    )
    done = outcome.done_by
    assert done is not None and done.meeting == later
    assert done.public_meeting is None
    later.status = Status.PUBLISHED
    later.save()
    assert Outcome.objects.get(pk=outcome.pk).done_by.public_meeting == later


def test_a_status_change_keeps_its_history():
    outcome = make_outcome(changes=[{"status": OutcomeStatus.DONE, "date": DAY(2025, 1, 1)}])
    change = outcome.status_changes.get()
    change.note = "Held in Warsaw."
    change.save()
    assert change.history.count() == 2


# --- The /commitments/ page ------------------------------------------------------------------


def test_the_page_lists_published_meetings_outcomes_with_what_followed(client):
    later = make_meeting(title="Follow-up training in Poland", start_date=DAY(2025, 2, 10))
    outcome = make_outcome(
        make_meeting(title="Talks in Bangkok"),
        text="TMAC invited to train in Poland.",
        date=DAY(2025, 2, 1),
        date_precision="month",
        country="PL",
        changes=[{"status": OutcomeStatus.DONE, "date": DAY(2025, 2, 10), "meeting": later}],
    )
    make_outcome(make_meeting(status=Status.DRAFT), text="A draft's promise.")
    response = client.get("/commitments/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "TMAC invited to train in Poland." in html
    assert "A draft&#x27;s promise." not in html and "A draft's promise." not in html
    assert f'id="outcome-{outcome.pk}"' in html
    assert outcome.meeting.get_absolute_url() in html
    assert later.get_absolute_url() in html
    assert "February 2025" in html and "Poland" in html


def commitments_of(client, query: str = "", path: str = "/commitments/"):
    response = client.get(f"{path}?{query}" if query else path)
    assert response.status_code == 200
    return response


def listed(response) -> list[int]:
    """The outcomes a page lists, by primary key, from the rows' anchors (read as data)."""
    return [
        int(anchor)
        for anchor in re.findall(r'<li class="outcome" id="outcome-(\d+)"', response.content.decode())
    ]


@pytest.fixture
def promises():
    """Four outcomes: by status, kind and the place and kind of the meeting that made them."""
    in_thailand = make_meeting(country="TH", kind="bilateral", start_date=DAY(2024, 8, 22))
    in_azerbaijan = make_meeting(country="AZ", kind="conference", start_date=DAY(2023, 5, 25))
    return {
        "invitation": make_outcome(in_thailand, status_at_meeting=OutcomeStatus.PROPOSED),
        "training": make_outcome(
            in_thailand,
            kind=Outcome.Kind.JOINT_TRAINING,
            changes=[{"status": OutcomeStatus.DONE, "date": DAY(2025, 2, 1)}],
        ),
        "agreement": make_outcome(in_azerbaijan, kind=Outcome.Kind.AGREEMENT),
        "lapsed": make_outcome(
            in_azerbaijan,
            kind=Outcome.Kind.OTHER,
            changes=[{"status": OutcomeStatus.LAPSED, "date": DAY(2024, 1, 1)}],
        ),
    }


def test_status_and_kind_filter_the_outcomes(client, promises):
    assert listed(commitments_of(client, "status=done")) == [promises["training"].pk]
    assert set(listed(commitments_of(client, "status=done&status=proposed"))) == {
        promises["training"].pk,
        promises["invitation"].pk,
    }
    assert listed(commitments_of(client, "outcome=agreement")) == [promises["agreement"].pk]


def test_the_timelines_filters_pick_the_meetings_that_made_the_promises(client, promises):
    assert set(listed(commitments_of(client, "country=AZ"))) == {
        promises["agreement"].pk,
        promises["lapsed"].pk,
    }
    assert set(listed(commitments_of(client, "kind=bilateral&status=done"))) == {promises["training"].pk}
    assert set(listed(commitments_of(client, "year=2023"))) == {
        promises["agreement"].pk,
        promises["lapsed"].pk,
    }


def test_the_order_follows_the_meetings_dates(client, promises):
    newest = listed(commitments_of(client))
    assert newest[:2] == [promises["invitation"].pk, promises["training"].pk]
    assert listed(commitments_of(client, "sort=oldest"))[:2] == [
        promises["agreement"].pk,
        promises["lapsed"].pk,
    ]


@pytest.mark.parametrize(
    "query",
    [
        "status=finished",
        "outcome=promise",
        "country=XX",
        "org=nobody",
        "date_from=yesterday",
        "sort=relevance",
    ],
)
def test_a_bad_value_is_dropped_with_a_notice_and_the_rest_still_apply(client, promises, query):
    response = commitments_of(client, f"{query}&status=done")
    assert listed(response) == [promises["training"].pk]
    if not query.startswith("sort"):
        assert 'class="notices"' in response.content.decode()


def test_chips_and_data_links_keep_the_filters(client, promises):
    html = commitments_of(client, "status=done&country=TH&page=1").content.decode()
    assert 'href="/export/commitments.csv?country=TH&amp;status=done"' in html
    assert 'href="/api/commitments/?country=TH&amp;status=done"' in html
    assert 'href="/feeds/commitments.atom?country=TH&amp;status=done"' in html
    assert 'href="?country=TH"' in html  # the chip that removes status=done


def test_the_page_is_paginated_keeping_the_filters(client, settings):
    settings.TIMELINE_PAGE_SIZE = 2
    meeting = make_meeting()
    for _ in range(3):
        make_outcome(meeting)
    response = commitments_of(client, "outcome=invitation")
    assert len(listed(response)) == 2
    assert 'href="?outcome=invitation&amp;page=2"' in response.content.decode()
    assert len(listed(commitments_of(client, "outcome=invitation&page=2"))) == 1


def add_promises(count: int):
    later, source = make_meeting(), make_source()
    for number in range(count):
        make_outcome(
            make_meeting(),
            parties=[make_organisation()],
            changes=[
                {"status": OutcomeStatus.UNDER_WAY, "date": DAY(2025, 1, 1 + number), "source": source},
                {"status": OutcomeStatus.DONE, "date": DAY(2025, 3, 1 + number), "meeting": later},
            ],
        )


@pytest.mark.parametrize("query", ["", "status=done&country=TH&org=org-1&kind=bilateral"])
def test_the_page_runs_as_many_queries_for_one_row_as_for_many(client, django_assert_num_queries, query):
    add_promises(1)
    # data version + organisations named + count and five facets + page + parties + status changes
    expected = 11 if "org=" in query else 10
    with django_assert_num_queries(expected):
        commitments_of(client, query)
    add_promises(12)
    cache.clear()
    with django_assert_num_queries(expected):
        commitments_of(client, query)


@HOSTILE
@given(
    query=hostile_query_strings(["status", "outcome", "country", "org", "kind", "q", "sort", "page", "year"])
)
def test_the_page_survives_hostile_query_strings(client, query):
    assert_never_500(client, "/commitments/", query)


# --- The meeting page --------------------------------------------------------------------


def test_the_meeting_page_shows_where_each_outcome_stands_and_what_followed(client):
    later = make_meeting(title="Training held in Poland")
    draft = make_meeting(title="A draft follow-up", status=Status.DRAFT)
    outcome = make_outcome(
        text="Training offered.",
        country="PL",
        changes=[
            {"status": OutcomeStatus.UNDER_WAY, "date": DAY(2025, 1, 5), "meeting": draft},
            {"status": OutcomeStatus.DONE, "date": DAY(2025, 2, 10), "meeting": later, "note": "Held."},
        ],
    )
    html = client.get(outcome.meeting.get_absolute_url()).content.decode()
    assert f'id="outcome-{outcome.pk}"' in html
    assert "Done" in html and "10 February 2025" in html and later.get_absolute_url() in html
    assert draft.get_absolute_url() not in html


# --- Data out: CSV, Atom and the API -----------------------------------------------------------


def test_the_csv_has_a_row_per_matching_outcome_with_what_followed(client, promises):
    later = make_meeting(title="Signing")
    make_outcome(
        promises["agreement"].meeting,
        text="=SUM(A1)",
        changes=[
            {"status": OutcomeStatus.DONE, "date": DAY(2024, 6, 1), "meeting": later, "note": "Signed."}
        ],
    )
    response = client.get("/export/commitments.csv?country=AZ&status=done")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["text"] == "'=SUM(A1)"  # never a formula
    assert row["status"] == "done" and row["status_when_promised"] == "agreed"
    assert row["what_followed"] == f"2024-06-01 done: Signed. (http://testserver{later.get_absolute_url()})"
    assert row["done_by"] == f"http://testserver{later.get_absolute_url()}"
    assert row["meeting_url"] == f"http://testserver{promises['agreement'].meeting.get_absolute_url()}"


def test_the_atom_feed_lists_the_matching_outcomes(client, promises):
    response = client.get("/feeds/commitments.atom?status=done")
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert [entry.findtext("{http://www.w3.org/2005/Atom}id") for entry in entries] == [
        f"tag:mineaction-timeline,2024:outcome-{promises['training'].pk}"
    ]
    assert client.get("/feeds/commitments.atom?status=nonsense").status_code == 200


def test_the_api_lists_commitments_with_the_pages_filters_and_refuses_bad_ones(client, promises):
    body = client.get("/api/commitments/?status=done").json()
    assert [item["id"] for item in body["results"]] == [promises["training"].pk]
    item = body["results"][0]
    assert item["meeting"]["slug"] == promises["training"].meeting.slug
    assert [change["status"] for change in item["status_changes"]] == ["done"]
    assert item["status"] == "done" and item["status_at_meeting"] == "agreed"
    response = client.get("/api/commitments/?status=finished&country=XX")
    assert response.status_code == 400
    assert set(response.json()) == {"status", "country"}
    assert client.get(f"/api/commitments/{promises['agreement'].pk}/").json()["kind"] == "agreement"


def test_the_api_never_shows_a_draft_meetings_outcome(client):
    outcome = make_outcome(make_meeting(status=Status.DRAFT))
    assert client.get(f"/api/commitments/{outcome.pk}/").status_code == 404
    assert client.get("/api/commitments/").json()["count"] == 0


def test_a_meeting_in_the_api_carries_its_outcomes_new_fields(client):
    outcome = make_outcome(date=DAY(2025, 2, 1), date_precision="month", country="PL")
    item = client.get(f"/api/meetings/{outcome.meeting.slug}/").json()["outcomes"][0]
    assert item["date_display"] == "February 2025"
    assert item["country"] == {"code": "PL", "name": "Poland"}
    assert item["status_changes"] == []


def test_an_invitation_or_offer_is_usually_only_proposed_at_its_meeting():
    assert Outcome.usual_status_at_meeting(Outcome.Kind.INVITATION) == OutcomeStatus.PROPOSED
    assert Outcome.usual_status_at_meeting(Outcome.Kind.ASSISTANCE_OFFERED) == OutcomeStatus.PROPOSED
    assert Outcome.usual_status_at_meeting(Outcome.Kind.AGREEMENT) == OutcomeStatus.AGREED


# --- Editors record what became of a promise ------------------------------------------------


def test_an_editor_records_a_step_on_the_outcomes_form_and_the_status_follows(as_editor):
    later = make_meeting(title="Training in Poland")
    outcome = make_outcome(make_meeting(status=Status.DRAFT), status_at_meeting=OutcomeStatus.PROPOSED)
    meeting_form = as_editor.get(f"/admin/events/meeting/{outcome.meeting.pk}/change/").content.decode()
    change_url = f"/admin/events/outcome/{outcome.pk}/change/"
    assert change_url in meeting_form  # the meeting's outcome links to its own form
    values = form_values(as_editor.get(change_url).content.decode(), "outcome_form")
    values.update(
        {
            "status_changes-0-status": ["done"],
            "status_changes-0-date": ["2025-02-10"],
            "status_changes-0-date_precision": ["day"],
            "status_changes-0-meeting": [str(later.pk)],
            "status_changes-0-note": ["Held in Warsaw."],
        }
    )
    response = as_editor.post(change_url, values)
    assert response.status_code == 302, re.findall(r"errorlist[^<]*<li>([^<]*)", response.content.decode())
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.DONE
    assert outcome.history.latest().status == OutcomeStatus.DONE
    assert OutcomeStatusChange.history.filter(outcome_id=outcome.pk).count() == 1


def test_a_published_meetings_outcome_is_read_only_to_an_editor_and_open_to_a_publisher(
    client, editor, publisher
):
    outcome = make_outcome()
    change_url = f"/admin/events/outcome/{outcome.pk}/change/"
    client.force_login(editor)
    assert 'name="_save"' not in client.get(change_url).content.decode()  # a read-only view
    assert client.post(change_url, {"text": "Changed."}).status_code == 403
    client.force_login(publisher)
    assert 'name="_save"' in client.get(change_url).content.decode()
    assert client.get("/admin/events/outcome/add/").status_code == 403  # added on the meeting's form


def test_a_step_retires_kept_pages_only_when_its_outcomes_meeting_is_published():
    published = make_outcome()
    draft = make_outcome(make_meeting(status=Status.DRAFT))
    shown_by_a_draft = make_meeting(status=Status.DRAFT)
    before = data_version()
    OutcomeStatusChange.objects.create(
        outcome=draft, status=OutcomeStatus.DONE, date=DAY(2025, 1, 1), meeting=shown_by_a_draft
    )
    assert data_version() == before
    OutcomeStatusChange.objects.create(
        outcome=published, status=OutcomeStatus.DONE, date=DAY(2025, 1, 1), meeting=shown_by_a_draft
    )
    assert data_version() != before


def test_an_editor_is_told_why_a_published_meetings_outcome_is_read_only(as_editor):
    outcome = make_outcome()
    page = as_editor.get(f"/admin/events/outcome/{outcome.pk}/change/").content.decode()
    assert "Its meeting is published" in page
    assert "ask a publisher" in page
    draft = make_outcome(make_meeting(status=Status.DRAFT))
    assert (
        "Its meeting is published"
        not in as_editor.get(f"/admin/events/outcome/{draft.pk}/change/").content.decode()
    )


def test_an_editor_cannot_move_a_draft_meetings_outcome_onto_a_published_meeting(as_editor):
    published = make_meeting(title="Published talks")
    outcome = make_outcome(make_meeting(status=Status.DRAFT))
    change_url = f"/admin/events/outcome/{outcome.pk}/change/"
    values = form_values(as_editor.get(change_url).content.decode(), "outcome_form")
    assert "meeting" not in values  # shown, not a field of the form
    values.update(
        {
            "meeting": [str(published.pk)],
            "status_changes-0-status": ["done"],
            "status_changes-0-date": ["2025-02-10"],
            "status_changes-0-date_precision": ["day"],
        }
    )
    assert as_editor.post(change_url, values).status_code == 302
    outcome.refresh_from_db()
    assert outcome.meeting_id != published.pk
    assert outcome.status == OutcomeStatus.DONE  # the step on its own draft meeting is recorded


# --- Facets and the calendar of dated outcomes -----------------------------------------------


def test_the_page_has_facets_whose_counts_agree_with_the_lists_they_open(client, promises):
    training = make_topic(name="Field exercises", slug="training-x")
    dogs = make_topic(name="Dog teams", slug="dogs-x", parent=training)
    anama = make_organisation(name="Azerbaijan agency", acronym="ANAMA", slug="anama-x", country="AZ")
    meeting = make_meeting(country="TH", topics=[dogs], organisations=[anama])
    make_outcome(meeting, kind=Outcome.Kind.JOINT_TRAINING)
    make_outcome(meeting, kind=Outcome.Kind.AGREEMENT)
    make_outcome(make_meeting(status=Status.DRAFT, topics=[dogs]))  # never counted
    response = commitments_of(client)
    for param in ("status", "outcome", "country", "org", "topic"):
        links = facet_links(response, param)
        assert links, param
        for label, (count, href) in links.items():
            assert len(listed(commitments_of(client, href.lstrip("?")))) == count, (param, label)
    assert facet_links(response, "topic")["Field exercises"][0] == 2  # rolled up from its specific topic
    assert facet_links(response, "status")["Agreed"][0] == 3
    assert facet_links(response, "country")["Thailand"][0] == 4
    narrowed = commitments_of(client, "outcome=agreement")
    assert facet_links(narrowed, "country") == {
        "Thailand": (1, "?outcome=agreement&country=TH"),
        "Azerbaijan": (2, "?outcome=agreement&country=AZ"),
    }


def test_dated_outcomes_are_a_calendar_linked_from_the_page(client, promises):
    dated = make_outcome(
        make_meeting(title="Talks in Bangkok"),
        kind=Outcome.Kind.JOINT_TRAINING,
        text="A training in Poland.",
        date=DAY(2025, 2, 1),
        date_precision="month",
        country="PL",
        status_at_meeting=OutcomeStatus.AGREED,
    )
    make_outcome(make_meeting(status=Status.DRAFT), date=DAY(2025, 3, 1))  # a draft's: never
    page = commitments_of(client, "outcome=joint_training")
    link = soup(page).select_one('head link[rel="alternate"][type="text/calendar"]')
    assert link["href"] == "/feeds/commitments.ics?outcome=joint_training"
    calendar = read_ics(client.get(link["href"]))
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"outcome-{dated.pk}@mineaction-timeline"
    assert event.decoded("dtstart") == DAY(2025, 2, 1)
    assert event.decoded("dtend") == DAY(2025, 2, 2)
    assert str(event["location"]) == "Poland"
    assert "A training in Poland." in str(event["summary"])
    description = str(event["description"])
    assert "Only the month is known" in description and "Talks in Bangkok" in description
    assert str(event["url"]).endswith(dated.get_absolute_url())
    # Undated outcomes have no place in a calendar.
    assert len(read_ics(client.get("/feeds/commitments.ics")).walk("VEVENT")) == 1


@pytest.mark.parametrize("query", ["", "status=agreed&country=TH&org=org-1&topic=t-1"])
def test_the_calendar_reads_the_same_queries_for_one_outcome_as_for_many(
    client, django_assert_num_queries, query
):
    make_outcome(date=DAY(2025, 1, 1))
    expected = 3 if "org=" in query else 2  # (organisations and topics named) + outcomes + changes
    if "topic=" in query:
        expected += 1

    def read():
        b"".join(client.get(f"/feeds/commitments.ics?{query}").streaming_content)

    with django_assert_num_queries(expected):
        read()
    for number in range(8):
        make_outcome(date=DAY(2025, 1, 2 + number), changes=[{"status": "done", "date": DAY(2025, 2, 1)}])
    with django_assert_num_queries(expected):
        read()


def test_the_calendar_survives_bad_parameters(client):
    for query in ("status=nope", "country=XX", "topic=nope", "date_from=never", "outcome=" + "x" * 500):
        assert client.get(f"/feeds/commitments.ics?{query}").status_code == 200
    assert client.get("/feeds/commitments.ics?topic=%00").status_code == 400  # as every address
