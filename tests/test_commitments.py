"""Outcomes as commitments: their status and its dated history, and the /commitments/ list."""

import datetime

import pytest

from events.models import Outcome, OutcomeStatus, OutcomeStatusChange, Status

from .factories import make_meeting, make_outcome, make_source

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
