"""The facet index: which published meetings have each facet value, as compressed bitmaps of their ids.

Each worker keeps one (``meeting_index()``), so that a page's total, facet
counts and page of ids cost what the page shows, not what matches: a filter
is an intersection of bitmaps, a count the size of one, a page of ids read a
month at a time from the filtered bitmap; only the rows shown are read.

Facets: the countries taking part (MeetingCountry's rows), the organisations
taking part (their role's holder was present), the topics a meeting is tagged
with (rolled up when read: see ``rolled_up()``), the kind, the subtype, the
year and the month; the order is the timeline's (start date, then id, newest
first), so ``ordered_ids()`` never counts or skips in SQL.

It is kept exact by meeting: every write that readers could see logs the
meetings it changed in ``events_meetingchange`` in its own transaction
(events.versions.meetings_changed()), and before answering, a worker reads
the log past the last entry it has seen and re-reads only those meetings
(``sync()``). Workers and app servers sharing one database read the same log.
Topics and organisations' names are read when asked for, so renaming or
approving a topic changes no bitmap. The whole index is read once per
process: at a gunicorn worker's start (gunicorn.conf.py) or on first use.
"""

from __future__ import annotations

import datetime
import gc
import heapq
import itertools
import logging
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from pyroaring import BitMap

from . import versions
from .models import Meeting, Status, Topic, taking_part_sql
from .search_words import SearchWords

logger = logging.getLogger(__name__)

# How many meetings one re-read asks for at a time.
CHUNK = 1000
# How many meetings a meeting page ranks to choose its related meetings from (related()).
RELATED_CANDIDATES = 100
RELATED_SHOWN = 6  # a meeting page's related meetings
FACETS = ("country", "org", "topic", "kind", "subtype", "year", "month")

MEETINGS_SQL = "SELECT m.id, m.kind, m.subtype_id, m.start_date FROM events_meeting m WHERE m.status = %s"
COUNTRIES_SQL = "SELECT DISTINCT mc.meeting_id, mc.country FROM events_meetingcountry mc"
ORGANISATIONS_SQL = (
    "SELECT DISTINCT mo.meeting_id, mo.organisation_id FROM events_meetingorganisation mo "
    + taking_part_sql("mo")
)
TOPICS_SQL = "SELECT mt.meeting_id, mt.topic_id FROM events_meeting_topics mt"
# The changes after the last one seen, and the log's last id (a row with no meeting): when that
# is below the last one seen, the database was restored or rolled back, and everything is re-read.
CHANGES_SQL = (
    f"SELECT id, meeting_id FROM {versions.CHANGES_TABLE} WHERE id > %s "
    f"UNION ALL SELECT COALESCE(MAX(id), 0), NULL FROM {versions.CHANGES_TABLE}"
)


def _date(value) -> datetime.date:
    # SQLite's cursor gives raw SQL's dates as text.
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _month(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True)
class TopicRow:
    id: int
    slug: str
    name: str
    parent_id: int | None
    approved: bool


class VersionMemo:
    """Rows of a few records every page reads (the topics, organisations' names), kept in this process
    for as long as the page's data version is the one they were read at.

    Any write that readers could see replaces the version, so rows kept under
    it are exactly what a query would read; outside a page (no version) every
    call reads afresh. Emptied with the facet index (``forget()``).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: str | None = None
        self.values: dict = {}

    def _current(self) -> dict | None:
        """The values kept at the page's version (emptied when it changed), or None outside a page."""
        version = versions.page_version.get()
        if version is None or version == versions.NO_VERSION:
            return None
        if self.version != version:
            self.version, self.values = version, {}
        return self.values

    def get(self, key, compute):
        """``compute()``'s value for ``key``, read once per data version."""
        with self.lock:
            values = self._current()
            if values is not None and key in values:
                return values[key]
        value = compute()
        with self.lock:
            if values is not None and values is self._current():
                values[key] = value
        return value

    def get_each(self, key, ids, read):
        """{id: row} for ``ids``, each kept once read; ``read(missing_ids)`` gives {id: row} for the rest
        (an id it does not return has no row)."""
        with self.lock:
            values = self._current()
            kept = values.setdefault(key, {}) if values is not None else {}
            found = {pk: kept[pk] for pk in ids if pk in kept}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            fresh = read(missing)
            found.update(fresh)
            with self.lock:
                if values is not None and values is self._current():
                    kept.update(fresh)
        return found


reference_rows = VersionMemo()


def topic_rows(using: str = DEFAULT_DB_ALIAS) -> list[TopicRow]:
    """Every topic, approved or not, with its parent: what the roll-up and the topic facet need; one query,
    or none when this process read them at the page's data version."""

    def read() -> list[TopicRow]:
        rows = Topic.objects.using(using).values_list("id", "slug", "name", "parent_id", "approved")
        return [TopicRow(*row) for row in rows]

    return reference_rows.get(("topics", using), read)


