"""Writing the draft: the source, the draft meeting, its rows and its trip, from a proposal.

``draft_meeting`` creates them (or finds the source and the trip already
recorded) and takes the meeting's history entry once its rows are in; see
``proposal`` for how the report is read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django_countries.fields import Country

from ..history import attribute, hold_version, record_version
from ..models import (
    City,
    Delegation,
    Meeting,
    MeetingKind,
    MeetingOrganisation,
    Outcome,
    Participation,
    Source,
    Status,
    unique_slug,
)
from . import gazetteer
from .organisations import NewOrganisation, OrganisationFinding
from .people import PersonFinding
from .proposal import Article, Participant, Proposal, propose, url_variants
from .sentences import TopicMatch

Role = MeetingOrganisation.Role


@dataclass
class Draft:
    """What ``draft_meeting`` wrote, with the proposal it came from."""

    proposal: Proposal
    meeting: Meeting
    source: Source
    source_existed: bool = False
    delegation: Delegation | None = None
    delegation_existed: bool = False

    # What the admin's summary reads.
    @property
    def organisations(self) -> list[OrganisationFinding]:
        return self.proposal.known_organisations

    @property
    def unmatched_organisations(self) -> list[NewOrganisation]:
        return [o.unmatched for o in self.proposal.new_organisations]

    @property
    def participants(self) -> list[Participant]:
        return self.proposal.participants

    @property
    def countries(self) -> list[Country]:
        return self.proposal.countries

    @property
    def topics(self) -> list[TopicMatch]:
        return self.proposal.topics

    @property
    def weak_topics(self) -> list[TopicMatch]:
        return self.proposal.weak_topics

    @property
    def date_evidence(self) -> str:
        return self.proposal.date.evidence

    @property
    def also_mentioned_people(self) -> list[PersonFinding]:
        return self.proposal.also_mentioned_people

    @property
    def also_mentioned_organisations(self) -> list[OrganisationFinding]:
        return self.proposal.also_mentioned_organisations


def find_or_create_source(article: Article) -> tuple[Source, bool]:
    source = Source.objects.filter(url__in=url_variants(article.url)).first()
    if source is not None:
        return source, True
    source = Source.objects.create(
        url=article.url.strip(),
        title=article.title,
        publisher=article.publisher,
        republished_by=article.republished_by,
        language=article.language,
        published_on=article.published_on,
        accessed_on=datetime.date.today(),
    )
    return source, False


def place_of_draft(city: str, country: str) -> dict:
    """The proposal's city as the gazetteer's, within its country; a town it lacks is kept as the venue."""
    found = City.objects.named(city, country) if city and country else None
    if found is not None:
        return {"city": found}
    return {"city": None, "venue": city[:300]}


def draft_meeting(article: Article, user, *, proposal: Proposal | None = None) -> Draft:
    """Create the source (or find it), a draft meeting, its rows and trip; call inside a transaction.

    ``proposal`` is the article's, when the caller has read it already.
    """
    proposal = proposal if proposal is not None else propose(article)
    source, existed = find_or_create_source(article)
    date = proposal.date
    meeting = Meeting(
        title=proposal.title[:300],
        slug=unique_slug(Meeting, f"{proposal.title} {date.start:%Y %m}", max_length=140),
        kind=proposal.kind or MeetingKind.OTHER,
        start_date=date.start,
        end_date=date.end,
        date_precision=date.precision,
        date_as_reported=date.as_reported[:300],
        country=proposal.country,
        **place_of_draft(proposal.city, proposal.country),
        status=Status.DRAFT,
    )
    hold_version(meeting)  # one history entry, once its rows are in
    meeting.save()
    for finding in proposal.known_organisations:
        MeetingOrganisation.objects.get_or_create(
            meeting=meeting, organisation=finding.organisation, role=finding.role or Role.PARTICIPANT
        )
    for order, participant in enumerate(proposal.participants):
        participant.participation = Participation.objects.create(
            meeting=meeting,
            order=order,
            name_as_written=participant.name[:200],
            person=participant.person,
            organisation=participant.organisation,
            title_as_stated=participant.title_as_stated[:300],
            role_id=participant.role,
        )
    for outcome in proposal.outcomes:
        parties = [
            f.organisation
            for f in proposal.organisations + proposal.also_mentioned_organisations
            if f.key in outcome.parties and f.organisation is not None
        ]
        record = Outcome.objects.create(
            meeting=meeting,
            kind=outcome.kind,
            text=outcome.text,
            status_at_meeting=Outcome.usual_status_at_meeting(outcome.kind),
        )
        record.parties.set(parties)
    meeting.topics.set([match.topic for match in proposal.topics])
    meeting.sources.add(source)
    delegation, delegation_existed = link_trip(meeting, proposal, source, user)
    record_version(meeting, user, reason=f"Drafted from the article {article.url}", created=True)
    meeting.refresh_search_document()
    return Draft(
        proposal=proposal,
        meeting=meeting,
        source=source,
        source_existed=existed,
        delegation=delegation,
        delegation_existed=delegation_existed,
    )


def link_trip(meeting: Meeting, proposal: Proposal, source: Source, user) -> tuple[Delegation | None, bool]:
    """Link the recorded trip the proposal found, or draft the new one it proposes."""
    trip = proposal.trip
    if trip is None:
        return None, False
    if trip.delegation is not None:
        try:
            trip.delegation.check_meeting_dates(meeting)
        except ValidationError:  # a trip whose dates do not fit is not linked
            return None, False
        meeting.delegation = trip.delegation
        meeting.save(update_fields=["delegation"])
        return trip.delegation, True
    sending = trip.sending_country
    demonym = next((name for name, code in gazetteer.DEMONYMS.items() if code == sending), "")
    place = meeting.country.name if meeting.country else "abroad"
    title = f"{demonym or 'Visiting'} delegation to {place}, {meeting.start_date:%B %Y}"
    delegation = Delegation(
        title=title,
        slug=unique_slug(Delegation, title),
        sending_country=sending,
        # django-countries types a CountryField as one country, also when it holds several.
        destination_countries=[meeting.country.code] if meeting.country else [],  # type: ignore[misc]
        head=trip.head,
        status=Status.DRAFT,
    )
    attribute(delegation, user)
    delegation.save()
    delegation.sources.add(source)
    delegation.sending_organisations.set(
        [f.organisation for f in proposal.known_organisations if f.organisation and f.role == Role.DELEGATION]
    )
    delegation.members.set(
        [
            p.person
            for p in proposal.participants
            if p.person
            and p.role in (Participation.Role.DELEGATION_MEMBER, Participation.Role.HEAD_OF_DELEGATION)
        ]
    )
    meeting.delegation = delegation
    meeting.save(update_fields=["delegation"])
    return delegation, False
