"""Links that change one filter and keep every other one (the URL is the list's state)."""

import functools
import hashlib
import html as html_module
import itertools
import re
from pathlib import Path
from urllib.parse import quote, quote_plus

from django import template
from django.http import QueryDict
from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, reverse
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe

from ..cache import kept
from ..models.rows import ListedMeeting
from ..wording import country_name

register = template.Library()

EVENTS = Path(__file__).resolve().parent.parent
# Rows retire by their stamps, not by time: a day bounds what an unused one holds in the cache.
ROW_TIMEOUT = 24 * 3600

# Parameters that take one value: choosing a new one replaces the old.
SINGLE_VALUED = {"year", "date_from", "date_to", "q", "sort", "more"}


def escape(value) -> str:
    """conditional_escape()'s text, as a plain str: what markup put together here escapes its values
    with. A page escapes thousands of values, and conditional_escape() wraps each call in a check for
    lazy strings and each result in a SafeString."""
    if type(value) is str:  # most values, and never safe markup (a SafeString is a subclass)
        return html_module.escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_module.escape(str(value))


def _encode(query: QueryDict) -> str:
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


# What quote_plus() leaves as it is: most keys and values (country codes, slugs, years).
UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]*")


def _quoted(text: str) -> str:
    return text if UNQUOTED.fullmatch(text) else quote_plus(text)


def _pair(key: str, value: str) -> str:
    """One ``key=value`` of a query string, encoded as QueryDict.urlencode() encodes it."""
    return f"{_quoted(key)}={_quoted(value)}"


class Toggler:
    """The links that add a filter value to the request's query or take it off, back to page 1.

    A page draws hundreds of them (the map, the facets, the chips): the query
    is read and encoded once, and each link encodes only the values it changes.
    """

    def __init__(self, query: QueryDict):
        # (key, its values, their encoded pairs) in the query's order, without the page.
        self.parts = [
            (key, values, "&".join(_pair(key, value) for value in values))
            for key, values in query.lists()
            if key != "page"
        ]
        # The links made so far: the map and its table link each country twice.
        self.made: dict[tuple[str, str], str] = {}

    def __call__(self, key: str, value) -> str:
        value = str(value)
        link = self.made.get((key, value))
        if link is None:
            link = self.made[(key, value)] = self._link(key, value)
        return link

    def _link(self, key: str, value: str) -> str:
        encoded, found = [], False
        for name, values, pairs in self.parts:
            if name != key:
                encoded.append(pairs)
                continue
            found = True
            changed = self._toggled(key, values, value)
            if changed:
                encoded.append("&".join(_pair(key, item) for item in changed))
        if not found:
            encoded.append(_pair(key, value))
        return "?" + "&".join(part for part in encoded if part)

    @staticmethod
    def _toggled(key: str, current: list[str], value: str) -> list[str]:
        if key in SINGLE_VALUED:
            return [] if value in current else [value]
        if value in current:
            return [item for item in current if item != value]
        return [*current, value]


def toggler(request) -> Toggler:
    """The request's Toggler, made on first use."""
    made = getattr(request, "_toggler", None)
    if made is None:
        made = request._toggler = Toggler(request.GET)
    return made


@register.simple_tag(takes_context=True)
def toggle_query(context, key: str, value) -> str:
    """The current query with ``value`` added to ``key`` or, if present, removed; back to page 1."""
    return toggler(context["request"])(key, value)


