"""Meetings, the unit of the timeline, with their organisations, participants and outcomes.

Every rule that can live in the database does, as a named constraint; the one
rule that spans two tables (a meeting lies inside its delegation's trip) is a
trigger, see migration 0002.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, connections, models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django_countries.fields import Country, CountryField
from simple_history.models import HistoricalRecords

from .. import versions
from ..wording import country_name, describe_date, describe_held, describe_place
from .countries import DecidesCountries, MeetingCountry
from .delegations import Delegation
from .outcomes import Outcome, outcome_parts_prefetch
from .prepared import PreparedRead, read_prepared, run_together
from .records import Organisation, OrganisationName, Person, PersonName, Source, Topic, topic_roll_up
from .rows import ListedMeeting, ListedOrganisation, ListedTopic, ListedTrip
from .vocabularies import MeetingKind, OrganisationRole, PersonRole, accept_slugs, describe_kind
from .workflow import CheckedText, DatePrecision, Publishable, Status, TimeStamped, end_not_before_start


class MeetingSubtypeQuerySet(models.QuerySet):
    def of_kind(self, kind: str):
        return self.filter(kind=kind)


class MeetingSubtype(CheckedText):
    """A finer kind under one of the meeting kinds: a courtesy call is a bilateral meeting."""

    kind = models.CharField(
        max_length=20, choices=MeetingKind.choices, help_text="The kind of meeting this is a subtype of."
    )
    label = models.CharField(max_length=100, help_text="As readers see it, e.g. “Courtesy call”.")
    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text="Used in addresses, the API and CSV; do not change it once in use.",
    )
    description = models.TextField(blank=True, help_text="When editors should choose it.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lists show lower numbers first.")

    objects = MeetingSubtypeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "order", "label", "pk"]
        verbose_name = "meeting subtype"
        constraints = [
            models.UniqueConstraint(fields=["kind", "label"], name="meeting_subtype_label_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_kind_display().lower()})"


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid (in person and online)"


# How far apart two reports of the same meeting may date it, and how many
# organisations they must share, before the admin asks "is this a duplicate?".
DUPLICATE_DAYS = 3
DUPLICATE_SHARED_ORGANISATIONS = 2


@dataclass
class DuplicateCandidate:
    """Another meeting that is probably the same event, and why we think so."""

    meeting: Meeting
    reasons: list[str] = field(default_factory=list)


# The timeline's order, and every meeting list's unless a reader chooses another.
NEWEST_FIRST = ("-start_date", "-pk")


# How many meetings refresh_search_documents() reads, builds and writes at a time.
DOCUMENTS_CHUNK = 2000


def search_document(own, *, outcomes, topics, organisations, participants) -> str:
    """A meeting's search document: every searchable word of it and its relations, each once, in this
    order. The one recipe: Meeting.search_document_from() gives it one meeting's words read as records,
    MeetingQuerySet.refresh_search_documents() many meetings' read as rows.

    ``own``: the meeting's own words (title, summary, venue, date as reported, city's two names,
    subtype, country's name, trip's title; None or "" where it has none); ``organisations``:
    (name, acronym, other names) in name order; ``participants``: (name as written, the person's name
    or None, the person's other names) in the meeting's order.
    """
    parts = [*own, *outcomes, *topics]
    for name, acronym, other_names in organisations:
        parts += [name, acronym, *other_names]
    for name_as_written, person_name, other_names in participants:
        parts += [name_as_written, person_name, *other_names]
    return "\n".join(dict.fromkeys(part for part in parts if part))


def _search_documents_of(
    ids: list[int], using: str, *, lock: bool = False
) -> dict[int, tuple[str, str, bool]]:
    """{meeting id: (its document as stored, rebuilt, published?)} for ``ids``, read as rows in eight
    queries (no record built: at 20 000 meetings that was most of a rename's time). ``lock``: the
    meetings' rows are locked first (PostgreSQL), so no save can come between reading and writing."""
    meetings = Meeting.objects.using(using).filter(pk__in=ids).order_by()
    if lock:
        meetings = meetings.select_for_update(of=("self",))
    rows = list(
        meetings.values_list(
            "pk",
            "status",
            "search_document",
            "title",
            "summary",
            "venue",
            "date_as_reported",
            "city__name",
            "city__ascii_name",
            "subtype__label",
            "country",
            "delegation__title",
        )
    )
    outcomes: dict[int, list[str]] = {}
    for meeting_id, text in (
        Outcome.objects.using(using).filter(meeting__in=ids).values_list("meeting_id", "text")
    ):
        outcomes.setdefault(meeting_id, []).append(text)
    topics: dict[int, list[str]] = {}
    topic_links = (
        Meeting.topics.through.objects.using(using)
        .filter(meeting__in=ids, topic__in=Topic.objects.using(using).public())
        .order_by(*(f"topic__{name}" for name in Topic._meta.ordering or ()))
        .values_list("meeting_id", "topic__name")
    )
    for meeting_id, name in topic_links:
        topics.setdefault(meeting_id, []).append(name)

    participations = list(
        Participation.objects.using(using)
        .filter(meeting__in=ids)
        .values_list("meeting_id", "name_as_written", "person_id", "person__name", "organisation_id")
    )
    pairs = set(
        MeetingOrganisation.objects.using(using)
        .filter(meeting__in=ids)
        .values_list("meeting_id", "organisation_id")
    )
    pairs |= {(row[0], row[4]) for row in participations if row[4] is not None}
    meetings_naming: dict[int, list[int]] = {}
    for meeting_id, organisation_id in sorted(pairs):
        meetings_naming.setdefault(organisation_id, []).append(meeting_id)
    other_names = _other_names(OrganisationName, "organisation_id", list(meetings_naming), using)
    organisations: dict[int, list[tuple]] = {}
    # In the database's order (its collation), as each meeting's own query gives them.
    for organisation_id, name, acronym in (
        Organisation.objects.using(using)
        .filter(pk__in=list(meetings_naming))
        .values_list("pk", "name", "acronym")
    ):
        named = (name, acronym, other_names.get(organisation_id, ()))
        for meeting_id in meetings_naming[organisation_id]:
            organisations.setdefault(meeting_id, []).append(named)
    people_names = _other_names(
        PersonName, "person_id", list({row[2] for row in participations if row[2] is not None}), using
    )
    participants: dict[int, list[tuple]] = {}
    for meeting_id, name_as_written, person_id, person_name, _ in participations:
        participants.setdefault(meeting_id, []).append(
            (name_as_written, person_name, people_names.get(person_id, ()))
        )

    documents = {}
    for meeting_id, status, stored, *own, city, city_ascii, subtype, country, delegation in rows:
        document = search_document(
            [*own, city, city_ascii, subtype, country_name(country) if country else "", delegation],
            outcomes=outcomes.get(meeting_id, ()),
            topics=topics.get(meeting_id, ()),
            organisations=organisations.get(meeting_id, ()),
            participants=participants.get(meeting_id, ()),
        )
        documents[meeting_id] = (stored, document, status == Status.PUBLISHED)
    return documents


def _other_names(model, owner_field: str, owner_ids: list[int], using: str) -> dict[int, list[str]]:
    """{owner id: its other names, in their order} for ``owner_ids``; one query."""
    names: dict[int, list[str]] = {}
    for owner_id, name in (
        model.objects.using(using)
        .filter(**{f"{owner_field}__in": owner_ids})
        .values_list(owner_field, "name")
    ):
        names.setdefault(owner_id, []).append(name)
    return names


def _write_search_documents(documents: dict[int, tuple[str, str, bool]], using: str) -> set[int]:
    """Write the rebuilt documents that differ from those stored; returns the ids written.

    On PostgreSQL one statement, and only where the document is still the one read: a meeting saved
    meanwhile (its row was not locked) keeps its own document and is not in the answer.
    """
    changed = {pk: (stored, new) for pk, (stored, new, _) in documents.items() if stored != new}
    if not changed:
        return set()
    table = connections[using].ops.quote_name(Meeting._meta.db_table)
    with connections[using].cursor() as cursor:
        if connections[using].vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS m SET search_document = new.document "
                "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS new (id, was, document) "
                "WHERE m.id = new.id AND m.search_document = new.was RETURNING m.id",
                [list(changed), *map(list, zip(*changed.values(), strict=True))],
            )
            return {pk for (pk,) in cursor.fetchall()}
        cursor.executemany(
            f"UPDATE {table} SET search_document = %s WHERE id = %s",
            [(new, pk) for pk, (_, new) in changed.items()],
        )
    return set(changed)


class MeetingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def newest_first(self):
        return self.order_by(*NEWEST_FIRST)

    def refresh_search_documents(self) -> int:
        """Rebuild these meetings' search documents, DOCUMENTS_CHUNK at a time; returns how many meetings.

        For a record whose name is in many meetings' documents (an organisation,
        a person, a trip, a topic): renamed, its meetings are found by the new name.
        One transaction, and one entry in the log of changed meetings for all of
        them (versions.meetings_changed()). A draft saved by someone else between
        reading and writing it (a draft's save takes no version) is read again, its
        row locked, so that its document holds both that save and the new name.
        """
        using = self.db
        published: set[int] = set()
        with transaction.atomic(using=using):
            # First, as every writer does: the version's row stays locked until this commits, so a
            # published meeting's save waits, then reads the new names.
            versions.data_changed(using)
            ids = list(self.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), DOCUMENTS_CHUNK):
                chunk, lock = ids[start : start + DOCUMENTS_CHUNK], False
                while chunk:
                    documents = _search_documents_of(chunk, using, lock=lock)
                    written = _write_search_documents(documents, using)
                    published |= {pk for pk in written if documents[pk][2]}
                    chunk = [
                        pk for pk, (was, new, _) in documents.items() if was != new and pk not in written
                    ]
                    lock = True
            # Raw SQL sends no signal: kept search results retire, and kept words look again.
            versions.meetings_changed(published, using)
        return len(ids)

    def likely_duplicates(
        self,
        *,
        start_date: datetime.date | None,
        end_date: datetime.date | None = None,
        country: str = "",
        organisation_ids=(),
        source_ids=(),
        source_urls=(),
        delegation_id: int | None = None,
        exclude_pk: int | None = None,
    ) -> list[DuplicateCandidate]:
        """Meetings that are probably the same event as the one described; three queries at most.

        Takes plain values rather than a saved meeting because the admin asks
        before anything is saved, from the submitted form and inlines. A
        meeting is a likely duplicate when it cites one of the same sources;
        or lies within DUPLICATE_DAYS in the same country and shares at least
        DUPLICATE_SHARED_ORGANISATIONS organisations; or belongs to the same
        delegation on the same day. Meetings already merged away are skipped.
        """
        others = self.filter(merged_into__isnull=True)
        if exclude_pk is not None:
            others = others.exclude(pk=exclude_pk)
        found: dict[int, DuplicateCandidate] = {}

        def note(meeting: Meeting, reason: str) -> None:
            found.setdefault(meeting.pk, DuplicateCandidate(meeting)).reasons.append(reason)

        source_match = Q(sources__in=list(source_ids)) | Q(sources__url__in=list(source_urls))
        if source_ids or source_urls:
            shared = others.filter(source_match).annotate(
                shared_url=models.Min("sources__url", filter=source_match)
            )
            for meeting in shared.newest_first():
                note(meeting, f"cites the same source ({meeting.shared_url})")
        organisation_ids = set(organisation_ids)
        if start_date and country and len(organisation_ids) >= DUPLICATE_SHARED_ORGANISATIONS:
            window = datetime.timedelta(days=DUPLICATE_DAYS)
            near = (
                others.filter(country=country)
                .alias(last_day=Coalesce("end_date", "start_date"))
                .filter(start_date__lte=(end_date or start_date) + window, last_day__gte=start_date - window)
                .annotate(
                    shared=Count(
                        "organisation_roles__organisation",
                        filter=Q(
                            organisation_roles__organisation__in=organisation_ids,
                            organisation_roles__role__present=True,
                        ),
                        distinct=True,
                    )
                )
                .filter(shared__gte=DUPLICATE_SHARED_ORGANISATIONS)
            )
            for meeting in near.newest_first():
                days = abs((meeting.start_date - start_date).days)
                apart = "the same day" if days == 0 else f"{days} day{'s' if days > 1 else ''} apart"
                note(meeting, f"same country, {apart}, {meeting.shared} organisations in common")
        if start_date and delegation_id:
            for meeting in others.filter(delegation_id=delegation_id, start_date=start_date):
                note(meeting, "same delegation on the same day")
        return list(found.values())

    def redirect_target_for_slug(self, slug: str) -> Meeting | None:
        """The published meeting a merged meeting's address should redirect to, if any (queries)."""
        merged = self.filter(slug=slug, merged_into__isnull=False).first()
        if merged is None:
            return None
        target = merged.final_merge_target
        return target if target.is_published else None

    def for_timeline(self):
        """What a timeline row shows: delegation, place, organisations and topics, in two extra queries
        (and the meeting's ``updated_at``, for its row's stamp)."""
        return (
            self.select_related("delegation", "subtype", "city")
            .defer("search_document", "editorial_note", "created_at")
            .prefetch_related(
                organisation_roles_prefetch(),
                public_topics_prefetch(),
            )
        )

    def listed(self, ids: list[int]) -> dict[int, ListedMeeting]:
        """The rows of the meetings ``ids`` among these, by id, as a list shows them
        (events.models.rows): three queries, for the meetings, their organisations and their topics,
        read as plain values (on PostgreSQL sent together in a pipeline: read_together()). The
        timeline and the profile pages read a page of rows afresh, and making each meeting and its
        relations as model instances cost more than the queries did."""
        rows: dict[int, ListedMeeting] = {}
        meetings = self.filter(pk__in=ids).values_list(*ROW_FIELDS)
        # Each organisation taking part once, in role order (as Meeting.distinct_organisations).
        organisations = (
            MeetingOrganisation.objects.using(self.db)
            .filter(meeting_id__in=ids, role__present=True)
            .order_by("role__order", "organisation__name", "pk")
            .values_list(
                "meeting_id",
                "organisation_id",
                "organisation__slug",
                "organisation__name",
                "organisation__acronym",
            )
        )
        # The approved topics, in Topic's order (as public_topics_prefetch()).
        topics = (
            Meeting.topics.through.objects.using(self.db)
            .filter(meeting_id__in=ids, topic__approved=True)
            .order_by("topic__name", "topic__pk")
            .values_list("meeting_id", "topic__slug", "topic__name")
        )
        fields, links, tagged = read_together(self.db, meetings, organisations, topics)
        for row in fields:
            (pk, updated, slug, title, kind, start, end, precision, mode, country, venue, summary) = row[:12]
            subtype_label, city_name, delegation_id, trip_slug, trip_title, trip_status = row[12:]
            trip = ListedTrip(trip_slug, trip_title, trip_status) if delegation_id is not None else None
            rows[pk] = ListedMeeting(
                pk, updated, slug, title, kind, start, end, precision, mode, country, venue, summary,
                subtype_label or "", city_name or "", trip,
            )  # fmt: skip
        seen: set[tuple[int, int]] = set()
        for meeting_id, organisation_id, slug, name, acronym in links:
            # The links and topics were asked for by the ids given: only the meetings read count.
            if meeting_id in rows and (meeting_id, organisation_id) not in seen:
                seen.add((meeting_id, organisation_id))
                rows[meeting_id].organisations.append(
                    ListedOrganisation(organisation_id, slug, name, acronym)
                )
        for meeting_id, slug, name in tagged:
            if meeting_id in rows:
                rows[meeting_id].topics.append(ListedTopic(slug, name))
        return rows

    def for_detail(self):
        """Everything a meeting page shows of the meeting itself, in a fixed number of queries (the
        meeting it follows up and its follow-ups are read with its related meetings:
        events.meeting_index.related_and_follow_ups())."""
        return self.for_detail_record().prefetch_related(*detail_prefetches())

    def for_detail_record(self):
        """What a meeting page shows of the meeting's own row and its subtype, city and trip, with the
        countries taking part: for_detail() without its to-many records."""
        return (
            self.with_countries_taking_part()
            .select_related("delegation", "subtype", "city")
            .defer("search_document")
        )

    def get_published_for_detail(self, slug: str) -> Meeting:
        """The published meeting with ``slug`` (else Meeting.DoesNotExist) with what for_detail()
        reads: the meeting and its one-to-one records, its organisations, participants and how each
        source reported them, topics, outcomes and sources, read by the slug together in one pipeline
        on PostgreSQL, by SQL compiled once per connection (DETAIL_READS). A meeting page asks for
        this, on every request, so compiling its seven queries afresh would cost more than running
        them. Only the database is taken from this queryset, not its filters."""
        found, *parts, reported = read_prepared(self.db, [(read, {"slug": slug}) for read in DETAIL_READS])
        if not found:
            raise Meeting.DoesNotExist("No published meeting has this slug.")
        meeting = found[0]
        for name, records in zip(DETAIL_RELATIONS, parts, strict=True):
            keep_prefetched(meeting, name, getattr(meeting, name).all(), records)
        by_participation: dict[int, list] = {}
        for report in reported:
            by_participation.setdefault(report.participation_id, []).append(report)
        for participation in meeting.participations.all():
            keep_prefetched(
                participation,
                "reports",
                participation.reports.all(),
                by_participation.get(participation.pk, []),
            )
        if outcomes := list(meeting.outcomes.all()):  # their parties and changes: rare, read after
            models.prefetch_related_objects(outcomes, *outcome_parts_prefetch())
        return meeting

    def related_rows(self, meeting: Meeting, ids: list[int]) -> dict[int, Meeting]:
        """The published meetings ``ids`` (RELATED_ROWS_IDS at most) and the published follow-ups of
        ``meeting``, by id, with what a meeting page's links to them show (RELATED_ROWS_FIELDS): one
        query, whose SQL is compiled once per connection (RELATED_ROWS). Only the database is taken
        from this queryset, not its filters."""
        if len(ids) > RELATED_ROWS_IDS:
            raise ValueError(f"At most {RELATED_ROWS_IDS} meetings besides the follow-ups.")
        padded = [*ids, *[NO_MEETING] * (RELATED_ROWS_IDS - len(ids))]
        values = {"meeting": meeting.pk, **{f"id{n}": pk for n, pk in enumerate(padded)}}
        (rows,) = read_prepared(self.db, [(RELATED_ROWS, values)])
        return {row.pk: row for row in rows}

    # Data out: the API and the Atom feed read a page of meetings at a time (the
    # CSV and iCalendar downloads stream every row in chunks instead).

    def for_api(self):
        """Everything the API gives for each meeting, in a fixed number of queries per page."""
        return (
            self.with_countries_taking_part()
            .select_related("delegation", "follow_up_of", "subtype", "city")
            .defer("search_document", "follow_up_of__search_document", "delegation__purpose")
            .prefetch_related(
                organisation_roles_prefetch(),
                participations_prefetch(),
                public_topics_prefetch(),
                models.Prefetch("outcomes", queryset=Outcome.objects.for_meeting_page()),
                "sources",
            )
        )

    def city_counts(self) -> list[tuple[str, str, float, float, int]]:
        """(name, country code, latitude, longitude, meetings) of the cities these meetings were held in;
        one grouped query (the maps' city marks)."""
        return list(
            self.filter(city__isnull=False)
            .order_by()
            .values_list("city__name", "city__country", "city__latitude", "city__longitude")
            .annotate(meetings=models.Count("pk", distinct=True))
        )

    def with_countries_taking_part(self):
        """Each with ``country_codes``: the codes of the countries taking part, comma-separated, in the
        same query (countries_taking_part reads it)."""
        codes = (
            MeetingCountry.objects.filter(meeting=OuterRef("pk"))
            .order_by()
            .values("meeting")
            .annotate(codes=CountryCodes("country"))
            .values("codes")
        )
        return self.annotate(country_codes=Subquery(codes, output_field=models.CharField()))

    def for_feed(self):
        """What an Atom entry shows: the meeting's own fields, its subtype, topics and sources."""
        return (
            self.select_related("subtype", "city")
            .defer("search_document", "editorial_note")
            .prefetch_related(public_topics_prefetch(), "sources")
        )

    # Filters shared by the timeline, profiles, exports and the API. Each
    # to-many condition is a subquery, so no row is ever counted twice.

    def involving_countries(self, codes):
        """With any of the countries taking part (see events.models.countries for who counts)."""
        return self.filter(pk__in=MeetingCountry.objects.filter(country__in=codes).values("meeting_id"))

    def involving_organisations(self, organisations):
        """With any of the organisations (ids or Organisation objects) taking part."""
        return self.filter(
            pk__in=MeetingOrganisation.objects.taking_part()
            .filter(organisation__in=organisations)
            .values("meeting_id")
        )

    def about_topics(self, topics):
        """About any of the topics (ids or Topic objects) by the roll-up: tagged with one of them or
        with an approved specific topic under one (topic_roll_up())."""
        return self.filter(
            pk__in=Meeting.topics.through.objects.filter(topic_roll_up(topics)).values("meeting_id")
        )

    def search(self, text: str):
        """Meetings matching every word of ``text``, with a ``rank`` on PostgreSQL.

        PostgreSQL: full-text search over the search document, served by the
        GIN index ``meeting_search_gin`` (migration 0002), which indexes this
        exact expression. SQLite: every word must appear in the document.
        """
        if connections[self.db].vendor == "postgresql":
            query = SearchQuery(text, search_type="websearch", config="english")
            return self.annotate(search=search_vector(), rank=SearchRank(search_vector(), query)).filter(
                search=query
            )
        matching = self
        for word in text.split()[:MAX_SEARCH_WORDS]:
            matching = matching.filter(search_document__icontains=word)
        return matching.annotate(rank=models.Case(models.When(title__icontains=text, then=1), default=0))

    # Facets: how many meetings of this queryset each value has, one grouped
    # query each. Given ``outcomes`` (outcomes of these meetings: the commitments
    # page), they count those outcomes instead, by the same rules.

    def _ids_sql(self) -> tuple[str, tuple]:
        """SQL selecting these meetings' ids, compiled for the database they are read from.

        Raises EmptyResultSet when no meeting can match.
        """
        return self.order_by().values("pk").query.get_compiler(using=self.db).as_sql()

    def _per_outcome(self, outcomes) -> tuple[str, tuple]:
        """A join that turns each (meeting_id, value) row of ``pairs`` into a row per one of ``outcomes``
        of that meeting, so that COUNT(*) counts outcomes; nothing without ``outcomes``."""
        if outcomes is None:
            return "", ()
        sql, params = outcomes.order_by().values("pk").query.get_compiler(using=self.db).as_sql()
        return (
            f"JOIN events_outcome counted ON counted.meeting_id = pairs.meeting_id AND counted.id IN ({sql})",
            params,
        )

    def country_counts(self, limit: int | None = None, *, outcomes=None) -> list[tuple[str, int]]:
        """(code, meetings) pairs, most first, by the same rule as involving_countries(); one query.

        With ``outcomes``, each country counts those of these outcomes whose meeting it took part in.
        """
        rows = MeetingCountry.objects.filter(meeting__in=self.order_by().values("pk"))
        counted = Count("meeting_id", distinct=True)
        if outcomes is not None:
            # The filter's join is the one counted: only these outcomes, each once.
            rows = rows.filter(meeting__outcomes__in=outcomes.order_by().values("pk"))
            counted = Count("meeting__outcomes", distinct=True)
        rows = rows.values_list("country").annotate(meetings=counted).order_by("-meetings", "country")
        return list(rows[:limit] if limit else rows)

    def country_index(self, *, with_organisations: bool = True, counts: dict | None = None) -> list[dict]:
        """The country list: dicts of code, country, meeting_count and organisation_count, by name.

        A row for each country with any of these meetings (by the rule of
        involving_countries()) and, ``with_organisations``, each where an
        organisation is based. Two queries; one when given ``counts``, these
        meetings' per country as counted already (the facet index).
        """
        meetings = dict(self.country_counts()) if counts is None else counts
        based = Organisation.objects.country_counts()
        codes = set(meetings) | set(based) if with_organisations else set(meetings)
        rows = [
            {
                "code": code,
                "country": Country(code),
                "meeting_count": meetings.get(code, 0),
                "organisation_count": based.get(code, 0),
            }
            for code in codes
        ]
        return sorted(rows, key=lambda row: (row["country"].name, row["code"]))

    def organisation_counts(self, limit: int | None = None, *, outcomes=None) -> list[dict]:
        """Dicts of organisation_id, slug, name, acronym and ``meetings`` among these, most first,
        counting the organisations taking part."""
        links = MeetingOrganisation.objects.taking_part().filter(meeting__in=self.order_by().values("pk"))
        counted = models.Count("meeting", distinct=True)
        if outcomes is not None:
            # The filter's join is the one counted: only these outcomes, each once.
            links = links.filter(meeting__outcomes__in=outcomes.order_by().values("pk"))
            counted = models.Count("meeting__outcomes", distinct=True)
        rows = (
            links.values("organisation_id", slug=F("organisation__slug"), name=F("organisation__name"))
            .annotate(acronym=F("organisation__acronym"), meetings=counted)
            .order_by("-meetings", "name")
        )
        return list(rows[:limit])

    def _topic_pairs_sql(self) -> tuple[str, tuple]:
        """SQL of the (meeting_id, topic_id) pairs of these meetings by topic_roll_up(), each pair once:
        a meeting's own topics and the broad topics of its approved specific ones. The topic ids are
        not yet narrowed to approved topics. Raises EmptyResultSet when no meeting can match."""
        ids_sql, ids_params = self._ids_sql()
        sql = f"""
            SELECT mt.meeting_id, mt.topic_id
              FROM events_meeting_topics mt WHERE mt.meeting_id IN ({ids_sql})
            UNION
            SELECT mt.meeting_id, specific.parent_id
              FROM events_meeting_topics mt
              JOIN events_topic specific ON specific.id = mt.topic_id
             WHERE specific.parent_id IS NOT NULL AND specific.approved AND mt.meeting_id IN ({ids_sql})
        """
        return sql, ids_params * 2

    def topic_counts(self, limit: int | None = None, *, outcomes=None) -> list[dict]:
        """Dicts of topic_id, slug, name, parent_id and ``meetings`` among these, most first, for each
        approved topic (broad and specific) with any.

        A broad topic counts the meetings tagged with it or with an approved specific topic under it,
        each once: the rule of topic_roll_up(), which the topic filter uses, so a count always equals
        the list its link opens. One query.
        """
        try:
            pairs_sql, params = self._topic_pairs_sql()
            per_outcome, outcome_params = self._per_outcome(outcomes)
        except EmptyResultSet:
            return []
        params = (*params, *outcome_params)
        sql = f"""
            SELECT t.id, t.slug, t.name, t.parent_id, COUNT(*) AS meetings
              FROM ({pairs_sql}) AS pairs {per_outcome} JOIN events_topic t ON t.id = pairs.topic_id
             WHERE t.approved
             GROUP BY t.id, t.slug, t.name, t.parent_id
             ORDER BY meetings DESC, t.name, t.id
        """
        if limit:
            sql += f" LIMIT {int(limit)}"
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            columns = ("topic_id", "slug", "name", "parent_id", "meetings")
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def kind_counts(self) -> list[tuple[str, int]]:
        rows = self.order_by().values_list("kind").annotate(meetings=models.Count("pk"))
        return sorted(rows, key=lambda row: (-row[1], row[0]))

    # Pictures: the grouped counts that charts and the partner network draw,
    # one query each.

    def year_kind_counts(self) -> list[tuple[int, str, int]]:
        """(year, kind, meetings), oldest first: meetings per year stacked by kind."""
        rows = self.order_by().annotate(year=ExtractYear("start_date")).values_list("year", "kind")
        return sorted(rows.annotate(meetings=models.Count("pk")))

    def topic_year_counts(self) -> list[dict]:
        """Dicts of topic_id, slug, name, year and ``meetings`` among these: topics over time, each
        approved topic counted by the roll-up, as topic_counts() counts it. One query."""
        try:
            pairs_sql, params = self._topic_pairs_sql()
        except EmptyResultSet:
            return []
        year = "CAST(EXTRACT(YEAR FROM m.start_date) AS integer)"
        if connections[self.db].vendor == "sqlite":
            year = "CAST(strftime('%%Y', m.start_date) AS integer)"
        sql = f"""
            SELECT t.id, t.slug, t.name, {year} AS year, COUNT(*) AS meetings
              FROM ({pairs_sql}) AS pairs
              JOIN events_topic t ON t.id = pairs.topic_id
              JOIN events_meeting m ON m.id = pairs.meeting_id
             WHERE t.approved
             GROUP BY t.id, t.slug, t.name, {year}
             ORDER BY t.name, t.id, year
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            columns = ("topic_id", "slug", "name", "year", "meetings")
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def organisation_pairs(self, limit: int) -> tuple[list[tuple[int, int, int]], int]:
        """The ``limit`` strongest links between organisations among these meetings, and how many in all.

        A link is a pair of organisations that took part in the same meeting
        (organisations only mentioned are left out, as taking_part_sql() says);
        its weight is the number of distinct meetings they shared (an
        organisation listed twice in one meeting, in two roles, counts once:
        hence COUNT(DISTINCT), which measured faster than de-duplicating first).
        Returns ([(first_id, second_id, shared)], links) with first_id <
        second_id, strongest first. One query, bounded by ``limit``; the join
        on meeting_id is served by the meeting_organisation_role_unique index.
        """
        try:
            ids_sql, ids_params = self._ids_sql()
        except EmptyResultSet:
            return [], 0
        sql = f"""
            SELECT a.organisation_id, b.organisation_id, COUNT(DISTINCT a.meeting_id) AS shared,
                   COUNT(*) OVER () AS links
              FROM events_meetingorganisation a
              {taking_part_sql("a")}
              JOIN events_meetingorganisation b
                ON b.meeting_id = a.meeting_id AND a.organisation_id < b.organisation_id
              {taking_part_sql("b")}
             WHERE a.meeting_id IN ({ids_sql})
             GROUP BY a.organisation_id, b.organisation_id
             ORDER BY shared DESC, a.organisation_id, b.organisation_id
             LIMIT {int(limit)}
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, ids_params)
            rows = cursor.fetchall()
        return [(first, second, shared) for first, second, shared, _ in rows], (rows[0][3] if rows else 0)

    def organisation_nodes(self, ids) -> list[dict]:
        """Dicts of organisation_id, slug, name, acronym, kind, country and ``meetings`` among these,
        for the organisations ``ids`` only: the nodes of a partner network."""
        rows = (
            MeetingOrganisation.objects.taking_part()
            .filter(meeting__in=self.order_by().values("pk"), organisation_id__in=list(ids))
            .values(
                "organisation_id",
                slug=F("organisation__slug"),
                name=F("organisation__name"),
                acronym=F("organisation__acronym"),
                kind=F("organisation__kind"),
                country=F("organisation__country"),
            )
            .annotate(meetings=models.Count("meeting", distinct=True))
            .order_by("-meetings", "name")
        )
        return list(rows)


