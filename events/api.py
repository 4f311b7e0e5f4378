"""The read-only JSON API under /api/: published records, with the timeline's filters.

The meetings list takes the timeline's own FilterSet (``events.filters.MeetingFilter``)
through django-filter's DRF backend, so a query string gives the same meetings
here as on ``/``. The page drops a bad value with a notice; the API refuses it
instead, with 400 and the problems by parameter. Lists are paginated by page
number over orders that end in a unique tiebreaker, so pages are stable.
"""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, Q
from django.http import Http404, QueryDict
from django.urls import reverse
from django_countries import countries
from django_countries.fields import Country
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.extensions import OpenApiFilterExtension
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularRedocView
from rest_framework import routers, serializers, viewsets
from rest_framework.decorators import api_view, schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from .filters import MAX_QUERY_LENGTH, MAX_VALUES, YEARS, MeetingFilter
from .models import (
    Delegation,
    Meeting,
    MeetingKind,
    MeetingOrganisation,
    Organisation,
    Outcome,
    Participation,
    Person,
    Position,
    Source,
    Status,
    Topic,
)

# --- Pagination and filtering -------------------------------------------------


class Pagination(PageNumberPagination):
    """Pages of 50 by default; ``page_size`` from 1 to 200. A malformed page is a 400, a missing one a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            raise ValidationError({"page_size": [f"Use a whole number from 1 to {self.max_page_size}."]})
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise ValidationError({"page": ["Use a whole number from 1."]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {"page": {"minimum": 1}, "page_size": {"minimum": 1, "maximum": self.max_page_size}}
        for parameter in parameters:
            parameter["schema"].update(bounds[parameter["name"]])
        return parameters


class MeetingFilterBackend(DjangoFilterBackend):
    """The timeline's FilterSet, strictly: any bad parameter is a 400 that names it.

    Valid parameters give exactly the timeline's set, in the order ``sort`` chooses.
    Only the list is filtered: a meeting's own URL does not depend on filters.
    """

    def filter_queryset(self, request, queryset, view):
        if view.action != "list":
            return queryset
        meeting_filter = self.get_filterset(request, queryset, view)
        meetings = meeting_filter.qs
        if meeting_filter.problems:
            raise ValidationError(meeting_filter.problems)
        return meeting_filter.ordered(meetings)


def meetings_list_url(request, **filters) -> str:
    """The API's meetings list with these timeline filters, as an absolute URL."""
    query = QueryDict(mutable=True)
    query.update(filters)
    return request.build_absolute_uri(f"{reverse('events:api-meeting-list')}?{query.urlencode()}")


# --- Fields -------------------------------------------------------------------


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
        return {"code": value.code, "name": value.name} if value else None


@extend_schema_field({"type": "array", "items": COUNTRY_SCHEMA})
class CountryListField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> list[dict]:
        return [{"code": country.code, "name": country.name} for country in value]


# --- Serializers: references, then each record ----------------------------------


class OrganisationRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="events:api-organisation-detail", lookup_field="slug"
    )

    class Meta:
        model = Organisation
        fields = ["slug", "name", "acronym", "url"]


class PersonRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="events:api-person-detail", lookup_field="slug")

    class Meta:
        model = Person
        fields = ["slug", "name", "url"]


class TopicRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="events:api-topic-detail", lookup_field="slug")

    class Meta:
        model = Topic
        fields = ["slug", "name", "url"]


class MeetingRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="events:api-meeting-detail", lookup_field="slug")
    html_url = PageURLField()

    class Meta:
        model = Meeting
        fields = ["slug", "title", "start_date", "date_display", "url", "html_url"]


class DelegationRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="events:api-delegation-detail", lookup_field="slug")

    class Meta:
        model = Delegation
        fields = ["slug", "title", "url"]


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


