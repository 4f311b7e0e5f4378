"""What each record looks like in the API: references to other records, then each record in full."""

from __future__ import annotations

import re
from functools import cached_property

from django.http import QueryDict
from django.urls import reverse
from django_countries.fields import Country
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import preserve_builtin_query_params
from rest_framework.reverse import reverse as api_reverse

from ..geo import country_name
from ..models import (
    City,
    Delegation,
    Meeting,
    MeetingOrganisation,
    MeetingSubtype,
    Organisation,
    OrganisationName,
    Outcome,
    OutcomeStatusChange,
    ParticipantReport,
    Participation,
    Person,
    PersonName,
    Position,
    Source,
    Status,
    Topic,
)


def meetings_list_url(request, **filters) -> str:
    """The API's meetings list with these timeline filters, as an absolute URL."""
    query = QueryDict(mutable=True)
    query.update(filters)
    return request.build_absolute_uri(f"{reverse('events:api-meeting-list')}?{query.urlencode()}")


# --- Fields -------------------------------------------------------------------

# A slug of only these characters is its own URL quoting and fits every record's route.
PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
PLACEHOLDER = "slug-placeholder"


def reverse_by_slug(viewname, args=None, kwargs=None, request=None, format=None, **extra) -> str:
    """rest_framework's reverse() for a record's URL by its slug, with Django's URL resolver asked once
    per route and request rather than once per link: a page of meetings draws hundreds of links. The
    same URL; anything but one plain slug goes to reverse() itself."""
    value = next(iter(kwargs.values())) if kwargs and len(kwargs) == 1 else None
    if (
        args
        or extra
        or format is not None
        or request is None
        or getattr(request, "versioning_scheme", None) is not None
        or not isinstance(value, str)
        or not PLAIN_SLUG.fullmatch(value)
    ):
        return api_reverse(viewname, args, kwargs, request, format, **extra)
    paths = getattr(request, "_paths_by_slug", None)
    if paths is None:
        paths = request._paths_by_slug = {}
    key = (viewname, *kwargs)
    parts = paths.get(key)
    if parts is None:
        parts = paths[key] = reverse(viewname, kwargs={key[1]: PLACEHOLDER}).split(PLACEHOLDER)
    if len(parts) != 2:
        return api_reverse(viewname, args, kwargs, request, format, **extra)
    return preserve_builtin_query_params(request.build_absolute_uri(value.join(parts)), request)


class SlugLinkField(serializers.HyperlinkedIdentityField):
    """The API URL of the record itself, by its slug (reverse_by_slug())."""

    def __init__(self, view_name: str, **kwargs):
        super().__init__(view_name=view_name, lookup_field="slug", **kwargs)
        self.reverse = reverse_by_slug


class SlugRelatedLinkField(serializers.HyperlinkedRelatedField):
    """The API URL of a related record, by its slug (reverse_by_slug())."""

    def __init__(self, view_name: str, **kwargs):
        super().__init__(view_name=view_name, lookup_field="slug", **kwargs)
        self.reverse = reverse_by_slug


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The absolute URL of the record's page on the site."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


COUNTRY_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "ISO 3166-1 alpha-2 code", "example": "TH"},
        "name": {"type": "string", "example": "Thailand"},
    },
    "required": ["code", "name"],
}