MAX_SEARCH_WORDS = 12


class CountryCodes(models.Aggregate):
    """The distinct codes of a group of countries, comma-separated, in no set order."""

    function = "GROUP_CONCAT"
    template = "%(function)s(DISTINCT %(expressions)s)"
    output_field = models.CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(DISTINCT %(expressions)s, ',')",
        )


def taking_part_sql(alias: str) -> str:
    """MeetingOrganisationQuerySet.taking_part() in SQL: a join keeping the rows ``alias`` whose
    role's holder was present. For the grouped counts written in SQL; a test compares the two."""
    role = f"{alias}_role"
    return f"JOIN events_organisationrole {role} ON {role}.slug = {alias}.role AND {role}.present"


def public_topics_prefetch() -> models.Prefetch:
    """A meeting's approved topics: what readers see of them (a proposed topic is not yet public)."""
    return models.Prefetch("topics", queryset=Topic.objects.public().only("name", "slug"))


def detail_prefetches() -> list[models.Prefetch]:
    """A meeting's to-many records its page shows (for_detail(), get_for_detail())."""
    return [
        organisation_roles_prefetch(),
        participations_prefetch(),
        public_topics_prefetch(),
        models.Prefetch("outcomes", queryset=Outcome.objects.for_meeting_page()),
        models.Prefetch("sources", queryset=Source.objects.all()),
    ]


