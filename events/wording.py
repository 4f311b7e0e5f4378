"""How a meeting's date and place read: one table of wordings, written out by Python and by PostgreSQL.

Pages, the API, the feeds and the CSV word a date with describe_date(). The
CSV that PostgreSQL writes itself (events.exports) words it with date_sql(),
which renders the same table as SQL; a test compares the two row by row.
This module imports nothing from the project, so the models can use it.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable

from django_countries.fields import Country

# How each part of a date is written: by Python, and as a PostgreSQL to_char() pattern.
DATE_PARTS: dict[str, tuple[Callable[[datetime.date], str], str]] = {
    "day": (lambda date: str(date.day), "FMDD"),
    "month": (lambda date: f"{date:%B}", "FMMonth"),
    "year": (lambda date: str(date.year), "FMYYYY"),
}

# A date known only roughly is worded by its precision (the values of DatePrecision)...
BY_PRECISION = {
    "year": "{start.year}",
    "month": "{start.month} {start.year}",
    "week": "Week of {start.day} {start.month} {start.year}",
    "on_or_before": "On or before {start.day} {start.month} {start.year}",
}
# ...one known to the day ("day") by the parts its first and last day share, the
# first that fits in this order; a meeting with no last day lasted one day.
BY_SHARED_PARTS: list[tuple[tuple[str, ...], str]] = [
    (("year", "month", "day"), "{start.day} {start.month} {start.year}"),
    (("year", "month"), "{start.day}–{end.day} {end.month} {end.year}"),
    (("year",), "{start.day} {start.month} – {end.day} {end.month} {end.year}"),
    ((), "{start.day} {start.month} {start.year} – {end.day} {end.month} {end.year}"),
]

PLACEHOLDER = re.compile(r"\{(start|end)\.(day|month|year)\}")


def _pieces(wording: str) -> list[str | tuple[str, str]]:
    """The wording as literal text and (which day, part) placeholders, in order."""
    pieces: list[str | tuple[str, str]] = []
    position = 0
    for match in PLACEHOLDER.finditer(wording):
        if match.start() > position:
            pieces.append(wording[position : match.start()])
        pieces.append((match[1], match[2]))
        position = match.end()
    if position < len(wording):
        pieces.append(wording[position:])
    return pieces


def _compiled(wording: str) -> tuple[str, list[tuple[bool, Callable[[datetime.date], str]]]]:
    """A format string with a field per placeholder, and (from the last day?, writer) for each."""
    template, fields = "", []
    for piece in _pieces(wording):
        if isinstance(piece, str):
            template += piece.replace("{", "{{").replace("}", "}}")
        else:
            template += "{}"
            fields.append((piece[0] == "end", DATE_PARTS[piece[1]][0]))
    return template, fields


_PYTHON_BY_PRECISION = {precision: _compiled(wording) for precision, wording in BY_PRECISION.items()}
_PYTHON_BY_SHARED_PARTS = [(shared, _compiled(wording)) for shared, wording in BY_SHARED_PARTS]


def describe_date(start: datetime.date, end: datetime.date | None, precision: str) -> str:
    """A date as precisely as it is known: "August 2024", "3–5 May 2023", "On or before 2 June 2021"."""
    compiled = _PYTHON_BY_PRECISION.get(precision)
    last = end or start
    if compiled is None:
        compiled = next(
            wording
            for shared, wording in _PYTHON_BY_SHARED_PARTS
            if all(getattr(start, part) == getattr(last, part) for part in shared)
        )
    template, fields = compiled
    return template.format(*(write(last if from_last else start) for from_last, write in fields))


def _wording_sql(wording: str, start: str, end: str) -> tuple[str, list[str]]:
    """SQL writing ``wording`` for the days in the ``start`` and ``end`` expressions, and its parameters.

    Consecutive parts of the same day, with the text between them, make one
    to_char() call (its text in double quotes), which PostgreSQL runs faster
    than a call per part.
    """
    terms, params = [], []
    column, pattern, between = "", "", ""  # the to_char() being built, and text not yet placed

    def close_call() -> None:
        nonlocal column, pattern, between
        if column:
            terms.append(f"to_char({column}, %s)")
            params.append(pattern)
        if between:
            terms.append("%s")
            params.append(between)
        column, pattern, between = "", "", ""

    for piece in _pieces(wording):
        if isinstance(piece, str):
            between += piece
            continue
        which, part = piece
        day = start if which == "start" else end
        if day != column:
            close_call()
            column = day
        elif between:
            pattern += '"' + between.replace("\\", "\\\\").replace('"', '\\"') + '"'
            between = ""
        pattern += DATE_PARTS[part][1]
    close_call()
    return "(" + " || ".join(terms) + ")", params


def date_sql(start: str, end: str, precision: str) -> tuple[str, list[str]]:
    """describe_date() as a PostgreSQL expression over these three columns, and its parameters."""
    last = f"COALESCE({end}, {start})"
    whens, params = [], []
    for value, wording in BY_PRECISION.items():
        sql, wording_params = _wording_sql(wording, start, last)
        whens.append(f"WHEN {precision} = %s THEN {sql}")
        params += [value, *wording_params]
    for shared, wording in BY_SHARED_PARTS:
        sql, wording_params = _wording_sql(wording, start, last)
        if shared:
            # Sharing the year and month is being in the same month: compare at the smallest part
            # (sharing the day too is being the same day).
            unit = shared[-1]
            same = (
                f"{last} = {start}"
                if unit == "day"
                else f"date_trunc('{unit}', {last}) = date_trunc('{unit}', {start})"
            )
            whens.append(f"WHEN {same} THEN {sql}")
        else:
            whens.append(f"ELSE {sql}")
        params += wording_params
    return "(CASE " + " ".join(whens) + " END)", params


@functools.cache
def country_name(code: str) -> str:
    """A country's name (django-countries'), looked up once per process: a list names hundreds."""
    return Country(code).name


def describe_place(city: str, country_name: str, venue: str = "") -> str:
    """Where a meeting took place: "Koh Pich Centre, Phnom Penh, Cambodia", the parts known, or ""
    when none is."""
    return ", ".join(part for part in (venue, city, country_name) if part)


def describe_held(place: str, mode: str) -> str:
    """How and where a meeting was held: the place, "Online", "Bangkok, Thailand, and online"; or ""
    when the place of a meeting held in person is not known (which pages word as such)."""
    if mode == "online":
        return "Online"
    if mode == "hybrid":
        return f"{place}, and online" if place else "Online, and in person"
    return place
