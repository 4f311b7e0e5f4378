"""Facet counts and the activity charts for a filtered set of meetings.

Each facet is one grouped query over the filtered meetings (see the
``*_counts`` methods of MeetingQuerySet); this module turns the counts into
what the page shows: labels, whether a value is selected, and whether more
values exist than are shown. The charts (meetings per year stacked by kind,
topics over time) and the shade scale the map shares with them are drawn
from the same counts, so a picture never disagrees with its list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .meeting_index import Selection, reference_rows
from .models import Meeting, MeetingKind, Organisation, Outcome, OutcomeStatus
from .wording import country_name

FACET_LIMIT = 10
EXPANDED_LIMIT = 200


@dataclass
class FacetValue:
    param: str
    value: str
    label: str
    count: int
    selected: bool = False
    full_name: str = ""
    # The specific topics under a broad topic, shown behind a "more" disclosure.
    children: list[FacetValue] = field(default_factory=list)

    @property
    def open(self) -> bool:
        """Whether the disclosure starts open: one of the values behind it is chosen."""
        return any(child.selected for child in self.children)


@dataclass
class Facet:
    param: str
    title: str
    values: list[FacetValue] = field(default_factory=list)
    has_more: bool = False
    expanded: bool = False


@dataclass
class Facets:
    countries: Facet
    organisations: Facet
    topics: Facet
    kinds: Facet
    year_facet: Facet
    # Every country's count (the facet shows the first few; the map shows all)
    # and the year-by-kind counts the stacked chart draws.
    country_totals: dict[str, int] = field(default_factory=dict)
    year_kinds: list[tuple[int, str, int]] = field(default_factory=list)

    def __iter__(self):
        return iter([self.countries, self.organisations, self.topics, self.kinds, self.year_facet])


def _limited(rows: list, limit: int) -> tuple[list, bool]:
    return rows[:limit], len(rows) > limit


def country_facet(rows: list[tuple[str, int]], active: dict, limit: int, expanded: bool) -> Facet:
    shown, more = _limited(rows, limit)
    facet = Facet("country", "Country", expanded=expanded, has_more=more)
    for code, count in shown:
        facet.values.append(
            FacetValue("country", code, country_name(code), count, code in active.get("country", []))
        )
    return facet


def organisation_facet(rows: list[dict], active: dict, limit: int, expanded: bool) -> Facet:
    shown, more = _limited(rows, limit)
    facet = Facet("org", "Organisation", expanded=expanded, has_more=more)
    for row in shown:
        facet.values.append(
            FacetValue(
                "org",
                row["slug"],
                row["acronym"] or row["name"],
                row["meetings"],
                row["slug"] in active.get("org", []),
                full_name=row["name"] if row["acronym"] else "",
            )
        )
    return facet


def topic_facet(rows: list[dict], active: dict, limit: int, expanded: bool) -> Facet:
    """Broad topics, each counting its specific topics' too (the roll-up: see topic_roll_up()), with
    the specific topics behind a disclosure under it. ``rows`` from MeetingQuerySet.topic_counts()."""
    selected = active.get("topic", [])
    specific: dict[int, list[FacetValue]] = {}
    for row in rows:
        if row["parent_id"] is not None:
            specific.setdefault(row["parent_id"], []).append(
                FacetValue("topic", row["slug"], row["name"], row["meetings"], row["slug"] in selected)
            )
    shown, more = _limited([row for row in rows if row["parent_id"] is None], limit)
    facet = Facet("topic", "Topic", expanded=expanded, has_more=more)
    for row in shown:
        facet.values.append(
            FacetValue(
                "topic",
                row["slug"],
                row["name"],
                row["meetings"],
                row["slug"] in selected,
                children=specific.get(row["topic_id"], []),
            )
        )
    return facet


def choice_facet(param: str, title: str, rows: list[tuple[str, int]], labels: dict, active: dict) -> Facet:
    facet = Facet(param, title)
    for value, count in rows:
        facet.values.append(
            FacetValue(param, value, labels.get(value, value), count, value in active.get(param, []))
        )
    return facet


def facets_for(meetings, meeting_filter, expanded: str = "") -> Facets:
    """Facets for ``meetings`` (already filtered) by grouped queries; ``expanded`` names one facet to
    show in full. (The timeline counts with the index instead: facets_from_index().)"""
    limit = EXPANDED_LIMIT if expanded == "org" else FACET_LIMIT
    return assemble_facets(
        meetings.country_counts(),
        meetings.organisation_counts(limit=limit + 1),
        meetings.topic_counts(),
        meetings.kind_counts(),
        meetings.year_kind_counts(),
        meeting_filter.active,
        expanded,
    )


def facets_from_index(selection: Selection, meeting_filter, expanded: str = "") -> Facets:
    """The same facets as facets_for(), counted on the facet index (events.meeting_index): one query,
    for the names of the organisations shown."""
    index, among = selection.index, selection.ids
    limit = (EXPANDED_LIMIT if expanded == "org" else FACET_LIMIT) + 1
    kind_rows = sorted(index.counts(among, "kind").items(), key=lambda row: (-row[1], row[0]))
    return assemble_facets(
        indexed_country_counts(selection),
        indexed_organisation_counts(selection, limit),
        index.topic_counts(among, selection.topics),
        kind_rows,
        index.year_kind_counts(among),
        meeting_filter.active,
        expanded,
    )


def indexed_country_counts(selection: Selection, limit: int | None = None) -> list[tuple[str, int]]:
    """As MeetingQuerySet.country_counts(), from the facet index: (code, meetings), most first."""
    counts = selection.index.counts(selection.ids, "country")
    return sorted(counts.items(), key=lambda row: (-row[1], row[0]))[:limit]


def indexed_organisation_counts(selection: Selection, limit: int) -> list[dict]:
    """As MeetingQuerySet.organisation_counts(), from the facet index; one query, for the names."""
    top = selection.index.top_counts(selection.ids, "org", limit)

    def read(ids) -> dict[int, dict]:
        named = Organisation.objects.filter(pk__in=ids).values("id", "slug", "name", "acronym")
        return {row["id"]: row for row in named}

    named = reference_rows.get_each(("organisation-names", selection.index.using), list(top), read)
    rows = [
        {
            "organisation_id": row["id"],
            "slug": row["slug"],
            "name": row["name"],
            "acronym": row["acronym"],
            "meetings": top[row["id"]],
        }
        for row in named.values()
    ]
    return sorted(rows, key=lambda row: (-row["meetings"], row["name"], row["organisation_id"]))[:limit]


def indexed_organisation_nodes(selection: Selection, ids) -> list[dict]:
    """As MeetingQuerySet.organisation_nodes(), from the facet index: the organisations ``ids`` with
    their meetings among the selection's; their names, kinds and countries read at most once per data
    version (one query for those not yet read)."""
    bitmaps = selection.index.facets["org"]
    counts = {pk: selection.ids.intersection_cardinality(bitmaps[pk]) for pk in ids if pk in bitmaps}

    def read(missing) -> dict[int, dict]:
        named = Organisation.objects.filter(pk__in=missing).values(
            "id", "slug", "name", "acronym", "kind", "country"
        )
        return {row["id"]: row for row in named}

    shown = [pk for pk, count in counts.items() if count]
    named = reference_rows.get_each(("organisation-nodes", selection.index.using), shown, read)
    rows = [
        {
            "organisation_id": row["id"],
            "slug": row["slug"],
            "name": row["name"],
            "acronym": row["acronym"],
            "kind": row["kind"],
            "country": row["country"],
            "meetings": counts[row["id"]],
        }
        for row in named.values()
    ]
    # The query's order (by name, then id) among equals.
    return sorted(rows, key=lambda row: (-row["meetings"], row["name"], row["organisation_id"]))


def assemble_facets(
    all_countries: list[tuple[str, int]],
    organisation_rows: list[dict],
    topic_rows: list[dict],
    kind_rows: list[tuple[str, int]],
    year_kinds: list[tuple[int, str, int]],
    active: dict,
    expanded: str,
) -> Facets:
    """The facets from their counts (every country's; the organisations' first ones, one more than
    shown; every topic's; the kinds'; per year and kind)."""

    def limit_for(param: str) -> int:
        return EXPANDED_LIMIT if expanded == param else FACET_LIMIT

    # All countries in one list: the facet shows the first few, the map all of them.
    countries = country_facet(all_countries, active, limit_for("country"), expanded == "country")
    organisations = organisation_facet(organisation_rows, active, limit_for("org"), expanded == "org")
    topics = topic_facet(topic_rows, active, limit_for("topic"), expanded == "topic")
    kinds = choice_facet("kind", "Kind", kind_rows, dict(MeetingKind.choices), active)
    per_year: dict[int, int] = {}
    for year, _kind, count in year_kinds:
        per_year[year] = per_year.get(year, 0) + count
    year_facet = Facet("year", "Year")
    for year, count in sorted(per_year.items(), reverse=True):
        year_facet.values.append(FacetValue("year", str(year), str(year), count, active.get("year") == year))
    return Facets(
        countries,
        organisations,
        topics,
        kinds,
        year_facet,
        country_totals=dict(all_countries),
        year_kinds=year_kinds,
    )


SHADES = 5


def shade_scale(peak: int) -> list[tuple[int, int, str]]:
    """(lowest count, shade 1-5, label) for each class of a sequential colour scale up to ``peak``.

    Up to five classes; beyond five values the bounds grow geometrically and
    are rounded to 1, 2, 3 or 5 times a power of ten, so one scale reads well
    for the demo data (a handful of meetings) and for a hundred thousand.
    """
    if peak < 1:
        return []
    if peak <= SHADES:
        bounds = list(range(1, peak + 1))
    else:
        bounds = []
        for step in range(SHADES):
            bound = _nice(peak ** (step / SHADES))
            if bound <= peak and (not bounds or bound > bounds[-1]):
                bounds.append(bound)
    classes = []
    for index, low in enumerate(bounds):
        high = bounds[index + 1] - 1 if index + 1 < len(bounds) else peak
        label = f"{low:,}" if low == high else f"{low:,}–{high:,}"
        classes.append((low, math.ceil((index + 1) * SHADES / len(bounds)), label))
    return classes


def _nice(value: float) -> int:
    """The nearest of 1, 2, 3, 5, 10, 20, 30, 50... to ``value``, by ratio."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    candidates = [m * power for m in (1, 2, 3, 5, 10)]
    return min(candidates, key=lambda c: abs(math.log(c / value)))


