"""MeetingFilter on its own: lenient for pages, with each problem recorded by parameter."""

import pytest
from django.http import QueryDict

from events.filters import MeetingFilter
from events.models import Meeting

from .factories import make_meeting, make_organisation

pytestmark = pytest.mark.django_db


def run(query: str) -> MeetingFilter:
    meeting_filter = MeetingFilter(QueryDict(query), queryset=Meeting.objects.published())
    list(meeting_filter.qs)
    return meeting_filter


@pytest.mark.parametrize(
    ("query", "param", "problem"),
    [
        ("country=XX", "country", "“XX” is not a valid country value."),
        ("org=no-such-org", "org", "There is no organisation “no-such-org”."),
        ("topic=nope", "topic", "There is no topic “nope”."),
        ("kind=party", "kind", "“party” is not a valid kind value."),
        ("date_from=yesterday", "date_from", "Use a date in the form YYYY-MM-DD."),
        ("date_from=2025-01-01&date_to=2020-01-01", "date_from", "“From” is after “To”."),
        ("year=nineteen", "year", "Enter a whole number."),
        ("sort=random", "sort", "Select a valid choice. random is not one of the available choices."),
        ("q=" + "mine+" * 60, "q", "Use at most 200 characters."),
    ],
)
def test_each_bad_parameter_is_recorded_under_its_name(query, param, problem):
    meeting_filter = run(query)
    assert meeting_filter.problems == {param: [problem]}
    assert len(meeting_filter.notices) == 1


def test_good_parameters_have_no_problems():
    make_meeting(organisations=[make_organisation(slug="anama")])
    meeting_filter = run("country=az&org=anama&kind=bilateral&year=2024&q=meeting&sort=oldest")
    assert meeting_filter.problems == {} and meeting_filter.notices == []
    assert meeting_filter.qs.count() == 1


def test_problems_collect_every_bad_value_of_a_parameter():
    assert run("country=XX&country=TH&country=QQ").problems == {
        "country": ["“XX” is not a valid country value.", "“QQ” is not a valid country value."]
    }
