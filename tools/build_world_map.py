"""Build static/geo/world.json, the projected world map the site draws, from Natural Earth.

Run once, by hand, when the map should change; the committed JSON is what the
site uses, and nothing is fetched at run time. The input is the npm package
world-atlas 2.0.2 (Natural Earth 4.1.0 as TopoJSON, countries keyed by ISO
3166-1 numeric code)::

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python tools/build_world_map.py /tmp/package

What it does: decodes the 1:110m country shapes, projects them with the
Natural Earth projection into a 1000-unit-wide plane (north up, Antarctica
left out), simplifies each shared border once (so neighbours still meet),
rounds to 0.1 unit and writes one SVG path per ISO 3166-1 alpha-2 code,
with a label point (the pole of inaccessibility of the largest part) that
route lines and dots use. Countries too small for the 1:110m file get a
point from the 1:50m file, or from the short table below, and are drawn as
dots. Northern Cyprus and Somaliland are drawn as part of Cyprus and Somalia
(ISO 3166); Kosovo, which has no ISO 3166-1 code, is drawn as land without a
link.
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
import sys
from pathlib import Path

import django
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "static" / "geo" / "world.json"
WIDTH = 1000
TOLERANCE = 0.35  # map units: detail finer than this is invisible at any width we show
SMALL_AREA = 12.0  # square map units: below this a country also gets a dot to click
LEFT_OUT = {"AQ"}  # Antarctica: no meetings, and it would take a third of the height
# ISO 3166 names each of these on its own; Natural Earth's 1:110m file splits them out.
MERGE_INTO = {"N. Cyprus": "CY", "Somaliland": "SO"}
# Territories in neither Natural Earth file as countries of their own: (latitude, longitude).
EXTRA_POINTS = {
    "BQ": (12.18, -68.25),
    "BV": (-54.42, 3.36),
    "CC": (-12.15, 96.85),
    "CX": (-10.49, 105.62),
    "GF": (4.0, -53.0),
    "GI": (36.14, -5.35),
    "GP": (16.25, -61.55),
    "MQ": (14.65, -61.0),
    "RE": (-21.12, 55.53),
    "SJ": (78.2, 15.6),
    "TK": (-9.2, -171.8),
    "TV": (-8.52, 179.2),
    "UM": (19.3, 166.63),
    "YT": (-12.83, 45.15),
}

Point = tuple[float, float]


def natural_earth(lon: float, lat: float) -> Point:
    """The Natural Earth projection (Šavrič, Jenny, Patterson, Petrovič, Hurni), unscaled."""
    lam, phi = math.radians(lon), math.radians(lat)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return x, y


SCALE = WIDTH / (2 * natural_earth(180, 0)[0])


def project(lon: float, lat: float) -> Point:
    x, y = natural_earth(lon, lat)
    return x * SCALE + WIDTH / 2, -y * SCALE


def decode_arcs(topology: dict) -> list[list[Point]]:
    """The topology's arcs as (longitude, latitude) points; TopoJSON stores quantized deltas."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker measured on the map, keeping both ends (they are where borders meet)."""
    if len(points) < 3:
        return points
    projected = [project(lon, lat) for lon, lat in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = projected[first], projected[last]
        length = math.hypot(bx - ax, by - ay)
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            px, py = projected[i]
            if length:
                distance = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                distance = math.hypot(px - ax, py - ay)
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def cut_at_antimeridian(points: list[Point]) -> list[list[Point]]:
    """A ring that crosses longitude 180 as separate rings on each side, closed along the edge.

    Natural Earth's Russia and Fiji cross it; drawn as they are, they would
    smear a band across the whole map.
    """
    jumps = [i for i in range(len(points)) if abs(points[i][0] - points[i - 1][0]) > 180]
    if not jumps:
        return [points]
    start = jumps[0]
    rotated = points[start:] + points[:start]
    pieces: list[list[Point]] = []
    current: list[Point] = []
    for (lon1, lat1), (lon2, lat2) in zip(rotated[-1:] + rotated[:-1], rotated, strict=True):
        if abs(lon2 - lon1) > 180:
            edge = 180.0 if lon1 > 0 else -180.0
            span = (edge - lon1) + (lon2 + edge)
            t = (edge - lon1) / span if span else 0.5
            lat = lat1 + t * (lat2 - lat1)
            if current:
                current.append((edge, lat))
                pieces.append(current)
            current = [(-edge, lat)]
        current.append((lon2, lat2))
    pieces.append(current)
    rings = []
    for piece in pieces:
        # Close along the edge with a point per degree, so it follows the curved map edge.
        (lon, lat_end), lat_start = piece[-1], piece[0][1]
        steps = max(1, int(abs(lat_start - lat_end)))
        closing = [(lon, lat_end + (lat_start - lat_end) * k / steps) for k in range(1, steps)]
        rings.append(piece + closing)
    return rings


def ring(arcs: list[list[Point]], indexes: list[int]) -> list[Point]:
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points += arc[1:] if points else arc
    return points


def polygons(geometry: dict, arcs: list[list[Point]]) -> list[list[list[Point]]]:
    """The geometry's polygons (outer ring first, then holes) as projected points."""
    if geometry["type"] == "Polygon":
        parts = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        parts = geometry["arcs"]
    else:
        return []
    projected = []
    for polygon in parts:
        outer, *holes = [ring(arcs, r) for r in polygon]
        for piece in cut_at_antimeridian(outer):
            projected.append([[project(lon, lat) for lon, lat in r] for r in [piece, *holes]])
    return projected


def area(points: list[Point]) -> float:
    return (
        abs(
            sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True))
        )
        / 2
    )


