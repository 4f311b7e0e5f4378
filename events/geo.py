"""World-map pictures drawn on the server as SVG: meetings per country, and a delegation's route.

Cities are placed by their latitude and longitude with the projection
tools/build_world_map.py drew the countries with (project() here is the
same formula, and world.json's "top" the same shift).

The country shapes are Natural Earth's, projected once by
tools/build_world_map.py into static/geo/world.json (see the README there);
nothing is fetched at run time. Counts come from MeetingQuerySet.country_counts(),
the same query as the country facet, so the map and the list always agree.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from .facets import shade_of, shade_scale
from .wording import country_name

WORLD_FILE = "geo/world.json"
# A zoomed map never shows less than this share of the world's width, so a
# single country keeps its neighbours around it.
MIN_ZOOM_WIDTH = 0.38
ROUTE_MIN_WIDTH = 0.16


@functools.cache
def world() -> dict:
    """The projected world map; read once per process."""
    path = finders.find(WORLD_FILE)
    if not path:
        raise FileNotFoundError(f"static/{WORLD_FILE} is missing; see tools/build_world_map.py")
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def natural_earth(lon: float, lat: float) -> tuple[float, float]:
    """The Natural Earth projection, unscaled: tools/build_world_map.py's, to the digit."""
    lam, phi = math.radians(lon), math.radians(lat)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return x, y


def project(lon: float, lat: float) -> tuple[float, float]:
    """A place's point on the map of world.json: the build's projection, scale and shift."""
    data = world()
    width = data["width"]
    x, y = natural_earth(lon, lat)
    scale = width / (2 * natural_earth(180, 0)[0])
    return round(x * scale + width / 2, 1), round(-y * scale - data["top"], 1)


@dataclass
class MapCity:
    """A city marked on a map: where meetings were held."""

    name: str
    country: str
    x: float
    y: float
    count: int = 0

    @property
    def tip(self) -> str:
        if not self.count:
            return f"{self.name}, {country_name(self.country)}"
        meetings = f"{self.count:,} meeting{'' if self.count == 1 else 's'}"
        return f"{self.name}, {country_name(self.country)}: {meetings}"


def city_marks(rows) -> list[MapCity]:
    """MapCity for each (name, country code, latitude, longitude, meetings) row, most meetings last
    (drawn on top)."""
    marks = [
        MapCity(name=name, country=str(code), x=point[0], y=point[1], count=count)
        for name, code, lat, lon, count in rows
        for point in [project(lon, lat)]
    ]
    return sorted(marks, key=lambda mark: (mark.count, mark.name))


def place_map(country_code: str, cities: list[MapCity]) -> dict | None:
    """A small map of one country with its cities marked (the meeting and country pages), or None
    when the country is not on the world map."""
    data = world()
    entry = data["countries"].get(country_code)
    if entry is None:
        return None
    left, top, right, bottom = _bounds().get(country_code, (*entry["c"], *entry["c"]))
    points = [(left, top), (right, bottom), *((city.x, city.y) for city in cities)]
    view = _view_box(points, ROUTE_MIN_WIDTH, pad=20, aspect=1.6)
    land = [
        {"code": code, "name": country_name(code), "d": other["d"], "here": code == country_code}
        for code, other in data["countries"].items()
        if other["d"] and _in_view(code, view)
    ]
    return {
        "view_box": " ".join(f"{value:g}" for value in view),
        "sea": {"width": data["width"], "height": data["height"]},
        "land": land,
        # Drawn on every meeting's page, so put together from shapes made once per process.
        "land_paths": SafeString("".join(_named_land(country["code"], country["here"]) for country in land)),
        "unnamed_land": data["land"],
        "unnamed_land_paths": unnamed_land(),
        "country": {
            "code": country_code,
            "name": country_name(country_code),
            "x": entry["c"][0],
            "y": entry["c"][1],
        },
        "dot": bool(entry.get("dot")) or not entry["d"],
        "cities": cities,
        "radius": round(view[2] / 90, 2),
    }