def rolled_up(topic_ids: Iterable[int], topics: list[TopicRow]) -> set[int]:
    """The topics ``topic_ids`` and the approved specific topics under them: topic_roll_up()'s rule."""
    chosen = set(topic_ids)
    return chosen | {row.id for row in topics if row.parent_id in chosen and row.approved}


class OrganisationsByMeeting:
    """Each published meeting's organisations taking part (the numbers of their bitmaps, in order), as
    arrays indexed by meeting id: what counting the pairs of many meetings reads without Python code
    per meeting.

    A meeting re-read gets its numbers written after the rest (``put()``), and its old ones are left
    behind until they outnumber the live ones, when the rest is packed.
    """

    def __init__(self) -> None:
        self.start = np.zeros(0, dtype=np.int64)  # where a meeting's numbers begin in ``slots``
        self.count = np.zeros(0, dtype=np.int32)  # how many there are (0: none, or not published)
        self.slots = np.zeros(0, dtype=np.int32)
        self.used = 0

    def put(self, rows: list[tuple[int, list[int]]]) -> None:
        """Write the organisations of these meetings: (meeting id, numbers of their bitmaps)."""
        if not rows:
            return
        ids = np.fromiter((meeting_id for meeting_id, _ in rows), dtype=np.int64, count=len(rows))
        counts = np.fromiter((len(numbers) for _, numbers in rows), dtype=np.int32, count=len(rows))
        numbers = np.fromiter(
            itertools.chain.from_iterable(numbers for _, numbers in rows),
            dtype=np.int32,
            count=int(counts.sum()),
        )
        if int(ids.max()) >= len(self.start):
            size = max(int(ids.max()) + 1, 2 * len(self.start))
            self.start = np.concatenate((self.start, np.zeros(size - len(self.start), dtype=np.int64)))
            self.count = np.concatenate((self.count, np.zeros(size - len(self.count), dtype=np.int32)))
        if self.used + len(numbers) > len(self.slots):
            if self.used > 2 * int(self.count.sum()):
                self._pack()
            size = max(self.used + len(numbers), 2 * len(self.slots))
            self.slots = np.concatenate((self.slots[: self.used], np.zeros(size - self.used, dtype=np.int32)))
        self.slots[self.used : self.used + len(numbers)] = numbers
        self.start[ids] = self.used + np.cumsum(counts, dtype=np.int64) - counts
        self.count[ids] = counts
        self.used += len(numbers)

    def drop(self, meeting_id: int) -> None:
        if meeting_id < len(self.count):
            self.count[meeting_id] = 0

    def _pack(self) -> None:
        """Keep only the live meetings' numbers, in meeting order."""
        ids = np.flatnonzero(self.count)
        counts = self.count[ids].astype(np.int64)
        firsts = np.cumsum(counts) - counts
        within = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(firsts, counts)
        self.slots = self.slots[np.repeat(self.start[ids], counts) + within]
        self.start[ids] = firsts
        self.used = len(self.slots)

    def columns(self, among: BitMap) -> list[np.ndarray]:
        """The organisations of the meetings ``among`` (their bitmaps' numbers) as columns: taken longest
        first, the q-th column holds the q-th organisation of each meeting with more than q, one gather
        each, so every column is a prefix of the one before it."""
        ids = np.frombuffer(among.to_array(), dtype=np.uint32)
        taking_part = self.count[ids]
        most = int(taking_part.max(initial=0))
        # Stable, so the same order either way; numpy sorts a key of one byte by radix, in a few passes.
        key = (most - taking_part).astype(np.uint8) if most < 256 else -taking_part
        longest_first = np.argsort(key, kind="stable")
        starts = self.start[ids][longest_first]
        taking_part = taking_part[longest_first]
        return [
            self.slots[starts[: np.count_nonzero(taking_part > place)] + place].astype(np.int64)
            for place in range(most)
        ]

    @staticmethod
    def pair_codes(columns: list[np.ndarray], width: int) -> np.ndarray:
        """Every pair of organisations of each meeting of ``columns`` as a number, first * width + second
        (``width``: more than any bitmap's number; first < second, as each meeting's are in order),
        sorted."""
        pairs = [
            earlier[: len(column)] * width + column
            for place, column in enumerate(columns)
            for earlier in columns[:place]
        ]
        codes = np.concatenate(pairs) if pairs else np.zeros(0, dtype=np.int64)
        if width * width <= 2**32:
            # Every number fits in 32 bits, which sort in about half the time.
            codes = codes.astype(np.uint32)
        codes.sort()
        return codes

    def pairs(self, among: BitMap, width: int) -> int:
        """How many distinct pairs of organisations the meetings ``among`` share."""
        return distinct_pairs(self.pair_codes(self.columns(among), width))

    def shared(self, among: BitMap, width: int) -> tuple[np.ndarray, np.ndarray]:
        """Each pair of organisations the meetings ``among`` share, as its number (pair_codes()), in
        order, and how many of them share it: where the sorted numbers change."""
        codes = self.pair_codes(self.columns(among), width)
        if not len(codes):
            return codes, codes
        firsts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
        return codes[firsts], np.diff(np.append(firsts, len(codes)))


