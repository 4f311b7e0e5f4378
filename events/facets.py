"""Facet counts and the meetings-per-year chart for a filtered set of meetings.

Each facet is one grouped query over the filtered meetings (see the
``*_counts`` methods of MeetingQuerySet); this module turns the counts into
what the page shows: labels, whether a value is selected, and whether more
values exist than are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django_countries.fields import Country

from .models import MeetingKind

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
    years: list[tuple[int, int]]
    year_facet: Facet

    def __iter__(self):
        return iter([self.countries, self.organisations, self.topics, self.kinds, self.year_facet])


def _limited(rows: list, limit: int) -> tuple[list, bool]:
    return rows[:limit], len(rows) > limit


def facets_for(meetings, meeting_filter, expanded: str = "") -> Facets:
    """Facets for ``meetings`` (already filtered); ``expanded`` names one facet to show in full."""
    active = meeting_filter.active

    def limit_for(param: str) -> int:
        return EXPANDED_LIMIT if expanded == param else FACET_LIMIT

    country_rows, more_countries = _limited(
        meetings.country_counts(limit=limit_for("country") + 1), limit_for("country")
    )
    countries = Facet("country", "Country", expanded=expanded == "country", has_more=more_countries)
    for code, count in country_rows:
        countries.values.append(
            FacetValue("country", code, Country(code).name, count, code in active.get("country", []))
        )

    org_rows, more_orgs = _limited(meetings.organisation_counts(limit=limit_for("org") + 1), limit_for("org"))
    organisations = Facet("org", "Organisation", expanded=expanded == "org", has_more=more_orgs)
    for row in org_rows:
        label = row["acronym"] or row["name"]
        organisations.values.append(
            FacetValue(
                "org",
                row["slug"],
                label,
                row["meetings"],
                row["slug"] in active.get("org", []),
                full_name=row["name"] if row["acronym"] else "",
            )
        )

    topic_rows, more_topics = _limited(
        meetings.topic_counts(limit=limit_for("topic") + 1), limit_for("topic")
    )
    topics = Facet("topic", "Topic", expanded=expanded == "topic", has_more=more_topics)
    for row in topic_rows:
        topics.values.append(
            FacetValue(
                "topic", row["slug"], row["name"], row["meetings"], row["slug"] in active.get("topic", [])
            )
        )

    kinds = Facet("kind", "Kind")
    labels = dict(MeetingKind.choices)
    for kind, count in meetings.kind_counts():
        kinds.values.append(
            FacetValue("kind", kind, labels.get(kind, kind), count, kind in active.get("kind", []))
        )

    years = meetings.year_counts()
    year_facet = Facet("year", "Year")
    for year, count in sorted(years, reverse=True):
        year_facet.values.append(FacetValue("year", str(year), str(year), count, active.get("year") == year))
    return Facets(countries, organisations, topics, kinds, years, year_facet)


def year_chart(year_counts: list[tuple[int, int]], height: int = 80) -> dict | None:
    """Bars for an SVG chart of meetings per year, with every year in the range present."""
    if not year_counts:
        return None
    counts = dict(year_counts)
    first, last = min(counts), max(counts)
    peak = max(counts.values())
    bar_width, gap = 18, 4
    bars = []
    for index, year in enumerate(range(first, last + 1)):
        count = counts.get(year, 0)
        bar_height = round(count / peak * height) if peak else 0
        bars.append(
            {
                "year": year,
                "count": count,
                "x": index * (bar_width + gap),
                "y": height - bar_height,
                "height": bar_height,
                "label_x": index * (bar_width + gap) + bar_width / 2,
            }
        )
    return {
        "bars": bars,
        "bar_width": bar_width,
        "height": height,
        "width": len(bars) * (bar_width + gap),
        "total": sum(counts.values()),
        "first": first,
        "last": last,
        "peak": peak,
    }
