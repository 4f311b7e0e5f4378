"""A meeting as a list's row shows it: plain values, read by MeetingQuerySet.listed() or taken from a
Meeting read with for_timeline() (ListedMeeting.of()).

A list page computed afresh reads its 25 rows every time, and making each
meeting, its trip, subtype, city, organisations, roles and topics as model
instances cost more than the queries did. The row's words come from the same
functions as the Meeting's own (events.wording), and the row's stamp is the
same whichever way the row was read, so both share one kept row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from ..wording import country_name, describe_date, describe_held, describe_place
from .vocabularies import describe_kind
from .workflow import Status


@dataclass(frozen=True)
class ListedOrganisation:
    pk: int
    slug: str
    name: str
    acronym: str

    @property
    def short_name(self) -> str:
        """What lists show: the acronym when there is one (as Organisation.short_name)."""
        return self.acronym or self.name


@dataclass(frozen=True)
class ListedTopic:
    slug: str
    name: str


@dataclass(frozen=True)
class ListedTrip:
    """The delegation a meeting was part of."""

    slug: str
    title: str
    status: str

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


@dataclass
class ListedMeeting:
    """What a list's row shows of a meeting (events.templatetags.timeline.render_row())."""

    pk: int
    updated_at: datetime.datetime
    slug: str
    title: str
    kind: str
    start_date: datetime.date
    end_date: datetime.date | None
    date_precision: str
    mode: str
    country: str  # the code, "" when not known
    venue: str
    summary: str
    subtype_label: str
    city_name: str
    delegation: ListedTrip | None
    # Each organisation taking part once, in role order; the approved topics, by name.
    organisations: list[ListedOrganisation] = field(default_factory=list)
    topics: list[ListedTopic] = field(default_factory=list)

    @classmethod
    def of(cls, meeting) -> ListedMeeting:
        """The row of a Meeting read with for_timeline() (its relations prefetched): no query."""
        delegation = meeting.delegation if meeting.delegation_id else None
        subtype = meeting.subtype if meeting.subtype_id else None
        city = meeting.city if meeting.city_id else None
        return cls(
            pk=meeting.pk,
            updated_at=meeting.updated_at,
            slug=meeting.slug,
            title=meeting.title,
            kind=meeting.kind,
            start_date=meeting.start_date,
            end_date=meeting.end_date,
            date_precision=meeting.date_precision,
            mode=meeting.mode,
            country=meeting.country.code if meeting.country else "",
            venue=meeting.venue,
            summary=meeting.summary,
            subtype_label=subtype.label if subtype is not None else "",
            city_name=city.name if city is not None else "",
            delegation=(
                ListedTrip(delegation.slug, delegation.title, delegation.status)
                if delegation is not None
                else None
            ),
            organisations=[
                ListedOrganisation(o.pk, o.slug, o.name, o.acronym) for o in meeting.distinct_organisations
            ],
            topics=[ListedTopic(topic.slug, topic.name) for topic in meeting.topics.all()],
        )

    @property
    def date_display(self) -> str:
        """As Meeting.date_display."""
        return describe_date(self.start_date, self.end_date, self.date_precision)

    @property
    def kind_display(self) -> str:
        """As Meeting.kind_display."""
        return describe_kind(self.kind, self.subtype_label)

    @property
    def place_display(self) -> str:
        """As Meeting.place_display."""
        country = country_name(self.country) if self.country else ""
        return describe_held(describe_place(self.city_name, country, venue=self.venue), self.mode)

    def row_stamp(self) -> str:
        """Changes whenever the row would read otherwise: the meeting's own last save, and what it
        shows of its subtype, delegation, organisations and topics (which change without saving it)."""
        delegation = self.delegation
        shown = (
            self.pk,
            self.updated_at.isoformat(),
            self.subtype_label,
            (delegation.slug, delegation.title, delegation.status) if delegation is not None else (),
            [(o.pk, o.slug, o.name, o.acronym) for o in self.organisations],
            [(topic.slug, topic.name) for topic in self.topics],
        )
        return repr(shown)