@functools.cache
def _bounds() -> dict[str, tuple[float, float, float, float]]:
    """(left, top, right, bottom) of each country's shape, to leave out those outside a zoomed view."""
    bounds = {}
    for code, entry in world()["countries"].items():
        xs, ys = [], []
        # Each ring is "M x y l dx dy dx dy ... z": an absolute start, then relative steps.
        for ring in re.findall(r"M([^z]*)z", entry["d"]):
            start, _, steps = ring.partition("l")
            x, y = (float(n) for n in re.findall(r"-?[\d.]+", start))
            numbers = [float(n) for n in re.findall(r"-?[\d.]+", steps)]
            xs.append(x)
            ys.append(y)
            for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
                x, y = x + dx, y + dy
                xs.append(x)
                ys.append(y)
        if xs:
            bounds[code] = (min(xs), min(ys), max(xs), max(ys))
    return bounds


@functools.cache
def _plain_land(code: str) -> SafeString:
    """A country without meetings as plain grey land: the same markup on every map, made once."""
    return format_html(
        '<path d="{}"><title>{}</title></path>',
        world()["countries"][code]["d"],
        f"{country_name(code)}: no meetings",
    )


@functools.cache
def _named_land(code: str, here: bool) -> SafeString:
    """A country on a place map, named, and marked when it is the place: the same on every map."""
    return format_html(
        '<path{} d="{}"><title>{}</title></path>',
        SafeString(' class="place-here"') if here else "",
        world()["countries"][code]["d"],
        country_name(code),
    )


@functools.cache
def escaped_shapes() -> dict[str, str]:
    """Each country's path data as it goes into an attribute, escaped once per process: a map links
    up to every country, and the shapes are most of its markup."""
    return {code: escape(entry["d"]) for code, entry in world()["countries"].items()}


@functools.cache
def unnamed_land() -> SafeString:
    """Land that is no country (Antarctica, disputed areas), the same on every map."""
    return format_html_join(
        "", '<path d="{}"><title>{}</title></path>', ((land["d"], land["name"]) for land in world()["land"])
    )


def _in_view(code: str, view: tuple[float, ...]) -> bool:
    left, top, right, bottom = _bounds().get(code, (0, 0, 0, 0))
    x, y, width, height = view
    return right >= x and left <= x + width and bottom >= y and top <= y + height


def _point_in_view(x: float, y: float, view: tuple[float, ...]) -> bool:
    left, top, width, height = view
    return left <= x <= left + width and top <= y <= top + height


@dataclass
class MapCountry:
    code: str
    name: str
    d: str
    x: float
    y: float
    count: int = 0
    shade: int = 0
    selected: bool = False
    dot: bool = False

    @property
    def tip(self) -> str:
        """What hovering or focusing it says."""
        if not self.count:
            return f"{self.name}: no meetings"
        return f"{self.name}: {self.count:,} meeting{'' if self.count == 1 else 's'}"


def _view_box(
    points: list[tuple[float, float]], min_share: float, pad: float, aspect: float = 0
) -> tuple[float, ...]:
    """A viewBox around ``points`` (with ``pad`` to spare) inside the world, ``aspect`` wide:high.

    Without an aspect, the world's own proportions. Never narrower than
    ``min_share`` of the world's width; the whole world when the points
    need most of it anyway.
    """
    data = world()
    width, height = data["width"], data["height"]
    aspect = aspect or width / height
    if not points:
        return 0, 0, width, height
    xs, ys = [x for x, _ in points], [y for _, y in points]
    left, right = min(xs) - pad, max(xs) + pad
    top, bottom = min(ys) - pad, max(ys) + pad
    view_width = max(right - left, (bottom - top) * aspect, width * min_share)
    if view_width >= width * 0.8 or view_width / aspect >= height:
        return 0, 0, width, height
    view_height = view_width / aspect
    centre_x, centre_y = (left + right) / 2, (top + bottom) / 2
    x = min(max(centre_x - view_width / 2, 0), width - view_width)
    y = min(max(centre_y - view_height / 2, 0), height - view_height)
    return round(x, 1), round(y, 1), round(view_width, 1), round(view_height, 1)