def shade_of(count: int, scale: list[tuple[int, int, str]]) -> int:
    """The shade (0 for none) of ``count`` on a scale from shade_scale()."""
    shade = 0
    for low, class_shade, _label in scale:
        if count >= low:
            shade = class_shade
    return shade


def stacked_year_chart(rows: list[tuple[int, str, int]], height: int = 90) -> dict | None:
    """Bars for an SVG chart of meetings per year stacked by kind, every year in the range present.

    ``rows`` are (year, kind, meetings) from MeetingQuerySet.year_kind_counts().
    Kinds stack in the order of MeetingKind, the same order as the legend and
    the table that is the chart's text equivalent.
    """
    if not rows:
        return None
    labels = dict(MeetingKind.choices)
    counts: dict[int, dict[str, int]] = {}
    for year, kind, count in rows:
        counts.setdefault(year, {})[kind] = counts.get(year, {}).get(kind, 0) + count
    present = [kind for kind in labels if any(kind in by_kind for by_kind in counts.values())]
    present += sorted({kind for by_kind in counts.values() for kind in by_kind} - set(present))
    first, last = min(counts), max(counts)
    totals = {year: sum(by_kind.values()) for year, by_kind in counts.items()}
    peak = max(totals.values())
    span = last - first + 1
    bar_width, gap = (18, 4) if span <= 30 else (10, 2)
    bars = []
    for index, year in enumerate(range(first, last + 1)):
        by_kind = counts.get(year, {})
        total = totals.get(year, 0)
        x = index * (bar_width + gap)
        segments, below = [], 0
        for kind in present:
            count = by_kind.get(kind, 0)
            if not count:
                continue
            bottom = height - round(below / peak * height)
            below += count
            top = height - round(below / peak * height)
            segments.append(
                {
                    "kind": kind,
                    "label": labels.get(kind, kind),
                    "count": count,
                    "y": top,
                    "height": bottom - top,
                }
            )
        bars.append(
            {
                "year": year,
                "count": total,
                "x": x,
                "y": height - round(total / peak * height),
                "label_x": x + bar_width / 2,
                "segments": segments,
                "show_label": span <= 24 or year % 5 == 0 or year in (first, last),
                "cells": [by_kind.get(kind, 0) for kind in present],
            }
        )
    return {
        "bars": bars,
        "kinds": [
            {
                "kind": kind,
                "label": labels.get(kind, kind),
                "count": sum(c.get(kind, 0) for c in counts.values()),
            }
            for kind in present
        ],
        "bar_width": bar_width,
        "height": height,
        "width": len(bars) * (bar_width + gap),
        "total": sum(totals.values()),
        "first": first,
        "last": last,
        "peak": peak,
        "peak_year": min(year for year, total in totals.items() if total == peak),
        "show_values": span <= 24,
    }


