"""Dates in reports: every usual order or in words, ranges, and words relative to the report's date."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ..models import DatePrecision

MONTHS = {
    name.casefold(): number
    for number, names in enumerate(
        [
            ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"), ("May",),
            ("June", "Jun"), ("July", "Jul"), ("August", "Aug"), ("September", "Sep", "Sept"),
            ("October", "Oct"), ("November", "Nov"), ("December", "Dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
ORDINALS = {
    word: number
    for number, word in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
        ],
        start=1,
    )
}
ORDINALS |= {f"twenty-{word}": 20 + n for word, n in list(ORDINALS.items())[:9]}
ORDINALS |= {f"twenty {word}": 20 + n for word, n in list(ORDINALS.items())[:9]}
ORDINALS |= {"thirtieth": 30, "thirty-first": 31, "thirty first": 31}

MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
YEAR = r"((?:19|20)\d{2})"
TO = r"\s*(?:-|–|—|to|and|until|till)\s*"
ORDINAL = "(" + "|".join(sorted(ORDINALS, key=len, reverse=True)) + ")"


@dataclass
class FoundDate:
    """A date or range read from the text, with the words it came from."""

    start: datetime.date
    end: datetime.date | None
    precision: str
    as_written: str
    position: int = 0
    relative: bool = False

    @property
    def last_day(self) -> datetime.date:
        return self.end or self.start


def year_for(month: int, day: int, year: str | None, anchor: datetime.date) -> int:
    """A written year, else the one that puts the day on or before ``anchor``, or in the month after it.

    "Until Friday, Nov. 29" in a report of 25 November is this year's (a day to come), not
    last year's.
    """
    if year:
        return int(year)
    try:
        ahead = (datetime.date(anchor.year, month, day) - anchor).days
    except ValueError:
        return anchor.year
    return anchor.year - 1 if ahead > 31 else anchor.year


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _month(text: str) -> int:
    return MONTHS[text.rstrip(".").casefold()]


# Each pattern, with the names of its groups in order.
PATTERNS = [
    # 31 March - 1 April 2022 / March 31-April 1, 2022
    (re.compile(rf"\b{DAY}\s+({MONTH}){TO}{DAY}\s+({MONTH}),?\s+{YEAR}\b", re.I), "d1 m1 d2 m2 y"),
    (re.compile(rf"\b({MONTH})\s+{DAY}{TO}({MONTH})\s+{DAY},?\s+{YEAR}\b", re.I), "m1 d1 m2 d2 y"),
    # 7-8 July 2025 / from 20 to 22 June / 7 July 2025
    (re.compile(rf"\b{DAY}(?:{TO}{DAY})?\s+(?:of\s+)?({MONTH})(?:,?\s+{YEAR})?\b", re.I), "d1 d2 m1 y"),
    # July 7-8, 2025 / Nov. 25 to 29 / July 7
    (re.compile(rf"\b({MONTH})\s+{DAY}(?:{TO}{DAY})?(?:,?\s+{YEAR})?\b", re.I), "m1 d1 d2 y"),
    # 28.10.2025–30.10.2025
    (
        re.compile(
            r"\b(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d{2})\s*(?:-|–|—|to)\s*"
            r"(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d{2})\b"
        ),
        "d1 m1num y d2 m2num y2",
    ),
    # 07.07.2025 / 07/07/2025 (day first, as outside the United States)
    (re.compile(r"\b(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d{2})\b"), "d1 m1num y"),
    # 2025-07-07
    (re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b"), "y m1num d1"),
    # the seventh of July 2025
    (re.compile(rf"\b(?:the\s+)?{ORDINAL}\s+(?:day\s+)?of\s+({MONTH})(?:,?\s+{YEAR})?\b", re.I), "w1 m1 y"),
]
MONTH_YEAR = re.compile(rf"\b(?:in|during|since|of|throughout|early|late|mid-?)\s+({MONTH})\s+{YEAR}\b", re.I)
# "in March", "late March", "at the end of March", "by the beginning of March"
MONTH_ALONE = re.compile(
    rf"\b(?:in|during|since|early|late|mid-?|last|(?:the\s+)?(?:end|beginning|start|middle)\s+of)\s+({MONTH})"
    rf"(?!\s*\d)\b",
    re.I,
)
YEAR_ALONE = re.compile(r"\b(?:in|since|during)\s+((?:19|20)\d{2})\b(?!\s*[-–])", re.I)
SINCE = re.compile(r"\b(?:since|until|till|by|before|after)\s+(?:the\s+)?$", re.I)
RELATIVE = re.compile(
    r"\b(today|this morning|this afternoon|tonight|yesterday|recently|recent|the other day|"
    r"(?:earlier |later )?this week|last week|the previous week|earlier this month|this month|last month|"
    r"(?:on |last |this |next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.I,
)

# "Opened on Monday ... and runs until Friday", "from Tuesday to Thursday", "on Tuesday and Wednesday":
# a range in weekdays.
WEEKDAY_RANGE = re.compile(
    rf"\b({'|'.join(WEEKDAYS)})\b(?:[^.;]{{0,60}}?\b(?:to|until|till|through)|\s+and)\s+(?:on\s+)?"
    rf"({'|'.join(WEEKDAYS)})\b",
    re.I,
)


def explicit_dates(text: str, anchor: datetime.date) -> list[FoundDate]:
    """Every date and range the text writes out, in order; days without a year are read against ``anchor``."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def add(span, start, end, precision) -> None:
        if start is None or any(a < span[1] and span[0] < b for a, b in taken):
            return
        if end is not None and end < start:
            return
        taken.append(span)
        found.append(
            FoundDate(start, end if end != start else None, precision, text[span[0] : span[1]], span[0])
        )

    for pattern, order in PATTERNS:
        for match in pattern.finditer(text):
            parts = dict(zip(order.split(), match.groups(), strict=True))
            if (parts.get("m1") or "A")[0].islower() or (parts.get("m2") or "A")[0].islower():
                continue  # "may" the verb, not May the month
            if "w1" in parts:
                parts["d1"] = str(ORDINALS[re.sub(r"\s+", " ", parts["w1"].casefold())])
            month = _month(parts["m1"]) if "m1" in parts else int(parts["m1num"])
            if not 1 <= month <= 12:
                continue
            end_month = _month(parts["m2"]) if parts.get("m2") else int(parts.get("m2num") or month)
            day = int(parts["d1"])
            year = year_for(month, day, parts.get("y"), anchor)
            start = _date(year, month, day)
            end_year = int(parts.get("y2") or year)
            end = _date(end_year, end_month, int(parts["d2"])) if parts.get("d2") else None
            add(match.span(), start, end, DatePrecision.DAY)
    for match in MONTH_YEAR.finditer(text):
        if not match.group(0).casefold().startswith("since"):
            add(
                match.span(), _date(int(match.group(2)), _month(match.group(1)), 1), None, DatePrecision.MONTH
            )
    for match in MONTH_ALONE.finditer(text):
        month = _month(match.group(1))
        year = anchor.year if month <= anchor.month else anchor.year - 1
        if match.group(0).casefold().startswith("last") and month == anchor.month:
            year = anchor.year - 1  # "last March", said in March: a year ago
        # "at the end of May", written on 14 May: a time still ahead, a plan rather than a date.
        part = re.search(r"\b(end|middle)\s+of\b", match.group(0), re.I)
        if part and month == anchor.month and anchor.day < (21 if part.group(1).casefold() == "end" else 11):
            continue
        if not match.group(0).casefold().startswith("since"):
            add(match.span(), _date(year, month, 1), None, DatePrecision.MONTH)
    for match in YEAR_ALONE.finditer(text):
        if not match.group(0).casefold().startswith("since"):
            add(match.span(), _date(int(match.group(1)), 1, 1), None, DatePrecision.YEAR)
    return sorted(found, key=lambda item: item.position)