def distinct_pairs(codes: np.ndarray) -> int:
    """How many distinct numbers the sorted ``codes`` hold."""
    return int(np.count_nonzero(codes[1:] != codes[:-1])) + 1 if len(codes) else 0


class MeetingIndex:
    """The bitmaps of one database's published meetings, kept up to date by sync()."""

    def __init__(self, using: str = DEFAULT_DB_ALIAS):
        self.using = using
        self.lock = threading.Lock()
        self.built = False
        self.last_change = 0
        self.synced_version: str | None = None
        self.published = BitMap()
        self.facets: dict[str, dict] = {name: {} for name in FACETS}
        # Every bitmap of the facets, by number, and the number of each (facet, value).
        self.slots: list[BitMap] = []
        self.slot_of: dict[tuple, int] = {}
        # id -> (start date's ordinal, how many organisations take part, then the numbers of the bitmaps
        # it is in, its organisations' first and in order: what to take it out of when it changes, and
        # what its pairs of organisations are). Numbers rather than the bitmaps, so that these tuples
        # hold no object the garbage collector must visit: a hundred thousand of them would slow every
        # collection.
        self.members: dict[int, tuple[int, ...]] = {}
        # An organisation's network, kept by the number of its bitmap until one of its meetings
        # changes: {slot: {limit: pair_counts_around()}} (see there).
        self.around: dict[int, dict[int, tuple[list[tuple], int]]] = {}
        self.organisations = OrganisationsByMeeting()
        # {facet: (slot_of, its size, values, their slots)}: see _values_and_slots().
        self.value_arrays: dict[str, tuple] = {}
        # The words searched for, kept exact with the rest (events.search_words).
        self.words = SearchWords(using)

    # Keeping it exact.

    def sync(self) -> None:
        """Bring the index up to the last committed write: no query when the page's data version is the
        one last synced at, else one query for the log and four per thousand changed meetings."""
        version = versions.page_version.get()
        with self.lock:
            if not self.built:
                self.rebuild()
            elif version is None or version != self.synced_version:
                self._catch_up()
            # The version was read before the log: a write committed since gives another version.
            self.synced_version = version

    def rebuild(self) -> None:
        """Read every published meeting afresh (at a worker's start, or after the database was restored)."""
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {versions.CHANGES_TABLE}")
            last_change = cursor.fetchone()[0]
        self.built = False  # until it is whole again: a read that fails part-way is started over
        self.published = BitMap()
        self.facets = {name: {} for name in FACETS}
        self.slots, self.slot_of, self.members, self.around = [], {}, {}, {}
        self.organisations = OrganisationsByMeeting()
        self.words.clear()
        self._read(None)
        self.last_change = last_change
        self.built = True

    def _catch_up(self) -> None:
        with connections[self.using].cursor() as cursor:
            cursor.execute(CHANGES_SQL, [self.last_change])
            rows = cursor.fetchall()
        last = max(change_id for change_id, meeting_id in rows if meeting_id is None)
        if last < self.last_change:
            self.rebuild()
            return
        changed = sorted({meeting_id for _, meeting_id in rows if meeting_id is not None})
        for start in range(0, len(changed), CHUNK):
            self._read(changed[start : start + CHUNK])
            self.words.changed(changed[start : start + CHUNK])
        self.last_change = max(last, self.last_change)

    def _read(self, ids: list[int] | None) -> None:
        """(Re-)read the meetings ``ids`` (every published meeting when None): four queries, their rows
        streamed into the bitmaps as they come."""
        where, params = "", []
        if ids is not None and not ids:
            return
        if ids is not None:
            for meeting_id in ids:
                self._remove(meeting_id)
            where = " AND m.id IN ({})".format(", ".join(["%s"] * len(ids)))
            params = list(ids)
        # id -> [start date's ordinal, the numbers of the bitmaps it is in so far]
        read: dict[int, list[int]] = {}
        with connections[self.using].cursor() as cursor:
            cursor.execute(MEETINGS_SQL + where, [Status.PUBLISHED.value, *params])
            for meeting_id, kind, subtype_id, start_date in cursor:
                day = _date(start_date)
                entry = [day.toordinal(), self._slot("kind", kind), self._slot("year", day.year)]
                entry.append(self._slot("month", _month(day)))
                if subtype_id is not None:
                    entry.append(self._slot("subtype", subtype_id))
                read[meeting_id] = entry
            for facet, sql, alias in (
                ("country", COUNTRIES_SQL, "mc"),
                ("org", ORGANISATIONS_SQL, "mo"),
                ("topic", TOPICS_SQL, "mt"),
            ):
                clause = f" WHERE {alias}.meeting_id IN ({', '.join(['%s'] * len(params))})" if ids else ""
                cursor.execute(sql + clause, params)
                for meeting_id, value in cursor:
                    found = read.get(meeting_id)
                    if found is not None:
                        found.append(self._slot(facet, value))
        slots = self.slots
        # A meeting's organisations are picked out by their bitmaps' numbers, with no Python code per number.
        is_organisation = {slot for (facet, _), slot in self.slot_of.items() if facet == "org"}.__contains__
        organisations: list[tuple[int, list[int]]] = []
        for meeting_id, found in read.items():
            taking_part = sorted(filter(is_organisation, itertools.islice(found, 1, None)))
            organisations.append((meeting_id, taking_part))
            member = self.members[meeting_id] = (
                found[0],
                len(taking_part),
                *taking_part,
                *itertools.filterfalse(is_organisation, itertools.islice(found, 1, None)),
            )
            for slot in itertools.islice(member, 2, None):
                slots[slot].add(meeting_id)
            self.published.add(meeting_id)
            if ids is not None:
                self._retire_around(taking_part)
        self.organisations.put(organisations)

    def _slot(self, facet: str, value) -> int:
        """The number of the bitmap of ``value`` of ``facet``, made empty when new."""
        slot = self.slot_of.get((facet, value))
        if slot is None:
            slot = self.slot_of[(facet, value)] = len(self.slots)
            self.slots.append(BitMap())
            self.facets[facet][value] = self.slots[slot]
        return slot

    def _remove(self, meeting_id: int) -> None:
        entry = self.members.pop(meeting_id, None)
        if entry is not None:
            for slot in entry[2:]:
                self.slots[slot].discard(meeting_id)
            self._retire_around(entry[2 : 2 + entry[1]])
        self.organisations.drop(meeting_id)
        self.published.discard(meeting_id)

    def _retire_around(self, organisation_slots: Iterable[int]) -> None:
        """Forget the kept networks of these organisations: one of their meetings changed."""
        if self.around:
            for slot in organisation_slots:
                self.around.pop(slot, None)

    # Reading it.

    def any_of(self, facet: str, values: Iterable) -> BitMap:
        """The meetings with any of ``values`` of ``facet``."""
        bitmaps = self.facets[facet]
        return BitMap.union(BitMap(), *(bitmaps[value] for value in values if value in bitmaps))

    def between(self, among: BitMap, first: datetime.date | None, last: datetime.date | None) -> BitMap:
        """Those of ``among`` that start from ``first`` to ``last`` (either may be open)."""
        low = _month(first) if first else None
        high = _month(last) if last else None
        low_day = first.toordinal() if first else None
        high_day = last.toordinal() if last else None
        found = BitMap()
        for month, bitmap in self.facets["month"].items():
            if (low is not None and month < low) or (high is not None and month > high):
                continue
            if month != low and month != high:
                found |= bitmap
                continue
            for meeting_id in among & bitmap:
                day = self.members[meeting_id][0]
                if (low_day is None or day >= low_day) and (high_day is None or day <= high_day):
                    found.add(meeting_id)
        return among & found

    def counts(self, among: BitMap, facet: str) -> dict:
        """How many of ``among`` have each value of ``facet`` (values with none left out)."""
        found = {}
        for value, bitmap in self.facets[facet].items():
            count = among.intersection_cardinality(bitmap)
            if count:
                found[value] = count
        return found

    def top_counts(self, among: BitMap, facet: str, limit: int) -> dict:
        """The values of ``facet`` with the ``limit`` largest counts among ``among``, and every value that
        ties with the last of them (so that a caller can break ties by name); skips any value whose
        bitmap is smaller than the counts already found."""
        ranked = sorted(self.facets[facet].items(), key=lambda item: len(item[1]), reverse=True)
        best: list[int] = []  # a min-heap of the ``limit`` largest counts so far
        found = {}
        for value, bitmap in ranked:
            if len(best) == limit and len(bitmap) < best[0]:
                break
            count = among.intersection_cardinality(bitmap)
            if not count or (len(best) == limit and count < best[0]):
                continue
            found[value] = count
            if len(best) < limit:
                heapq.heappush(best, count)
            else:
                heapq.heappushpop(best, count)
        floor = best[0] if len(best) == limit else 1
        return {value: count for value, count in found.items() if count >= floor}

    def pair_counts(self, among: BitMap, facet: str, limit: int) -> tuple[list[tuple], int]:
        """The ``limit`` pairs of values of ``facet`` that the most of ``among`` share, and how many pairs
        share any, as MeetingQuerySet.organisation_pairs() gives them: ([(first, second, shared)], pairs)
        with first < second, most shared first, then by first and second.

        Counted in arrays (OrganisationsByMeeting.shared()), so ``facet`` must be "org"; only the pairs
        as strong as the ``limit``-th strongest are put in order.
        """
        if facet != "org":
            raise ValueError("Only the organisations' pairs are counted from the index.")
        width = len(self.slots)
        codes, shared = self.organisations.shared(among, width)
        total = len(codes)
        if not total:
            return [], 0
        value_of = np.zeros(width, dtype=np.int64)
        facet_values, facet_slots = self._values_and_slots(facet)
        value_of[facet_slots] = facet_values
        if total > limit:
            floor = np.partition(shared, total - limit)[total - limit]
            strong = np.flatnonzero(shared >= floor)
            codes, shared = codes[strong], shared[strong]
        values = value_of[codes // width], value_of[codes % width]
        firsts, seconds = np.minimum(*values), np.maximum(*values)
        top = np.lexsort((seconds, firsts, -shared))[:limit]
        found = zip(firsts[top].tolist(), seconds[top].tolist(), shared[top].tolist(), strict=True)
        return list(found), total

    def pair_counts_around(self, among: BitMap, facet: str, focus, limit: int) -> tuple[list[tuple], int]:
        """pair_counts() of ``among`` when every one of them has the value ``focus`` (a profile's network).

        A pair with ``focus`` shares what the other value has of ``among``, counted for every value at
        once from the meetings' organisations (OrganisationsByMeeting.columns()), and a pair without it
        shares no more than the smaller of its values' pairs with ``focus``, so only the values whose
        pair with ``focus`` is among the strongest have their bitmaps intersected two by two. How many
        pairs there are in all comes from the same columns (``facet`` must be "org": only the
        organisations are kept in arrays).

        When ``among`` is all of ``focus``'s meetings (an organisation's own network), the answer is
        kept until one of those meetings changes (sync() forgets it), so that the busiest
        organisation's page counts its tens of thousands of pairs once, not with every request.
        """
        if facet != "org":
            raise ValueError("Only the organisations' pairs are counted around one of them.")
        slot = self.slot_of.get((facet, focus), -1)
        whole = slot >= 0 and among == self.slots[slot]
        last_change = self.last_change
        if whole:
            kept = self.around.get(slot, {}).get(limit)
            if kept is not None:
                return kept
        bitmaps = self.facets[facet]
        # How many of ``among`` each organisation takes part in, by its bitmap's number, counted from the
        # same columns as the pairs.
        columns = self.organisations.columns(among)
        taking_part = np.bincount(
            np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64), minlength=len(self.slots)
        )
        # (count, value) of every other value taking part, most shared first, then by value.
        values, value_slots = self._values_and_slots(facet)
        counts = taking_part[value_slots]
        others = (counts > 0) & (values != focus)
        counts, values = counts[others], values[others]
        order = np.lexsort((values, -counts))
        counts, values = counts[order], values[order]
        # Only the values whose pair with ``focus`` is as strong as the ``limit``-th strongest can be in
        # a pair among the strongest: the rest are never read.
        reach = np.count_nonzero(counts >= counts[limit - 1]) if len(counts) >= limit else len(counts)
        ranked = list(zip(counts[:reach].tolist(), values[:reach].tolist(), strict=True))
        found = [((focus, value) if focus < value else (value, focus), count) for count, value in ranked]
        # The ``limit`` largest counts so far (ranked's first): a pair that cannot reach the smallest
        # of them is skipped.
        best = [count for count, _ in ranked[:limit]]
        heapq.heapify(best)
        floor = best[0] if len(best) == limit else 1
        for position, (count, value) in enumerate(ranked):
            if count < floor:
                break
            with_value = among & bitmaps[value]
            for _, other in ranked[:position]:
                shared = with_value.intersection_cardinality(bitmaps[other])
                if shared < floor:
                    continue
                found.append(((value, other) if value < other else (other, value), shared))
                if len(best) < limit:
                    heapq.heappush(best, shared)
                else:
                    heapq.heappushpop(best, shared)
                floor = best[0] if len(best) == limit else 1
        # Only a pair as strong as the ``limit``-th strongest can be among them.
        top = heapq.nsmallest(
            limit, (item for item in found if item[1] >= floor), key=lambda item: (-item[1], item[0])
        )
        # Every pair is one with ``focus`` (one for each other value) or one without it.
        answer = (
            [(first, second, count) for (first, second), count in top],
            distinct_pairs(self.organisations.pair_codes(columns, len(self.slots))),
        )
        # Kept only if no change was read while it was counted, nor is being read (sync() in another thread).
        if whole and self.last_change == last_change and not self.lock.locked():
            self.around.setdefault(slot, {})[limit] = answer
        return answer

    def _values_and_slots(self, facet: str) -> tuple[np.ndarray, np.ndarray]:
        """Every value of ``facet`` (integers: the organisations' ids) and the number of its bitmap, as
        arrays; made again when a value was added or the index read afresh."""
        slot_of = self.slot_of
        kept = self.value_arrays.get(facet)
        if kept is not None and kept[0] is slot_of and kept[1] == len(slot_of):
            return kept[2], kept[3]
        size = len(slot_of)
        pairs = [(value, slot) for (name, value), slot in list(slot_of.items()) if name == facet]
        values = np.fromiter((value for value, _ in pairs), dtype=np.int64, count=len(pairs))
        slots = np.fromiter((slot for _, slot in pairs), dtype=np.int64, count=len(pairs))
        self.value_arrays[facet] = (slot_of, size, values, slots)
        return values, slots

    def year_kind_counts(self, among: BitMap) -> list[tuple[int, str, int]]:
        """(year, kind, meetings) of ``among``, oldest first, as MeetingQuerySet.year_kind_counts()."""
        rows = []
        kinds = self.facets["kind"]
        for year, bitmap in self.facets["year"].items():
            of_year = among & bitmap
            if not of_year:
                continue
            for kind, kind_bitmap in kinds.items():
                count = of_year.intersection_cardinality(kind_bitmap)
                if count:
                    rows.append((year, kind, count))
        return sorted(rows)

    def topic_counts(self, among: BitMap, topics: list[TopicRow]) -> list[dict]:
        """As MeetingQuerySet.topic_counts(): each approved topic with any of ``among``, a broad topic
        counting its approved specific topics' meetings too, most first."""
        rows = []
        own = self.facets["topic"]
        for topic in topics:
            if not topic.approved:
                continue
            if topic.parent_id is None:
                bitmap = self.any_of("topic", rolled_up([topic.id], topics))
            else:
                bitmap = own.get(topic.id, BitMap())
            count = among.intersection_cardinality(bitmap)
            if count:
                rows.append(
                    {
                        "topic_id": topic.id,
                        "slug": topic.slug,
                        "name": topic.name,
                        "parent_id": topic.parent_id,
                        "meetings": count,
                    }
                )
        return sorted(rows, key=lambda row: (-row["meetings"], row["name"], row["topic_id"]))

    def topic_year_counts(self, among: BitMap, topics: list[TopicRow]) -> list[dict]:
        """As MeetingQuerySet.topic_year_counts(): (topic, year, meetings) for each approved topic by
        the roll-up, by topic name and year."""
        rows = []
        for topic in sorted(topics, key=lambda row: (row.name, row.id)):
            if not topic.approved:
                continue
            about = among & self.any_of(
                "topic", rolled_up([topic.id], topics) if topic.parent_id is None else [topic.id]
            )
            if not about:
                continue
            for year in sorted(self.facets["year"]):
                count = about.intersection_cardinality(self.facets["year"][year])
                if count:
                    rows.append(
                        {
                            "topic_id": topic.id,
                            "slug": topic.slug,
                            "name": topic.name,
                            "year": year,
                            "meetings": count,
                        }
                    )
        return rows

    def related(self, meeting_id: int, organisation_ids: list[int], limit: int) -> list[tuple[int, int]]:
        """(id, organisations shared) of up to ``limit`` published meetings sharing most of the
        ``organisation_ids`` (the meeting ``meeting_id``'s, taking part), then newest (start date, then
        id). The candidates are the RELATED_CANDIDATES latest (by id), shared out evenly among the
        organisations: a busy organisation gives only its latest, so every meeting costs alike."""
        bitmaps = [self.facets["org"].get(pk, BitMap()) for pk in organisation_ids]
        each = max(RELATED_CANDIDATES // len(bitmaps), 5)
        candidates: set[int] = set()
        for bitmap in bitmaps:
            latest = list(bitmap[-(each + 1) :])
            if meeting_id in latest:
                latest.remove(meeting_id)
            candidates.update(latest[-each:])
        members = self.members
        ranked = sorted(
            ((sum(pk in bitmap for bitmap in bitmaps), members[pk][0], pk) for pk in candidates), reverse=True
        )
        return [(pk, shared) for shared, _, pk in ranked[:limit]]

    def ordered_ids(self, among: BitMap, start: int, stop: int, newest: bool = True) -> list[int]:
        """The ids of ``among`` from position ``start`` to ``stop`` in the timeline's order (newest first,
        or oldest first). Counts a month at a time, from the nearer end, and sorts only the months
        the slice falls in."""
        total = len(among)
        stop = min(stop, total)
        if start >= stop:
            return []
        if start > total - stop:  # nearer the far end: read from there, and turn the slice around
            return self.ordered_ids(among, total - stop, total - start, not newest)[::-1]
        months = self.facets["month"]
        found: list[int] = []
        seen = 0
        for month in sorted(months, reverse=newest):
            count = among.intersection_cardinality(months[month])
            if seen + count > start:
                ids = sorted(among & months[month], key=lambda i: (self.members[i][0], i), reverse=newest)
                found += ids[max(0, start - seen) : stop - seen]
            seen += count
            if seen >= stop:
                break
        return found


_indexes: dict[str, MeetingIndex] = {}
_indexes_lock = threading.Lock()


def meeting_index(using: str = DEFAULT_DB_ALIAS) -> MeetingIndex:
    """This process's index of the database ``using``, brought up to date (read whole on first use)."""
    with _indexes_lock:
        index = _indexes.get(using)
        if index is None:
            index = _indexes[using] = MeetingIndex(using)
    index.sync()
    return index


def read_at_start() -> None:
    """Bring this process's index of the default database up to date now, then let the connection go.

    gunicorn calls it in the master before it forks (the index is read whole, once) and in each
    worker as it starts (it catches up with what changed since), so no reader waits for it.
    """
    started = time.monotonic()
    with _indexes_lock:
        index = _indexes.get(DEFAULT_DB_ALIAS)
    whole = index is None or not index.built
    try:
        index = meeting_index()
    except DatabaseError:
        return  # the database is not reachable yet: the first request reads it
    finally:
        connections[DEFAULT_DB_ALIAS].close()
    logger.info(
        "Facet index %s in %.1f s (process %d): %d published meetings",
        "read" if whole else "brought up to date",
        time.monotonic() - started,
        os.getpid(),
        len(index.published),
    )
    # What is here now lives as long as the process, and the master's is shared with the workers
    # forked from it: the collector need never look at it again (nor copy its pages by looking).
    gc.collect()
    gc.freeze()


def forget() -> None:
    """Drop this process's indexes: the next use reads them afresh (tests whose database is rolled back)."""
    with _indexes_lock:
        _indexes.clear()
    with reference_rows.lock:
        reference_rows.version, reference_rows.values = None, {}


def forget_answers() -> None:
    """Empty what the indexes keep for single addresses (an organisation's network, a searched word's
    meetings), keeping what every page reads: benchmarks of pages computed afresh."""
    with _indexes_lock:
        indexes = list(_indexes.values())
    for index in indexes:
        with index.lock:
            index.around.clear()
            index.words.clear()


class Selection:
    """Some published meetings, as a bitmap of the index; the topics are read when first asked for."""

    def __init__(self, index: MeetingIndex, ids: BitMap, topics: list[TopicRow] | None = None):
        self.index = index
        self.ids = ids
        if topics is not None:
            self.topics = topics

    @cached_property
    def topics(self) -> list[TopicRow]:
        return topic_rows(self.index.using)

    @property
    def count(self) -> int:
        return len(self.ids)


def select(meeting_filter) -> Selection:
    """The meetings ``meeting_filter`` (a MeetingFilter) picks, by the index: the same set as its ``qs``.

    Queries: the log (when the data changed), the topics, and on a search its words' bitmaps
    (events.search_words: on PostgreSQL one query for the query's lexemes, and one for each word not
    kept yet; a phrase asks the database for the matching ids), intersected with the rest.
    """
    records = meeting_filter.qs  # built, not run: this completes the filter's review of its values
    using = records.db
    index = meeting_index(using)
    topics = topic_rows(using) if meeting_filter.selected_topics else None
    active = meeting_filter.active
    ids = index.published
    picks = []
    if active.get("country"):
        picks.append(index.any_of("country", active["country"]))
    if meeting_filter.selected_organisations:
        picks.append(index.any_of("org", [org.pk for org in meeting_filter.selected_organisations]))
    if topics is not None:
        chosen = rolled_up([topic.pk for topic in meeting_filter.selected_topics], topics)
        picks.append(index.any_of("topic", chosen))
    if active.get("kind"):
        picks.append(index.any_of("kind", active["kind"]))
    if meeting_filter.selected_subtypes:
        picks.append(index.any_of("subtype", [subtype.pk for subtype in meeting_filter.selected_subtypes]))
    if active.get("year"):
        picks.append(index.any_of("year", [active["year"]]))
    if active.get("q"):
        with index.lock:
            matching = index.words.matching(active["q"], index.published)
        if matching is None:
            found = records.model._default_manager.using(using).published().search(active["q"])
            matching = BitMap(found.order_by().values_list("pk", flat=True))
        picks.append(matching)
    if picks:
        ids = BitMap.intersection(ids, *picks)
    if active.get("date_from") or active.get("date_to"):
        ids = index.between(ids, active.get("date_from"), active.get("date_to"))
    return Selection(index, ids, topics)


def select_by(facet: str, values: Iterable, using: str = DEFAULT_DB_ALIAS) -> Selection:
    """The published meetings with any of ``values`` of ``facet`` (a profile page's meetings); topics
    are rolled up. Queries: the log when the data changed, and the topics."""
    index = meeting_index(using)
    topics = topic_rows(using) if facet == "topic" else None
    if topics is not None:
        values = rolled_up(values, topics)
    return Selection(index, index.published & index.any_of(facet, values), topics)


def all_published(using: str = DEFAULT_DB_ALIAS) -> Selection:
    """Every published meeting (the topics' list and grid)."""
    index = meeting_index(using)
    return Selection(index, index.published)


def both(first: Selection, second: Selection) -> Selection:
    """The meetings of both selections (a pair page's)."""
    return Selection(first.index, first.ids & second.ids)


class OrderedMeetings:
    """A selection's meetings in the timeline's order, read only a slice at a time: what a paginator
    pages through. Each slice is one query for its rows (with what ``queryset`` prefetches), or with
    ``listed`` the rows a list shows (MeetingQuerySet.listed(): plain values, three queries)."""

    def __init__(self, selection: Selection, queryset, newest: bool = True, listed: bool = False):
        self.selection = selection
        self.queryset = queryset
        self.newest = newest
        self.listed = listed

    def count(self) -> int:
        return self.selection.count

    def __len__(self) -> int:
        return self.selection.count

    def __getitem__(self, key: slice) -> list:
        start, stop = key.start or 0, key.stop if key.stop is not None else self.selection.count
        ids = self.selection.index.ordered_ids(self.selection.ids, start, stop, self.newest)
        if not ids:
            return []
        rows = self.queryset.listed(ids) if self.listed else self.queryset.in_bulk(ids)
        return [rows[meeting_id] for meeting_id in ids if meeting_id in rows]


def related_to(meeting, queryset, limit: int = 6) -> list:
    """Up to ``limit`` of ``queryset``'s meetings (published) sharing most organisations taking part with
    ``meeting`` (for_detail()'s), newest first among equals, each with ``shared``: ranked by the index
    (MeetingIndex.related()), then one query for their rows; none when it has no organisations."""
    ranked = ranked_related(meeting, queryset.db, limit)
    rows = queryset.in_bulk([pk for pk, _ in ranked]) if ranked else {}
    return with_shared(ranked, rows)


def related_and_follow_ups(meeting, using: str = DEFAULT_DB_ALIAS) -> tuple[list, object | None, list]:
    """What a meeting page shows of other meetings: related_to()'s six, the meeting ``meeting``
    follows up (None unless published) and its published follow-ups by start date (then id), with
    what their links show, all read in one query (MeetingQuerySet.related_rows())."""
    ranked = ranked_related(meeting, using, RELATED_SHOWN)
    wanted = [pk for pk, _ in ranked] + ([meeting.follow_up_of_id] if meeting.follow_up_of_id else [])
    rows = Meeting.objects.using(using).related_rows(meeting, wanted)
    later = sorted(
        (row for row in rows.values() if row.follow_up_of_id == meeting.pk),
        key=lambda row: (row.start_date, row.pk),
    )
    return with_shared(ranked, rows), rows.get(meeting.follow_up_of_id), later


def ranked_related(meeting, using: str, limit: int) -> list[tuple[int, int]]:
    """(id, organisations shared) of the meetings sharing most organisations taking part with
    ``meeting``, best first (MeetingIndex.related()); none when it has no organisations."""
    organisation_ids = sorted({link.organisation_id for link in meeting.organisations_taking_part})
    return meeting_index(using).related(meeting.pk, organisation_ids, limit) if organisation_ids else []


def with_shared(ranked: list[tuple[int, int]], rows: dict) -> list:
    """The ranked meetings among ``rows``, in rank order, each with ``shared``."""
    related = [rows[pk] for pk, _ in ranked if pk in rows]
    shared = dict(ranked)
    for other in related:
        other.shared = shared[other.pk]
    return related