def _segment_distance(px, py, ax, ay, bx, by) -> float:
    dx, dy = bx - ax, by - ay
    if dx or dy:
        t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
        ax, ay = ax + t * dx, ay + t * dy
    return math.hypot(px - ax, py - ay)


def _signed_distance(x: float, y: float, polygon: list[list[Point]]) -> float:
    """Distance to the polygon's edge, positive inside, negative outside."""
    inside, best = False, math.inf
    for points in polygon:
        for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1], strict=True):
            if (ay > y) != (by > y) and x < (bx - ax) * (y - ay) / (by - ay) + ax:
                inside = not inside
            best = min(best, _segment_distance(x, y, ax, ay, bx, by))
    return best if inside else -best


def label_point(polygon: list[list[Point]], precision: float = 0.2) -> Point:
    """The point inside the polygon farthest from its edge (Mapbox's polylabel, simplified)."""
    xs = [x for x, _ in polygon[0]]
    ys = [y for _, y in polygon[0]]
    size = min(max(xs) - min(xs), max(ys) - min(ys))
    if size <= precision:
        return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    half = size / 2
    cells: list[tuple[float, float, float, float]] = []

    def push(x: float, y: float, h: float) -> None:
        distance = _signed_distance(x, y, polygon)
        heapq.heappush(cells, (-(distance + h * math.sqrt(2)), x, y, h))

    x = min(xs)
    while x < max(xs):
        y = min(ys)
        while y < max(ys):
            push(x + half, y + half, half)
            y += size
        x += size
    best_x, best_y = sum(xs) / len(xs), sum(ys) / len(ys)
    best = _signed_distance(best_x, best_y, polygon)
    while cells:
        potential, x, y, h = heapq.heappop(cells)
        distance = _signed_distance(x, y, polygon)
        if distance > best:
            best, best_x, best_y = distance, x, y
        if -potential - best <= precision:
            continue
        h /= 2
        for dx in (-h, h):
            for dy in (-h, h):
                push(x + dx, y + dy, h)
    return best_x, best_y