def topic_grid(rows: list[dict], *, limit: int = 15, first: str = "") -> dict | None:
    """Topics over time: a row per topic (the busiest ``limit``), a cell per year, shaded by count.

    ``rows`` come from MeetingQuerySet.topic_year_counts(); ``first`` names a
    topic to put on top whatever its count (the topic whose page this is).
    """
    if not rows:
        return None
    by_topic: dict[str, dict] = {}
    for row in rows:
        topic = by_topic.setdefault(row["slug"], {"slug": row["slug"], "name": row["name"], "years": {}})
        topic["years"][row["year"]] = topic["years"].get(row["year"], 0) + row["meetings"]
    for topic in by_topic.values():
        topic["total"] = sum(topic["years"].values())
    ranked = sorted(by_topic.values(), key=lambda t: (t["slug"] != first, -t["total"], t["name"]))
    shown = ranked[:limit]
    years = list(range(min(r["year"] for r in rows), max(r["year"] for r in rows) + 1))
    scale = shade_scale(max(count for topic in shown for count in topic["years"].values()))
    for topic in shown:
        topic["cells"] = [
            {
                "year": year,
                "count": topic["years"].get(year, 0),
                "shade": shade_of(topic["years"].get(year, 0), scale),
            }
            for year in years
        ]
    return {
        "years": years,
        "topics": shown,
        "hidden": len(ranked) - len(shown),
        "first_is_focus": bool(first) and shown[0]["slug"] == first,
        "legend": [{"shade": shade, "label": label} for _low, shade, label in scale],
    }


def commitment_facets(outcomes, commitment_filter, expanded: str = "") -> list[Facet]:
    """The commitments page's facets for ``outcomes`` (already filtered): status, kind of outcome,
    country, organisation and topic, each counting outcomes by the timeline's rules for their meetings.
    Five queries."""
    active = commitment_filter.active

    def limit_for(param: str) -> int:
        return EXPANDED_LIMIT if expanded == param else FACET_LIMIT

    meetings = Meeting.objects.filter(pk__in=outcomes.order_by().values("meeting_id"))
    return [
        choice_facet("status", "Status now", outcomes.status_counts(), dict(OutcomeStatus.choices), active),
        choice_facet(
            "outcome", "Kind of outcome", outcomes.kind_counts(), dict(Outcome.Kind.choices), active
        ),
        country_facet(
            meetings.country_counts(outcomes=outcomes), active, limit_for("country"), expanded == "country"
        ),
        organisation_facet(
            meetings.organisation_counts(limit=limit_for("org") + 1, outcomes=outcomes),
            active,
            limit_for("org"),
            expanded == "org",
        ),
        topic_facet(
            meetings.topic_counts(outcomes=outcomes), active, limit_for("topic"), expanded == "topic"
        ),
    ]