@register.simple_tag(takes_context=True)
def without_query(context, *keys: str) -> str:
    """The current query without ``keys`` (all filters when none are named)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    for key in keys or list(query):
        if keys or key not in ("sort",):
            query.pop(key, None)
    return _encode(query)


@register.simple_tag
def filters_query(meeting_filter=None, **filters) -> str:
    """The timeline filters that data links carry, URL-encoded, without "?".

    Given the timeline's MeetingFilter: the filters it applied (never ``page``, never a
    value it dropped). Given keywords such as ``org=organisation.slug``: just those.
    """
    if meeting_filter is not None:
        return meeting_filter.query_string()
    query = QueryDict(mutable=True)
    for key, value in filters.items():
        query[key] = value
    return query.urlencode()


# What a row's words come from besides its meeting: when a release changes one, every row is made again.
ROW_CODE = (
    "templatetags/timeline.py",
    "models/meetings.py",
    "models/rows.py",
    "models/records.py",
    "models/delegations.py",
    "wording.py",
)


@functools.cache
def row_release() -> str:
    """A digest of the code that draws and words a row, read once per process."""
    digest = hashlib.sha1()
    for name in ROW_CODE:
        digest.update((EVENTS / name).read_bytes())
    return digest.hexdigest()


@register.simple_tag
def meeting_row(meeting) -> str:
    """One meeting in a list (a Meeting read with for_timeline(), or its ListedMeeting), kept until the
    meeting or what it shows changes.

    A row reads the same on every list it appears in, and rendering the rows
    was the largest part of a list page computed afresh. It is kept under the
    meeting's own stamp (ListedMeeting.row_stamp()), not the data version: a write
    retires the rows it changes and leaves every other row in the cache.
    """
    row = meeting if isinstance(meeting, ListedMeeting) else ListedMeeting.of(meeting)
    html = kept(
        "meeting-row",
        f"{row_release()}:{row.row_stamp()}",
        lambda: render_row(row),
        timeout=ROW_TIMEOUT,
    )
    return mark_safe(html)  # render_row() escapes every value


@register.simple_tag
def meeting_rows(meetings, grouped: bool) -> SafeString:
    """A page's meeting rows, under year and month headings when ``grouped`` (consecutive meetings of
    one year, then of one month, share a heading): the markup the template's regroup loops gave,
    put together here because every list page draws it."""
    if not grouped:
        return SafeString(f"\n    {''.join(meeting_row(meeting) for meeting in meetings)}\n  ")
    html = ["\n    \n    "]
    years = itertools.groupby(meetings, key=lambda meeting: meeting.start_date.year)
    for counter, (year, in_year) in enumerate(years, start=1):
        html.append(
            f'\n    <section class="year-group" aria-labelledby="year-{year}-{counter}">\n'
            f'      <h2 id="year-{year}-{counter}" class="year-heading">{year}</h2>\n      \n      '
        )
        for _, in_month in itertools.groupby(in_year, key=lambda meeting: meeting.start_date.month):
            rows = list(in_month)
            heading = escape(date_format(rows[0].start_date, "F Y"))
            html.append(f'\n        <h3 class="month-heading">{heading}</h3>\n        ')
            html.extend(meeting_row(meeting) for meeting in rows)
            html.append("\n      ")
        html.append("\n    </section>\n    ")
    html.append("\n  ")
    return SafeString("".join(html))


SLUG = re.compile(r"[-a-zA-Z0-9_]+")
PLACEHOLDER = "slug-placeholder"


@functools.lru_cache(maxsize=32)
def _around_slugs(view_name: str, count: int, script_prefix: str) -> tuple[str, ...]:
    """What comes before, between and after the ``count`` slugs in ``view_name``'s address."""
    placeholders = [f"{PLACEHOLDER}-{n}" for n in range(count)]
    parts, rest = [], reverse(view_name, args=placeholders)
    for placeholder in placeholders:
        before, _, rest = rest.partition(placeholder)
        parts.append(before)
    return (*parts, rest)


def slug_url(view_name: str, *slugs: str, script_prefix: str | None = None) -> str:
    """reverse(view_name, args=slugs) for a pattern whose arguments are slugs, without resolving the
    pattern again for every link: a list's rows hold hundreds of them. A slug needs no quoting;
    anything else goes through reverse(). ``script_prefix``, when the caller has read it for many
    links, is get_script_prefix()'s."""
    if not all(SLUG.fullmatch(slug) for slug in slugs):
        return reverse(view_name, args=list(slugs))
    prefix = get_script_prefix() if script_prefix is None else script_prefix
    parts = _around_slugs(view_name, len(slugs), prefix)
    return "".join(part + slug for part, slug in zip(parts, slugs, strict=False)) + parts[-1]