def choropleth(counts: dict[str, int], selected=(), cities: list[MapCity] | None = None) -> dict:
    """The world map shaded by ``counts`` ({code: meetings}), zoomed to the countries that have any.

    Countries with meetings (and the selected ones, so a filter can be taken
    off) become links; the rest are drawn as plain grey land, so a keyboard
    user tabs only through countries worth choosing.
    """
    data = world()
    selected = set(selected)
    peak = max(counts.values(), default=0)
    scale = shade_scale(peak)
    land, linked, unplaced = [], [], []
    for code, entry in data["countries"].items():
        count = counts.get(code, 0)
        country = MapCountry(
            code=code,
            name=country_name(code),
            d=entry["d"],
            x=entry["c"][0],
            y=entry["c"][1],
            count=count,
            shade=shade_of(count, scale),
            selected=code in selected,
            dot=bool(entry.get("dot")),
        )
        if count or country.selected:
            linked.append(country)
        elif country.d:
            land.append(country)
    for code in counts:
        if code not in data["countries"]:
            unplaced.append({"code": code, "name": country_name(code), "count": counts[code]})
    # Bigger counts are drawn last, so their focus outline is not hidden by a neighbour.
    linked.sort(key=lambda country: (country.count, country.name))
    view = _view_box([(c.x, c.y) for c in linked], MIN_ZOOM_WIDTH, pad=40)
    # A zoomed map leaves out the land it does not show, which keeps the page small.
    land = [country for country in land if _in_view(country.code, view)]
    ranked = sorted(linked, key=lambda country: (-country.count, country.name))
    return {
        "width": data["width"],
        "height": data["height"],
        "view_box": " ".join(f"{value:g}" for value in view),
        "zoomed": view[2] < data["width"],
        "dot_radius": round(view[2] / 280, 1),
        # Drawn hundreds of times a page, so put together here rather than by a template loop.
        "land": SafeString("".join(_plain_land(country.code) for country in land)),
        "unnamed_land": unnamed_land(),
        "countries": linked,
        "escaped_shapes": escaped_shapes(),
        # A country too small to click is shaded in place and linked by a dot
        # on top; every other country is its own link.
        "shapes": [country for country in linked if country.d and not country.dot],
        "dot_shapes": [country for country in linked if country.d and country.dot],
        "dots": [country for country in linked if country.dot or not country.d],
        "ranked": [country for country in ranked if country.count],
        "legend": [{"shade": shade, "label": label} for _low, shade, label in scale],
        "unplaced": unplaced,
        # The cities where the meetings were held, when the caller read them (city_marks()).
        "cities": [city for city in cities or [] if _point_in_view(city.x, city.y, view)],
        "city_radius": round(view[2] / 400, 2),
    }


def route_map(delegation, meetings) -> dict | None:
    """A delegation's trip on the map: from the sending country through each meeting's city.

    ``meetings`` are the trip's published meetings in date order (their
    cities read with them); stop N is the Nth of them, the same number as in
    the list below the map. A stop is at its meeting's city when one is
    recorded, else at its country's label point; meetings with neither keep
    their number but are not drawn. Stops that would overlap are moved apart.
    """
    data = world()
    places = data["countries"]
    origin_code = delegation.sending_country.code if delegation.sending_country else ""
    origin = None
    if origin_code in places:
        x, y = places[origin_code]["c"]
        origin = {"code": origin_code, "name": country_name(origin_code), "x": x, "y": y}
    stops, unplaced = [], []
    per_country: dict[str, int] = {}
    for number, meeting in enumerate(meetings, start=1):
        code = meeting.country.code if meeting.country else ""
        if code not in places:
            unplaced.append({"number": number, "meeting": meeting})
            continue
        city = meeting.city if meeting.city_id else None
        if city is not None:
            x, y = project(city.longitude, city.latitude)
        else:
            x, y = places[code]["c"]
            per_country[code] = per_country.get(code, 0) + 1
        stops.append({"number": number, "meeting": meeting, "code": code, "x": x, "y": y, "city": city})
    destinations = [country.code for country in delegation.destination_countries if country.code in places]
    visited = {stop["code"] for stop in stops}
    if not origin and not stops:
        return None
    points = [(stop["x"], stop["y"]) for stop in stops]
    points += [tuple(places[code]["c"]) for code in destinations]
    if origin:
        points.append((origin["x"], origin["y"]))
    view = _view_box(points, ROUTE_MIN_WIDTH, pad=40, aspect=1.6)
    radius = round(view[2] / 36, 2)
    _spread(stops, per_country, radius)
    legs = _route_legs([origin] if origin else [], stops, radius)
    if origin:
        # The start is a square, so it reads apart from the numbered stops.
        origin["left"] = round(origin["x"] - radius * 0.75, 2)
        origin["top"] = round(origin["y"] - radius * 0.75, 2)
    highlighted = {code for code in [*visited, *destinations, origin_code] if code}
    land = []
    for code, entry in places.items():
        if not entry["d"] or not _in_view(code, view):
            continue
        role = "origin" if code == origin_code else "visited" if code in highlighted else ""
        land.append({"code": code, "name": country_name(code), "d": entry["d"], "role": role})
    not_reached = [country_name(code) for code in destinations if code not in visited]
    # Countries too small to see get a dot in their colour.
    small = [
        {
            "x": places[code]["c"][0],
            "y": places[code]["c"][1],
            "name": country_name(code),
            "role": "origin" if code == origin_code else "visited",
        }
        for code in sorted(highlighted)
        if code in places and places[code].get("dot")
    ]
    return {
        "view_box": " ".join(f"{value:g}" for value in view),
        "land": land,
        "unnamed_land": data["land"],
        "origin": origin,
        "stops": stops,
        "itinerary": sorted(
            [{**stop, "drawn": True} for stop in stops] + [{**stop, "drawn": False} for stop in unplaced],
            key=lambda stop: stop["number"],
        ),
        "not_reached": not_reached,
        "small": small,
        "small_radius": round(radius * 0.4, 2),
        "legs": legs,
        "radius": radius,
        "font_size": round(radius * 1.2, 2),
        "label_dy": round(radius * 0.42, 2),
        "stroke": round(radius / 3.5, 2),
        "origin_size": round(radius * 1.5, 2),
        "sea": {"width": data["width"], "height": data["height"]},
    }