class MeetingOrganisationSerializer(serializers.ModelSerializer):
    """An organisation taking part in a meeting, with its role there."""

    slug = serializers.CharField(source="organisation.slug")
    name = serializers.CharField(source="organisation.name")
    acronym = serializers.CharField(source="organisation.acronym")
    url = serializers.HyperlinkedRelatedField(
        source="organisation",
        view_name="events:api-organisation-detail",
        lookup_field="slug",
        read_only=True,
    )

    class Meta:
        model = MeetingOrganisation
        fields = ["slug", "name", "acronym", "role", "url"]


class ParticipantSerializer(serializers.ModelSerializer):
    """Someone at a meeting: the name and title as the source gave them, and who they are if known."""

    person = PersonRefSerializer(allow_null=True)
    organisation = OrganisationRefSerializer(allow_null=True)

    class Meta:
        model = Participation
        fields = ["name_as_written", "title_as_stated", "role", "person", "organisation"]


class OutcomeSerializer(serializers.ModelSerializer):
    parties = OrganisationRefSerializer(many=True)

    class Meta:
        model = Outcome
        fields = ["kind", "text", "parties"]


class MeetingSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="events:api-meeting-detail", lookup_field="slug")
    html_url = PageURLField(help_text="The meeting's page on the site.")
    country = CountryField(help_text="Where it took place; null if online or not recorded.")
    place = serializers.CharField(source="place_display")
    delegation = serializers.SerializerMethodField()
    organisations = MeetingOrganisationSerializer(source="organisation_roles", many=True)
    participants = ParticipantSerializer(source="participations", many=True)
    topics = TopicRefSerializer(many=True)
    outcomes = OutcomeSerializer(many=True)
    sources = SourceSerializer(many=True)
    follow_up_of = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "slug",
            "url",
            "html_url",
            "title",
            "kind",
            "start_date",
            "end_date",
            "date_precision",
            "date_display",
            "date_as_reported",
            "country",
            "city",
            "place",
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
            "editorial_note": {"help_text": "Where sources disagree or a fact is uncertain."},
        }

    @extend_schema_field(DelegationRefSerializer(allow_null=True))
    def get_delegation(self, meeting: Meeting) -> dict | None:
        delegation = meeting.delegation
        if delegation is None or delegation.status != Status.PUBLISHED:
            return None
        return DelegationRefSerializer(delegation, context=self.context).data

    @extend_schema_field(MeetingRefSerializer(allow_null=True))
    def get_follow_up_of(self, meeting: Meeting) -> dict | None:
        earlier = meeting.follow_up_of
        if earlier is None or not earlier.is_published:
            return None
        return MeetingRefSerializer(earlier, context=self.context).data


class DelegationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="events:api-delegation-detail", lookup_field="slug")
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
    url = serializers.HyperlinkedIdentityField(
        view_name="events:api-organisation-detail", lookup_field="slug"
    )
    html_url = PageURLField()
    country = CountryField(help_text="Null for international bodies.")
    parent = OrganisationRefSerializer(allow_null=True)
    other_names = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
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


class PersonParticipationSerializer(serializers.ModelSerializer):
    meeting = MeetingRefSerializer()
    organisation = OrganisationRefSerializer(allow_null=True)

    class Meta:
        model = Participation
        fields = ["meeting", "name_as_written", "title_as_stated", "role", "organisation"]


class PersonSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="events:api-person-detail", lookup_field="slug")
    html_url = PageURLField()
    other_names = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
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
    url = serializers.HyperlinkedIdentityField(view_name="events:api-topic-detail", lookup_field="slug")
    html_url = PageURLField()
    parent = TopicRefSerializer(allow_null=True)
    meeting_count = serializers.IntegerField(help_text="Published meetings about it.")
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


# --- Schema documentation shared by the views -------------------------------------

