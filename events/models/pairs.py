"""Kept pair counts: how many published meetings each two organisations, and each two countries, shared.

The partner network and the pair pages would otherwise join every meeting's
links on every request. Instead each published meeting adds one to every
pair of its organisations taking part (roles whose holder was present) and
every pair of its countries taking part (events.models.countries), and a pair
of a record with itself holds that record's own number of meetings.

What each meeting added is kept beside the counts (PairedMeeting), so that a
change to one meeting is counted by the difference between what it adds now
and what it added before: recount() reads only the meetings given. It runs in
the writer's transaction: MeetingCountry.rebuild() calls it for the meetings
it rebuilds (every change of an organisation's part, a country, a delegation
or a role's presence goes through there), and events.version_signals for a
meeting saved or deleted (publication, withdrawal). On PostgreSQL, writers
take one transaction-level lock before changing a count, so two writers'
differences are applied one after the other and none is lost; SQLite has one
writer at a time anyway. ``manage.py rebuild_pair_counts`` counts everything
again from scratch, and differences() says whether the kept counts are exact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import combinations_with_replacement

from django.db import connections, models, transaction
from django_countries.fields import CountryField

# How many meetings recount() reads at a time, and how many rows go in one INSERT on SQLite.
CHUNK = 1000
ROWS_PER_INSERT = 500
# The key of the PostgreSQL advisory lock that pair writers take in turn (any constant will do).
LOCK_KEY = 4_015_521

ORGANISATIONS_SQL = """
    SELECT mo.meeting_id, mo.organisation_id FROM events_meetingorganisation mo
      JOIN events_organisationrole r ON r.slug = mo.role AND r.present
      JOIN events_meeting m ON m.id = mo.meeting_id AND m.status = 'published'
     WHERE mo.meeting_id IN ({ids})
"""
COUNTRIES_SQL = """
    SELECT mc.meeting_id, mc.country FROM events_meetingcountry mc
      JOIN events_meeting m ON m.id = mc.meeting_id AND m.status = 'published'
     WHERE mc.meeting_id IN ({ids})
"""
# The plain counts the kept ones must equal (differences()).
ORGANISATION_PAIRS_SQL = """
    SELECT a.organisation_id, b.organisation_id, COUNT(DISTINCT a.meeting_id)
      FROM events_meetingorganisation a
      JOIN events_organisationrole ra ON ra.slug = a.role AND ra.present
      JOIN events_meetingorganisation b
        ON b.meeting_id = a.meeting_id AND a.organisation_id <= b.organisation_id
      JOIN events_organisationrole rb ON rb.slug = b.role AND rb.present
      JOIN events_meeting m ON m.id = a.meeting_id AND m.status = 'published'
     GROUP BY a.organisation_id, b.organisation_id
"""
COUNTRY_PAIRS_SQL = """
    SELECT a.country, b.country, COUNT(DISTINCT a.meeting_id)
      FROM events_meetingcountry a
      JOIN events_meetingcountry b ON b.meeting_id = a.meeting_id AND a.country <= b.country
      JOIN events_meeting m ON m.id = a.meeting_id AND m.status = 'published'
     GROUP BY a.country, b.country
