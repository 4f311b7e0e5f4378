"""The FilterSets on their own: lenient for pages, with each problem recorded by parameter."""

import datetime

import pytest
from django.http import QueryDict

from events.filters import MeetingFilter, OrganisationFilter
from events.models import Meeting, Organisation

from .factories import make_meeting, make_organisation, make_topic

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


def titles(meeting_filter: MeetingFilter) -> list[str]:
    return list(meeting_filter.qs.values_list("title", flat=True))


def test_the_filtersets_own_results_come_in_the_chosen_order_with_a_tiebreaker():
    for number in range(3):
        make_meeting(title=f"Same day {number}", start_date=datetime.date(2024, 1, 1))
    make_meeting(title="Older", start_date=datetime.date(2020, 1, 1))
    newest = ["Same day 2", "Same day 1", "Same day 0", "Older"]
    assert titles(run("")) == titles(run("sort=newest")) == newest
    assert titles(run("sort=oldest")) == ["Older", "Same day 0", "Same day 1", "Same day 2"]
    # Ordered by the FilterSet itself, not by the model's default order.
    assert run("sort=oldest").qs.query.order_by == ("start_date", "pk")
    assert run("").qs.query.order_by == ("-start_date", "-pk")


def test_a_dropped_sort_and_relevance_without_a_search_give_the_newest_first():
    make_meeting(title="Older", start_date=datetime.date(2020, 1, 1))
    make_meeting(title="Newer", start_date=datetime.date(2024, 1, 1))
    for query in ("sort=random", "sort=relevance"):
        meeting_filter = run(query)
        assert titles(meeting_filter) == ["Newer", "Older"], query
        assert meeting_filter.chosen_sort == "newest"


def test_relevance_puts_the_best_match_first():
    make_meeting(
        title="Newer talks", summary="One mention of survivors.", start_date=datetime.date(2024, 1, 1)
    )
    make_meeting(
        title="Survivors first",
        summary="Survivors, survivors and survivors: assistance to survivors.",
        start_date=datetime.date(2020, 1, 1),
    )
    meeting_filter = run("q=survivors&sort=relevance")
    assert meeting_filter.chosen_sort == "relevance"
    assert titles(meeting_filter) == ["Survivors first", "Newer talks"]


def test_chips_are_known_without_filtering_first(django_assert_num_queries):
    make_organisation(slug="anama", acronym="ANAMA")
    make_topic(slug="joint-training", name="Joint training")
    query = QueryDict("country=TH&org=anama&org=nope&topic=joint-training&sort=oldest")
    meeting_filter = MeetingFilter(query, queryset=Meeting.objects.published())
    # One query for the organisations named, one for the topics; no meeting is read.
    with django_assert_num_queries(2):
        chips = meeting_filter.chips()
    assert chips == [
        ("country", "TH", "Thailand"),
        ("org", "anama", "ANAMA"),
        ("topic", "joint-training", "Joint training"),
    ]
    assert meeting_filter.query_string() == "country=TH&org=anama&topic=joint-training&sort=oldest"
    # Filtering afterwards looks nothing up again, and notes the unknown organisation once.
    with django_assert_num_queries(1):
        list(meeting_filter.qs)
    assert meeting_filter.problems == {"org": ["There is no organisation “nope”."]}
    assert meeting_filter.chips() == chips


# --- OrganisationFilter: the organisation index, by the same rules -----------------


def run_organisations(query: str) -> OrganisationFilter:
    organisation_filter = OrganisationFilter(QueryDict(query), queryset=Organisation.objects.order_by("name"))
    list(organisation_filter.qs)
    return organisation_filter


@pytest.fixture
def organisations():
    tmac = make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", country="TH")
    make_organisation(name="Norwegian People's Aid", acronym="NPA", country="NO", kind="ngo")
    make_organisation(
        name="United Nations Mine Action Service", acronym="UNMAS", country="", kind="un_agency"
    )
    tmac.other_names.create(name="Thai Mine Action Center")


@pytest.mark.parametrize(
    ("query", "param", "problem"),
    [
        ("kind=spaceship", "kind", "“spaceship” is not a valid kind value."),
        ("country=ZZ", "country", "“ZZ” is not a valid country value."),
        ("q=" + "mine+" * 30, "q", "Use at most 100 characters."),
    ],
)
def test_each_bad_organisation_parameter_is_recorded_under_its_name(organisations, query, param, problem):
    organisation_filter = run_organisations(query)
    assert organisation_filter.problems == {param: [problem]}
    assert len(organisation_filter.notices) == 1


def names(organisation_filter: OrganisationFilter) -> list[str]:
    return [organisation.acronym for organisation in organisation_filter.qs]


def test_organisation_filters_combine_and_a_bad_value_leaves_the_rest(organisations):
    assert names(run_organisations("")) == ["NPA", "TMAC", "UNMAS"]
    assert names(run_organisations("country=th&country=NO")) == ["NPA", "TMAC"]
    assert names(run_organisations("country=TH&country=ZZ&kind=national_authority")) == ["TMAC"]
    assert names(run_organisations("kind=ngo&kind=un_agency&kind=spaceship")) == ["NPA", "UNMAS"]
    # The search reads the name, the acronym and the other names, each organisation once.
    assert names(run_organisations("q=thai")) == ["TMAC"]
    assert names(run_organisations("q=unmas")) == ["UNMAS"]
    assert names(run_organisations("q=mine+action")) == ["TMAC", "UNMAS"]
    organisation_filter = run_organisations("kind=ngo&country=ZZ")
    assert organisation_filter.problems == {"country": ["“ZZ” is not a valid country value."]}
    assert organisation_filter.active == {"kind": ["ngo"]}