@register.simple_tag
def record_links(records, view_name: str, label: str) -> SafeString:
    """A list item for each record, linking its ``label`` field to its page (``view_name``, by slug):
    what a template loop over get_absolute_url() gives, without resolving each address afresh."""
    e = escape
    return SafeString(
        "".join(
            f'<li><a href="{e(slug_url(view_name, record.slug))}">{e(getattr(record, label))}</a></li>'
            for record in records
        )
    )


def first_words(text: str, count: int, more: str) -> str:
    """Truncator(text).words(count, truncate=more) without the lazy object Truncator is: a list's
    every summary is cut."""
    words = text.split()
    if len(words) <= count:
        return " ".join(words)
    shortened = " ".join(words[:count])
    return shortened if shortened.endswith(more) else f"{shortened}{more}"


def render_row(meeting: ListedMeeting) -> SafeString:
    """A meeting's row: its date, title, kind, place, trip, organisations, summary and topics.

    Put together in Python rather than by a template, because a list computed
    afresh draws every row; every value is escaped here.
    """
    e = escape
    prefix = get_script_prefix()
    pk = meeting.pk
    start = meeting.start_date
    address = slug_url("events:meeting-detail", meeting.slug, script_prefix=prefix)
    html = [
        f'\n<article class="meeting-row" aria-labelledby="meeting-{pk}">\n'
        f'  <p class="meeting-date"><time datetime="{start.isoformat() if start else ""}">'
        f"{e(meeting.date_display)}</time></p>\n"
        f'  <h3 id="meeting-{pk}" class="meeting-title"><a href="{e(address)}">'
        f"{e(meeting.title)}</a></h3>\n"
        '  <p class="meeting-meta">\n'
        f'    <span class="kind kind-{e(meeting.kind)}">{e(meeting.kind_display)}</span>\n    '
    ]
    place = meeting.place_display
    if place:
        if meeting.country:
            country_url = slug_url("events:country-detail", meeting.country, script_prefix=prefix)
            html.append(f'<span class="place"><a href="{e(country_url)}">{e(place)}</a></span>')
        else:
            html.append(f'<span class="place">{e(place)}</span>')
    html.append("\n    ")
    delegation = meeting.delegation
    if delegation is not None and delegation.is_published:
        trip = slug_url("events:delegation-detail", delegation.slug, script_prefix=prefix)
        html.append(f'<span class="delegation">Part of <a href="{e(trip)}">{e(delegation.title)}</a></span>')
    html.append("\n  </p>\n  ")
    organisations = meeting.organisations
    if organisations:
        links = ", ".join(
            f'<a href="{e(slug_url("events:organisation-detail", organisation.slug, script_prefix=prefix))}" '
            f'title="{e(organisation.name)}">'
            f"{e(organisation.short_name)}</a>"
            for organisation in organisations
        )
        html.append(
            f'\n  <p class="meeting-orgs"><span class="visually-hidden">Organisations: </span>{links}</p>\n  '
        )
    html.append("\n  ")
    if meeting.summary:
        summary = first_words(meeting.summary, 32, " …")
        html.append(f'<p class="meeting-summary">{e(summary)}</p>')
    html.append("\n  ")
    topics = meeting.topics
    if topics:
        items = "".join(
            f'<li><a href="{e(slug_url("events:topic-detail", topic.slug, script_prefix=prefix))}">'
            f"{e(topic.name)}</a></li>"
            for topic in topics
        )
        html.append(f'\n  <ul class="tags" aria-label="Topics">{items}</ul>\n  ')
    html.append("\n</article>\n")
    return SafeString("".join(html))


