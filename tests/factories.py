"""Small factories: ``make_x(**overrides)`` returns a saved record with sensible defaults."""

import datetime
import itertools

from events.models import (
    City,
    Delegation,
    Meeting,
    MeetingOrganisation,
    Organisation,
    Outcome,
    OutcomeStatusChange,
    Participation,
    Person,
    Source,
    Status,
    Topic,
)

_numbers = itertools.count(1)


def _next() -> int:
    return next(_numbers)


def make_city(name: str = "Bangkok", country: str = "TH", **overrides) -> City:
    """The gazetteer's city of that name in that country, or a new one when the table lacks it
    (a transactional test's flush empties the table)."""
    city = City.objects.filter(name=name, country=country).order_by("-population", "pk").first()
    if city is not None and not overrides:
        return city
    fields = {
        "geonames_id": 900_000_000 + _next(),
        "name": name,
        "ascii_name": name,
        "country": country,
        "latitude": 13.75,
        "longitude": 100.5,
        "population": 1000,
    }
    fields.update(overrides)
    return City.objects.create(**fields)


def make_organisation(**overrides) -> Organisation:
    number = _next()
    fields = {
        "name": f"Organisation {number}",
        "acronym": f"ORG{number}",
        "slug": f"org-{number}",
        "kind": Organisation.Kind.NATIONAL_AUTHORITY,
        "country": "AZ",
    }
    fields.update(overrides)
    return Organisation.objects.create(**fields)


def make_person(**overrides) -> Person:
    number = _next()
    fields = {"name": f"Person {number}", "slug": f"person-{number}"}
    fields.update(overrides)
    return Person.objects.create(**fields)


def make_topic(**overrides) -> Topic:
    number = _next()
    fields = {"name": f"Topic {number}", "slug": f"topic-{number}"}
    fields.update(overrides)
    return Topic.objects.create(**fields)


def make_source(**overrides) -> Source:
    number = _next()
    fields = {
        "url": f"https://news.example.org/report-{number}",
        "title": f"Report {number}",
        "publisher": "Example News",
        "published_on": datetime.date(2024, 8, 22),
    }
    fields.update(overrides)
    return Source.objects.create(**fields)


def make_delegation(**overrides) -> Delegation:
    number = _next()
    fields = {
        "title": f"Delegation {number}",
        "slug": f"delegation-{number}",
        "sending_country": "AZ",
        "status": Status.PUBLISHED,
    }
    fields.update(overrides)
    return Delegation.objects.create(**fields)


def make_meeting(*, organisations=(), topics=(), sources=(), participants=(), **overrides) -> Meeting:
    """A published meeting; ``organisations`` holds organisations or (organisation, role) pairs."""
    number = _next()
    fields = {
        "title": f"Meeting {number}",
        "slug": f"meeting-{number}",
        "kind": "bilateral",
        "start_date": datetime.date(2024, 8, 22),
        "country": "TH",
        "summary": f"Summary of meeting {number}.",
        "status": Status.PUBLISHED,
    }
    fields.update(overrides)
    if isinstance(fields.get("city"), str):
        # A city by name, in the meeting's country: make_meeting(city="Bangkok").
        fields["city"] = make_city(fields["city"], fields.get("country") or "TH") if fields["city"] else None
    meeting = Meeting.objects.create(**fields)
    for item in organisations:
        organisation, role = item if isinstance(item, tuple) else (item, MeetingOrganisation.Role.PARTICIPANT)
        MeetingOrganisation.objects.create(meeting=meeting, organisation=organisation, role=role)
    for order, participant in enumerate(participants):
        values = {"name_as_written": participant} if isinstance(participant, str) else dict(participant)
        Participation.objects.create(meeting=meeting, order=order, **values)
    meeting.topics.set(topics)
    meeting.sources.set(sources)
    meeting.refresh_search_document()
    return meeting


def make_outcome(meeting=None, *, parties=(), changes=(), **overrides) -> Outcome:
    """An outcome of ``meeting`` (a new published one by default); ``changes`` are dicts of
    OutcomeStatusChange fields, saved in turn."""
    fields = {"kind": Outcome.Kind.INVITATION, "text": f"Promise {_next()}."}
    fields.update(overrides)
    outcome = Outcome.objects.create(meeting=meeting or make_meeting(), **fields)
    outcome.parties.set(parties)
    for change in changes:
        OutcomeStatusChange.objects.create(outcome=outcome, **change)
    outcome.refresh_from_db()
    return outcome
