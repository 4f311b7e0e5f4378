"""The API's views: pagination, the strict filter backend, and a read-only viewset per record."""

from __future__ import annotations

import functools
from typing import cast

from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import Http404
from django.utils.decorators import method_decorator
from django_countries import countries
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularRedocView
from rest_framework import viewsets
from rest_framework.decorators import api_view, schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from ..cache import public_page
from ..filters import CommitmentFilter, MeetingFilter, OrganisationFilter, PersonFilter
from ..meeting_index import OrderedMeetings, all_published, select
from ..models import (
    Delegation,
    Meeting,
    Organisation,
    Outcome,
    Participation,
    Person,
    Position,
    Status,
    Topic,
)
from .rows import DelegationRows, MeetingRows, PersonRows
from .schema import CODE_PARAMETER, LIST_ERRORS, NOT_FOUND, list_and_detail
from .serializers import (
    CommitmentSerializer,
    CountrySerializer,
    DelegationSerializer,
    MeetingSerializer,
    OrganisationSerializer,
    PersonSerializer,
    TopicSerializer,
)


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


class CountedPaginator(Paginator):
    """A paginator told the count, which it then never asks the database for."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.count = count


class RankedMeetings:
    """The filtered meetings ranked by relevance, a page at a time: one query reads the page's
    meetings in the query's order, then their relations (MeetingRows)."""

    def __init__(self, queryset, rows: MeetingRows, count: int):
        self.queryset = queryset.prefetch_related(None)
        self.rows = rows
        self.total = count

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key: slice) -> list[dict]:
        return list(self.rows.read(self.queryset[key]).values())


class MeetingPagination(Pagination):
    """The meetings' pages from the facet index (events.meeting_index): the count is the size of the
    filter's bitmap, and in the timeline's order (newest or oldest first) the page's ids are read from
    it too, with no COUNT and no OFFSET over the filtered query. Ranked by relevance, the page's ids
    are read from the filtered query. Either way a page is a list of rows already written as
    MeetingSerializer writes them (MeetingRows, events/api/rows.py)."""

    def paginate_queryset(self, queryset, request, view=None):
        filterset = getattr(view, "filterset", None)
        if not isinstance(filterset, MeetingFilter) or view is None:
            raise TypeError("The meetings' pages are read with the meetings' FilterSet.")
        selection = select(filterset)
        counted = functools.partial(CountedPaginator, count=selection.count)
        self.django_paginator_class = cast(type[Paginator], counted)
        rows = MeetingRows(view.get_serializer_context(), using=queryset.db)
        sort = filterset.chosen_sort
        pages: RankedMeetings | OrderedMeetings
        if sort == "relevance":
            pages = RankedMeetings(queryset, rows, selection.count)
        else:
            pages = OrderedMeetings(selection, rows, newest=sort == "newest", listed=True)
        return super().paginate_queryset(pages, request, view)


class StrictFilterBackend(DjangoFilterBackend):
    """The pages' FilterSet, strictly: any bad parameter is a 400 that names it.

    Valid parameters give exactly the page's set (for meetings, in the order
    ``sort`` chooses). Only lists are filtered: a record's own URL does not
    depend on filters.
    """

    def filter_queryset(self, request, queryset, view):
        if view.action != "list":
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        records = filterset.qs
        if filterset.problems:
            raise ValidationError(filterset.problems)
        view.filterset = filterset  # the pagination may count with it
        return records


@method_decorator(public_page, name="dispatch")
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
    filter_backends = [StrictFilterBackend]
    filterset_class = MeetingFilter
    pagination_class = MeetingPagination

    def list(self, request, *args, **kwargs):
        # The page's rows come written (MeetingPagination): no serializer runs over them.
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(page)


@extend_schema_view(
    list=extend_schema(
        summary="Outcomes of published meetings, with what followed; filtered like /commitments/",
        responses={200: CommitmentSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One outcome of a published meeting", responses={200: CommitmentSerializer, 404: NOT_FOUND}
    ),
)
class CommitmentViewSet(ReadOnlyViewSet):
    lookup_field = "pk"
    lookup_value_regex = "[0-9]+"
    queryset = (
        Outcome.objects.public().for_commitments().order_by("-meeting__start_date", "-meeting__pk", "pk")
    )
    serializer_class = CommitmentSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = CommitmentFilter


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

    def list(self, request, *args, **kwargs):
        # A page's delegations, then their relations as plain values (DelegationRows): no serializer runs.
        delegations = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        page = self.paginate_queryset(delegations) or []
        rows = DelegationRows(self.get_serializer_context(), using=delegations.db)
        return self.get_paginated_response(rows.read(page))


@list_and_detail("organisation", "organisations, by name", OrganisationSerializer)
class OrganisationViewSet(ReadOnlyViewSet):
    queryset = (
        Organisation.objects.for_index()
        .prefetch_related("other_names")
        .with_meeting_counts()
        .order_by("name", "pk")
    )
    serializer_class = OrganisationSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = OrganisationFilter


@list_and_detail("person", "people, by name", PersonSerializer)
class PersonViewSet(ReadOnlyViewSet):
    # all(): django-stubs' manager made by as_manager() cannot type prefetch_related with a Prefetch.
    queryset = (
        Person.objects.all()
        .prefetch_related(
            "other_names",
            Prefetch("positions", queryset=Position.objects.select_related("organisation")),
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(meeting__status=Status.PUBLISHED)
                .select_related("meeting", "organisation", "role")
                .defer("meeting__search_document", "meeting__editorial_note", "meeting__summary")
                .order_by("-meeting__start_date", "-meeting__pk", "pk"),
            ),
        )
        .order_by("name", "pk")
    )
    serializer_class = PersonSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = PersonFilter

    def list(self, request, *args, **kwargs):
        # A page's people, then their relations as plain values (PersonRows): no serializer runs.
        people = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        page = self.paginate_queryset(people)
        rows = PersonRows(self.get_serializer_context(), using=people.db)
        return self.get_paginated_response(rows.read(page))


@list_and_detail("topic", "topics, by name", TopicSerializer)
class TopicViewSet(ReadOnlyViewSet):
    queryset = Topic.objects.public().select_related("parent").with_meeting_counts().order_by("name", "pk")
    serializer_class = TopicSerializer

    def list(self, request, *args, **kwargs):
        # Each topic's meetings counted by the facet index, as on the topics' page, rather than a
        # COUNT over the meetings' topics for every topic listed (a topic's own URL counts in SQL).
        uncounted = Topic.objects.public().select_related("parent").order_by("name", "pk")
        topics = self.filter_queryset(uncounted)
        page = self.paginate_queryset(topics) or []
        published = all_published(topics.db)
        rows = published.index.topic_counts(published.ids, published.topics)
        counts = {row["topic_id"]: row["meetings"] for row in rows}
        for topic in page:
            topic.meeting_count = counts.get(topic.pk, 0)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


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
@method_decorator(public_page, name="dispatch")
class CountryViewSet(viewsets.GenericViewSet):
    """Countries are not records but codes; their counts come from two grouped queries."""

    serializer_class = CountrySerializer
    pagination_class = Pagination
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z]{2}"

    def list(self, request):
        # Each country's meetings counted by the facet index, as on the countries' page.
        published = all_published()
        counts = published.index.counts(published.ids, "country")
        page = self.paginate_queryset(Meeting.objects.published().country_index(counts=counts))
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