# A meeting page's to-many records (for_detail()'s), with the lookup from each to its meeting.
DETAIL_RELATIONS = ("organisation_roles", "participations", "topics", "outcomes", "sources")
DETAIL_LOOKUPS = ("meeting", "meeting", "meetings", "meeting", "meetings")
SLUG_MARKER = "\x00slug"  # no slug has a null character: it stands for the slug in the SQL kept


def detail_read(relation: str, lookup: str) -> PreparedRead:
    """The records of a meeting's ``relation`` as for_detail() prefetches them, by the meeting's slug."""

    def build(slug: str):
        prefetch = next(each for each in detail_prefetches() if each.prefetch_to == relation)
        assert prefetch.queryset is not None
        return prefetch.queryset.prefetch_related(None).filter(**{f"{lookup}__slug": slug})

    return PreparedRead(build, slug=SLUG_MARKER)


# What a meeting page reads by the meeting's slug (get_published_for_detail()): the meeting with its
# countries taking part, each of DETAIL_RELATIONS, and its participants' reports, in this order.
DETAIL_READS = [
    PreparedRead(
        lambda slug: Meeting.objects.published().for_detail_record().filter(slug=slug).order_by(),
        slug=SLUG_MARKER,
    ),
    *(detail_read(*pair) for pair in zip(DETAIL_RELATIONS, DETAIL_LOOKUPS, strict=True)),
    PreparedRead(
        lambda slug: participant_reports().filter(participation__meeting__slug=slug), slug=SLUG_MARKER
    ),
]