# The map, the facets and the chips draw hundreds of links a page: their markup is put together
# here, once per link, rather than by a template loop or an include per link.
SELECTED_TIP = " (in the filter; select to remove)"
SELECTED_CLASS = ' class="selected"'


@register.simple_tag(takes_context=True)
def map_country_links(context, world_map: dict) -> SafeString:
    """The map's countries with meetings (or in the filter), each a link that toggles it in the filter:
    shapes first, then the dots of countries too small to click."""
    toggle = toggler(context["request"])
    e = escape
    paths = world_map["escaped_shapes"]
    shapes = "".join(
        f'<a class="map-country{" is-selected" if country.selected else ""}" '
        f'href="{e(toggle("country", country.code))}" data-country="{e(country.code)}" '
        f'data-count="{country.count}"><title>{e(country.tip)}{SELECTED_TIP if country.selected else ""}'
        f'</title><path class="shade-{country.shade}" d="{paths[country.code]}"></path></a>'
        for country in world_map["shapes"]
    )
    radius = world_map["dot_radius"]
    dots = "".join(
        f'<a class="map-country map-dot{" is-selected" if country.selected else ""}" '
        f'href="{e(toggle("country", country.code))}" data-country="{e(country.code)}" '
        f'data-count="{country.count}"><title>{e(country.tip)}{SELECTED_TIP if country.selected else ""}'
        f'</title><circle class="shade-{country.shade}" cx="{country.x}" cy="{country.y}" r="{radius}">'
        "</circle></a>"
        for country in world_map["dots"]
    )
    return SafeString(f"{shapes}\n    {dots}")


@register.simple_tag
def map_dot_shapes(world_map: dict) -> SafeString:
    """The shapes of the countries linked by a dot, shaded in place under the links."""
    paths = world_map["escaped_shapes"]
    return SafeString(
        "".join(
            f'<path class="shade-{country.shade}" d="{paths[country.code]}"></path>'
            for country in world_map["dot_shapes"]
        )
    )


@register.simple_tag(takes_context=True)
def map_table_rows(context, ranked) -> SafeString:
    """The map as a table: a row for each country with meetings, its name a link that toggles it."""
    toggle = toggler(context["request"])
    e = escape
    return SafeString(
        "".join(
            f'<tr><td><a href="{e(toggle("country", country.code))}">{e(country.name)}</a></td>'
            f"<td>{country.count}</td></tr>"
            for country in ranked
        )
    )


@register.simple_tag(takes_context=True)
def facet_link(context, item) -> SafeString:
    """One facet value's link (events.facets.FacetValue), which adds it to the filter or removes it."""
    e = escape
    href = e(toggler(context["request"])(item.param, item.value))
    current = ' aria-current="true"' if item.selected else ""
    title = f' title="{e(item.full_name)}"' if item.full_name else ""
    remove = '<span class="visually-hidden">Remove filter: </span>' if item.selected else ""
    full = f'<span class="visually-hidden"> ({e(item.full_name)})</span>' if item.full_name else ""
    return SafeString(
        f'\n\n<a href="{href}"{current}>\n'
        f'  <span class="facet-label"{title}>{remove}{e(item.label)}{full}</span>\n'
        f'  <span class="facet-count">{item.count}</span>\n</a>\n'
    )


@register.simple_tag(takes_context=True)
def facet_items(context, values) -> SafeString:
    """A facet's list items: each value's link (facet_link), and its children's behind a disclosure."""
    html = ["\n        "]
    for item in values:
        selected = SELECTED_CLASS if item.selected else ""
        html.append(f"\n        <li{selected}>\n          {facet_link(context, item)}\n          ")
        children = item.children
        if children:
            opened = " open" if item.open else ""
            links = "".join(
                f"\n              <li{SELECTED_CLASS if child.selected else ''}>"
                f"{facet_link(context, child)}</li>\n              "
                for child in children
            )
            html.append(
                f'\n          <details class="facet-children"{opened}>\n'
                f'            <summary>{len(children)} more<span class="visually-hidden"> under '
                f"{escape(item.label)}</span></summary>\n"
                f"            <ul>\n              {links}\n            </ul>\n"
                "          </details>\n          "
            )
        html.append("\n        </li>\n        ")
    html.append("\n      ")
    return SafeString("".join(html))