def relative_dates(
    text: str, published_on: datetime.date, dateline_day: datetime.date | None
) -> list[FoundDate]:
    """Words like "recently", "last week" or "on Tuesday", resolved against the report's date.

    A weekday is the latest such day on or before the report. When that is the
    report's own day and no dated dateline says so, the report may have been
    published later than it was written: "on or before" is all that is known.
    """
    found = []
    anchor = dateline_day or published_on
    monday = anchor - datetime.timedelta(days=anchor.weekday())
    ranges = []
    for match in WEEKDAY_RANGE.finditer(text):
        first, last = (WEEKDAYS.index(match.group(n).casefold()) for n in (1, 2))
        first_day = anchor - datetime.timedelta(days=(anchor.weekday() - first) % 7)
        last_day = first_day + datetime.timedelta(days=(last - first) % 7)
        ranges.append(match.span())
        found.append(
            FoundDate(first_day, last_day, DatePrecision.DAY, match.group(0), match.start(), relative=True)
        )
    for match in RELATIVE.finditer(text):
        if any(match.start() < b and a < match.end() for a, b in ranges):
            continue
        word = re.sub(r"\s+", " ", match.group(1).casefold())
        start, end, precision = anchor, None, DatePrecision.DAY
        if word in ("today", "this morning", "this afternoon", "tonight"):
            pass
        elif word == "yesterday":
            start = anchor - datetime.timedelta(days=1)
        elif word in ("recently", "recent", "the other day"):
            start, precision = published_on, DatePrecision.ON_OR_BEFORE
        elif word.endswith("this week"):
            start, precision = monday, DatePrecision.WEEK
        elif word in ("last week", "the previous week"):
            start, precision = monday - datetime.timedelta(days=7), DatePrecision.WEEK
        elif word in ("earlier this month", "this month"):
            start, precision = anchor.replace(day=1), DatePrecision.MONTH
        elif word == "last month":
            start, precision = (
                (anchor.replace(day=1) - datetime.timedelta(days=1)).replace(day=1),
                DatePrecision.MONTH,
            )
        else:
            qualifier, _, weekday = word.rpartition(" ")
            if qualifier == "next":
                continue
            days_back = (anchor.weekday() - WEEKDAYS.index(weekday)) % 7
            if qualifier == "last" and days_back == 0:
                days_back = 7
            start = anchor - datetime.timedelta(days=days_back)
            if days_back == 0 and dateline_day is None:
                start, precision = published_on, DatePrecision.ON_OR_BEFORE
        found.append(FoundDate(start, end, precision, match.group(0), match.start(), relative=True))
    return found


