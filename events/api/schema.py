"""What the OpenAPI schema says that it cannot infer: error bodies and the lists' filters."""

from __future__ import annotations

from django_countries import countries
from drf_spectacular.extensions import OpenApiFilterExtension
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view

from ..filters import MAX_VALUES, YEARS, CommitmentFilter, MeetingFilter, OrganisationFilter, PersonFilter
from ..models import MeetingKind, Organisation, Outcome, OutcomeStatus

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


COUNTRY_CODES = {"type": "string", "enum": sorted(dict(countries))}


# Every MeetingFilter parameter as the schema documents it: (schema, description).
MEETING_FILTER_DOCS = {
    "country": (
        repeatable(COUNTRY_CODES),
        "ISO 3166-1 alpha-2 code: meetings held in the country or with an organisation or delegation "
        "from it. Repeat for several (any of them).",
    ),
    "org": (
        repeatable(SLUG_SCHEMA),
        "An organisation's slug: meetings it took part in. Repeat for several (any of them).",
    ),
    "topic": (
        repeatable(SLUG_SCHEMA),
        "A topic's slug: meetings about it or a specific topic under it. Repeat for several (any of them).",
    ),
    "kind": (
        repeatable({"type": "string", "enum": MeetingKind.values}),
        "The kind of meeting. Repeat for several (any of them).",
    ),
    "subtype": (
        repeatable(SLUG_SCHEMA),
        "A meeting subtype's slug, e.g. courtesy-call. Repeat for several (any of them).",
    ),
    "date_from": ({"type": "string", "format": "date"}, "Meetings that began on or after this day."),
    "date_to": ({"type": "string", "format": "date"}, "Meetings that began on or before this day."),
    "year": (
        {"type": "integer", "minimum": YEARS.start, "maximum": YEARS.stop - 1},
        "Meetings that began in this year.",
    ),
    "q": (
        {"type": "string", "maxLength": MeetingFilter.max_query_length},
        "Words to search for in the meeting, its organisations (and their other names), people, topics "
        "and place.",
    ),
    "sort": (
        {"type": "string", "enum": list(MeetingFilter.base_filters["sort"].orderings)},
        "`newest` (the default) or `oldest` start date first, or `relevance` to `q`.",
    ),
}


# Every CommitmentFilter parameter: the timeline's pick the meetings that made the promises.
COMMITMENT_FILTER_DOCS = {
    **{name: docs for name, docs in MEETING_FILTER_DOCS.items() if name != "sort"},
    "status": (
        repeatable({"type": "string", "enum": OutcomeStatus.values}),
        "Where the outcome stands now (its latest status change, else its status when promised). "
        "Repeat for several (any of them).",
    ),
    "outcome": (
        repeatable({"type": "string", "enum": Outcome.Kind.values}),
        "The kind of outcome. Repeat for several (any of them).",
    ),
    "sort": (
        {"type": "string", "enum": list(CommitmentFilter.base_filters["sort"].orderings)},
        "`newest` (the default) or `oldest` promise first, by the date of the meeting that made it.",
    ),
}

# Every OrganisationFilter parameter, likewise.
ORGANISATION_FILTER_DOCS = {
    "kind": (
        repeatable({"type": "string", "enum": Organisation.Kind.values}),
        "The kind of organisation. Repeat for several (any of them).",
    ),
    "country": (
        repeatable(COUNTRY_CODES),
        "ISO 3166-1 alpha-2 code: organisations based in the country. Repeat for several (any of them).",
    ),
    "q": (
        {"type": "string", "maxLength": OrganisationFilter.max_query_length},
        "Text to find in the organisation's name, acronym or other names.",
    ),
}

PERSON_FILTER_DOCS = {
    "q": (
        {"type": "string", "maxLength": PersonFilter.max_query_length},
        "Text to find in the person's name or other spellings.",
    ),
}

# The documentation of each FilterSet the API uses; a test checks that it covers every parameter.
FILTER_DOCS = {
    MeetingFilter: MEETING_FILTER_DOCS,
    CommitmentFilter: COMMITMENT_FILTER_DOCS,
    OrganisationFilter: ORGANISATION_FILTER_DOCS,
    PersonFilter: PERSON_FILTER_DOCS,
}


class StrictFilterExtension(OpenApiFilterExtension):
    """Documents a list's parameters from FILTER_DOCS.

    django-filter's own introspection guesses types from model fields, which
    method filters and lists of values do not have.
    """

    target_class = "events.api.views.StrictFilterBackend"
    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        docs = FILTER_DOCS[auto_schema.view.filterset_class]
        return [
            build_parameter_type(
                name=name,
                schema=schema,
                location=OpenApiParameter.QUERY,
                description=description,
                explode=True if schema["type"] == "array" else None,
                style="form" if schema["type"] == "array" else None,
            )
            for name, (schema, description) in docs.items()
        ]


def list_and_detail(noun: str, plural: str, serializer):
    return extend_schema_view(
        list=extend_schema(summary=f"All {plural}", responses={200: serializer(many=True), **LIST_ERRORS}),
        retrieve=extend_schema(summary=f"One {noun}", responses={200: serializer, 404: NOT_FOUND}),
    )


CODE_PARAMETER = OpenApiParameter(
    "code", {"type": "string", "pattern": "^[A-Za-z]{2}$"}, OpenApiParameter.PATH, description="ISO code."
)
