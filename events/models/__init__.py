"""The records of cooperation between mine-action organisations, and their querysets.

A *meeting* is the unit of the timeline; organisations, people, delegations,
topics and sources hang off it. Each module holds one family of records;
everything is importable from ``events.models``. Records that others list in
a many-to-many field are kept from deletion by ``events.deletion``; merging
duplicates is ``events.merging``.
"""

from .countries import MeetingCountry, MeetingCountryQuerySet
from .data_version import DataVersion, MeetingChange
from .delegations import (
    Delegation,
    DelegationQuerySet,
)
from .former_slugs import FormerSlug
from .meetings import (
    DUPLICATE_DAYS,
    DUPLICATE_SHARED_ORGANISATIONS,
    MAX_SEARCH_WORDS,
    NEWEST_FIRST,
    DuplicateCandidate,
    IntakeSummary,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingOrganisation,
    MeetingOrganisationQuerySet,
    MeetingQuerySet,
    MeetingSubtype,
    MeetingSubtypeQuerySet,
    ParticipantReport,
    Participation,
    ParticipationQuerySet,
    organisation_roles_prefetch,
    participant_reports_prefetch,
    participations_prefetch,
    search_vector,
    taking_part_sql,
)
from .outcomes import Outcome, OutcomeQuerySet, OutcomeStatus, OutcomeStatusChange
from .pairs import CountryPair, OrganisationPair, PairedMeeting
from .places import City, CityQuerySet
from .proposals import ProposedChange, cited_publicly
from .records import (
    Organisation,
    OrganisationName,
    OrganisationQuerySet,
    Person,
    PersonName,
    PersonQuerySet,
    Position,
    Source,
    Topic,
    TopicQuerySet,
    published_meeting_count,
    topic_roll_up,
)
from .vocabularies import OrganisationRole, PersonRole, Vocabulary, accept_slugs
from .workflow import (
    TRANSITIONS,
    CheckedText,
    DatePrecision,
    OtherNameKind,
    Publishable,
    Status,
    TimeStamped,
    end_not_before_start,
    unique_slug,
)

__all__ = [
    "City",
    "CityQuerySet",
    "CheckedText",
    "DataVersion",
    "MeetingChange",
    "IntakeSummary",
    "NEWEST_FIRST",
    "ProposedChange",
    "CountryPair",
    "OrganisationPair",
    "PairedMeeting",
    "cited_publicly",
    "DUPLICATE_DAYS",
    "DUPLICATE_SHARED_ORGANISATIONS",
    "DatePrecision",
    "Delegation",
    "DelegationQuerySet",
    "DuplicateCandidate",
    "FormerSlug",
    "MAX_SEARCH_WORDS",
    "Meeting",
    "MeetingKind",
    "MeetingCountry",
    "MeetingCountryQuerySet",
    "MeetingMode",
    "MeetingOrganisation",
    "MeetingOrganisationQuerySet",
    "OrganisationRole",
    "PersonRole",
    "Vocabulary",
    "accept_slugs",
    "ParticipationQuerySet",
    "ParticipantReport",
    "participant_reports_prefetch",
    "organisation_roles_prefetch",
    "participations_prefetch",
    "taking_part_sql",
    "MeetingQuerySet",
    "MeetingSubtype",
    "MeetingSubtypeQuerySet",
    "Organisation",
    "OrganisationName",
    "OrganisationQuerySet",
    "OtherNameKind",
    "Outcome",
    "OutcomeQuerySet",
    "OutcomeStatus",
    "OutcomeStatusChange",
    "Participation",
    "Person",
    "PersonName",
    "PersonQuerySet",
    "Position",
    "Publishable",
    "Source",
    "Status",
    "TRANSITIONS",
    "TimeStamped",
    "Topic",
    "TopicQuerySet",
    "end_not_before_start",
    "published_meeting_count",
    "topic_roll_up",
    "search_vector",
    "unique_slug",
]
