"""How dates and places read: the one wording that pages, the API, the CSV and the feeds share."""

import datetime
import random

import pytest
from django.db import connection

from events import wording as wording_module
from events.models import DatePrecision
from events.wording import BY_PRECISION, date_sql, describe_date, describe_place


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


def sample_dates() -> list[tuple[datetime.date, datetime.date | None, str]]:
    """Every precision, and spans of days within a month, across months, across years."""
    rng = random.Random(12)
    samples = []
    for _ in range(300):
        start = datetime.date(1990, 1, 1) + datetime.timedelta(days=rng.randrange(14000))
        end = rng.choice([None, start, start + datetime.timedelta(days=rng.randrange(1, 400))])
        samples.append((start, end, rng.choice(DatePrecision.values)))
    return samples


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL writes the CSV itself")
def test_postgresql_words_every_date_as_python_does():
    samples = sample_dates()
    sql, params = date_sql("d.start_date", "d.end_date", "d.precision")
    rows = ", ".join(["(%s::date, %s::date, %s)"] * len(samples))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql} FROM (VALUES {rows}) AS d (start_date, end_date, precision)",
            [*params, *(value for sample in samples for value in sample)],
        )
        by_postgresql = [text for (text,) in cursor.fetchall()]
    assert by_postgresql == [describe_date(*sample) for sample in samples]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL writes the CSV itself")
def test_text_between_the_parts_of_a_day_is_written_literally_by_postgresql():
    wording = 'Day "{start.day}" \\ of {start.month}, {end.year}'
    template, fields = wording_module._compiled(wording)
    start, end = datetime.date(2024, 8, 2), datetime.date(2025, 1, 1)
    sql, params = wording_module._wording_sql(wording, "d.first", "d.last")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql} FROM (VALUES (%s::date, %s::date)) AS d (first, last)", [*params, start, end]
        )
        (by_postgresql,) = cursor.fetchone()
    assert by_postgresql == template.format(*(write(end if last else start) for last, write in fields))
    assert by_postgresql == 'Day "2" \\ of August, 2025'
