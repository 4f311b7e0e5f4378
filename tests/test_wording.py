"""How dates and places read: the one wording that pages, the API, the CSV and the feeds share."""

import datetime

import pytest

from events.models import DatePrecision
from events.wording import BY_PRECISION, describe_date, describe_place


def test_every_precision_has_a_wording():
    # "day" is worded by what a span's first and last day share.
    assert {*BY_PRECISION, DatePrecision.DAY} == set(DatePrecision.values)


@pytest.mark.parametrize(
    ("precision", "start", "end", "shown"),
    [
        ("day", datetime.date(2024, 8, 22), datetime.date(2024, 8, 22), "22 August 2024"),
        ("day", datetime.date(2023, 12, 30), datetime.date(2024, 1, 2), "30 December 2023 – 2 January 2024"),
        ("week", datetime.date(2022, 1, 3), None, "Week of 3 January 2022"),
        ("week", datetime.date(2022, 1, 3), datetime.date(2022, 1, 5), "Week of 3 January 2022"),
        ("month", datetime.date(2021, 7, 1), None, "July 2021"),
        ("year", datetime.date(999, 1, 1), None, "999"),
    ],
)
def test_a_date_reads_as_precisely_as_it_is_known(precision, start, end, shown):
    assert describe_date(start, end, precision) == shown


@pytest.mark.parametrize(
    ("city", "country", "shown"),
    [
        ("Bangkok", "Thailand", "Bangkok, Thailand"),
        ("", "Thailand", "Thailand"),
        ("Online", "", "Online"),
        ("", "", ""),
    ],
)
def test_a_place_names_what_is_known_of_it(city, country, shown):
    assert describe_place(city, country) == shown
