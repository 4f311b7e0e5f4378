"""CSV downloads: every meeting the timeline matches for the same parameters, not one page.

Parameters are handled exactly as on the timeline (``MeetingFilter``, lenient):
a bad value is dropped and the rest still apply, so a download always holds
what the page would list. The file is streamed, so memory stays flat however
many rows there are.

How the list columns are read: the meetings come from one streaming query
(``.iterator(chunk_size=...)``), and for each chunk of them every list column
(organisations with roles, participants, topics, outcomes, sources) is one
``values_list()`` query grouped in Python. That costs the same few queries per
chunk on SQLite and PostgreSQL alike and keeps the items in the pages' order
with their labels. ``prefetch_related`` under ``.iterator()`` would give the
same queries, but it builds a model instance and a queryset per item, which
made the export several times slower and left reference cycles that only the
garbage collector frees, so memory grew with the rows between collections.
Aggregating in SQL instead (``STRING_AGG`` on PostgreSQL, ``GROUP_CONCAT`` on
SQLite; Django 5.2 has no portable one) would need a query per database and
could not order or label the items.

List columns join their items with "; ". A cell that a spreadsheet would read
as a formula (one starting with =, +, -, @, a tab or a carriage return) gets a
leading apostrophe, so opening a download can never run anything.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db.models import Count, F, Max, Min
from django.http import StreamingHttpResponse
from django.utils import timezone
from django_countries import countries

from .filters import MeetingFilter
from .models import (
    Meeting,
    MeetingOrganisation,
    Organisation,
    OrganisationName,
    Outcome,
    Participation,
    Status,
)

# Records read at a time; their ids stay well under SQLite's 999 query parameters.
CHUNK_SIZE = 500
# Bytes gathered before a piece of the file goes out.
FLUSH_BYTES = 64 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def safe_cell(value) -> str:
    """The value as text that a spreadsheet shows and never evaluates (CWE-1236)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def joined(items: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(item for item in items if item)


def stream_csv(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    """A UTF-8 CSV download of ``header`` then ``rows``, written as the rows arrive."""

    def pieces() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(value) for value in row])
            if buffer.tell() >= FLUSH_BYTES:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def dated(name: str) -> str:
    return f"mineaction-{name}-{timezone.localdate():%Y-%m-%d}.csv"


def matching_meetings(request):
    """The timeline's filter for this request, and the published meetings it matches."""
    meeting_filter = MeetingFilter(request.GET, queryset=Meeting.objects.published())
    return meeting_filter, meeting_filter.qs


def in_chunks(queryset) -> Iterator[list]:
    """The queryset's records, CHUNK_SIZE at a time, from one streaming query."""
    records = queryset.iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(records, CHUNK_SIZE)):
        yield chunk


def grouped(rows: Iterable[tuple], label: Callable[..., str]) -> dict[int, list[str]]:
    """{id: [label(*values), ...]} from rows of (id, *values), keeping their order."""
    groups: dict[int, list[str]] = defaultdict(list)
    for key, *values in rows:
        groups[key].append(label(*values))
    return groups


def meeting_lists(ids: list[int]) -> dict[str, dict[int, list[str]]]:
    """The list columns of these meetings, each as {meeting id: items}; one query per column."""
    roles = dict(MeetingOrganisation.Role.choices)
    outcome_kinds = dict(Outcome.Kind.choices)
    return {
        "organisations": grouped(
            MeetingOrganisation.objects.filter(meeting_id__in=ids)
            .order_by("role_order", "organisation__name", "pk")
            .values_list("meeting_id", "organisation__name", "role"),
            lambda name, role: f"{name} ({roles[role].lower()})",
        ),
        "participants": grouped(
            Participation.objects.filter(meeting_id__in=ids)
            .order_by("order", "pk")
            .values_list("meeting_id", "name_as_written", "title_as_stated"),
            lambda name, title: f"{name} ({title})" if title else name,
        ),
        "topics": grouped(
            Meeting.topics.through.objects.filter(meeting_id__in=ids)
            .order_by("topic__name", "topic_id")
            .values_list("meeting_id", "topic__name"),
            str,
        ),
        "outcomes": grouped(
            Outcome.objects.filter(meeting_id__in=ids)
            .order_by("pk")
            .values_list("meeting_id", "kind", "text"),
            lambda kind, text: f"{outcome_kinds[kind]}: {text}",
        ),
        "sources": grouped(
            Meeting.sources.through.objects.filter(meeting_id__in=ids)
            .order_by(F("source__published_on").desc(nulls_last=True), "source_id")
            .values_list("meeting_id", "source__url"),
            str,
        ),
    }