def number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        return "0"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def path(rings: list[list[Point]]) -> str:
    """Compact SVG path data: absolute move, then relative lines, on a 0.1-unit grid."""
    parts = []
    for points in rings:
        grid = [(round(x * 10), round(y * 10)) for x, y in points]
        deduped = [grid[0]] + [p for previous, p in itertools.pairwise(grid) if p != previous]
        if deduped[-1] == deduped[0]:
            deduped.pop()
        if len(deduped) < 3:
            continue
        (x0, y0), text = deduped[0], []
        text.append(f"M{number(x0 / 10)} {number(y0 / 10)}l")
        values = []
        for (px, py), (qx, qy) in itertools.pairwise(deduped):
            values += [number((qx - px) / 10), number((qy - py) / 10)]
        text.append("".join(v if i == 0 or v.startswith("-") else f" {v}" for i, v in enumerate(values)))
        parts.append("".join(text) + "z")
    return "".join(parts)


def rounded(point: Point) -> list[float]:
    return [round(point[0], 1), round(point[1], 1)]


def main(package: Path) -> None:
    settings.configure(INSTALLED_APPS=["django_countries"])
    django.setup()
    from django_countries import countries

    fine = json.loads((package / "countries-110m.json").read_text())
    arcs = [simplify(points, TOLERANCE) for points in decode_arcs(fine)]
    shapes: dict[str, list[list[list[Point]]]] = {}
    unnamed: dict[str, list[list[list[Point]]]] = {}
    for geometry in fine["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        code = countries.alpha2(geometry.get("id") or 0) or MERGE_INTO.get(name, "")
        if code in LEFT_OUT:
            continue
        target = shapes.setdefault(code, []) if code else unnamed.setdefault(name, [])
        target += polygons(geometry, arcs)

    coarse = json.loads((package / "countries-50m.json").read_text())
    coarse_arcs = decode_arcs(coarse)
    points: dict[str, Point] = {}
    for geometry in coarse["objects"]["countries"]["geometries"]:
        code = countries.alpha2(geometry.get("id") or 0)
        if code and code not in shapes and code not in LEFT_OUT:
            largest = max(polygons(geometry, coarse_arcs), key=lambda polygon: area(polygon[0]))
            points[code] = label_point(largest, precision=0.05)
    for code, (lat, lon) in EXTRA_POINTS.items():
        points.setdefault(code, project(lon, lat))

    # Shift everything down so the map's northernmost land sits just below y = 0.
    all_ys = [y for parts in [*shapes.values(), *unnamed.values()] for p in parts for r in p for _, y in r]
    top, bottom = math.floor(min(all_ys)) - 4, math.ceil(max(all_ys)) + 4

    def shifted(parts: list[list[list[Point]]]) -> list[list[Point]]:
        return [[(x, y - top) for x, y in r] for polygon in parts for r in polygon]

    entries: dict[str, dict] = {}
    for code, parts in sorted(shapes.items()):
        largest = max(parts, key=lambda polygon: area(polygon[0]))
        x, y = label_point(largest)
        entry = {"d": path(shifted(parts)), "c": rounded((x, y - top))}
        if sum(area(polygon[0]) for polygon in parts) < SMALL_AREA:
            entry["dot"] = True
        entries[code] = entry
    for code, (x, y) in sorted(points.items()):
        entries[code] = {"d": "", "c": rounded((x, y - top)), "dot": True}
    missing = sorted({country.code for country in countries} - set(entries) - LEFT_OUT)
    data = {
        "about": "Natural Earth 1:110m (1:50m for small countries) via world-atlas 2.0.2; "
        "see README.md here. Built by tools/build_world_map.py.",
        "width": WIDTH,
        "height": bottom - top,
        # How far the projected plane was shifted up: events/geo.py places cities with it.
        "top": top,
        "countries": entries,
        "land": [{"name": name, "d": path(shifted(parts))} for name, parts in sorted(unnamed.items())],
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n")
    drawn = sum(1 for entry in entries.values() if entry["d"])
    print(
        f"wrote {OUTPUT.relative_to(ROOT)}: {OUTPUT.stat().st_size} bytes, {drawn} shapes, "
        f"{len(entries) - drawn} dots, {len(unnamed)} unnamed, {WIDTH}x{bottom - top}; no place for {missing}"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: build_world_map.py PATH_TO_UNPACKED_WORLD_ATLAS_PACKAGE")
    main(Path(sys.argv[1]))
