"""Small factories: ``make_x(**overrides)`` returns a saved record with sensible defaults."""

import datetime
import itertools

from events.models import (
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