@extend_schema_field({**COUNTRY_SCHEMA, "nullable": True})
class CountryField(serializers.Field):
    """A country as its code and English name, or null when blank."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Country) -> dict | None:
        return {"code": value.code, "name": country_name(value.code)} if value else None


@extend_schema_field({"type": "array", "items": COUNTRY_SCHEMA})
class CountryListField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> list[dict]:
        return [{"code": country.code, "name": country_name(country.code)} for country in value]


# --- Serializers: references, then each record ----------------------------------


class OrganisationRefSerializer(serializers.ModelSerializer):
    url = SlugLinkField("events:api-organisation-detail")

    class Meta:
        model = Organisation
        fields = ["slug", "name", "acronym", "url"]


class PersonRefSerializer(serializers.ModelSerializer):
    url = SlugLinkField("events:api-person-detail")

    class Meta:
        model = Person
        fields = ["slug", "name", "url"]


class TopicRefSerializer(serializers.ModelSerializer):
    url = SlugLinkField("events:api-topic-detail")

    class Meta:
        model = Topic
        fields = ["slug", "name", "url"]


class MeetingRefSerializer(serializers.ModelSerializer):
    url = SlugLinkField("events:api-meeting-detail")
    html_url = PageURLField()

    class Meta:
        model = Meeting
        fields = ["slug", "title", "start_date", "date_display", "url", "html_url"]


class DelegationRefSerializer(serializers.ModelSerializer):
    url = SlugLinkField("events:api-delegation-detail")

    class Meta:
        model = Delegation
        fields = ["slug", "title", "url"]


class CitySerializer(serializers.ModelSerializer):
    country = CountryField(help_text="The country the city lies in.")

    class Meta:
        model = City
        fields = ["name", "country", "latitude", "longitude", "geonames_id"]
        extra_kwargs = {
            "name": {"help_text": "Its name in the GeoNames gazetteer."},
            "latitude": {"help_text": "Degrees north (negative: south), WGS 84."},
            "longitude": {"help_text": "Degrees east (negative: west), WGS 84."},
            "geonames_id": {"help_text": "Its number at GeoNames (https://www.geonames.org/<number>)."},
        }


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = [
            "url",
            "title",
            "publisher",
            "republished_by",
            "author",
            "language",
            "published_on",
            "published_precision",
        ]


class RoleFields(serializers.Serializer):
    """A record's role in a meeting: its slug, its label, and whether its holder was there."""

    role = serializers.CharField(source="role_id", help_text="The role's slug, e.g. host or mentioned.")
    role_label = serializers.CharField(source="role.label", help_text="The role as readers see it.")
    present = serializers.BooleanField(
        source="role.present",
        help_text="False for roles whose holder was only mentioned in a report, not there.",
    )


class MeetingOrganisationSerializer(RoleFields, serializers.ModelSerializer):
    """An organisation in a meeting, with its role there (present false: only mentioned)."""

    slug = serializers.CharField(source="organisation.slug")
    name = serializers.CharField(source="organisation.name")
    acronym = serializers.CharField(source="organisation.acronym")
    url: serializers.HyperlinkedRelatedField[Organisation] = SlugRelatedLinkField(
        "events:api-organisation-detail", source="organisation", read_only=True
    )

    class Meta:
        model = MeetingOrganisation
        fields = ["slug", "name", "acronym", "role", "role_label", "present", "url"]


class ParticipantReportSerializer(serializers.ModelSerializer):
    """How one source reported a participant."""

    url = serializers.URLField(source="source.url", help_text="The report's URL.")
    publisher = serializers.CharField(source="source.publisher")

    class Meta:
        model = ParticipantReport
        fields = ["url", "publisher", "name_as_written", "title_as_stated"]


class ParticipantSerializer(RoleFields, serializers.ModelSerializer):
    """Someone at a meeting: the name and title as the source gave them, and who they are if known."""

    titles = serializers.CharField(
        source="titles_display",
        help_text="The title as each source stated it, e.g. “Deputy Minister (AzerNews); State Secretary "
        "for Political Affairs (Azertag)”; else title_as_stated.",
    )
    as_reported = ParticipantReportSerializer(
        source="reports", many=True, help_text="The name and title as each source gave them, where recorded."
    )
    person = PersonRefSerializer(allow_null=True)
    organisation = OrganisationRefSerializer(allow_null=True)

    class Meta:
        model = Participation
        fields = [
            "name_as_written",
            "title_as_stated",
            "titles",
            "as_reported",
            "role",
            "role_label",
            "present",
            "person",
            "organisation",
        ]


