"""The timeline: filters, facets, chips, search and sort, as a reader uses them."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection

from events.models import Meeting, Status

from .factories import make_delegation, make_meeting, make_organisation, make_person, make_topic
from .pages import chip_links, facet_links, meeting_titles, notices, query, soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Three organisations in three countries and meetings between them."""
    anama = make_organisation(
        name="Mine Action Agency of Azerbaijan", acronym="ANAMA", slug="anama", country="AZ"
    )
    tmac = make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    cmac = make_organisation(name="Cambodian Mine Action Centre", acronym="CMAC", slug="cmac", country="KH")
    cmac.other_names.create(name="Cambodia Mine Clearance Center")
    training = make_topic(name="Joint training", slug="joint-training")
    victims = make_topic(name="Helping survivors", slug="helping-survivors")
    trip = make_delegation(title="Azerbaijani trip", sending_country="AZ")
    meetings = {
        "bangkok": make_meeting(
            title="ANAMA meets TMAC",
            country="TH",
            start_date=datetime.date(2024, 8, 22),
            organisations=[(tmac, "host"), (anama, "delegation")],
            topics=[training],
            delegation=trip,
        ),
        "phnom-penh": make_meeting(
            title="ANAMA visits CMAC",
            country="KH",
            start_date=datetime.date(2024, 8, 26),
            organisations=[(cmac, "host"), (anama, "delegation")],
            topics=[training, victims],
            delegation=trip,
        ),
        "border": make_meeting(
            title="CMAC and TMAC border talks",
            country="KH",
            kind="multilateral",
            start_date=datetime.date(2018, 12, 7),
            organisations=[(cmac, "host"), (tmac, "delegation")],
            topics=[victims],
        ),
        "geneva": make_meeting(
            title="Geneva side event",
            country="CH",
            kind="conference",
            start_date=datetime.date(2022, 6, 1),
            organisations=[(anama, "participant")],
        ),
    }
    make_meeting(
        title="Secret draft meeting",
        country="TH",
        status=Status.DRAFT,
        organisations=[(tmac, "host"), (cmac, "participant")],
        topics=[training],
    )
    return {"anama": anama, "tmac": tmac, "cmac": cmac, "training": training, "victims": victims, **meetings}


def test_timeline_lists_published_meetings_newest_first(client, world):
    titles = meeting_titles(client.get("/"))
    assert titles == [
        "ANAMA visits CMAC",
        "ANAMA meets TMAC",
        "Geneva side event",
        "CMAC and TMAC border talks",
    ]


def test_timeline_groups_meetings_under_year_and_month_headings(client, world):
    page = soup(client.get("/"))
    assert [h.get_text() for h in page.select(".year-heading")] == ["2024", "2022", "2018"]
    assert [h.get_text() for h in page.select(".month-heading")] == [
        "August 2024",
        "June 2022",
        "December 2018",
    ]


def test_oldest_sort(client, world):
    assert meeting_titles(client.get("/?sort=oldest"))[0] == "CMAC and TMAC border talks"


def test_country_matches_place_organisations_and_delegation(client, world):
    # Azerbaijan: no meeting was held there, but ANAMA and the delegation are from it.
    assert set(meeting_titles(client.get("/?country=AZ"))) == {
        "ANAMA meets TMAC",
        "ANAMA visits CMAC",
        "Geneva side event",
    }
    # Thailand: held there, or TMAC took part.
    assert set(meeting_titles(client.get("/?country=th"))) == {
        "ANAMA meets TMAC",
        "CMAC and TMAC border talks",
    }


def test_values_of_one_filter_combine_with_or_and_filters_with_and(client, world):
    either = set(meeting_titles(client.get("/?country=CH&country=TH")))
    assert either == {"Geneva side event", "ANAMA meets TMAC", "CMAC and TMAC border talks"}
    both = set(meeting_titles(client.get("/?country=TH&topic=helping-survivors")))
    assert both == {"CMAC and TMAC border talks"}
    assert set(meeting_titles(client.get("/?org=tmac&org=cmac&kind=bilateral"))) == {
        "ANAMA meets TMAC",
        "ANAMA visits CMAC",
    }


def test_date_and_year_filters(client, world):
    assert set(meeting_titles(client.get("/?year=2024"))) == {"ANAMA meets TMAC", "ANAMA visits CMAC"}
    assert meeting_titles(client.get("/?date_from=2022-01-01&date_to=2023-12-31")) == ["Geneva side event"]
    assert meeting_titles(client.get("/?date_to=2019-01-01")) == ["CMAC and TMAC border talks"]