MEETING_COLUMNS = [
    "slug",
    "title",
    "kind",
    "start_date",
    "end_date",
    "date_precision",
    "date",
    "date_as_reported",
    "country",
    "country_name",
    "city",
    "delegation",
    "organisations",
    "participants",
    "topics",
    "summary",
    "outcomes",
    "editorial_note",
    "sources",
    "url",
    "updated_at",
]


def meeting_rows(meetings, site: str) -> Iterator[list]:
    """One row of MEETING_COLUMNS per meeting, chunk by chunk."""
    country_names = dict(countries)
    for chunk in in_chunks(meetings):
        lists = meeting_lists([meeting.pk for meeting in chunk])

        def items(column: str, meeting: Meeting, lists=lists) -> str:
            return joined(lists[column].get(meeting.pk, ()))

        for meeting in chunk:
            delegation = meeting.delegation
            yield [
                meeting.slug,
                meeting.title,
                meeting.kind,
                meeting.start_date.isoformat(),
                meeting.end_date.isoformat() if meeting.end_date else "",
                meeting.date_precision,
                meeting.date_display,
                meeting.date_as_reported,
                meeting.country.code,
                country_names.get(meeting.country.code, ""),
                meeting.city,
                delegation.title if delegation and delegation.status == Status.PUBLISHED else "",
                items("organisations", meeting),
                items("participants", meeting),
                items("topics", meeting),
                meeting.summary,
                items("outcomes", meeting),
                meeting.editorial_note,
                items("sources", meeting),
                site + meeting.get_absolute_url(),
                meeting.updated_at.isoformat(timespec="seconds"),
            ]


def meetings_csv(request):
    """/export/meetings.csv?<timeline filters>: one row per matching meeting, in the timeline's order."""
    meeting_filter, meetings = matching_meetings(request)
    meetings = meeting_filter.ordered(
        meetings.select_related("delegation").defer("search_document", "delegation__purpose")
    )
    site = request.build_absolute_uri("/").rstrip("/")
    return stream_csv(dated("meetings"), MEETING_COLUMNS, meeting_rows(meetings, site))


ORGANISATION_COLUMNS = [
    "slug",
    "name",
    "acronym",
    "kind",
    "country",
    "country_name",
    "parent",
    "website",
    "other_names",
    "meetings",
    "first_meeting",
    "last_meeting",
    "url",
]


def organisation_rows(organisations, site: str) -> Iterator[list]:
    country_names = dict(countries)
    for chunk in in_chunks(organisations):
        other_names = grouped(
            OrganisationName.objects.filter(organisation_id__in=[o.pk for o in chunk])
            .order_by("name", "pk")
            .values_list("organisation_id", "name"),
            str,
        )
        for organisation in chunk:
            yield [
                organisation.slug,
                organisation.name,
                organisation.acronym,
                organisation.kind,
                organisation.country.code,
                country_names.get(organisation.country.code, ""),
                organisation.parent.name if organisation.parent else "",
                organisation.website,
                joined(other_names.get(organisation.pk, ())),
                organisation.meeting_count,
                organisation.first_meeting.isoformat(),
                organisation.last_meeting.isoformat(),
                site + organisation.get_absolute_url(),
            ]


def organisations_csv(request):
    """/export/organisations.csv?<timeline filters>: the organisations in the matching meetings.

    One row per organisation taking part in any matching meeting, by name, with how many of
    those meetings it took part in and when the first and last began.
    """
    _, meetings = matching_meetings(request)
    organisations = (
        Organisation.objects.filter(meeting_roles__meeting__in=meetings.order_by().values("pk"))
        # The filter above limits these aggregates to the matching meetings.
        .annotate(
            meeting_count=Count("meeting_roles__meeting", distinct=True),
            first_meeting=Min("meeting_roles__meeting__start_date"),
            last_meeting=Max("meeting_roles__meeting__start_date"),
        )
        .select_related("parent")
        .order_by("name", "pk")
    )
    site = request.build_absolute_uri("/").rstrip("/")
    return stream_csv(dated("organisations"), ORGANISATION_COLUMNS, organisation_rows(organisations, site))