class OutcomeStatusChangeSerializer(serializers.ModelSerializer):
    """A dated step in what became of an outcome, and the published meeting or the report showing it."""

    meeting = serializers.SerializerMethodField()
    # A serializer is a field, whose ``source`` attribute the stubs type; this field is the report.
    source = SourceSerializer(allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = OutcomeStatusChange
        fields = ["status", "date", "date_precision", "date_display", "note", "meeting", "source"]

    @extend_schema_field(MeetingRefSerializer(allow_null=True))
    def get_meeting(self, change: OutcomeStatusChange) -> dict | None:
        meeting = change.public_meeting
        return None if meeting is None else MeetingRefSerializer(meeting, context=self.context).data


class OutcomeSerializer(serializers.ModelSerializer):
    """What a meeting promised, where it stands now, and the dated changes that followed."""

    id = serializers.IntegerField(source="pk", read_only=True)
    parties = OrganisationRefSerializer(many=True)
    country = CountryField(help_text="Where it is to happen or happened; null if not recorded.")
    status_changes = OutcomeStatusChangeSerializer(many=True)

    class Meta:
        model = Outcome
        fields = [
            "id",
            "kind",
            "text",
            "parties",
            "date",
            "date_precision",
            "date_display",
            "country",
            "status_at_meeting",
            "status",
            "status_changes",
        ]
        extra_kwargs = {"date_precision": {"help_text": "How exactly ``date`` is known (when it is set)."}}


class CommitmentSerializer(OutcomeSerializer):
    """An outcome as a commitment: with the meeting that promised it."""

    url = serializers.HyperlinkedIdentityField(view_name="events:api-commitment-detail")
    html_url = PageURLField(help_text="The outcome on its meeting's page.")
    meeting = MeetingRefSerializer(help_text="The meeting where it was promised.")

    class Meta(OutcomeSerializer.Meta):
        fields = ["url", "html_url", "meeting", *OutcomeSerializer.Meta.fields]


class MeetingSerializer(serializers.ModelSerializer):
    url = SlugLinkField("events:api-meeting-detail")
    html_url = PageURLField(help_text="The meeting's page on the site.")
    country = CountryField(help_text="Where it took place; null if online or not recorded.")
    city = CitySerializer(
        allow_null=True,
        read_only=True,
        help_text="The city, from the gazetteer; null if online or unknown.",
    )
    place = serializers.CharField(
        source="place_display",
        help_text="Where, in words: “TMAC headquarters, Bangkok, Thailand”, “Online”; empty when not known.",
    )
    visiting_country = CountryField(
        help_text="The visiting side's country when no delegation is on record; null if none."
    )
    countries_taking_part = CountryListField(
        help_text="Every country taking part: the venue's, the organisations' taking part, the "
        "delegation's, the visiting side's and those the editors state (for online meetings)."
    )
    delegation = serializers.SerializerMethodField()
    organisations = MeetingOrganisationSerializer(source="organisation_roles", many=True)
    participants = ParticipantSerializer(source="participations", many=True)
    topics = TopicRefSerializer(many=True)
    outcomes = OutcomeSerializer(many=True)
    sources = SourceSerializer(many=True)
    follow_up_of = serializers.SerializerMethodField()
    subtype: serializers.SlugRelatedField[MeetingSubtype] = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="A finer kind, e.g. courtesy-call; or null.",
    )
    subtype_label = serializers.CharField(
        source="subtype.label", default=None, allow_null=True, help_text="The subtype as readers see it."
    )

    class Meta:
        model = Meeting
        fields = [
            "slug",
            "url",
            "html_url",
            "title",
            "kind",
            "subtype",
            "subtype_label",
            "start_date",
            "end_date",
            "date_precision",
            "date_display",
            "date_as_reported",
            "mode",
            "country",
            "city",
            "venue",
            "place",
            "visiting_country",
            "countries_taking_part",
            "delegation",
            "organisations",
            "participants",
            "topics",
            "summary",
            "outcomes",
            "editorial_note",
            "sources",
            "follow_up_of",
            "updated_at",
        ]
        extra_kwargs = {
            "slug": {"help_text": "Its stable identifier, also in its page's address."},
            "mode": {"help_text": "in_person, online (no venue) or hybrid."},
            "venue": {"help_text": "The building or site, e.g. a convention centre; empty if not known."},
            "editorial_note": {"help_text": "Where sources disagree or a fact is uncertain."},
        }

    # One reference serializer for every row of a page: making one a row cost more than its output.
    @cached_property
    def delegation_ref(self) -> DelegationRefSerializer:
        return DelegationRefSerializer(context=self.context)

    @cached_property
    def meeting_ref(self) -> MeetingRefSerializer:
        return MeetingRefSerializer(context=self.context)

    @extend_schema_field(DelegationRefSerializer(allow_null=True))
    def get_delegation(self, meeting: Meeting) -> dict | None:
        delegation = meeting.delegation
        if delegation is None or delegation.status != Status.PUBLISHED:
            return None
        return self.delegation_ref.to_representation(delegation)

    @extend_schema_field(MeetingRefSerializer(allow_null=True))
    def get_follow_up_of(self, meeting: Meeting) -> dict | None:
        earlier = meeting.follow_up_of
        if earlier is None or not earlier.is_published:
            return None
        return self.meeting_ref.to_representation(earlier)