def _spread(stops: list[dict], per_country: dict[str, int], radius: float) -> None:
    """Move stops apart so no numbered circle hides another.

    Stops without a city in one country sit in a row through its label point;
    a stop that still overlaps an earlier one (neighbouring countries, nearby
    cities, two meetings in one city) is pushed away from it.
    """
    seen: dict[str, int] = {}
    for stop in stops:
        if stop["city"] is not None:
            continue  # at its own city
        total = per_country[stop["code"]]
        if total > 1:
            index = seen.get(stop["code"], 0)
            seen[stop["code"]] = index + 1
            stop["x"] = round(stop["x"] + (index - (total - 1) / 2) * radius * 2.3, 2)
    room = radius * 2.2
    for number, stop in enumerate(stops):
        for earlier in stops[:number]:
            dx, dy = stop["x"] - earlier["x"], stop["y"] - earlier["y"]
            distance = math.hypot(dx, dy)
            if distance < room:
                ux, uy = (dx / distance, dy / distance) if distance else (1.0, 0.0)
                stop["x"] = round(earlier["x"] + ux * room, 2)
                stop["y"] = round(earlier["y"] + uy * room, 2)


def _route_legs(origin: list[dict], stops: list[dict], radius: float) -> list[dict]:
    """Each leg of the trip as SVG path data, a gentle arc, with an arrowhead halfway along."""
    points = [(p["x"], p["y"]) for p in [*origin, *stops]]
    legs = []
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        length = math.hypot(x2 - x1, y2 - y1)
        if not length:
            continue
        # Bend each leg to its left by a fifth of its length, so an outward and
        # a return leg between the same two places do not overlap.
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        bend = length / 5
        cx, cy = (x1 + x2) / 2 + uy * bend, (y1 + y2) / 2 - ux * bend
        # The curve's midpoint, where it runs parallel to the chord.
        mx, my = (x1 + 2 * cx + x2) / 4, (y1 + 2 * cy + y2) / 4
        size = radius * 0.9
        tip = (mx + ux * size, my + uy * size)
        left = (mx - ux * size / 2 + uy * size * 0.7, my - uy * size / 2 - ux * size * 0.7)
        right = (mx - ux * size / 2 - uy * size * 0.7, my - uy * size / 2 + ux * size * 0.7)
        legs.append(
            {
                "d": f"M{x1:g} {y1:g}Q{cx:.1f} {cy:.1f} {x2:g} {y2:g}",
                "arrow": " ".join(f"{x:.1f},{y:.1f}" for x, y in (tip, left, right)),
            }
        )
    return legs