def test_search_finds_aliases_and_people_names(client, world):
    assert set(meeting_titles(client.get("/?q=clearance+center"))) == {
        "ANAMA visits CMAC",
        "CMAC and TMAC border talks",
    }
    person = make_person(name="Vugar Suleymanov")
    person.other_names.create(name="Vuqar Suleymanov")
    make_meeting(
        title="Workshop in Baku", participants=[{"name_as_written": "V. Suleymanov", "person": person}]
    )
    assert meeting_titles(client.get("/?q=Vuqar")) == ["Workshop in Baku"]
    assert meeting_titles(client.get("/?q=secret")) == []


def test_relevance_sort_puts_the_best_match_first(client, world):
    make_meeting(
        title="Survivors assistance review",
        summary="Survivors, survivors and survivors: assistance to survivors.",
        start_date=datetime.date(2010, 1, 1),
    )
    make_meeting(
        title="Unrelated talk", summary="One mention of survivors.", start_date=datetime.date(2025, 1, 1)
    )
    titles = meeting_titles(client.get("/?q=survivors&sort=relevance"))
    assert titles[0] == "Survivors assistance review"
    # The topic "Helping survivors" matches too.
    assert set(titles) == {
        "Survivors assistance review",
        "Unrelated talk",
        "ANAMA visits CMAC",
        "CMAC and TMAC border talks",
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgresql_search_stems_words(client, world):
    make_meeting(title="Trainers trained", summary="Training courses for deminers.")
    assert "Trainers trained" in meeting_titles(client.get("/?q=train"))


def test_facet_counts_match_the_result_of_clicking_them(client, world):
    """Counts are within the current result: adding a value of another facet gives that many."""
    response = client.get("/?topic=joint-training")
    for param in ("country", "org", "kind", "year"):
        links = facet_links(response, param)
        assert links, param
        for label, (count, href) in links.items():
            assert len(meeting_titles(client.get("/" + href))) == count, (param, label)
    topics = facet_links(response, "topic")
    assert topics == {
        "Joint training": (2, "?"),  # selected: the link removes it
        "Helping survivors": (1, "?topic=joint-training&topic=helping-survivors"),
    }


def test_facets_count_many_to_many_values_and_hide_drafts(client, world):
    response = client.get("/")
    assert facet_links(response, "org")["ANAMA"][0] == 3
    assert facet_links(response, "org")["TMAC"][0] == 2  # the draft is not counted
    assert facet_links(response, "topic")["Joint training"][0] == 2
    assert facet_links(response, "country")["Azerbaijan"][0] == 3
    assert facet_links(response, "kind")["Bilateral meeting"][0] == 2
    assert facet_links(response, "year")["2024"][0] == 2


def test_clicking_a_facet_adds_it_and_keeps_other_filters(client, world):
    response = client.get("/?q=ANAMA&sort=oldest&page=1")
    count, href = facet_links(response, "country")["Thailand"]
    assert query(href) == {"q": ["ANAMA"], "sort": ["oldest"], "country": ["TH"]}
    assert count == 1


def test_chips_show_active_filters_and_remove_one_at_a_time(client, world):
    response = client.get("/?country=TH&org=anama&topic=joint-training&kind=bilateral&q=ANAMA")
    chips = chip_links(response)
    assert set(chips) == {"Thailand", "ANAMA", "Joint training", "Bilateral meeting", "“ANAMA”"}
    assert query(chips["Thailand"]) == {
        "org": ["anama"],
        "topic": ["joint-training"],
        "kind": ["bilateral"],
        "q": ["ANAMA"],
    }
    clear_all = soup(response).select_one(".chips .chip-clear")["href"]
    assert query(clear_all) == {}


def test_long_facets_offer_more_values(client, world):
    for _ in range(12):
        make_meeting(organisations=[make_organisation(country="FR")])
    response = client.get("/")
    assert len(facet_links(response, "org")) == 10
    more = soup(response).select_one('section[aria-labelledby="facet-org"] .facet-more a')["href"]
    assert query(more) == {"more": ["org"]}
    assert len(facet_links(client.get("/" + more), "org")) == 15


def test_pagination_links_keep_the_filters(client, world, settings):
    settings.TIMELINE_PAGE_SIZE = 2
    response = client.get("/?country=AZ&sort=oldest")
    next_link = soup(response).select_one('.pagination a[rel="next"]')["href"]
    assert query(next_link) == {"country": ["AZ"], "sort": ["oldest"], "page": ["2"]}
    assert meeting_titles(client.get("/" + next_link)) == ["ANAMA visits CMAC"]


def test_empty_result_explains_itself_and_offers_to_clear(client, world):
    page = soup(client.get("/?country=CH&topic=helping-survivors"))
    empty = page.select_one(".empty")
    assert "No published meeting matches" in empty.get_text()
    assert empty.select_one("a")["href"] == "/"


def test_timeline_row_shows_date_place_kind_organisations_topics_and_delegation(client, world):
    row = soup(client.get("/?org=cmac&country=TH")).select_one(".meeting-row")
    text = row.get_text(" ", strip=True)
    assert "7 December 2018" in text and "Multilateral meeting" in text and "Cambodia" in text
    assert [a.get_text() for a in row.select(".meeting-orgs a")] == ["CMAC", "TMAC"]
    assert [a.get_text() for a in row.select(".tags a")] == ["Helping survivors"]
    bangkok = soup(client.get("/?country=TH&org=anama")).select_one(".meeting-row")
    assert "Part of Azerbaijani trip" in bangkok.get_text(" ", strip=True)


@pytest.mark.parametrize(
    ("params", "expected_notice"),
    [
        ("country=XX", "“XX” is not a valid country value"),
        ("org=no-such-org", "There is no organisation “no-such-org”"),
        ("topic=nope", "There is no topic “nope”"),
        ("kind=party", "“party” is not a valid kind value"),
        ("date_from=yesterday", "Use a date in the form YYYY-MM-DD."),
        ("date_from=2025-01-01&date_to=2020-01-01", "“From” is after “To”"),
        ("year=nineteen", "Year"),
        ("year=99999", "Year"),
        ("page=abc", "is not a page number"),
        ("page=9999", "There are only 1 pages"),
        ("page=-3", "Page numbers start at 1"),
        ("sort=random", "Sort"),
        ("q=" + "landmine " * 1200, "shortened to its first 200 characters"),
    ],
)
def test_bad_parameters_get_a_clear_message_and_other_filters_still_apply(
    client, world, params, expected_notice
):
    response = client.get(f"/?{params}&country=KH")
    assert response.status_code == 200
    assert any(expected_notice in notice for notice in notices(response)), notices(response)
    if "country=XX" not in params and "q=" not in params:
        assert set(meeting_titles(response)) == {"ANAMA visits CMAC", "CMAC and TMAC border talks"}


@pytest.mark.parametrize(
    "params",
    [
        "country=&org=&topic=&q=",
        "country=AZ&country=AZ&country=az",
        "q={{ request }}{% debug %}",
        "q=' OR 1=1; DROP TABLE events_meeting; --",
        "org=%F0%9F%92%A3&topic=..%2F..%2Fetc",
        "kind=" + "&kind=".join(["bilateral"] * 50),
        "more=nothing&more=org",
        "date_to=2024-02-30",
        "year=2024.5",
    ],
)
def test_odd_parameters_never_fail(client, world, params):
    response = client.get(f"/?{params}")
    assert response.status_code == 200


def test_each_page_of_the_timeline_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    url = "/?country=AZ&country=TH&org=anama&topic=joint-training&kind=bilateral&q=ANAMA&year=2024"

    # On PostgreSQL a search reads its query's lexemes (events.search_words).
    lexemes = int(connection.vendor == "postgresql")

    def assert_queries(response_rows: int | None = None) -> None:
        cache.clear()
        # Not cached: data version + filter lookups (2) + the facet index read on first use (the log's
        # last entry + meetings, countries, organisations, topics: 5), or brought up to date after
        # writes (the log, the same four for what changed, and the search words kept: 6) + topics +
        # the search word's ids when new + the organisations' names + page + 2 prefetches = 14.
        with django_assert_num_queries(14 + lexemes):
            response = client.get(url)
        # The same address again: the whole page is kept; only the data version is read.
        with django_assert_num_queries(1):
            cached_response = client.get(url)
        assert cached_response.content == response.content
        # Another address with the same filters, and the data unchanged, so the index is current, the
        # search word kept, and the topics and organisations' names read at this data version kept
        # too: data version + filter lookups (2) + page + 2 prefetches = 6.
        with django_assert_num_queries(6 + lexemes):
            first_page = client.get(url + "&page=1")
        assert meeting_titles(first_page) == meeting_titles(response)
        if response_rows is not None:
            assert len(meeting_titles(response)) == response_rows

    assert_queries()
    for number in range(30):
        organisation = make_organisation()
        make_meeting(
            title=f"More ANAMA talks {number}",
            start_date=datetime.date(2024, 1, 1 + number % 28),
            organisations=[(world["anama"], "host"), organisation],
            topics=[world["training"]],
            delegation=make_delegation(),
        )
    assert_queries(response_rows=25)


def test_cached_counts_follow_every_change(client, world):
    before = facet_links(client.get("/"), "country")["Thailand"][0]
    draft = Meeting.objects.get(title="Secret draft meeting")
    draft.status = Status.PUBLISHED
    draft.save()
    response = client.get("/")
    assert facet_links(response, "country")["Thailand"][0] == before + 1
    assert "Secret draft meeting" in meeting_titles(response)
    draft.status = Status.DRAFT
    draft.save()
    response = client.get("/")
    assert facet_links(response, "country")["Thailand"][0] == before
    assert "Secret draft meeting" not in meeting_titles(response)


def test_deep_pages_hold_the_same_meetings_as_a_plain_slice(client, world, settings):
    settings.TIMELINE_PAGE_SIZE = 3
    for number in range(8):
        make_meeting(title=f"Extra {number}", start_date=datetime.date(2020, 1, 1 + number))
    everything = meeting_titles(client.get("/?sort=oldest&page=1")) + meeting_titles(
        client.get("/?sort=oldest&page=2")
    )
    for page in range(3, 5):
        everything += meeting_titles(client.get(f"/?sort=oldest&page={page}"))
    expected = list(Meeting.objects.published().order_by("start_date", "pk").values_list("title", flat=True))
    assert everything == expected


def test_the_sort_menu_offers_each_order_and_marks_the_one_in_force(client, world):
    menu = soup(client.get("/?sort=oldest")).select("#id_sort option")
    assert [(option["value"], option.has_attr("selected")) for option in menu] == [
        ("newest", False),
        ("oldest", True),
        ("relevance", False),
    ]
    # Best match needs a search: without one the newest come first, and the menu says so.
    for params in ("sort=relevance", "sort=random"):
        assert [
            option["value"] for option in soup(client.get(f"/?{params}")).select("#id_sort option[selected]")
        ] == ["newest"]


def test_a_listed_row_reads_as_the_meeting_read_for_the_timeline_does():
    """MeetingQuerySet.listed() reads a list's rows as plain values: each must hold what the row of the
    same meeting read with for_timeline() holds, stamp included, so both draw and keep one row."""
    from events.models import MeetingSubtype
    from events.models.rows import ListedMeeting

    first, second = make_organisation(acronym=""), make_organisation(name="Another body")
    mentioned = make_organisation()
    approved = make_topic(name="Demining")
    proposed = make_topic(name="Proposed", approved=False, parent=approved)
    call = MeetingSubtype.objects.get(slug="courtesy-call")
    draft_trip = make_delegation(status=Status.DRAFT)
    meetings = [
        make_meeting(
            organisations=[(second, "host"), first, (mentioned, "mentioned"), (first, "funder")],
            topics=[approved, proposed],
            subtype=call,
            city="Bangkok",
            venue="A hall",
            delegation=make_delegation(),
            end_date=datetime.date(2024, 8, 24),
        ),
        make_meeting(country="", mode="online", delegation=draft_trip, date_precision="month"),
        make_meeting(kind="conference", summary=""),
    ]
    ids = [meeting.pk for meeting in meetings]
    # A draft asked for is not read, nor are its organisations and topics.
    draft = make_meeting(status=Status.DRAFT, organisations=[first], topics=[approved])
    listed = Meeting.objects.published().listed([*ids, draft.pk])
    read = Meeting.objects.published().for_timeline().in_bulk(ids)
    assert set(listed) == set(ids)
    for pk in ids:
        assert listed[pk] == ListedMeeting.of(read[pk])
        assert listed[pk].row_stamp() == read[pk].row_stamp()
        assert (listed[pk].date_display, listed[pk].kind_display, listed[pk].place_display) == (
            read[pk].date_display,
            read[pk].kind_display,
            read[pk].place_display,
        )
    assert [o.name for o in listed[ids[0]].organisations] == ["Another body", first.name]
    assert [topic.name for topic in listed[ids[0]].topics] == ["Demining"]