@register.simple_tag
def chart_bars(chart: dict) -> SafeString:
    """The bars of a chart of meetings per year (events.facets.stacked_year_chart), each year a group
    of its kinds' segments, with its count and year as the chart has room for them."""
    e = escape
    width, height, show_values = chart["bar_width"], chart["height"], chart["show_values"]
    html = []
    for bar in chart["bars"]:
        count, x = bar["count"], bar["x"]
        parts = "".join(f"; {e(segment['label'])} {segment['count']}" for segment in bar["segments"])
        segments = "".join(
            f'<rect class="meeting-kind-{e(segment["kind"])}" x="{x}" y="{segment["y"]}" width="{width}" '
            f'height="{segment["height"]}"></rect>'
            for segment in bar["segments"]
        )
        centre = bar["label_x"]
        value = (
            f'<text class="bar-value" x="{centre}" y="{bar["y"] - 3}" text-anchor="middle">{count}</text>'
            if show_values and count
            else ""
        )
        label = ""
        if bar["show_label"]:
            year = str(bar["year"])[2:] if show_values else bar["year"]
            label = (
                f'<text class="bar-label" x="{centre}" y="{height + 14}" text-anchor="middle">{year}</text>'
            )
        meetings = f"{count} meeting{'' if count == 1 else 's'}"
        html.append(
            f'\n      <g class="bar"><title>{bar["year"]}: {meetings}{parts}</title>\n'
            f'        <rect class="bar-hit" x="{x}" y="0" width="{width}" height="{height}"></rect>\n'
            f"        {segments}\n        {value}\n        {label}\n      </g>\n    "
        )
    return SafeString("".join(html))


@register.simple_tag
def chart_rows(chart: dict) -> SafeString:
    """The chart as a table's rows: a year, its meetings of each kind, and all of them."""
    return SafeString(
        "".join(
            f'<tr><th scope="row">{bar["year"]}</th>'
            + "".join(f"<td>{count}</td>" for count in bar["cells"])
            + f"<td>{bar['count']}</td></tr>"
            for bar in chart["bars"]
        )
    )


@register.simple_tag
def topic_grid_cells(grid: dict, topic: dict, first_row: bool, link_cells) -> SafeString:
    """A topic's row of cells in the topics-over-time grid (events.facets.topic_grid): each year
    shaded by its meetings, and a link to the timeline for that topic and year where the link's
    result is exactly the cell's meetings (``link_cells``, or the grid's own topic in its first row)."""
    e = escape
    linked = link_cells or (first_row and grid["first_is_focus"])
    name = e(topic["name"])
    address = e(f"{reverse('events:timeline')}?topic={quote(topic['slug'], safe='/')}") if linked else ""
    cells = []
    for cell in topic["cells"]:
        count, year = cell["count"], cell["year"]
        if not count:
            content = ""
        elif linked:
            content = f'<a href="{address}&amp;year={year}" title="{name}, {year}">{count}</a>'
        else:
            content = f'<span title="{name}, {year}">{count}</span>'
        cells.append(f'<td class="shade-{cell["shade"]}">{content}</td>')
    return SafeString("".join(cells))


# The partner network (events.network.partner_network) draws each link twice and each organisation
# twice: put together here, as the template's loops gave them.


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


