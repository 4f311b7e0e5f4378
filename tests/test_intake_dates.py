"""Dates in reports: every usual order, words, ranges, and words relative to the report's date."""

import datetime

import pytest

from events.intake.dates import dateline_date, dates_in
from events.models import DatePrecision

PUBLISHED = datetime.date(2025, 7, 10)  # a Thursday


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("They met on 7 July 2025.", "2025-07-07", None),
        ("They met on July 7, 2025.", "2025-07-07", None),
        ("They met on 07.07.2025.", "2025-07-07", None),
        ("They met on the seventh of July 2025.", "2025-07-07", None),
        ("They met on the twenty-fourth of June 2025.", "2025-06-24", None),
        ("The course ran on 7-8 July.", "2025-07-07", "2025-07-08"),
        ("The course ran from 20 to 22 June.", "2025-06-20", "2025-06-22"),
        ("The course ran on June 30-July 2, 2025.", "2025-06-30", "2025-07-02"),
        ("The course ran from Nov. 25 to 29, 2024.", "2024-11-25", "2024-11-29"),
        ("Brussels | 28.06.2025–30.06.2025", "2025-06-28", "2025-06-30"),
        ("They opened a three-day regional workshop on 12th of March.", "2025-03-12", "2025-03-14"),
        ("A delegation on a three-day visit met TMAC on 12 March.", "2025-03-12", None),
    ],
)
def test_dates_in_the_usual_orders_and_in_words_keep_both_ends(text, start, end):
    found = dates_in(text, PUBLISHED)[0]
    assert (str(found.start), str(found.end) if found.end else None) == (start, end)
    assert found.precision == DatePrecision.DAY


@pytest.mark.parametrize(
    ("text", "start", "precision"),
    [
        ("They met recently.", "2025-07-10", DatePrecision.ON_OR_BEFORE),
        ("They met on Tuesday.", "2025-07-08", DatePrecision.DAY),
        ("They met on Thursday.", "2025-07-10", DatePrecision.ON_OR_BEFORE),  # the report's own weekday
        ("They met yesterday.", "2025-07-09", DatePrecision.DAY),
        ("They signed it last week.", "2025-06-30", DatePrecision.WEEK),
        ("They met earlier this month.", "2025-07-01", DatePrecision.MONTH),
        ("They met last month.", "2025-06-01", DatePrecision.MONTH),
        ("They met in May.", "2025-05-01", DatePrecision.MONTH),
        ("They met in April 2024.", "2024-04-01", DatePrecision.MONTH),
        ("Last November, they met in Baku.", "2024-11-01", DatePrecision.MONTH),
        ("They met last July.", "2024-07-01", DatePrecision.MONTH),
        ("Towards the end of February, a team came.", "2025-02-01", DatePrecision.MONTH),
        ("At the beginning of June the envoys talked.", "2025-06-01", DatePrecision.MONTH),
    ],
)
def test_relative_words_resolve_against_the_report_with_the_right_precision(text, start, precision):
    found = dates_in(text, PUBLISHED)[0]
    assert (str(found.start), found.precision) == (start, precision)


@pytest.mark.parametrize(
    ("text", "published_on", "start", "end"),
    [
        ("It opened on Monday in Siem Reap and runs until Friday.", "2024-11-27", "2024-11-25", "2024-11-29"),
        ("The meetings, held from Tuesday to Thursday, closed.", "2024-06-20", "2024-06-18", "2024-06-20"),
        ("It opened on Thursday and continued until Friday.", "2024-06-01", "2024-05-30", "2024-05-31"),
        ("They had visitors on Tuesday and Wednesday.", "2024-08-30", "2024-08-27", "2024-08-28"),
    ],
)
def test_a_range_of_weekdays_keeps_both_ends(text, published_on, start, end):
    found = dates_in(text, datetime.date.fromisoformat(published_on))
    assert [(str(d.start), str(d.end), d.precision) for d in found] == [(start, end, DatePrecision.DAY)]


def test_a_weekday_in_a_dated_dateline_is_that_day():
    day = dateline_date("July 28", datetime.date(2025, 7, 28))
    found = dates_in("The seminar opened here on Monday.", datetime.date(2025, 7, 28), day)[0]
    assert (found.start, found.precision) == (datetime.date(2025, 7, 28), DatePrecision.DAY)


def test_durations_plans_and_the_verb_may_are_not_dates():
    assert dates_in("Mines have killed 400 people since November 2020.", PUBLISHED) == []
    assert dates_in("A conference is planned for 15 October 2025.", PUBLISHED) == []
    assert dates_in("The 5 may be late.", PUBLISHED) == []
    assert dates_in("A forum will meet at the end of July.", PUBLISHED) == []  # written on 10 July


def test_a_day_without_its_year_a_few_days_ahead_is_this_years_plan_not_last_years():
    report_day = datetime.date(2024, 11, 25)
    assert dates_in("The conference will run until Nov. 29.", report_day) == []  # a plan
    (found,) = dates_in("It was signed on Dec. 28.", datetime.date(2025, 1, 5))
    assert found.start == datetime.date(2024, 12, 28)