# A meeting page's related meetings and the meeting it follows up (MeetingQuerySet.related_rows()):
# at most this many, each id a parameter of the SQL kept, those not needed NO_MEETING (no meeting's id).
RELATED_ROWS_IDS = 7
NO_MEETING = -1
RELATED_ROWS_FIELDS = ("title", "slug", "start_date", "end_date", "date_precision", "kind", "follow_up_of")


def related_rows_queryset(meeting: int, **ids: int):
    """The chosen meetings, then the meeting's follow-ups: two parts of a UNION ALL, each read by its
    own index (an OR of the two would send SQLite, which keeps no statistics, through every published
    meeting)."""
    published = Meeting.objects.published().only(*RELATED_ROWS_FIELDS).order_by()
    following = published.filter(follow_up_of=meeting)
    return published.filter(pk__in=list(ids.values())).union(following, all=True)


RELATED_ROWS = PreparedRead(
    related_rows_queryset,
    meeting=-7_000_000,
    **{f"id{n}": -7_000_001 - n for n in range(RELATED_ROWS_IDS)},
)


def read_together(using: str, *querysets) -> list[list[tuple]]:
    """Each of ``querysets``' rows (values_list querysets, whose SQL does not depend on one another's
    rows), as lists of tuples, converted as iterating the queryset converts them.

    On PostgreSQL the queries go out together in one pipeline: two round trips
    between the worker and the database (the results, then the pipeline's end)
    rather than one each; on a busy machine each round trip waits for both
    processes to be scheduled. Elsewhere they run one after another.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return [list(queryset) for queryset in querysets]
    compilers = [queryset.query.get_compiler(using=using) for queryset in querysets]
    statements = []
    for compiler in compilers:
        try:
            statements.append(compiler.as_sql())
        except EmptyResultSet:
            statements.append(None)
    return [
        list(compiler.results_iter([rows], tuple_expected=True)) if rows else []
        for compiler, rows in zip(compilers, run_together(connection, statements), strict=True)
    ]


def keep_prefetched(instance, name: str, queryset, records: list) -> None:
    """Keep ``records`` (read by ``queryset``, the relation's own: ``instance.<name>.all()``) as
    ``instance``'s prefetched ``name``, as prefetch_related() would: ``instance.<name>.all()`` then
    asks nothing more."""
    manager = getattr(instance, name)
    cache_name = getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
    if not hasattr(manager, "prefetch_cache_name"):  # the records' own link back, as Django sets it
        for record in records:
            manager.field.set_cached_value(record, instance)
    queryset._result_cache = records
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[cache_name] = queryset


# What a list's row shows of a meeting, in ListedMeeting's order (MeetingQuerySet.listed()).
ROW_FIELDS = (
    "pk",
    "updated_at",
    "slug",
    "title",
    "kind",
    "start_date",
    "end_date",
    "date_precision",
    "mode",
    "country",
    "venue",
    "summary",
    "subtype__label",
    "city__name",
    "delegation_id",
    "delegation__slug",
    "delegation__title",
    "delegation__status",
)


def organisation_roles_prefetch() -> models.Prefetch:
    """A meeting's organisations with their roles, in role order: pages and the API read these."""
    return models.Prefetch(
        "organisation_roles",
        queryset=MeetingOrganisation.objects.select_related("organisation", "role").order_by(
            "role__order", "organisation__name", "pk"
        ),
    )


def participations_prefetch() -> models.Prefetch:
    """A meeting's participants with their people, organisations, roles and how each source reported them."""
    return models.Prefetch(
        "participations",
        queryset=Participation.objects.select_related("person", "organisation", "role").prefetch_related(
            participant_reports_prefetch()
        ),
    )


def participant_reports_prefetch() -> models.Prefetch:
    """How each source reported a participant, by publisher (titles_display reads these)."""
    return models.Prefetch("reports", queryset=participant_reports())


def participant_reports():
    """Participants' reports with their sources, by publisher (participant_reports_prefetch())."""
    return ParticipantReport.objects.select_related("source").order_by("source__publisher", "pk")


def search_vector() -> SearchVector:
    return SearchVector("search_document", config="english")


class Meeting(DecidesCountries, Publishable, TimeStamped):
    """A meeting, conference, training or signing: the unit of the timeline."""

    country_fields = ("country", "delegation_id", "visiting_country", "stated_countries")

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=140, unique=True, help_text="Used in the page's address.")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices, default=MeetingKind.BILATERAL)
    subtype = models.ForeignKey(
        MeetingSubtype,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text="Optional, and one of the subtypes of the kind chosen: a courtesy call, a working visit…",
    )
    start_date = models.DateField(
        help_text="The day it began. If only the month or year is known, the first day of it; "
        "if the report does not say, the report's date (and precision “on or before”)."
    )
    end_date = models.DateField(null=True, blank=True, help_text="Only for events lasting several days.")
    date_precision = models.CharField(max_length=20, choices=DatePrecision.choices, default=DatePrecision.DAY)
    date_as_reported = models.CharField(
        max_length=300, blank=True, help_text="How the source put the date, e.g. “last week”, “in May”."
    )
    mode = models.CharField(
        max_length=20,
        choices=MeetingMode.choices,
        default=MeetingMode.IN_PERSON,
        help_text="Online: held by video link, with no venue; give the countries taking part below.",
    )
    country = CountryField(
        blank=True, help_text="Where it took place; blank if online or if the report does not say."
    )
    city = models.ForeignKey(
        "events.City",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text="Type a few letters of its name; it must lie in the country above. Blank if online.",
    )
    venue = models.CharField(
        max_length=300,
        blank=True,
        help_text="The building or site, e.g. “Koh Pich Convention and Exhibition Centre”; blank if online.",
    )
    delegation = models.ForeignKey(
        Delegation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text="The trip this meeting was part of, if any.",
    )
    visiting_country = CountryField(
        blank=True,
        help_text="The visiting side's country when no trip (delegation) is on record; it takes part.",
    )
    stated_countries = CountryField(
        "countries taking part",
        multiple=True,
        blank=True,
        help_text="Countries taking part that the venue, organisations and delegation do not show: "
        "those on a video link, or the members at a regional body's meeting.",
    )
    organisations: models.ManyToManyField[Organisation, MeetingOrganisation] = models.ManyToManyField(
        Organisation, through="MeetingOrganisation", related_name="meetings", blank=True
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="meetings")
    summary = models.TextField(blank=True, help_text="What happened, in our own words.")
    sources = models.ManyToManyField(Source, blank=True, related_name="meetings")
    follow_up_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        help_text="An earlier meeting this one continues.",
    )
    editorial_note = models.TextField(
        blank=True, help_text="Where sources disagree or a fact is uncertain, say so here."
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="merged_meetings",
        help_text="The meeting this duplicate was merged into; its address redirects there.",
    )
    search_document = models.TextField(
        blank=True,
        editable=False,
        help_text=(
            "Every searchable word of the meeting and its relations, kept by refresh_search_document()."
        ),
    )

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_document"], m2m_fields=["topics", "sources"])

    class Meta:
        ordering = list(NEWEST_FIRST)
        permissions = [
            ("publish_meeting", "Can publish meetings"),
            ("withdraw_meeting", "Can withdraw or reopen meetings"),
            ("merge_meeting", "Can merge duplicate meetings"),
        ]
        constraints = [
            end_not_before_start("meeting"),
            models.CheckConstraint(condition=~Q(follow_up_of=F("pk")), name="meeting_not_own_follow_up"),
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="meeting_not_merged_into_itself"),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(status=Status.PUBLISHED),
                name="meeting_merged_not_published",
                violation_error_message="A meeting merged into another cannot be published.",
            ),
            models.CheckConstraint(
                condition=~Q(mode=MeetingMode.ONLINE) | Q(country=""),
                name="meeting_online_no_venue_country",
                violation_error_message="An online meeting has no venue country: "
                "give the countries taking part instead.",
            ),
            models.CheckConstraint(
                condition=~Q(mode=MeetingMode.ONLINE) | (Q(city__isnull=True) & Q(venue="")),
                name="meeting_online_no_city_or_venue",
                violation_error_message="An online meeting has no city or venue.",
            ),
        ]
        indexes = [
            # The timeline: published meetings, newest first (and its year facet).
            models.Index(fields=["status", "-start_date", "-id"], name="meeting_status_date"),
            # country filter and facet on the place of the meeting.
            models.Index(fields=["country", "status"], name="meeting_country_status"),
            # kind filter and facet.
            models.Index(fields=["kind", "status"], name="meeting_kind_status"),
            # A meeting page's published follow-ups (for_detail()): without it SQLite reads them
            # through meeting_status_date, every published meeting.
            # Only meetings that follow up another: SQLite's statistics would otherwise see one value
            # (no follow-up) in every row, and read every meeting rather than the index.
            models.Index(
                fields=["follow_up_of", "status"],
                name="meeting_follow_ups",
                condition=Q(follow_up_of__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("events:meeting-detail", args=[self.slug])

    def meetings_deciding(self, as_read):
        return [self.pk]

    def clean(self) -> None:
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})
        if self.delegation is not None and self.start_date:
            self.delegation.check_meeting_dates(self)
        if self.mode == MeetingMode.ONLINE and self.country:
            raise ValidationError(
                {"country": "An online meeting has no venue country: give the countries taking part instead."}
            )
        self.clean_place()
        subtype = self.subtype
        if subtype is not None and subtype.kind != self.kind:
            raise ValidationError(
                {
                    "subtype": f"“{subtype.label}” is a subtype of "
                    f"{subtype.get_kind_display().lower()}s; choose one of "
                    f"{self.get_kind_display().lower()}s or none."
                }
            )

    def clean_place(self) -> None:
        """An online meeting has no city or venue; a city lies in the meeting's country (the country
        is taken from the city when blank). A database trigger keeps the second rule too."""
        city = self.city if self.city_id else None
        if self.mode == MeetingMode.ONLINE and (city is not None or self.venue):
            raise ValidationError(
                {"city": "An online meeting has no city or venue: leave both blank, or choose hybrid."}
            )
        if city is None:
            return
        if not self.country:
            self.country = city.country
        elif city.country != self.country:
            raise ValidationError(
                {"city": f"{city.name} is in {city.country.name}, not {self.country.name}: change either."}
            )

    @property
    def kind_display(self) -> str:
        """The kind, and the subtype when there is one: "Bilateral meeting · Courtesy call"."""
        subtype = self.subtype if self.subtype_id else None
        return describe_kind(self.kind, subtype.label if subtype is not None else "")

    @property
    def possible_dates(self) -> tuple[datetime.date | None, datetime.date]:
        """The earliest and latest day the meeting can have taken place, given its precision."""
        start = self.start_date
        if self.date_precision == DatePrecision.ON_OR_BEFORE:
            return None, start
        if self.date_precision == DatePrecision.WEEK:
            return start, start + datetime.timedelta(days=6)
        if self.date_precision == DatePrecision.MONTH:
            return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])
        if self.date_precision == DatePrecision.YEAR:
            return start, start.replace(month=12, day=31)
        return start, self.end_date or start

    @property
    def date_display(self) -> str:
        """The date as precisely as it is known: "August 2024", "3–5 May 2023"."""
        return describe_date(self.start_date, self.end_date, self.date_precision)

    @property
    def place_display(self) -> str:
        """Where, and whether online: "Koh Pich Centre, Phnom Penh, Cambodia", "Online"; "" when not
        known. Reads the city: select_related("city") where many meetings are shown."""
        city = self.city.name if self.city_id and self.city is not None else ""
        country = self.country
        country = country_name(country.code) if country else ""
        return describe_held(describe_place(city, country, venue=self.venue), self.mode)

    @property
    def countries_taking_part(self) -> list[Country]:
        """Each country taking part once, by name: from with_countries_taking_part() if the meeting was
        read with it, else one query."""
        if hasattr(self, "country_codes"):
            codes = set(filter(None, (self.country_codes or "").split(",")))
        else:
            codes = set(self.country_links.values_list("country", flat=True))
        return sorted((Country(code) for code in codes), key=lambda country: country_name(country.code))

    def row_stamp(self) -> str:
        """Changes whenever a list's row of this meeting would read otherwise (ListedMeeting.row_stamp()).
        From the relations for_timeline() reads: no query."""
        return ListedMeeting.of(self).row_stamp()

    def _roles(self, role: str) -> list[Organisation]:
        return [link.organisation for link in self.organisation_roles.all() if link.role_id == role]

    @property
    def hosts(self) -> list[Organisation]:
        return self._roles(MeetingOrganisation.Role.HOST)

    @property
    def organisers(self) -> list[Organisation]:
        return self._roles(MeetingOrganisation.Role.ORGANISER)

    @property
    def distinct_organisations(self) -> list[Organisation]:
        """Each organisation taking part once, in role order, from the prefetched roles."""
        seen: dict[int, Organisation] = {}
        for link in self.organisation_roles.all():
            if link.role.present:
                seen.setdefault(link.organisation_id, link.organisation)
        return list(seen.values())

    @property
    def organisations_taking_part(self) -> list[MeetingOrganisation]:
        """The prefetched organisation roles whose holders were there (organisation_roles_prefetch())."""
        return [link for link in self.organisation_roles.all() if link.role.present]

    @property
    def organisations_mentioned(self) -> list[MeetingOrganisation]:
        """The prefetched organisation roles of organisations named in a report but not there."""
        return [link for link in self.organisation_roles.all() if not link.role.present]

    @property
    def participants_present(self) -> list[Participation]:
        """The prefetched participations of people who were there (participations_prefetch())."""
        return [participation for participation in self.participations.all() if participation.role.present]

    @property
    def participants_mentioned(self) -> list[Participation]:
        """The prefetched participations of people named in a report but not there."""
        return [
            participation for participation in self.participations.all() if not participation.role.present
        ]

    @property
    def final_merge_target(self) -> Meeting:
        """The meeting this one was (perhaps in several steps) merged into; itself if never merged."""
        meeting, seen = self, {self.pk}
        while meeting.merged_into_id not in seen and (target := meeting.merged_into) is not None:
            seen.add(target.pk)
            meeting = target
        return meeting

    def likely_duplicates(self) -> list[DuplicateCandidate]:
        """The saved meeting's likely duplicates (see MeetingQuerySet.likely_duplicates)."""
        return Meeting.objects.likely_duplicates(
            start_date=self.start_date,
            end_date=self.end_date,
            country=self.country.code if self.country else "",
            organisation_ids=self.organisation_roles.taking_part().values_list("organisation_id", flat=True),
            source_ids=list(self.sources.values_list("pk", flat=True)),
            delegation_id=self.delegation_id,
            exclude_pk=self.pk,
        )

    def build_search_document(self) -> str:
        """Gather every searchable word; queries the meeting's relations."""
        organisations = Organisation.objects.filter(
            Q(meetings=self) | Q(participations__meeting=self)
        ).distinct()
        participations = self.participations.select_related("person").prefetch_related("person__other_names")
        return self.search_document_from(
            topics=self.topics.public().values_list("name", flat=True),
            outcomes=self.outcomes.values_list("text", flat=True),
            organisations=organisations.prefetch_related("other_names"),
            participations=participations,
        )

    def search_document_from(self, *, topics, outcomes, organisations, participations) -> str:
        """The search document (search_document() says what goes in) from relations read already: topic
        names, outcome texts, organisations (in name order, their other names prefetched) and
        participations (their people's too)."""
        city = self.city if self.city_id is not None else None
        subtype = self.subtype if self.subtype_id is not None else None
        own = [
            self.title,
            self.summary,
            self.venue,
            self.date_as_reported,
            city.name if city is not None else None,
            city.ascii_name if city is not None else None,
            subtype.label if subtype is not None else None,
            self.country.name if self.country else None,
            self.delegation.title if self.delegation is not None else None,
        ]
        return search_document(
            own,
            outcomes=outcomes,
            topics=topics,
            organisations=[
                (
                    organisation.name,
                    organisation.acronym,
                    [other.name for other in organisation.other_names.all()],
                )
                for organisation in organisations
            ],
            participants=[
                (
                    participation.name_as_written,
                    participation.person.name if participation.person else None,
                    [other.name for other in participation.person.other_names.all()]
                    if participation.person
                    else (),
                )
                for participation in participations
            ],
        )

    def refresh_search_document(self) -> None:
        """Rebuild and write the meeting's search document; queries its relations."""
        with transaction.atomic(savepoint=False):
            # Before reading any name: a rename under way (refresh_search_documents()) holds the version's
            # row until it commits, and a draft's row once it writes it; this waits, then reads the new name.
            if self.is_published:
                # update() sends no signal: kept search results retire, and the facet index's kept
                # words (events.search_words) look at the meeting again.
                versions.meetings_changed([self.pk])
            elif connection.features.has_select_for_update:
                list(Meeting.objects.select_for_update().filter(pk=self.pk).values_list("pk"))
            self.search_document = self.build_search_document()
            Meeting.objects.filter(pk=self.pk).update(search_document=self.search_document)


