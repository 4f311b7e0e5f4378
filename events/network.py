"""The partner network: which organisations met which, drawn on the server as SVG.

Two queries (organisation_pairs() and organisation_nodes(), of the meetings
or of the kept pair counts), or the facet index and one query for the names, give the strongest
links and their organisations; a small force-directed
layout, in array arithmetic (numpy), places them. It is deterministic, so the same result
always draws the same picture, and cached per process, because the layout is
the only costly step.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .facets import indexed_organisation_nodes
from .models import Organisation
from .templatetags.timeline import slug_url

# The strongest links drawn; beyond these the picture stops being legible.
NETWORK_LINKS = 60
MAX_NODES = 45
# Labels are 13 units high; on a phone, where the drawing is about half size,
# they are drawn 24 high (see .net-label in site.css) and only the first few fit.
LABEL_SIZE, PHONE_LABEL_SIZE, PHONE_LABELS = 13, 24, 10
LABEL_CHARS = 18
WIDTH, HEIGHT, MARGIN = 800, 600, 40


def partner_network(
    meetings, *, links: int | None = None, focus: Organisation | None = None, selection=None
) -> dict:
    """The organisations that met each other in ``meetings``, as an SVG-ready graph.

    ``meetings``: a MeetingQuerySet, or the kept pair counts (OrganisationPair's queryset) for every
    published meeting; both answer organisation_pairs() and organisation_nodes() alike. Not read when
    ``selection`` is given (None will do).

    ``selection``: the same meetings in the facet index (events.meeting_index.Selection), when the
    caller has them: the links and the nodes' counts are then read from it rather than by joins of
    the meetings. With ``focus`` too, they must be the focus's meetings (its profile's network).

    Node size is the organisation's number of meetings among these, a link's
    width the number of meetings two organisations shared. Only the
    ``links`` (NETWORK_LINKS) strongest links are drawn, and fewer if they would bring in
    more than MAX_NODES organisations; the result says how many there were.
    """
    if selection is None:
        pairs, total = meetings.organisation_pairs(limit=links or NETWORK_LINKS)
    elif focus is not None:
        # An organisation's own meetings: the strongest links without counting every pair.
        pairs, total = selection.index.pair_counts_around(
            selection.ids, "org", focus.pk, links or NETWORK_LINKS
        )
    else:
        pairs, total = selection.index.pair_counts(selection.ids, "org", links or NETWORK_LINKS)
    edges: list[tuple[int, int, int]] = []
    ids: dict[int, None] = {}
    capped = False
    for first, second, shared in pairs:
        new = {first, second} - ids.keys()
        if len(ids) + len(new) > MAX_NODES:
            capped = True
            continue
        edges.append((first, second, shared))
        ids.update(dict.fromkeys(sorted(new)))
    if not edges:
        return {"nodes": [], "edges": [], "shown": 0, "total": total, "cut": False, "kinds": []}
    found = (
        meetings.organisation_nodes(ids) if selection is None else indexed_organisation_nodes(selection, ids)
    )
    rows = {row["organisation_id"]: row for row in found}
    order = sorted(rows, key=lambda pk: (-rows[pk]["meetings"], rows[pk]["name"], pk))
    peak = max(row["meetings"] for row in rows.values())
    radii = tuple(round(5 + 15 * math.sqrt(rows[pk]["meetings"] / peak), 1) for pk in order)
    positions = _layout(tuple(order), tuple(edges), radii)
    kind_labels = dict(Organisation.Kind.choices)
    nodes = {}
    for pk, radius in zip(order, radii, strict=True):
        row = rows[pk]
        x, y = positions[pk]
        label = row["acronym"] or row["name"]
        if len(label) > LABEL_CHARS:
            # A long name cut short keeps its country, which tells apart
            # the many "Ministry of Foreign Affairs of ...".
            label = (
                label[: LABEL_CHARS - 1].rstrip() + "…" + (f" ({row['country']})" if row["country"] else "")
            )
        nodes[pk] = {
            "pk": pk,
            "slug": row["slug"],
            "url": slug_url("events:organisation-detail", row["slug"]),
            "label": label,
            "name": row["name"],
            "meetings": row["meetings"],
            "kind": row["kind"],
            "kind_label": kind_labels.get(row["kind"], row["kind"]),
            "x": x,
            "y": y,
            "r": radius,
            "current": focus is not None and pk == focus.pk,
        }
    # The organisation whose page this is gets the first pick of label places.
    _place_labels([nodes[pk] for pk in sorted(order, key=lambda pk: not nodes[pk]["current"])])
    strongest, weakest = edges[0][2], edges[-1][2]
    drawn_edges = []
    for first, second, shared in edges:
        a, b = nodes[first], nodes[second]
        spread = strongest - weakest
        width = 1.5 + (6.5 * (shared - weakest) / spread if spread else 2)
        drawn_edges.append(
            {
                "first": a,
                "second": b,
                "meetings": shared,
                "width": round(width, 1),
                "pair_url": slug_url("events:organisation-pair", a["slug"], b["slug"]),
            }
        )
    kinds_present = {node["kind"] for node in nodes.values()}
    return {
        # Nodes in reverse rank, so the biggest are drawn last, on top.
        "nodes": [nodes[pk] for pk in reversed(order)],
        "ranked": [nodes[pk] for pk in order],
        "edges": drawn_edges,
        "shown": len(drawn_edges),
        "total": total,
        "cut": len(drawn_edges) < total,
        "capped": capped,
        "max_nodes": MAX_NODES,
        "kinds": [{"kind": k, "label": label} for k, label in kind_labels.items() if k in kinds_present],
        "view_box": f"0 0 {WIDTH} {HEIGHT}",
    }


@functools.lru_cache(maxsize=128)
def _layout(
    order: tuple[int, ...], edges: tuple[tuple[int, int, int], ...], radii: tuple[float, ...]
) -> dict[int, tuple[float, float]]:
    """Fruchterman-Reingold, started from a sunflower spiral in ``order`` (busiest in the middle).

    Deterministic: no randomness, so a page always draws the same picture.
    Shared meetings pull harder (logarithmically), every pair pushes apart,
    and a weak pull to the centre keeps separate groups on the canvas. Then
    the layout is stretched to the canvas and overlapping circles nudged apart.

    Each step is a few array operations over every pair at once rather than a
    loop over them, with the sums taken in the same order as a plain double loop
    over the pairs and then over the links (``np.add.reduce`` down the rows and
    ``np.bincount`` add one term at a time, left to right), so the picture is the
    same to the last bit. The arrays are allocated once, outside the steps.
    """
    count = len(order)
    index = {pk: i for i, pk in enumerate(order)}
    golden = math.pi * (3 - math.sqrt(5))
    # Row 0 the x of each node, row 1 its y.
    places = np.array(
        [
            [math.sqrt(i + 0.5) * math.cos(i * golden) for i in range(count)],
            [math.sqrt(i + 0.5) * math.sin(i * golden) for i in range(count)],
        ]
    )
    strongest = max(shared for _a, _b, shared in edges)
    firsts = np.array([index[a] for a, _b, _shared in edges])
    seconds = np.array([index[b] for _a, b, _shared in edges])
    strengths = np.array([1 + math.log(shared) / math.log(strongest + 1) for _a, _b, shared in edges])
    # Each step's sums, per axis: first every node's pushes (one term each), then each link's pull on
    # its two ends; one bincount adds each node's terms left to right, as a loop over them would.
    links = len(edges)
    terms = np.empty((2, count + 2 * links))
    pushes, pulls, all_terms = terms[:, :count], terms[:, count:], terms.ravel()
    pulled, pushed_back = pulls[:, 1::2], pulls[:, 0::2]
    ends = np.concatenate((np.arange(count), np.column_stack((firsts, seconds)).ravel()))
    ends = np.concatenate((ends, ends + count))
    # apart[axis, j, i]: node i's offset from node j, whose rows are summed one after another. Every
    # array a step writes is made here, once; the views of ``places`` follow it as it moves.
    apart, squared, spare = np.empty((2, count, count)), np.empty((count, count)), np.empty((count, count))
    across, down = apart[0], apart[1]
    to, source = places[:, None, :], places[:, :, None]
    along, along_squared, stretch = np.empty((2, links)), np.empty((2, links)), np.empty(links)
    # Both ends of every link, both axes, in one gather from the flat places: first ends, then second.
    flat_places, link_ends = places.reshape(-1), np.empty((2, 2, links))
    gathered = link_ends.reshape(-1)
    gather = np.concatenate((firsts, firsts + count, seconds, seconds + count))
    # Each node's distance from itself: always 0, which counts as 1e-4.
    diagonal = squared.reshape(-1)[:: count + 1]
    held, moved_squared, scale = np.empty((2, count)), np.empty((2, count)), np.empty(count)
    iterations = 200
    temperature = math.sqrt(count)
    # A move of no length has an infinite ratio to the limit, cut to 1 below; 0 / 0, see below.
    with np.errstate(divide="ignore", invalid="ignore"):
        for step in range(iterations):
            # Every node pushed away from every other (itself included: a push of nothing).
            np.subtract(to, source, out=apart)
            np.multiply(across, across, out=squared)
            np.multiply(down, down, out=spare)
            squared += spare
            diagonal[:] = 1e-4
            np.divide(1, squared, out=squared)
            apart *= squared
            np.add.reduce(apart, axis=1, out=pushes)
            if math.isnan(pushes.sum()):
                # Two nodes in one place (0 / 0 above, never seen): every distance of 0 counts as 1e-4.
                np.subtract(to, source, out=apart)
                np.multiply(across, across, out=squared)
                squared += down * down
                np.copyto(squared, 1e-4, where=squared == 0)
                np.divide(1, squared, out=squared)
                apart *= squared
                np.add.reduce(apart, axis=1, out=pushes)
            # Then pulled along its links.
            np.take(flat_places, gather, out=gathered)
            np.subtract(link_ends[0], link_ends[1], out=along)
            np.multiply(along, along, out=along_squared)
            np.add(along_squared[0], along_squared[1], out=stretch)
            np.sqrt(stretch, out=stretch)
            stretch *= strengths
            np.multiply(along, stretch, out=pulled)
            np.negative(pulled, out=pushed_back)
            moves = np.bincount(ends, weights=all_terms, minlength=2 * count).reshape(2, count)
            limit = temperature * (1 - step / iterations) + 0.01
            np.multiply(places, 0.05, out=held)
            np.subtract(moves, held, out=moves)
            np.multiply(moves, moves, out=moved_squared)
            np.add(moved_squared[0], moved_squared[1], out=scale)
            np.sqrt(scale, out=scale)
            # A move longer than the limit is cut to it: limit / length is below 1 only then.
            np.divide(limit, scale, out=scale)
            np.minimum(scale, 1, out=scale)
            np.multiply(moves, scale, out=moves)
            places += moves
    xs_list, ys_list = places.tolist()
    _fit(xs_list, ys_list)
    _separate(xs_list, ys_list, radii)
    return {pk: (round(x, 1), round(y, 1)) for pk, x, y in zip(order, xs_list, ys_list, strict=True)}


def _fit(xs: list[float], ys: list[float]) -> None:
    """Stretch the layout to fill the canvas, leaving a margin for labels."""
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    span_x, span_y = (right - left) or 1, (bottom - top) or 1
    for i in range(len(xs)):
        xs[i] = MARGIN + (xs[i] - left) / span_x * (WIDTH - 2 * MARGIN)
        ys[i] = MARGIN + (ys[i] - top) / span_y * (HEIGHT - 2 * MARGIN)


def _separate(xs: list[float], ys: list[float], radii: tuple[float, ...], gap: float = 8) -> None:
    """Nudge apart circles that overlap on the canvas, keeping them inside it."""
    count = len(xs)
    for _ in range(40):
        moved = False
        for i in range(count):
            xi, yi, ri = xs[i], ys[i], radii[i]
            for j in range(i + 1, count):
                dx, dy = xs[j] - xi, ys[j] - yi
                room = ri + radii[j] + gap
                # Most pairs are further apart than that along one axis: no need for their distance.
                if dx >= room or -dx >= room or dy >= room or -dy >= room:
                    continue
                distance = math.hypot(dx, dy)
                if distance >= room:
                    continue
                ux, uy = (dx / distance, dy / distance) if distance else (1.0, 0.0)
                push = (room - distance) / 2
                xi, yi = xi - ux * push, yi - uy * push
                xs[j], ys[j] = xs[j] + ux * push, ys[j] + uy * push
                moved = True
            xs[i], ys[i] = xi, yi
        for i in range(count):
            xs[i] = min(max(xs[i], radii[i] + 2), WIDTH - radii[i] - 2)
            ys[i] = min(max(ys[i], radii[i] + 2), HEIGHT - radii[i] - 2)
        if not moved:
            break


Box = tuple[float, float, float, float]


def _label_box(node: dict, place: str, size: float) -> Box:
    """(left, top, right, bottom) of a label ``size`` high, ``place``d below, above, right or left."""
    width, height = _text_width(node["label"], size) + size * 0.3, size
    x, y, r = node["x"], node["y"], node["r"]
    if place == "below":
        return x - width / 2, y + r + 2, x + width / 2, y + r + 2 + height
    if place == "above":
        return x - width / 2, y - r - 2 - height, x + width / 2, y - r - 2
    if place == "right":
        return x + r + 3, y - height / 2, x + r + 3 + width, y + height / 2
    return x - r - 3 - width, y - height / 2, x - r - 3, y + height / 2


def _text_width(text: str, size: float) -> float:
    """A generous estimate of the width of ``text`` in a sans-serif face ``size`` high."""
    return _ems(text) * size


@functools.lru_cache(maxsize=1024)
def _ems(text: str) -> float:
    # Each label is measured for four places at two sizes: its characters are read once.
    return sum(0.3 if c == " " else 0.7 if c.isupper() or c.isdigit() else 0.55 for c in text)


def _fits(box: Box, taken: list[Box]) -> bool:
    inside = box[0] >= 0 and box[2] <= WIDTH and box[1] >= 0 and box[3] <= HEIGHT
    return inside and not any(
        box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken
    )


def _place_labels(nodes: list[dict]) -> None:
    """Give each node a label place that overlaps no other label or circle, or no label at all.

    In the order given (busiest first), so the organisations that matter
    most keep their names; one without a label still has its name in the
    tooltip and the table. A second pass at phone size marks the few labels
    that still fit when drawn about twice as big (``major``).
    """
    circles = [(n["x"] - n["r"], n["y"] - n["r"], n["x"] + n["r"], n["y"] + n["r"]) for n in nodes]
    for size, limit, key in (
        (LABEL_SIZE, len(nodes), "label_place"),
        (PHONE_LABEL_SIZE, PHONE_LABELS, "major"),
    ):
        taken: list[Box] = []
        for index, node in enumerate(nodes):
            others = circles[:index] + circles[index + 1 :]
            # On a phone a label keeps its wide-screen place, only bigger.
            places = [node["label_place"]] if key == "major" and node["label_place"] else []
            places = places if key == "major" else ["below", "above", "right", "left"]
            node[key] = "" if key == "label_place" else False
            if len(taken) >= limit:
                continue
            for place in places:
                box = _label_box(node, place, size)
                if _fits(box, taken + others):
                    taken.append(box)
                    node[key] = place if key == "label_place" else True
                    break
        if key == "label_place":
            for node in nodes:
                if node["label_place"]:
                    _anchor_label(node)


def _anchor_label(node: dict) -> None:
    """Where the label's text is anchored, so that at any size it grows away from its circle."""
    x, y, r, place = node["x"], node["y"], node["r"], node["label_place"]
    node["label_x"], node["label_y"] = {
        "below": (x, y + r + 2),
        "above": (x, y - r - 2),
        "right": (x + r + 3, y),
        "left": (x - r - 3, y),
    }[place]
    node["label_anchor"] = {"right": "start", "left": "end"}.get(place, "middle")
    node["label_baseline"] = {"below": "hanging", "above": "auto"}.get(place, "central")