@register.simple_tag
def network_edges(network: dict) -> SafeString:
    """The network's links as SVG lines, each with its two organisations and shared meetings."""
    e = escape
    html = []
    for edge in network["edges"]:
        first, second, shared = edge["first"], edge["second"], edge["meetings"]
        html.append(
            f'<line class="net-edge" x1="{first["x"]}" y1="{first["y"]}" x2="{second["x"]}" '
            f'y2="{second["y"]}" stroke-width="{edge["width"]}"><title>{e(first["label"])} and '
            f"{e(second['label'])}: {shared} shared meeting{_plural(shared)}</title></line>"
        )
    return SafeString("".join(html))


@register.simple_tag
def network_nodes(network: dict) -> SafeString:
    """The network's organisations as circles, each a link to its profile."""
    e = escape
    html = []
    for node in network["nodes"]:
        meetings = node["meetings"]
        html.append(
            f'<a class="net-node{" is-current" if node["current"] else ""}" href="{e(node["url"])}" '
            f'data-org="{e(node["slug"])}" data-meetings="{meetings}"><title>{e(node["name"])}: '
            f"{meetings} meeting{_plural(meetings)} ({e(node['kind_label'])})</title>"
            f'<circle class="org-kind-{e(node["kind"])}" cx="{node["x"]}" cy="{node["y"]}" r="{node["r"]}">'
            "</circle></a>"
        )
    return SafeString("".join(html))


@register.simple_tag
def network_labels(network: dict) -> SafeString:
    """The names of the organisations that have room for one, where _place_labels() put them."""
    e = escape
    html = []
    for node in network["nodes"]:
        if not node["label_place"]:
            continue
        minor = "" if node["major"] else " net-label-minor"
        current = " is-current" if node["current"] else ""
        html.append(
            f'<text class="net-label{minor}{current}" x="{node["label_x"]}" y="{node["label_y"]}" '
            f'text-anchor="{e(node["label_anchor"])}" dominant-baseline="{e(node["label_baseline"])}">'
            f"{e(node['label'])}</text>"
        )
    return SafeString("".join(html))


@register.simple_tag
def network_rows(network: dict) -> SafeString:
    """The network's links as a table's rows: its two organisations, and its shared meetings."""
    e = escape
    return SafeString(
        "".join(
            f'<tr data-pair="{e(edge["first"]["slug"])} {e(edge["second"]["slug"])}">'
            f'<td><a href="{e(edge["first"]["url"])}">{e(edge["first"]["label"])}</a></td>'
            f'<td><a href="{e(edge["second"]["url"])}">{e(edge["second"]["label"])}</a></td>'
            f'<td><a href="{e(edge["pair_url"])}" title="Meetings of both">{edge["meetings"]}</a></td></tr>'
            for edge in network["edges"]
        )
    )


@register.simple_tag
def partner_items(organisation, partners: list[dict]) -> SafeString:
    """An organisation's partners (OrganisationPair.objects.partners_of()), each a list item linking to
    the pair's page, with their shared meetings."""
    e = escape
    return SafeString(
        "".join(
            f'<li><a href="{e(slug_url("events:organisation-pair", organisation.slug, partner["slug"]))}">'
            f"{e(partner['acronym'] or partner['name'])}</a> "
            f'<span class="facet-count" title="shared meetings">{partner["meetings"]}</span></li>'
            for partner in partners
        )
    )


@register.simple_tag
def representative_items(rows: list[dict]) -> SafeString:
    """The people who represented an organisation (Participation.objects.representatives_of()), each a
    list item linking to the person, or their name as written, with their meetings."""
    e = escape
    html = []
    for row in rows:
        if row["person__slug"]:
            address = slug_url("events:person-detail", row["person__slug"])
            name = f'<a href="{e(address)}">{e(row["person__name"])}</a>'
        else:
            name = f'{e(row["name_as_written"])} <span class="muted">(not yet identified)</span>'
        html.append(f'<li>{name} <span class="facet-count">{row["meetings"]}</span></li>')
    return SafeString("".join(html))


# A meeting page's lists: the organisations, participants, sources and related meetings, put together
# here as its template drew them, each address from slug_url() rather than resolved afresh.


def _organisation_url(organisation) -> str:
    return slug_url("events:organisation-detail", organisation.slug)