class DelegationSerializer(serializers.ModelSerializer):
    url = SlugLinkField("events:api-delegation-detail")
    html_url = PageURLField()
    sending_country = CountryField()
    destination_countries = CountryListField()
    sending_organisations = OrganisationRefSerializer(many=True)
    head = PersonRefSerializer(allow_null=True)
    members = PersonRefSerializer(many=True)
    sources = SourceSerializer(many=True)
    meetings = MeetingRefSerializer(many=True, help_text="Its published meetings, in date order.")

    class Meta:
        model = Delegation
        fields = [
            "slug",
            "url",
            "html_url",
            "title",
            "sending_country",
            "sending_organisations",
            "head",
            "members",
            "destination_countries",
            "start_date",
            "end_date",
            "purpose",
            "meetings",
            "sources",
            "updated_at",
        ]


class OrganisationSerializer(serializers.ModelSerializer):
    url = SlugLinkField("events:api-organisation-detail")
    html_url = PageURLField()
    country = CountryField(help_text="Null for international bodies.")
    parent = OrganisationRefSerializer(allow_null=True)
    other_names: serializers.SlugRelatedField[OrganisationName] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    meeting_count = serializers.IntegerField(help_text="Published meetings it took part in.")
    meetings_url = serializers.SerializerMethodField(help_text="Its meetings, through the meetings list.")

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "url",
            "html_url",
            "name",
            "acronym",
            "kind",
            "country",
            "parent",
            "website",
            "description",
            "other_names",
            "meeting_count",
            "meetings_url",
            "updated_at",
        ]

    def get_meetings_url(self, organisation: Organisation) -> str:
        return meetings_list_url(self.context["request"], org=organisation.slug)


class PositionSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(allow_null=True)

    class Meta:
        model = Position
        fields = ["title", "organisation", "start_date", "end_date"]


class PersonParticipationSerializer(RoleFields, serializers.ModelSerializer):
    meeting = MeetingRefSerializer()
    organisation = OrganisationRefSerializer(allow_null=True)

    class Meta:
        model = Participation
        fields = [
            "meeting",
            "name_as_written",
            "title_as_stated",
            "role",
            "role_label",
            "present",
            "organisation",
        ]


class PersonSerializer(serializers.ModelSerializer):
    url = SlugLinkField("events:api-person-detail")
    html_url = PageURLField()
    other_names: serializers.SlugRelatedField[PersonName] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    positions = PositionSerializer(many=True)
    participations = PersonParticipationSerializer(
        many=True, help_text="Published meetings they attended, newest first."
    )

    class Meta:
        model = Person
        fields = [
            "slug",
            "url",
            "html_url",
            "name",
            "honorific",
            "other_names",
            "positions",
            "participations",
            "updated_at",
        ]


class TopicSerializer(serializers.ModelSerializer):
    url = SlugLinkField("events:api-topic-detail")
    html_url = PageURLField()
    parent = TopicRefSerializer(allow_null=True)
    meeting_count = serializers.IntegerField(
        help_text="Published meetings about it or a specific topic under it, each once."
    )
    meetings_url = serializers.SerializerMethodField(help_text="Its meetings, through the meetings list.")

    class Meta:
        model = Topic
        fields = ["slug", "url", "html_url", "name", "description", "parent", "meeting_count", "meetings_url"]

    def get_meetings_url(self, topic: Topic) -> str:
        return meetings_list_url(self.context["request"], topic=topic.slug)


class CountrySerializer(serializers.Serializer):
    """A country from dicts of ``code``, ``meeting_count`` and ``organisation_count``."""

    code = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    meeting_count = serializers.IntegerField(
        help_text="Published meetings held there or with an organisation or delegation from it."
    )
    organisation_count = serializers.IntegerField(help_text="Organisations based there.")
    meetings_url = serializers.SerializerMethodField(help_text="Its meetings, through the meetings list.")

    def get_name(self, row: dict) -> str:
        return Country(row["code"]).name

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, row: dict) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("events:api-country-detail", args=[row["code"]])
        )

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, row: dict) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("events:country-detail", args=[row["code"]])
        )

    @extend_schema_field(OpenApiTypes.URI)
    def get_meetings_url(self, row: dict) -> str:
        return meetings_list_url(self.context["request"], country=row["code"])