"""


def _pairs(members: Iterable) -> list[tuple]:
    """Each pair of distinct ``members`` once, first <= second, and each member paired with itself."""
    return list(combinations_with_replacement(sorted(set(members)), 2))


def _apply(cursor, table: str, changes: Counter, member_type: str) -> None:
    """Add each pair's change to its count in ``table``; a count that falls to zero loses its row.

    ``member_type``: the SQL type of a pair's members, for PostgreSQL's arrays.
    """
    # Sorted: two writers always take these rows in the same order.
    added = sorted((pair, n) for pair, n in changes.items() if n > 0)
    removed = sorted((pair, n) for pair, n in changes.items() if n < 0)
    upsert = f"ON CONFLICT (first, second) DO UPDATE SET meetings = {table}.meetings + excluded.meetings"
    if added and cursor.db.vendor == "postgresql":
        # Three arrays in one statement: a long VALUES list costs PostgreSQL more to plan than to run.
        cursor.execute(
            f"INSERT INTO {table} (first, second, meetings) "
            f"SELECT * FROM unnest(%s::{member_type}[], %s::{member_type}[], %s::integer[]) {upsert}",
            [[first for (first, _), _ in added], [second for (_, second), _ in added], [n for _, n in added]],
        )
        added = []
    for start in range(0, len(added), ROWS_PER_INSERT):
        rows = added[start : start + ROWS_PER_INSERT]
        cursor.execute(
            f"INSERT INTO {table} (first, second, meetings) VALUES "
            + ", ".join(["(%s, %s, %s)"] * len(rows))
            + f" {upsert}",
            [value for (first, second), n in rows for value in (first, second, n)],
        )
    if removed:
        cursor.executemany(
            f"UPDATE {table} SET meetings = meetings + %s WHERE first = %s AND second = %s",
            [(n, first, second) for (first, second), n in removed],
        )
        cursor.execute(f"DELETE FROM {table} WHERE meetings = 0")


class PairedMeetingQuerySet(models.QuerySet):
    def recount(self, meeting_ids: Iterable[int]) -> None:
        """Bring the pair counts up to date for the meetings ``meeting_ids`` (deleted ones included).

        Reads what each meeting adds now (nothing unless published) and what
        it added before, and applies the difference. Writes nothing when
        nothing changed; call it as often as you like, in the writing
        transaction.
        """
        ids = sorted(set(meeting_ids))
        if not ids:
            return
        connection = connections[self.db]
        with transaction.atomic(using=self.db), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            organisation_changes: Counter = Counter()
            country_changes: Counter = Counter()
            for start in range(0, len(ids), CHUNK):
                self._recount_chunk(cursor, ids[start : start + CHUNK], organisation_changes, country_changes)
            # Once for all the chunks: a pair many meetings share is written once.
            _apply(cursor, OrganisationPair._meta.db_table, organisation_changes, "bigint")
            _apply(cursor, CountryPair._meta.db_table, country_changes, "text")

    def _recount_chunk(
        self, cursor, ids: list[int], organisation_changes: Counter, country_changes: Counter
    ) -> None:
        """Add the changes of the meetings ``ids`` to the counters, and note what each adds now."""
        placeholders = ", ".join(["%s"] * len(ids))
        now: dict[int, tuple[str, str]] = {}
        for sql, position in ((ORGANISATIONS_SQL, 0), (COUNTRIES_SQL, 1)):
            cursor.execute(sql.format(ids=placeholders), ids)
            members: dict[int, set] = {}
            for meeting_id, member in cursor.fetchall():
                members.setdefault(meeting_id, set()).add(member)
            for meeting_id, found in members.items():
                held = now.setdefault(meeting_id, ("", ""))
                text = ",".join(str(member) for member in sorted(found))
                now[meeting_id] = (text, held[1]) if position == 0 else (held[0], text)
        cursor.execute(
            f"SELECT meeting_id, organisations, countries FROM events_pairedmeeting "
            f"WHERE meeting_id IN ({placeholders})",
            ids,
        )
        before = {meeting_id: (organisations, countries) for meeting_id, organisations, countries in cursor}
        changed = []
        for meeting_id in ids:
            old, new = before.get(meeting_id, ("", "")), now.get(meeting_id, ("", ""))
            if old == new:
                continue
            changed.append(meeting_id)
            for text, sign in ((new[0], 1), (old[0], -1)):
                organisation_changes.update(
                    dict.fromkeys(_pairs(int(pk) for pk in text.split(",") if pk), sign)
                )
            for text, sign in ((new[1], 1), (old[1], -1)):
                country_changes.update(dict.fromkeys(_pairs(code for code in text.split(",") if code), sign))
        if not changed:
            return
        # Plain SQL: these rows are bookkeeping, which no signal receiver should hear of.
        cursor.execute(
            f"DELETE FROM events_pairedmeeting WHERE meeting_id IN ({', '.join(['%s'] * len(changed))})",
            changed,
        )
        self.bulk_create(
            [
                PairedMeeting(
                    meeting_id=meeting_id, organisations=now[meeting_id][0], countries=now[meeting_id][1]
                )
                for meeting_id in changed
                if meeting_id in now
            ]
        )

    def rebuild(self) -> None:
        """Count every pair again from scratch: for after a restore, or when differences() finds any."""
        from django.apps import apps

        with transaction.atomic(using=self.db), connections[self.db].cursor() as cursor:
            for model in (OrganisationPair, CountryPair, PairedMeeting):
                cursor.execute(f"DELETE FROM {model._meta.db_table}")
            meetings = apps.get_model("events", "Meeting")._default_manager.using(self.db)
            self.recount(meetings.values_list("pk", flat=True))

    def differences(self) -> dict[str, list[tuple]]:
        """The pairs whose kept count differs from a plain count, as (first, second, kept, counted):
        an empty list for each kind when the counts are exact."""
        found = {}
        with connections[self.db].cursor() as cursor:
            for name, model, sql in (
                ("organisations", OrganisationPair, ORGANISATION_PAIRS_SQL),
                ("countries", CountryPair, COUNTRY_PAIRS_SQL),
            ):
                cursor.execute(sql)
                counted = {(first, second): n for first, second, n in cursor.fetchall()}
                kept = {
                    (first, second): n
                    for first, second, n in model.objects.using(self.db).values_list(
                        "first", "second", "meetings"
                    )
                }
                found[name] = sorted(
                    (first, second, kept.get((first, second), 0), counted.get((first, second), 0))
                    for first, second in counted.keys() | kept.keys()
                    if kept.get((first, second)) != counted.get((first, second))
                )
        return found


class PairedMeeting(models.Model):
    """What a meeting adds to the pair counts now: its organisations' ids and its countries' codes.

    Kept by recount(), never edited by hand. ``meeting_id`` is no foreign key:
    the row outlives its meeting's deletion until recount() takes back what it added.
    """

    meeting_id = models.IntegerField(primary_key=True)
    organisations = models.TextField(blank=True, help_text="Ids, ascending, comma-separated.")
    countries = models.TextField(blank=True, help_text="Codes, ascending, comma-separated.")

    objects = PairedMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["meeting_id"]
        verbose_name = "meeting in the pair counts"
        verbose_name_plural = "meetings in the pair counts"

    def __str__(self) -> str:
        return f"Meeting {self.meeting_id}: organisations {self.organisations}; countries {self.countries}"


class OrganisationPairQuerySet(models.QuerySet):
    """Reads shaped like MeetingQuerySet's organisation_pairs() and organisation_nodes(), for all
    published meetings: the partner network draws from either."""

    def organisation_pairs(self, limit: int) -> tuple[list[tuple[int, int, int]], int]:
        """The ``limit`` strongest links, strongest first, and how many links in all; two queries.

        The strongest are read in the organisation_pair_meetings index's order, a few rows; the count
        is one plain count of the rows (a window count over the rows read every row's values).
        """
        links = self.exclude(first=models.F("second"))
        rows = list(
            links.order_by("-meetings", "first", "second").values_list("first", "second", "meetings")[:limit]
        )
        return rows, (links.count() if rows else 0)

    def organisation_nodes(self, ids) -> list[dict]:
        """Dicts of organisation_id, slug, name, acronym, kind, country and ``meetings``; one query."""
        rows = (
            self.filter(first__in=list(ids), second=models.F("first"))
            .values(
                "meetings",
                organisation_id=models.F("first"),
                slug=models.F("first__slug"),
                name=models.F("first__name"),
                acronym=models.F("first__acronym"),
                kind=models.F("first__kind"),
                country=models.F("first__country"),
            )
            .order_by("-meetings", "name")
        )
        return list(rows)

    def partners_of(self, organisation_id: int, limit: int) -> list[dict]:
        """Dicts of organisation_id, slug, name, acronym and ``meetings`` shared with the organisation,
        most first (by name among equals); one query, on the pair table's two indexes."""
        sql = f"""
            SELECT o.id, o.slug, o.name, o.acronym, p.meetings FROM {self.model._meta.db_table} p
              JOIN events_organisation o ON o.id = CASE WHEN p.first = %s THEN p.second ELSE p.first END
             WHERE (p.first = %s OR p.second = %s) AND p.first <> p.second
             ORDER BY p.meetings DESC, o.name, o.id
             LIMIT {int(limit)}
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [organisation_id] * 3)
            columns = ("organisation_id", "slug", "name", "acronym", "meetings")
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def shared(self, first_id: int, second_id: int) -> int:
        """How many published meetings the two organisations (or one, given twice) took part in; one query."""
        first_id, second_id = sorted((first_id, second_id))
        return self.filter(first=first_id, second=second_id).values_list("meetings", flat=True).first() or 0


class OrganisationPair(models.Model):
    """How many published meetings two organisations took part in together; kept by recount()."""

    first = models.ForeignKey(
        "events.Organisation", on_delete=models.CASCADE, related_name="+", db_column="first"
    )
    second = models.ForeignKey(
        "events.Organisation", on_delete=models.CASCADE, related_name="+", db_column="second"
    )
    meetings = models.PositiveIntegerField()

    objects = OrganisationPairQuerySet.as_manager()

    class Meta:
        ordering = ["-meetings", "first", "second"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="organisation_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(first__lte=models.F("second")), name="organisation_pair_order"
            ),
        ]
        indexes = [
            # The network: the strongest links first.
            models.Index(fields=["-meetings"], name="organisation_pair_meetings"),
            # An organisation's partners where it is the second of the pair.
            models.Index(fields=["second", "first"], name="organisation_pair_second"),
        ]

    def __str__(self) -> str:
        return f"Organisations {self.first_id} and {self.second_id}: {self.meetings} meetings"


class CountryPairQuerySet(models.QuerySet):
    def shared(self, first: str, second: str) -> int:
        """How many published meetings the two countries (or one, given twice) took part in; one query."""
        first, second = sorted((first, second))
        return self.filter(first=first, second=second).values_list("meetings", flat=True).first() or 0

    def partners_of(self, code: str, limit: int) -> list[tuple[str, int]]:
        """(code, meetings shared) of the countries taking part with ``code``, most first; one query."""
        sql = f"""
            SELECT CASE WHEN p.first = %s THEN p.second ELSE p.first END AS other, p.meetings
              FROM {self.model._meta.db_table} p
             WHERE (p.first = %s OR p.second = %s) AND p.first <> p.second
             ORDER BY p.meetings DESC, other
             LIMIT {int(limit)}
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [code] * 3)
            return [(other, meetings) for other, meetings in cursor.fetchall()]


class CountryPair(models.Model):
    """How many published meetings two countries took part in together; kept by recount()."""

    first = CountryField(db_column="first")
    second = CountryField(db_column="second")
    meetings = models.PositiveIntegerField()

    objects = CountryPairQuerySet.as_manager()

    class Meta:
        ordering = ["-meetings", "first", "second"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="country_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(first__lte=models.F("second")), name="country_pair_order"
            ),
        ]
        indexes = [
            # A country's partners where it is the second of the pair.
            models.Index(fields=["second", "first"], name="country_pair_second"),
        ]

    def __str__(self) -> str:
        return f"{self.first} and {self.second}: {self.meetings} meetings"
