"""The database refuses rows that break the rules, whatever writes them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import DatePrecision, Meeting, Participation, Position, Source

from .factories import make_delegation, make_meeting, make_organisation, make_person, make_source

pytestmark = pytest.mark.django_db

AUG = datetime.date(2024, 8, 1)


def refused(callable_, *args, **kwargs) -> bool:
    try:
        with transaction.atomic():
            callable_(*args, **kwargs)
    except IntegrityError:
        return True
    return False


def test_meeting_end_before_start_is_refused():
    assert refused(make_meeting, start_date=AUG, end_date=AUG - datetime.timedelta(days=1))
    assert not refused(make_meeting, start_date=AUG, end_date=AUG)


def test_delegation_and_position_end_before_start_are_refused():
    assert refused(make_delegation, start_date=AUG, end_date=datetime.date(2024, 7, 1))
    person = make_person()
    assert refused(
        Position.objects.create,
        person=person,
        title="Director",
        start_date=AUG,
        end_date=datetime.date(2020, 1, 1),
    )


def test_slugs_names_and_source_urls_are_unique():
    make_organisation(name="Thailand Mine Action Centre", slug="tmac")
    assert refused(make_organisation, name="Thailand Mine Action Centre", slug="tmac-2")
    assert refused(make_organisation, name="Another", slug="tmac")
    make_source(url="https://news.example.org/a")
    assert refused(make_source, url="https://news.example.org/a")
    make_meeting(slug="same")
    assert refused(make_meeting, slug="same")


def test_participant_needs_a_name_as_written():
    meeting = make_meeting()
    assert refused(Participation.objects.create, meeting=meeting, name_as_written="")
    # An unresolved participant (no linked person) is fine.
    assert not refused(Participation.objects.create, meeting=meeting, name_as_written="Rotna But")


def test_meeting_cannot_follow_up_itself():
    meeting = make_meeting()
    meeting.follow_up_of = meeting
    assert refused(meeting.save)


def test_database_refuses_meeting_outside_its_delegations_trip():
    trip = make_delegation(start_date=datetime.date(2024, 8, 18), end_date=datetime.date(2024, 8, 25))
    assert not refused(make_meeting, delegation=trip, start_date=datetime.date(2024, 8, 20))
    assert refused(make_meeting, delegation=trip, start_date=datetime.date(2024, 8, 10))
    assert refused(make_meeting, delegation=trip, start_date=datetime.date(2024, 9, 1))
    # "On or before the report's date": a report after the trip is consistent with it.
    assert not refused(
        make_meeting,
        delegation=trip,
        start_date=datetime.date(2024, 9, 1),
        date_precision=DatePrecision.ON_OR_BEFORE,
    )


def test_database_refuses_trip_dates_that_leave_a_meeting_outside():
    trip = make_delegation()
    make_meeting(delegation=trip, start_date=datetime.date(2024, 8, 20))
    trip.start_date = datetime.date(2024, 8, 21)
    assert refused(trip.save)
    trip.start_date = datetime.date(2024, 8, 19)
    assert not refused(trip.save)


def test_meeting_clean_explains_a_date_outside_the_trip():
    trip = make_delegation(start_date=datetime.date(2024, 8, 18), end_date=datetime.date(2024, 8, 25))
    meeting = Meeting(title="x", slug="x", start_date=datetime.date(2024, 3, 1), delegation=trip)
    with pytest.raises(ValidationError, match="before the delegation's trip began"):
        meeting.full_clean()
    # A month-precision meeting overlapping the trip is accepted.
    meeting.start_date, meeting.date_precision = datetime.date(2024, 8, 1), DatePrecision.MONTH
    meeting.full_clean()


@pytest.mark.parametrize(
    ("precision", "start", "end", "shown"),
    [
        (DatePrecision.DAY, datetime.date(2024, 8, 22), None, "22 August 2024"),
        (DatePrecision.DAY, datetime.date(2023, 5, 3), datetime.date(2023, 5, 5), "3–5 May 2023"),
        (DatePrecision.DAY, datetime.date(2023, 5, 30), datetime.date(2023, 6, 2), "30 May – 2 June 2023"),
        (DatePrecision.MONTH, datetime.date(2021, 12, 1), None, "December 2021"),
        (DatePrecision.YEAR, datetime.date(2021, 1, 1), None, "2021"),
        (DatePrecision.ON_OR_BEFORE, datetime.date(2024, 8, 22), None, "On or before 22 August 2024"),
    ],
)
def test_dates_are_shown_at_their_precision(precision, start, end, shown):
    meeting = Meeting(start_date=start, end_date=end, date_precision=precision)
    assert meeting.date_display == shown


def test_search_document_holds_aliases_and_names_as_written():
    cmac = make_organisation(name="Cambodian Mine Action Centre", acronym="CMAC")
    cmac.other_names.create(name="Cambodia Mine Clearance Center")
    person = make_person(name="Prum Sophakmonkol")
    person.other_names.create(name="Prum Sofeakmonkul")
    meeting = make_meeting(
        organisations=[cmac], participants=[{"name_as_written": "Prum Sophakmokol", "person": person}]
    )
    document = Meeting.objects.get(pk=meeting.pk).search_document
    for expected in ("Cambodia Mine Clearance Center", "CMAC", "Prum Sophakmokol", "Prum Sofeakmonkul"):
        assert expected in document


def test_organisation_referenced_by_a_meeting_cannot_be_deleted():
    organisation = make_organisation()
    make_meeting(organisations=[organisation])
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        organisation.delete()


def test_str_is_useful():
    assert str(make_organisation(name="Thailand Mine Action Centre", acronym="TMAC")) == (
        "Thailand Mine Action Centre (TMAC)"
    )
    assert "AzerNews" in str(Source(url="https://x.org", publisher="AzerNews"))