ERRORS_SCHEMA = {
    "type": "object",
    "description": "The problems with the request, by parameter.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"country": ["“XX” is not a valid country value."]},
}
NOT_FOUND = OpenApiResponse(
    {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
    description="No such record, or no such page.",
)
BAD_REQUEST = OpenApiResponse(ERRORS_SCHEMA, description="A parameter is not valid; the body names it.")
LIST_ERRORS = {400: BAD_REQUEST, 404: NOT_FOUND}

SLUG_SCHEMA = {"type": "string", "pattern": "^[A-Za-z0-9_-]+$", "maxLength": 100}


def repeatable(items: dict) -> dict:
    return {"type": "array", "items": items, "maxItems": MAX_VALUES}


# Every MeetingFilter parameter as the schema documents it: (schema, description).
MEETING_FILTER_DOCS = {
    "country": (
        repeatable({"type": "string", "enum": sorted(dict(countries))}),
        "ISO 3166-1 alpha-2 code: meetings held in the country or with an organisation or delegation "
        "from it. Repeat for several (any of them).",
    ),
    "org": (
        repeatable(SLUG_SCHEMA),
        "An organisation's slug: meetings it took part in. Repeat for several (any of them).",
    ),
    "topic": (
        repeatable(SLUG_SCHEMA),
        "A topic's slug: meetings about it. Repeat for several (any of them).",
    ),
    "kind": (
        repeatable({"type": "string", "enum": MeetingKind.values}),
        "The kind of meeting. Repeat for several (any of them).",
    ),
    "date_from": ({"type": "string", "format": "date"}, "Meetings that began on or after this day."),
    "date_to": ({"type": "string", "format": "date"}, "Meetings that began on or before this day."),
    "year": (
        {"type": "integer", "minimum": YEARS.start, "maximum": YEARS.stop - 1},
        "Meetings that began in this year.",
    ),
    "q": (
        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        "Words to search for in the meeting, its organisations (and their other names), people, topics "
        "and place.",
    ),
    "sort": (
        {"type": "string", "enum": ["newest", "oldest", "relevance"]},
        "`newest` (the default) or `oldest` start date first, or `relevance` to `q`.",
    ),
}


class MeetingFilterExtension(OpenApiFilterExtension):
    """Documents the meetings list's parameters from MEETING_FILTER_DOCS.

    django-filter's own introspection guesses types from model fields, which the
    timeline's method filters do not have.
    """

    target_class = MeetingFilterBackend
    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        undocumented = set(MeetingFilter.base_filters) - set(MEETING_FILTER_DOCS)
        assert not undocumented, f"Document these MeetingFilter parameters in the API: {undocumented}"
        return [
            build_parameter_type(
                name=name,
                schema=schema,
                location=OpenApiParameter.QUERY,
                description=description,
                explode=True if schema["type"] == "array" else None,
                style="form" if schema["type"] == "array" else None,
            )
            for name, (schema, description) in MEETING_FILTER_DOCS.items()
        ]


# --- Views ------------------------------------------------------------------------


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    pagination_class = Pagination


@extend_schema_view(
    list=extend_schema(
        summary="Published meetings, filtered like the timeline",
        responses={200: MeetingSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One published meeting", responses={200: MeetingSerializer, 404: NOT_FOUND}
    ),
)
class MeetingViewSet(ReadOnlyViewSet):
    queryset = Meeting.objects.published().for_api()
    serializer_class = MeetingSerializer
    filter_backends = [MeetingFilterBackend]
    filterset_class = MeetingFilter


def list_and_detail(noun: str, plural: str, serializer):
    return extend_schema_view(
        list=extend_schema(summary=f"All {plural}", responses={200: serializer(many=True), **LIST_ERRORS}),
        retrieve=extend_schema(summary=f"One {noun}", responses={200: serializer, 404: NOT_FOUND}),
    )


def published_meetings():
    return Meeting.objects.published().defer("search_document", "editorial_note", "summary")


@list_and_detail("published delegation", "published delegations, newest first", DelegationSerializer)
class DelegationViewSet(ReadOnlyViewSet):
    queryset = (
        Delegation.objects.published()
        .select_related("head")
        .prefetch_related(
            Prefetch("sending_organisations", queryset=Organisation.objects.order_by("name", "pk")),
            "members",
            "sources",
            Prefetch("meetings", queryset=published_meetings().order_by("start_date", "pk")),
        )
        .order_by(F("start_date").desc(nulls_last=True), "title", "pk")
    )
    serializer_class = DelegationSerializer


@list_and_detail("organisation", "organisations, by name", OrganisationSerializer)
class OrganisationViewSet(ReadOnlyViewSet):
    queryset = (
        Organisation.objects.for_index()
        .prefetch_related("other_names")
        .annotate(
            meeting_count=Count(
                "meeting_roles__meeting", filter=Q(meeting_roles__meeting__status="published"), distinct=True
            )
        )
        .order_by("name", "pk")
    )
    serializer_class = OrganisationSerializer


@list_and_detail("person", "people, by name", PersonSerializer)
class PersonViewSet(ReadOnlyViewSet):
    queryset = Person.objects.prefetch_related(
        "other_names",
        Prefetch("positions", queryset=Position.objects.select_related("organisation")),
        Prefetch(
            "participations",
            queryset=Participation.objects.filter(meeting__status=Status.PUBLISHED)
            .select_related("meeting", "organisation")
            .defer("meeting__search_document", "meeting__editorial_note", "meeting__summary")
            .order_by("-meeting__start_date", "-meeting__pk", "pk"),
        ),
    ).order_by("name", "pk")
    serializer_class = PersonSerializer


@list_and_detail("topic", "topics, by name", TopicSerializer)
class TopicViewSet(ReadOnlyViewSet):
    queryset = (
        Topic.objects.select_related("parent")
        .annotate(meeting_count=Count("meetings", filter=Q(meetings__status="published")))
        .order_by("name", "pk")
    )
    serializer_class = TopicSerializer


CODE_PARAMETER = OpenApiParameter(
    "code", {"type": "string", "pattern": "^[A-Za-z]{2}$"}, OpenApiParameter.PATH, description="ISO code."
)


@extend_schema_view(
    list=extend_schema(
        summary="Countries with published meetings or recorded organisations, by name",
        responses={200: CountrySerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One country",
        parameters=[CODE_PARAMETER],
        responses={200: CountrySerializer, 404: NOT_FOUND},
    ),
)
class CountryViewSet(viewsets.GenericViewSet):
    """Countries are not records but codes; their counts come from two grouped queries."""

    serializer_class = CountrySerializer
    pagination_class = Pagination
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z]{2}"

    def list(self, request):
        meetings = dict(Meeting.objects.published().country_counts())
        based = dict(
            Organisation.objects.exclude(country="").values_list("country").annotate(n=Count("pk")).order_by()
        )
        rows = [
            {"code": code, "meeting_count": meetings.get(code, 0), "organisation_count": based.get(code, 0)}
            for code in sorted(set(meetings) | set(based), key=lambda code: (Country(code).name, code))
        ]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, code: str):
        code = code.upper()
        if code not in dict(countries):
            raise Http404("No such country.")
        row = {
            "code": code,
            "meeting_count": Meeting.objects.published().involving_countries([code]).count(),
            "organisation_count": Organisation.objects.filter(country=code).count(),
        }
        return Response(self.get_serializer(row).data)


@api_view(["GET"])
@schema(None)
def not_found(request, path: str = ""):
    """Any other address under /api/ is a JSON 404, as the schema promises, not the site's HTML page."""
    raise NotFound()


class DocsView(SpectacularRedocView):
    """The API's reference, rendered by Redoc from our own static files."""

    template_name = "events/api_docs.html"


router = routers.DefaultRouter()
router.include_format_suffixes = False
router.register("meetings", MeetingViewSet, basename="api-meeting")
router.register("delegations", DelegationViewSet, basename="api-delegation")
router.register("organisations", OrganisationViewSet, basename="api-organisation")
router.register("people", PersonViewSet, basename="api-person")
router.register("topics", TopicViewSet, basename="api-topic")
router.register("countries", CountryViewSet, basename="api-country")