@register.simple_tag
def comma_links(records, view_name: str, label: str) -> SafeString:
    """Each record's ``label`` field linking to its page (``view_name``, by slug), comma-separated."""
    e = escape
    return SafeString(
        ", ".join(
            f'<a href="{e(slug_url(view_name, record.slug))}">{e(getattr(record, label))}</a>'
            for record in records
        )
    )


@register.simple_tag
def country_links(countries) -> SafeString:
    """Each country's name (read once per process) linking to its page, comma-separated."""
    e = escape
    return SafeString(
        ", ".join(
            f'<a href="{e(slug_url("events:country-detail", code))}">{e(country_name(code))}</a>'
            for code in (country.code for country in countries)
        )
    )


@register.simple_tag
def organisation_role_items(links) -> SafeString:
    """A list item for each of a meeting's organisation roles: the organisation and its role."""
    e = escape
    return SafeString(
        "".join(
            f'\n      <li><a href="{e(_organisation_url(link.organisation))}">{e(link.organisation)}</a> '
            f'<span class="muted">— {e(str(link.role.label).lower())}</span></li>\n      '
            for link in links
        )
    )


@register.simple_tag
def participant_rows(participations) -> SafeString:
    """A table row for each participant present: the name as reported (and as each source spelt it),
    the titles, the organisation and the role."""
    e = escape
    rows = []
    for participation in participations:
        name = e(participation.name_as_written)
        person = participation.person
        if person is not None:
            cell = f'<a href="{e(slug_url("events:person-detail", person.slug))}">{name}</a>'
            if person.name != participation.name_as_written:
                cell += f' <span class="muted">({e(person.name)})</span>'
        else:
            cell = f'{name} <span class="muted">(not yet identified)</span>'
        spelt = participation.names_display
        if spelt:
            cell += f' <span class="muted">— spelt {e(spelt)}</span>'
        organisation = participation.organisation
        affiliation = (
            f'<a href="{e(_organisation_url(organisation))}">{e(organisation.short_name)}</a>'
            if organisation is not None
            else "—"
        )
        rows.append(
            "\n        <tr>\n"
            f'          <td data-label="Name as reported">{cell}</td>\n'
            f'          <td data-label="Title at the time">{e(participation.titles_display or "—")}</td>\n'
            f'          <td data-label="Organisation">{affiliation}</td>\n'
            f'          <td data-label="Role">{e(participation.role.label)}</td>\n'
            "        </tr>\n      "
        )
    return SafeString("".join(rows))


@register.simple_tag
def source_items(sources) -> SafeString:
    """A list item for each source: its link, publisher, author, date as precise as known, language."""
    e = escape
    items = []
    for source in sources:
        details = e(source.publisher)
        if source.republished_by:
            details += f", republished by {e(source.republished_by)}"
        if source.author:
            details += f", by {e(source.author)}"
        if source.published_on:
            shape = {"year": "Y", "month": "F Y"}.get(source.published_precision, "j F Y")
            details += f", {e(date_filter(source.published_on, shape))}"
        if source.language:
            details += f" ({e(source.language)})"
        items.append(
            "\n      <li>\n"
            f'        <a href="{e(source.url)}" rel="noopener noreferrer external">'
            f"{e(source.title or source.url)}</a>\n"
            f'        <span class="muted">— {details}</span>\n'
            "      </li>\n      "
        )
    return SafeString("".join(items))


@register.simple_tag
def related_items(related) -> SafeString:
    """A list item for each related meeting (MeetingIndex.related()): its date and shared organisations."""
    e = escape
    return SafeString(
        "".join(
            f'<li><a href="{e(slug_url("events:meeting-detail", other.slug))}">{e(other.title)}</a> '
            f'<span class="muted">— {e(other.date_display)}, {other.shared} shared '
            f"organisation{_plural(other.shared)}</span></li>"
            for other in related
        )
    )