# "A three-day workshop ... opened on 12 March": an event's length beside its first day. (A visit's or
# a trip's length is not its meetings'.)
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
LASTING = re.compile(
    r"\b(two|three|four|five|six|seven|[2-7])[- ]day\s+(?:[\w-]+\s+){0,3}?"
    r"(?:workshop|course|training|conference|seminar|forum|symposium|exercise|meeting|session)s?\b",
    re.IGNORECASE,
)


def days_long(text: str) -> int | None:
    """How many days the event a sentence names lasts, when it says so ("a three-day workshop")."""
    match = LASTING.search(text)
    if match is None:
        return None
    number = match.group(1).casefold()
    return int(number) if number.isdigit() else NUMBERS[number]


def dates_in(
    text: str, published_on: datetime.date, dateline_day: datetime.date | None = None
) -> list[FoundDate]:
    """The dates a sentence states, explicit ones first; durations ("since 2020") and plans are left out.

    A single day beside the event's length ("a three-day workshop ... on 12 March") is its first day.
    """
    anchor = dateline_day or published_on
    result = []
    length = days_long(text)
    for item in explicit_dates(text, anchor):
        if SINCE.search(text[: item.position]) or item.start > published_on:
            continue
        if length and item.end is None and item.precision == DatePrecision.DAY:
            item.end = item.start + datetime.timedelta(days=length - 1)
        result.append(item)
    result += [
        item for item in relative_dates(text, published_on, dateline_day) if item.start <= published_on
    ]
    return result


def dateline_date(text: str, published_on: datetime.date) -> datetime.date | None:
    """The day a dateline gives ("Dec. 16", "12 December 2022"), read against the publication date."""
    if not text:
        return None
    found = explicit_dates(text, published_on)
    return found[0].start if found and found[0].precision == DatePrecision.DAY else None


def overlaps(item: FoundDate, start: datetime.date, end: datetime.date | None, *, slack: int = 3) -> bool:
    """Whether a date falls within an event's days, give or take ``slack`` days."""
    margin = datetime.timedelta(days=slack)
    if item.precision == DatePrecision.MONTH:
        return (item.start.year, item.start.month) in {
            (start.year, start.month),
            ((end or start).year, (end or start).month),
        }
    if item.precision == DatePrecision.YEAR:
        return item.start.year in (start.year, (end or start).year)
    return item.start <= (end or start) + margin and item.last_day >= start - margin
