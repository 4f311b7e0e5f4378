"""CSV downloads: every meeting (or commitment) the timeline matches for the same parameters, not one page.

Parameters are handled exactly as on the timeline (``MeetingFilter``, lenient):
a bad value is dropped and the rest still apply, so a download always holds
what the page would list, in the page's order. The file is streamed, so
memory stays flat however many rows there are.

How the meetings CSV is written: on PostgreSQL the database writes the rows
itself (``COPY (query) TO STDOUT``, postgresql_csv()), and the worker only
passes the bytes on. Elsewhere the meetings come as tuples from one streaming
query, and for each chunk of them every list column (organisations with
roles, participants, topics, outcomes, sources) is one query grouped here,
read by a helper thread while the previous chunk is written (with_lists()).
``prefetch_related`` under ``.iterator()`` would build a model instance and
a queryset per item, several times slower. The SQL says what the Python
says, from the same declarations where it can (the date wording, the formula
characters); a test compares the two ways row by row on PostgreSQL.

List columns join their items with "; ". A cell that a spreadsheet would read
as a formula (one starting with =, +, -, @, a tab or a carriage return) gets a
leading apostrophe, so opening a download can never run anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import Case, CharField, Count, F, Max, Min, Value, When, Window
from django.db.models.functions import Concat, Lower, RowNumber
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django_countries import countries

from .chunks import OneOf, grouped, in_chunks, source_urls
from .filters import CommitmentFilter, MeetingFilter
from .models import (
    Meeting,
    MeetingCountry,
    MeetingOrganisation,
    Organisation,
    OrganisationName,
    Outcome,
    OutcomeStatusChange,
    ParticipantReport,
    Participation,
    Status,
)
from .wording import date_sql, describe_date

# Bytes gathered before a piece of the file goes out.
FLUSH_BYTES = 64 * 1024
# What a spreadsheet reads as the start of a formula, and what goes before such a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
# On PostgreSQL the meetings CSV is written by the database (COPY); tests
# turn this off to compare it with the rows meeting_rows() writes.
WRITTEN_BY_POSTGRESQL = True
LIST_SEPARATOR = "; "


def safe_cell(value) -> str:
    """The value as text that a spreadsheet shows and never evaluates (CWE-1236)."""
    text = "" if value is None else str(value)
    return FORMULA_GUARD + text if text.startswith(FORMULA_STARTS) else text


def safe_cell_sql(expression: str) -> str:
    """safe_cell() in PostgreSQL, from the same characters; NULL (an empty cell) for ''."""
    starts = ", ".join(f"chr({ord(character)})" for character in FORMULA_STARTS)
    guarded = f"chr({ord(FORMULA_GUARD)}) || {expression}"
    return f"NULLIF(CASE WHEN left({expression}, 1) IN ({starts}) THEN {guarded} ELSE {expression} END, '')"


def joined(items: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(item for item in items if item)


def stream_csv(
    filename: str, header: list[str], rows: Iterable[list], trusted: Iterable[str] = ()
) -> StreamingHttpResponse:
    """A UTF-8 CSV download of ``header`` then ``rows``, written as the rows arrive.

    Every cell goes through safe_cell() except those of the ``trusted`` columns,
    whose values the code itself formats (dates, codes, slugs, addresses).
    """
    checked = [index for index, column in enumerate(header) if column not in set(trusted)]

    def pieces() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for row in rows:
            for index in checked:
                row[index] = safe_cell(row[index])
            writer.writerow(row)
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


def choice_label(field: str, choices, lower: bool = False) -> Case:
    """The display label of a choices field, as SQL."""
    return Case(
        *[When(**{field: value}, then=Value(label.lower() if lower else label)) for value, label in choices],
        default=F(field),
        output_field=CharField(),
    )


def joined_per_meeting(rows, item, order_by: tuple) -> dict[int, str]:
    """{meeting id: its ``item`` values in ``order_by`` order, joined}, for rows with a meeting_id.

    (SQLite's GROUP_CONCAT cannot order its items, so they are joined here.)
    """
    return joined_by_meeting(
        grouped(rows.annotate(item=item).order_by(*order_by).values_list("meeting_id", "item"))
    )


def joined_by_meeting(groups: dict[int, list[str]]) -> dict[int, str]:
    return {meeting_id: LIST_SEPARATOR.join(items) for meeting_id, items in groups.items()}


def meeting_lists(ids: list[int]) -> dict[str, dict[int, str]]:
    """The list columns of these meetings, each as {meeting id: its items joined}; one query per column."""
    in_chunk = OneOf("meeting_id", ids)
    return {
        "organisations": joined_per_meeting(
            MeetingOrganisation.objects.filter(in_chunk),
            Concat(
                "organisation__name", Value(" ("), Lower("role__label"), Value(")"), output_field=CharField()
            ),
            order_by=("role__order", "organisation__name", "pk"),
        ),
        "participants": joined_per_meeting(
            Participation.objects.filter(in_chunk),
            Concat(
                Case(
                    When(title_as_stated="", then=F("name_as_written")),
                    default=Concat(
                        "name_as_written",
                        Value(" ("),
                        "title_as_stated",
                        Value(")"),
                        output_field=CharField(),
                    ),
                    output_field=CharField(),
                ),
                # Someone only mentioned says so: "Name (title) [mentioned, not present]".
                Case(
                    When(role__present=False, then=Concat(Value(" ["), Lower("role__label"), Value("]"))),
                    default=Value(""),
                    output_field=CharField(),
                ),
                output_field=CharField(),
            ),
            order_by=("order", "pk"),
        ),
        # "Spelling: title (Publisher)" for each source that reported a participant its own way.
        "participants_as_reported": joined_per_meeting(
            ParticipantReport.objects.filter(OneOf("participation__meeting_id", ids)).annotate(
                meeting_id=F("participation__meeting_id")
            ),
            Concat(
                Case(
                    When(name_as_written="", then=F("participation__name_as_written")),
                    default=F("name_as_written"),
                    output_field=CharField(),
                ),
                Case(
                    When(title_as_stated="", then=Value("")),
                    default=Concat(Value(": "), "title_as_stated"),
                    output_field=CharField(),
                ),
                Value(" ("),
                "source__publisher",
                Value(")"),
                output_field=CharField(),
            ),
            order_by=("participation__order", "participation_id", "source__publisher", "pk"),
        ),
        "topics": joined_per_meeting(
            Meeting.topics.through.objects.filter(in_chunk, topic__approved=True),
            F("topic__name"),
            order_by=("topic__name", "topic_id"),
        ),
        "outcomes": joined_per_meeting(
            Outcome.objects.filter(in_chunk),
            Concat(choice_label("kind", Outcome.Kind.choices), Value(": "), "text", output_field=CharField()),
            order_by=("pk",),
        ),
        "sources": joined_by_meeting(source_urls(ids)),
        "countries_taking_part": joined_by_meeting(
            grouped(
                MeetingCountry.objects.filter(in_chunk)
                .order_by("meeting_id", "country")
                .values_list("meeting_id", "country")
                .distinct()
            )
        ),
    }


MEETING_COLUMNS = [
    "slug",
    "title",
    "kind",
    "subtype",
    "start_date",
    "end_date",
    "date_precision",
    "date",
    "date_as_reported",
    "country",
    "country_name",
    "city",
    "venue",
    "mode",
    "visiting_country",
    "countries_taking_part",
    "delegation",
    "organisations",
    "participants",
    "participants_as_reported",
    "topics",
    "summary",
    "outcomes",
    "editorial_note",
    "sources",
    "url",
    "updated_at",
]


# The meeting fields a row needs, read as plain tuples: building model
# instances and reversing each URL cost most of a large export's time.
MEETING_FIELDS = (
    "pk",
    "slug",
    "title",
    "kind",
    "subtype__slug",
    "start_date",
    "end_date",
    "date_precision",
    "date_as_reported",
    "country",
    "city__name",
    "venue",
    "mode",
    "visiting_country",
    "delegation__title",
    "delegation__status",
    "summary",
    "editorial_note",
    "updated_at",
)


# Columns whose every value this module formats itself: no formula can start them.
MEETING_FORMATTED_COLUMNS = (
    "kind",
    "start_date",
    "end_date",
    "date_precision",
    "date",
    "country",
    "country_name",
    "mode",
    "visiting_country",
    "countries_taking_part",
    "url",
    "updated_at",
)


def with_lists(chunks: Iterable[list]) -> Iterator[tuple[list, dict[str, dict[int, str]]]]:
    """Each chunk of meeting rows (id first) with its list columns.

    Reading the lists is mostly waiting for the database, so a helper thread,
    on its own connection, reads the next chunk's lists while this one is
    written out. Inside a transaction another connection could not see what
    it holds (so in tests), and there the lists are read in turn.
    """
    if connection.in_atomic_block:
        for chunk in chunks:
            yield chunk, meeting_lists([row[0] for row in chunk])
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-lists") as reader:
        try:
            waiting = None
            for chunk in chunks:
                lists = reader.submit(meeting_lists, [row[0] for row in chunk])
                if waiting:
                    yield waiting[0], waiting[1].result()
                waiting = (chunk, lists)
            if waiting:
                yield waiting[0], waiting[1].result()
        finally:
            # The helper thread's connection is its own: close it there.
            reader.submit(connections.close_all)


def meeting_rows(meetings, site: str) -> Iterator[list]:
    """One row of MEETING_COLUMNS per meeting, chunk by chunk."""
    country_names = dict(countries)
    # Every meeting's address is this prefix, its slug and a slash (tested against reverse()).
    url_prefix = site + reverse("events:meeting-detail", args=["-"])[:-2]
    for chunk, lists in with_lists(in_chunks(meetings.values_list(*MEETING_FIELDS))):
        organisations, participants, as_reported, topics, outcomes, sources, taking_part = (
            lists[column]
            for column in (
                "organisations",
                "participants",
                "participants_as_reported",
                "topics",
                "outcomes",
                "sources",
                "countries_taking_part",
            )
        )
        for (
            pk,
            slug,
            title,
            kind,
            subtype,
            start_date,
            end_date,
            date_precision,
            date_as_reported,
            country,
            city,
            venue,
            mode,
            visiting_country,
            delegation_title,
            delegation_status,
            summary,
            editorial_note,
            updated_at,
        ) in chunk:
            yield [
                slug,
                title,
                kind,
                subtype or "",
                start_date.isoformat(),
                end_date.isoformat() if end_date else "",
                date_precision,
                describe_date(start_date, end_date, date_precision),
                date_as_reported,
                country,
                country_names.get(country, ""),
                city or "",
                venue,
                mode,
                visiting_country,
                taking_part.get(pk, ""),
                delegation_title if delegation_status == Status.PUBLISHED else "",
                organisations.get(pk, ""),
                participants.get(pk, ""),
                as_reported.get(pk, ""),
                topics.get(pk, ""),
                summary,
                outcomes.get(pk, ""),
                editorial_note,
                sources.get(pk, ""),
                f"{url_prefix}{slug}/",
                updated_at.isoformat(timespec="seconds"),
            ]


def meetings_csv(request):
    """/export/meetings.csv?<timeline filters>: one row per matching meeting, in the timeline's order."""
    meetings = MeetingFilter.for_request(request).qs
    site = request.build_absolute_uri("/").rstrip("/")
    if connections[meetings.db].vendor == "postgresql" and WRITTEN_BY_POSTGRESQL:
        return postgresql_csv(dated("meetings"), meetings, site)
    rows = meeting_rows(meetings, site)
    return stream_csv(dated("meetings"), MEETING_COLUMNS, rows, trusted=MEETING_FORMATTED_COLUMNS)


# --- PostgreSQL: the database writes the CSV itself ------------------------------------------
#
# Formatting 100 000 rows in Python kept one core busy for most of a large
# export. On PostgreSQL, ``COPY (query) TO STDOUT WITH (FORMAT csv)`` has the
# database write the rows while the worker only passes the bytes on. The
# query below says in SQL what meeting_rows() and stream_csv() do in Python:
# the same columns, labels and orders; the date wording (date_sql()) and the
# formula guard (safe_cell_sql()) are rendered from the Python's own tables.


def _label_sql(column: str, choices, lower: bool = False) -> tuple[str, list]:
    """SQL and parameters for a choices column's display label."""
    whens, params = [], []
    for value, label in choices:
        whens.append("WHEN %s THEN %s")
        params += [value, label.lower() if lower else label]
    return f"(CASE {column} {' '.join(whens)} ELSE {column} END)", params


def postgresql_meetings_copy(ordered_meetings, site: str) -> tuple[str, list]:
    """The COPY statement and its parameters for the meetings CSV's rows, in ``ordered_meetings``' order."""
    chosen_sql, chosen_params = (
        ordered_meetings.annotate(
            position=Window(RowNumber(), order_by=list(ordered_meetings.query.order_by))
        )
        .order_by()
        .values("pk", "position")
        .query.get_compiler(using=ordered_meetings.db)
        .as_sql()
    )
    kind_sql, kind_params = _label_sql("oc.kind", Outcome.Kind.choices)
    url_prefix = site + reverse("events:meeting-detail", args=["-"])[:-2]
    country_names = dict(countries)
    # (SQL, its parameters, whether a formula must be neutralised) for each of MEETING_COLUMNS.
    columns = [
        ("m.slug", [], True),
        ("m.title", [], True),
        ("m.kind", [], False),
        ("(SELECT st.slug FROM events_meetingsubtype st WHERE st.id = m.subtype_id)", [], True),
        ("to_char(m.start_date, 'YYYY-MM-DD')", [], False),
        ("to_char(m.end_date, 'YYYY-MM-DD')", [], False),
        ("m.date_precision", [], False),
        (*date_sql("m.start_date", "m.end_date", "m.date_precision"), False),
        ("m.date_as_reported", [], True),
        ("NULLIF(m.country, '')", [], False),
        ("country_names.name", [], False),
        ("(SELECT c.name FROM events_city c WHERE c.id = m.city_id)", [], True),
        ("m.venue", [], True),
        ("m.mode", [], False),
        ("NULLIF(m.visiting_country, '')", [], False),
        (
            """(SELECT string_agg(DISTINCT mc.country, '; ' ORDER BY mc.country)
                   FROM events_meetingcountry mc WHERE mc.meeting_id = m.id)""",
            [],
            False,
        ),
        ("CASE WHEN d.status = 'published' THEN d.title ELSE '' END", [], True),
        (
            """(SELECT string_agg(o.name || ' (' || lower(r.label) || ')', '; '
                                   ORDER BY r."order", o.name, mo.id)
                   FROM events_meetingorganisation mo JOIN events_organisation o ON o.id = mo.organisation_id
                   JOIN events_organisationrole r ON r.slug = mo.role
                  WHERE mo.meeting_id = m.id)""",
            [],
            True,
        ),
        (
            """(SELECT string_agg(CASE WHEN p.title_as_stated = '' THEN p.name_as_written
                                       ELSE p.name_as_written || ' (' || p.title_as_stated || ')' END
                                  || CASE WHEN r.present THEN '' ELSE ' [' || lower(r.label) || ']' END,
                                  '; ' ORDER BY p."order", p.id)
                   FROM events_participation p JOIN events_personrole r ON r.slug = p.role
                  WHERE p.meeting_id = m.id)""",
            [],
            True,
        ),
        (
            """(SELECT string_agg(CASE WHEN pr.name_as_written = '' THEN p.name_as_written
                                       ELSE pr.name_as_written END
                                  || CASE WHEN pr.title_as_stated = '' THEN ''
                                          ELSE ': ' || pr.title_as_stated END
                                  || ' (' || s.publisher || ')',
                                  '; ' ORDER BY p."order", p.id, s.publisher, pr.id)
                   FROM events_participantreport pr
                   JOIN events_participation p ON p.id = pr.participation_id
                   JOIN events_source s ON s.id = pr.source_id
                  WHERE p.meeting_id = m.id)""",
            [],
            True,
        ),
        (
            """(SELECT string_agg(t.name, '; ' ORDER BY t.name, t.id)
                   FROM events_meeting_topics mt JOIN events_topic t ON t.id = mt.topic_id
                  WHERE mt.meeting_id = m.id AND t.approved)""",
            [],
            True,
        ),
        ("m.summary", [], True),
        (
            f"""(SELECT string_agg({kind_sql} || ': ' || oc.text, '; ' ORDER BY oc.id)
                   FROM events_outcome oc WHERE oc.meeting_id = m.id)""",
            kind_params,
            True,
        ),
        ("m.editorial_note", [], True),
        (
            """(SELECT string_agg(s.url, '; ' ORDER BY s.published_on DESC NULLS LAST, ms.source_id)
                   FROM events_meeting_sources ms JOIN events_source s ON s.id = ms.source_id
                  WHERE ms.meeting_id = m.id)""",
            [],
            True,
        ),
        ("%s || m.slug || '/'", [url_prefix], False),
        ("""to_char(m.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')""", [], False),
    ]
    inner = ", ".join(f"{column} AS c{number}" for number, (column, _, _) in enumerate(columns))
    outer = ", ".join(
        safe_cell_sql(f"c{number}") if neutralise else f"c{number}"
        for number, (_, _, neutralise) in enumerate(columns)
    )
    # OFFSET 0 keeps the inner query whole, so each list is read once, not once per mention outside.
    sql = f"""COPY (
        SELECT {outer} FROM (
            SELECT chosen.position, {inner}
              FROM ({chosen_sql}) AS chosen
              JOIN events_meeting m ON m.id = chosen.pk
              LEFT JOIN events_delegation d ON d.id = m.delegation_id
              LEFT JOIN unnest(%s::text[], %s::text[]) AS country_names (code, name)
                ON country_names.code = m.country
            OFFSET 0
        ) AS row
        ORDER BY row.position
    ) TO STDOUT WITH (FORMAT csv)"""
    params = [
        *(param for _, column_params, _ in columns for param in column_params),
        *chosen_params,
        list(country_names),
        list(country_names.values()),
    ]
    return sql, params


def postgresql_csv(filename: str, ordered_meetings, site: str) -> StreamingHttpResponse:
    """The meetings CSV as PostgreSQL writes it, streamed in the blocks it sends."""
    try:
        sql, params = postgresql_meetings_copy(ordered_meetings, site)
    except EmptyResultSet:  # a filter that can match nothing
        sql, params = None, []

    def pieces() -> Iterator[bytes]:
        yield (",".join(MEETING_COLUMNS) + "\n").encode()
        if sql is None:
            return
        with connections[ordered_meetings.db].cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
            for block in copy:
                yield bytes(block)

    response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
            OrganisationName.objects.filter(OneOf("organisation_id", [o.pk for o in chunk]))
            .order_by("name", "pk")
            .values_list("organisation_id", "name")
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
    meetings = MeetingFilter.for_request(request).qs
    organisations = (
        Organisation.objects.filter(
            meeting_roles__meeting__in=meetings.order_by().values("pk"), meeting_roles__role__present=True
        )
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


COMMITMENT_COLUMNS = [
    "meeting",
    "meeting_title",
    "meeting_date",
    "meeting_url",
    "kind",
    "text",
    "parties",
    "date",
    "date_precision",
    "when",
    "country",
    "country_name",
    "status_when_promised",
    "status",
    "what_followed",
    "done_by",
    "url",
]
COMMITMENT_FORMATTED_COLUMNS = (
    "meeting_date",
    "meeting_url",
    "kind",
    "date",
    "date_precision",
    "when",
    "country",
    "country_name",
    "status_when_promised",
    "status",
    "url",
)


def evidence_url(change: OutcomeStatusChange, site: str) -> str:
    """The address of what shows a status change: its published meeting's page, else its report."""
    if change.public_meeting is not None:
        return site + change.public_meeting.get_absolute_url()
    return change.source.url if change.source is not None else ""


def followed(change: OutcomeStatusChange, site: str) -> str:
    """A status change in a cell: "2025-02-10 done: the note (its evidence's address)"."""
    text = f"{change.date.isoformat()} {change.status}"
    if change.note:
        text += f": {change.note}"
    url = evidence_url(change, site)
    return f"{text} ({url})" if url else text


def commitment_rows(outcomes, site: str) -> Iterator[list]:
    """One row of COMMITMENT_COLUMNS per outcome, a chunk (and its parties and changes) at a time."""
    country_names = dict(countries)
    for chunk in in_chunks(outcomes):
        for outcome in chunk:
            meeting = outcome.meeting
            done = outcome.done_by
            yield [
                meeting.slug,
                meeting.title,
                meeting.date_display,
                site + meeting.get_absolute_url(),
                outcome.kind,
                outcome.text,
                joined(organisation.name for organisation in outcome.parties.all()),
                outcome.date.isoformat() if outcome.date else "",
                outcome.date_precision if outcome.date else "",
                outcome.date_display,
                outcome.country.code,
                country_names.get(outcome.country.code, ""),
                outcome.status_at_meeting,
                outcome.status,
                joined(followed(change, site) for change in outcome.status_changes.all()),
                evidence_url(done, site) if done is not None else "",
                site + outcome.get_absolute_url(),
            ]


def commitments_csv(request):
    """/export/commitments.csv?<commitments filters>: one row per matching outcome, in the page's order."""
    outcomes = CommitmentFilter.for_request(request).qs.for_commitments()
    site = request.build_absolute_uri("/").rstrip("/")
    return stream_csv(
        dated("commitments"),
        COMMITMENT_COLUMNS,
        commitment_rows(outcomes, site),
        trusted=COMMITMENT_FORMATTED_COLUMNS,
    )