class MeetingOrganisationQuerySet(models.QuerySet):
    def taking_part(self):
        """The links of organisations that were there: every filter, count, pair and network reads
        these, never those only mentioned (SQL written by hand uses taking_part_sql())."""
        return self.filter(role__present=True)


class MeetingOrganisation(DecidesCountries, CheckedText):
    """An organisation's part in a meeting: host, organiser, visiting delegation, mentioned..."""

    country_fields = ("meeting_id", "organisation_id", "role_id")

    class Role(models.TextChoices):
        """The roles code refers to by name (the drafter, imports); Publishers may add others."""

        HOST = "host", "Host"
        ORGANISER = "organiser", "Organiser"
        DELEGATION = "delegation", "Visiting delegation"
        PARTICIPANT = "participant", "Participant"
        SIGNATORY = "signatory", "Signatory"
        FUNDER = "funder", "Funder"
        OBSERVER = "observer", "Observer"
        TRAINER = "trainer", "Trainer"
        TRAINEES = "trainees", "Trainees"
        FACILITATOR = "facilitator", "Facilitator"
        PROSPECTIVE_PARTNER = "prospective_partner", "Prospective partner"
        ANNOUNCED = "announced", "Announced it"
        MENTIONED = "mentioned", "Mentioned in the report, not present"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="organisation_roles")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="meeting_roles")
    role = models.ForeignKey(
        OrganisationRole,
        to_field="slug",
        db_column="role",
        on_delete=models.PROTECT,
        related_name="+",
        default=Role.PARTICIPANT.value,
        help_text="What the organisation did; “mentioned” when a report names it but it was not there.",
    )
    role_order = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = MeetingOrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["role_order", "pk"]
        verbose_name = "organisation in the meeting"
        verbose_name_plural = "organisations in the meeting"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation", "role"], name="meeting_organisation_role_unique"
            ),
        ]
        indexes = [
            # org filter and organisation facet: meetings of an organisation.
            models.Index(fields=["organisation", "meeting"], name="meetingorg_org_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.short_name} ({self.role.label.lower()})"

    def save(self, *args, **kwargs):
        # Kept for lists that sort by the column; pages sort by the role's own order.
        self.role_order = self.role.order
        super().save(*args, **kwargs)

    def meetings_deciding(self, as_read):
        # Moved to another meeting (a merge): both change.
        return [self.meeting_id] + ([as_read[0]] if as_read else [])


# Code and imports that write role="host" keep working (see accept_slugs()).
accept_slugs(MeetingOrganisation, "role")


class ParticipationQuerySet(models.QuerySet):
    def taking_part(self):
        """The participations of people who were there, not only mentioned."""
        return self.filter(role__present=True)

    def representatives_of(self, organisation_id: int, limit: int) -> list[dict]:
        """Dicts of person__slug, person__name, name_as_written and ``meetings``: the people who took part
        for the organisation in the most published meetings, by name among equals; one query.

        Read from the participation_representatives index alone, in its order, and counted by person
        and name as written, each group's distinct meetings counted as the index hands them over (in
        order: no pass of its own to drop repeats). The roles and the published meetings are read as
        "not among the others" (few roles are not present, few meetings not published), which
        PostgreSQL tests by a hashed list while keeping the index's order, and which keeps its estimate
        small enough not to compile the query (JIT) for each request. On PostgreSQL only the ``limit``
        largest counts, and any that tie with the last (FETCH FIRST ... WITH TIES), have their people
        joined for the names that order equals: about ``limit`` people read, not every one; SQLite,
        which has no WITH TIES, joins every group's person. The same rows as taking_part() grouped by
        person and counted (a test compares them).
        """
        unpublished = [status for status in Status.values if status != Status.PUBLISHED]
        placeholders = ", ".join(["%s"] * len(unpublished))
        strongest = (
            f"ORDER BY meetings DESC FETCH FIRST {int(limit)} ROWS WITH TIES"
            if connections[self.db].vendor == "postgresql"
            else ""
        )
        sql = f"""
            WITH counted AS (
                SELECT pa.person_id, pa.name_as_written, COUNT(DISTINCT pa.meeting_id) AS meetings
                  FROM {self.model._meta.db_table} pa
                 WHERE pa.organisation_id = %s
                   AND pa.role NOT IN (SELECT r.slug FROM events_personrole r WHERE NOT r.present)
                   AND pa.meeting_id NOT IN (SELECT id FROM events_meeting WHERE status IN ({placeholders}))
                 GROUP BY pa.person_id, pa.name_as_written
                 {strongest}
            )
            SELECT p.slug, p.name AS person_name, counted.name_as_written, counted.meetings
              FROM counted
              LEFT JOIN events_person p ON p.id = counted.person_id
             ORDER BY counted.meetings DESC, person_name, counted.name_as_written
             LIMIT {int(limit)}
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [organisation_id, *unpublished])
            columns = ("person__slug", "person__name", "name_as_written", "meetings")
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


class Participation(CheckedText):
    """Someone who took part in a meeting, or was named in its report, as the source named them."""

    class Role(models.TextChoices):
        """The roles code refers to by name (the drafter, imports); Publishers may add others."""

        HEAD_OF_DELEGATION = "head_of_delegation", "Head of delegation"
        DELEGATION_MEMBER = "delegation_member", "Delegation member"
        HOST = "host", "Host"
        ORGANISER = "organiser", "Organiser"
        SPEAKER = "speaker", "Speaker"
        OBSERVER = "observer", "Observer"
        PARTICIPANT = "participant", "Participant"
        SPOKESPERSON = "spokesperson", "Spokesperson"
        MENTIONED = "mentioned", "Mentioned, not present"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participations")
    name_as_written = models.CharField(max_length=200, help_text="The name exactly as the source spells it.")
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
        help_text="The known person, if identified. Leave blank when unsure.",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
        help_text="The organisation they represented.",
    )
    title_as_stated = models.CharField(
        max_length=300, blank=True, help_text="Their title as the source gives it at the time."
    )
    role = models.ForeignKey(
        PersonRole,
        to_field="slug",
        db_column="role",
        on_delete=models.PROTECT,
        related_name="+",
        default=Role.PARTICIPANT.value,
        help_text="What they did; “mentioned” when a report refers to them but they were not there.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = ParticipationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name_as_written=""), name="participation_name_not_blank"),
        ]
        indexes = [
            # An organisation's representatives (ParticipationQuerySet.representatives_of()), counted
            # from the index alone, in its order.
            models.Index(
                fields=["organisation", "person", "name_as_written", "meeting", "role"],
                name="participation_representatives",
            ),
        ]

    def __str__(self) -> str:
        return self.name_as_written

    @property
    def titles_display(self) -> str:
        """The title as each source stated it, "Deputy Minister (AzerNews); State Secretary for
        Political Affairs (Azertag)"; else title_as_stated. Reads the prefetched reports."""
        reports = [report for report in self.reports.all() if report.title_as_stated]
        if not reports:
            return self.title_as_stated
        return "; ".join(f"{report.title_as_stated} ({report.source.publisher})" for report in reports)

    @property
    def names_display(self) -> str:
        """The name as each source spelt it, when a source spelt it otherwise; else ''."""
        reports = [report for report in self.reports.all() if report.name_as_written]
        if all(report.name_as_written == self.name_as_written for report in reports):
            return ""
        return "; ".join(f"{report.name_as_written} ({report.source.publisher})" for report in reports)


accept_slugs(Participation, "role")


class ParticipantReport(CheckedText):
    """How one source reported a participant: the name and the title as that source wrote them.

    Reports differ: one calls a man "Deputy Minister", another "State Secretary
    for Political Affairs", and they spell his name two ways.
    """

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="reports")
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="participant_reports",
        help_text="One of the meeting's sources.",
    )
    name_as_written = models.CharField(
        max_length=200, blank=True, help_text="The name exactly as this source spells it."
    )
    title_as_stated = models.CharField(
        max_length=300, blank=True, help_text="The title exactly as this source gives it."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = "participant as a source reported them"
        verbose_name_plural = "participant as each source reported them"
        constraints = [
            models.UniqueConstraint(fields=["participation", "source"], name="participant_report_unique"),
            models.CheckConstraint(
                condition=~Q(name_as_written="", title_as_stated=""),
                name="participant_report_not_empty",
                violation_error_message="Give the name or the title as this source has it.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title_as_stated or self.name_as_written} ({self.source.publisher})"

    def clean(self) -> None:
        super().clean()
        if self.participation_id and self.source_id:
            meeting = self.participation.meeting
            if not meeting.sources.filter(pk=self.source_id).exists():
                raise ValidationError({"source": "Choose one of the meeting's sources."})


class IntakeSummary(models.Model):
    """What drafting a meeting from an article found, kept with the draft until an editor dismisses it.

    ``findings`` holds the summary's messages (already escaped HTML), the
    records the article names that were not known yet (each with the link
    that creates it), and the sentence each proposed field came from. The
    change form shows it and drops the links already followed.
    """

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="intake_summary")
    findings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "intake summaries"

    def __str__(self) -> str:
        return f"What the article said for meeting {self.meeting_id}"
