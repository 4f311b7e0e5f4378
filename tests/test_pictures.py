"""The pictures: the world map, a delegation's route, the partner network and the activity charts.

Each picture is read as data from the page (its links, data attributes and
text-equivalent tables) and checked against the lists and facets it draws,
or against counts computed here independently.
"""

import datetime
import importlib.util
import itertools
import json
import math
import random
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_countries import countries

from events import geo, network
from events.facets import shade_of, shade_scale
from events.geo import world
from events.meeting_index import meeting_index
from events.models import City, Meeting, MeetingOrganisation, Status

from .factories import make_delegation, make_meeting, make_organisation, make_person, make_topic
from .pages import chip_links, facet_links, meeting_titles, query, soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def world_data():
    """Organisations in four countries and meetings between them, with a draft that must not count."""
    anama = make_organisation(
        name="Mine Action Agency of Azerbaijan", acronym="ANAMA", slug="anama", country="AZ"
    )
    tmac = make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    cmac = make_organisation(name="Cambodian Mine Action Centre", acronym="CMAC", slug="cmac", country="KH")
    gichd = make_organisation(name="Geneva Centre", acronym="GICHD", slug="gichd", country="CH")
    undp = make_organisation(name="UN Development Programme", acronym="UNDP", slug="undp", country="")
    training = make_topic(name="Joint training", slug="joint-training")
    victims = make_topic(name="Helping survivors", slug="helping-survivors")
    trip = make_delegation(
        title="Azerbaijani trip",
        slug="azerbaijani-trip",
        sending_country="AZ",
        destination_countries=["TH", "KH"],
    )
    meetings = {
        "bangkok": make_meeting(
            title="ANAMA meets TMAC",
            country="TH",
            start_date=datetime.date(2024, 8, 22),
            organisations=[(tmac, "host"), (anama, "delegation"), (undp, "funder")],
            topics=[training],
            delegation=trip,
        ),
        "phnom-penh": make_meeting(
            title="ANAMA visits CMAC",
            country="KH",
            start_date=datetime.date(2024, 8, 26),
            # ANAMA in two roles: still one meeting shared with CMAC.
            organisations=[(cmac, "host"), (anama, "delegation"), (anama, "signatory"), (undp, "funder")],
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
            organisations=[(gichd, "host"), (anama, "participant"), (cmac, "participant")],
            topics=[training],
        ),
        "online": make_meeting(
            title="Online call",
            country="",
            kind="other",
            start_date=datetime.date(2023, 3, 1),
            organisations=[(anama, "participant"), (undp, "participant")],
        ),
    }
    make_meeting(
        title="Secret draft meeting",
        country="TH",
        status=Status.DRAFT,
        start_date=datetime.date(2024, 8, 24),
        organisations=[(tmac, "host"), (cmac, "participant"), (anama, "participant")],
        topics=[training],
        delegation=trip,
    )
    return {
        "anama": anama,
        "tmac": tmac,
        "cmac": cmac,
        "gichd": gichd,
        "undp": undp,
        "trip": trip,
        **meetings,
    }


# --- Reading the pictures as data ---------------------------------------------


def map_counts(response) -> dict[str, int]:
    """{country code: count} from the map's country links."""
    return {
        link["data-country"]: int(link["data-count"])
        for link in soup(response).select(".world-map svg a.map-country")
        if int(link["data-count"])
    }


def map_links(response) -> dict[str, str]:
    return {
        link["data-country"]: link["href"] for link in soup(response).select(".world-map svg a.map-country")
    }


def network_edges(response) -> dict[frozenset, int]:
    """{frozenset of two organisation slugs: shared meetings} from the network's table of links."""
    edges = {}
    for row in soup(response).select(".network table tbody tr"):
        first, second = row["data-pair"].split()
        edges[frozenset((first, second))] = int(row.select("td")[2].get_text(strip=True))
    return edges


def shared_meetings(first, second) -> int:
    """Published meetings both organisations took part in, counted without the network's query."""
    both = Meeting.objects.published().filter(organisation_roles__organisation=first)
    return (
        both.filter(pk__in=MeetingOrganisation.objects.filter(organisation=second).values("meeting_id"))
        .distinct()
        .count()
    )


# --- The world map ----------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        "",
        "topic=joint-training",
        "country=TH",
        "kind=bilateral&year=2024",
        "org=cmac",
        "q=ANAMA",
        "year=1999",
    ],
)
def test_map_counts_equal_the_country_facet_for_the_same_filters(client, world_data, params):
    response = client.get(f"/?{params}&more=country")
    facet = {label: count for label, (count, _href) in facet_links(response, "country").items()}
    assert {dict(countries)[code]: count for code, count in map_counts(response).items()} == facet


def test_map_count_is_what_clicking_the_country_shows(client, world_data):
    response = client.get("/?topic=joint-training")
    counts, links = map_counts(response), map_links(response)
    assert counts == {"AZ": 3, "TH": 1, "KH": 2, "CH": 1}
    for code, count in counts.items():
        assert len(meeting_titles(client.get("/" + links[code]))) == count, code


def test_map_links_add_the_country_filter_and_keep_the_others(client, world_data):
    response = client.get("/?topic=joint-training&sort=oldest&page=1")
    assert query(map_links(response)["TH"]) == {
        "topic": ["joint-training"],
        "sort": ["oldest"],
        "country": ["TH"],
    }
    # A country in the filter is marked and its link takes it off again.
    response = client.get("/?country=TH")
    selected = soup(response).select_one('.world-map a.map-country[data-country="TH"]')
    assert "is-selected" in selected["class"]
    assert query(selected["href"]) == {}
    assert "Thailand" in chip_links(response)


def test_map_drafts_do_not_count_and_countries_without_meetings_are_not_links(client, world_data):
    counts = map_counts(client.get("/"))
    assert counts == {"AZ": 4, "TH": 2, "KH": 3, "CH": 1}
    page = soup(client.get("/"))
    assert not page.select('.world-map a.map-country[data-country="FR"]')
    assert "France: no meetings" in page.select_one(".world-map .map-land").get_text()


def test_map_has_a_legend_a_description_and_a_table(client, world_data):
    page = soup(client.get("/"))
    figure = page.select_one("figure.world-map")
    assert (
        figure.select_one("desc").get_text().startswith("4 countries with meetings; the most: Azerbaijan 4")
    )
    assert [li.get_text(strip=True) for li in figure.select(".legend li")] == ["1", "2", "3", "4", "none"]
    rows = [
        [cell.get_text(strip=True) for cell in row.select("td")] for row in figure.select("table tbody tr")
    ]
    assert rows == [["Azerbaijan", "4"], ["Cambodia", "3"], ["Thailand", "2"], ["Switzerland", "1"]]
    titles = {a["data-country"]: a.select_one("title").get_text() for a in figure.select("a.map-country")}
    assert titles["KH"] == "Cambodia: 3 meetings" and titles["CH"] == "Switzerland: 1 meeting"


def test_map_shades_follow_the_legend(client, world_data):
    figure = soup(client.get("/")).select_one("figure.world-map")
    shades = {
        a["data-country"]: a.select_one("path, circle")["class"][0] for a in figure.select("a.map-country")
    }
    scale = shade_scale(4)
    assert shades == {
        code: f"shade-{shade_of(count, scale)}" for code, count in map_counts(client.get("/")).items()
    }
    assert shades["AZ"] == "shade-5"


def test_countries_page_map_takes_the_timeline_filters(client, world_data):
    for params in ("", "year=2024", "topic=helping-survivors"):
        timeline = client.get(f"/?{params}&more=country")
        facet = {label: count for label, (count, _href) in facet_links(timeline, "country").items()}
        page = client.get(f"/countries/?{params}")
        assert {dict(countries)[code]: n for code, n in map_counts(page).items()} == facet, params
        rows = {
            row.select("td")[0].get_text(strip=True): int(row.select("td")[1].get_text())
            for row in soup(page).select("table.table tbody tr")
        }
        assert {name: n for name, n in rows.items() if n} == facet, params
    assert query(map_links(client.get("/countries/?year=2024"))["TH"]) == {
        "year": ["2024"],
        "country": ["TH"],
    }


def test_map_is_not_drawn_when_nothing_matches(client, world_data):
    assert not soup(client.get("/?year=1999")).select("figure.world-map")


def test_map_stays_small(client, world_data):
    zoomed = str(soup(client.get("/?country=KH")).select_one("figure.world-map"))
    assert "Brazil" not in zoomed  # out of view, so left out
    for code in ("FR", "DE", "US", "BR", "CN", "IN", "AU", "ZA", "SG", "MT"):
        make_meeting(country=code)
    whole = str(soup(client.get("/")).select_one("figure.world-map"))
    assert "Brazil" in whole
    assert len(zoomed.encode()) < len(whole.encode()) < 120_000


def test_every_country_has_a_place_on_the_map():
    places = world()["countries"]
    assert set(dict(countries)) - set(places) == {"AQ"}
    for code, entry in places.items():
        assert entry["d"] == "" or re.fullmatch(r"(M[^Mz]+z)+", entry["d"]), code
        assert 0 <= entry["c"][0] <= world()["width"] and 0 <= entry["c"][1] <= world()["height"], code


def test_the_map_data_says_where_it_comes_from():
    folder = Path(__file__).resolve().parent.parent / "static" / "geo"
    about = json.loads((folder / "world.json").read_text())["about"]
    assert "Natural Earth" in about and "world-atlas 2.0.2" in about
    assert "public domain" in (folder / "README.md").read_text()
    assert (
        "ISC" in (folder / "LICENCE-world-atlas.txt").read_text()
        or "Permission to use" in (folder / "LICENCE-world-atlas.txt").read_text()
    )


# --- A delegation's route -------------------------------------------------------------


def test_route_lists_the_stops_in_date_order(client, world_data):
    trip = world_data["trip"]
    # Recorded out of order: a later stop first, then an earlier one, then one with no place.
    make_meeting(title="Last stop", delegation=trip, country="VN", start_date=datetime.date(2024, 8, 30))
    make_meeting(title="First stop", delegation=trip, country="MY", start_date=datetime.date(2024, 8, 20))
    make_meeting(title="Somewhere", delegation=trip, country="", start_date=datetime.date(2024, 8, 28))
    page = soup(client.get("/delegations/azerbaijani-trip/"))
    stops = page.select("figure.route-map svg a.route-stop")
    dates = [stop["data-date"] for stop in stops]
    assert dates == sorted(dates)
    assert [int(stop["data-stop"]) for stop in stops] == [1, 2, 3, 5]
    assert [stop["data-country"] for stop in stops] == ["MY", "TH", "KH", "VN"]
    assert [stop["href"] for stop in stops] == [
        Meeting.objects.get(title=title).get_absolute_url()
        for title in ("First stop", "ANAMA meets TMAC", "ANAMA visits CMAC", "Last stop")
    ]
    itinerary = page.select("figure.route-map .itinerary li")
    assert [int(li["data-stop"]) for li in itinerary] == [1, 2, 3, 4, 5]
    assert "place not recorded" in itinerary[3].get_text()
    assert page.select_one(".itinerary-start").get_text(" ", strip=True) == "From Azerbaijan"
    # The trip's own list below numbers the same meetings in the same order.
    assert meeting_titles(client.get("/delegations/azerbaijani-trip/")) == [
        "First stop",
        "ANAMA meets TMAC",
        "ANAMA visits CMAC",
        "Somewhere",
        "Last stop",
    ]


def test_route_starts_in_the_sending_country_and_joins_the_stops(client, world_data):
    page = soup(client.get("/delegations/azerbaijani-trip/"))
    figure = page.select_one("figure.route-map")
    assert figure.select_one(".route-start title").get_text() == "Start: Azerbaijan"
    assert len(figure.select("path.route-leg")) == 2  # Azerbaijan to Thailand, Thailand to Cambodia
    roles = {
        path.select_one("title").get_text(): path.get("class", []) for path in figure.select(".map-land path")
    }
    assert roles["Azerbaijan"] == ["route-origin"]
    assert roles["Thailand"] == roles["Cambodia"] == ["route-visited"]
    assert roles["India"] == []
    # Zoomed to the trip, the map leaves out the land it does not show.
    assert "France" not in roles and "Brazil" not in roles
    assert "Secret draft meeting" not in str(figure)


def test_route_names_destinations_without_a_meeting(client, world_data):
    trip = make_delegation(
        title="Tour", slug="tour", sending_country="AZ", destination_countries=["BE", "LU"]
    )
    make_meeting(title="Brussels talks", delegation=trip, country="BE", start_date=datetime.date(2024, 5, 2))
    figure = soup(client.get("/delegations/tour/")).select_one("figure.route-map")
    assert "no dated meeting recorded there: Luxembourg" in figure.get_text(" ", strip=True)
    # Luxembourg is too small to see, so it gets a dot.
    assert figure.select_one(".route-small circle.route-visited title").get_text() == "Luxembourg"


def test_route_is_left_out_when_nothing_has_a_place(client, world_data):
    trip = make_delegation(title="Nowhere", slug="nowhere", sending_country="")
    make_meeting(title="Call", delegation=trip, country="")
    assert not soup(client.get("/delegations/nowhere/")).select("figure.route-map")


# --- The partner network --------------------------------------------------------------


def test_network_edge_weights_equal_the_shared_meeting_counts(client, world_data):
    edges = network_edges(client.get("/network/"))
    organisations = [world_data[key] for key in ("anama", "tmac", "cmac", "gichd", "undp")]
    expected = {}
    for first, second in itertools.combinations(organisations, 2):
        shared = shared_meetings(first, second)
        if shared:
            expected[frozenset((first.slug, second.slug))] = shared
    assert edges == expected
    assert edges[frozenset(("anama", "cmac"))] == 2  # not 3: two roles in one meeting, and a draft


def test_network_takes_the_timeline_filters(client, world_data):
    response = client.get("/network/?year=2024")
    assert set(network_edges(response)) == {
        frozenset(p)
        for p in [("anama", "tmac"), ("anama", "undp"), ("tmac", "undp"), ("anama", "cmac"), ("cmac", "undp")]
    }
    assert "Year 2024" in chip_links(response)
    assert "2 published meetings that match these filters" in soup(response).select_one(".lede").get_text()
    timeline_link = soup(response).select_one(".picture-links a")["href"]
    assert query(timeline_link) == {"year": ["2024"]}
    assert network_edges(client.get("/network/?country=CH")) == {
        frozenset(("gichd", "anama")): 1,
        frozenset(("gichd", "cmac")): 1,
        frozenset(("anama", "cmac")): 1,
    }


def test_network_nodes_link_to_profiles_and_grow_with_meetings(client, world_data):
    page = soup(client.get("/network/"))
    nodes = {a["data-org"]: a for a in page.select(".network svg a.net-node")}
    assert set(nodes) == {"anama", "tmac", "cmac", "gichd", "undp"}
    assert nodes["anama"]["href"] == "/organisations/anama/"
    assert int(nodes["anama"]["data-meetings"]) == 4
    radius = {slug: float(a.select_one("circle")["r"]) for slug, a in nodes.items()}
    assert radius["anama"] > radius["cmac"] > radius["gichd"]
    assert (
        nodes["anama"]
        .select_one("title")
        .get_text()
        .startswith("Mine Action Agency of Azerbaijan: 4 meetings")
    )


def test_network_shows_the_strongest_links_and_says_so(client, world_data, monkeypatch):
    monkeypatch.setattr(network, "NETWORK_LINKS", 3)
    response = client.get("/network/")
    edges = network_edges(response)
    assert len(edges) == 3
    scope = soup(response).select_one(".network-scope").get_text(" ", strip=True)
    assert scope.startswith("Showing the strongest 3 of 8 links")
    everything = [
        shared_meetings(a, b)
        for a, b in itertools.combinations(
            [world_data[k] for k in ("anama", "tmac", "cmac", "gichd", "undp")], 2
        )
    ]
    assert sorted(edges.values(), reverse=True) == sorted(everything, reverse=True)[:3]


def test_network_of_many_organisations_is_bounded(client):
    hub = make_organisation(slug="hub")
    for number in range(70):
        others = [make_organisation() for _ in range(2)]
        make_meeting(organisations=[hub, *others], start_date=datetime.date(2020, 1, 1 + number % 28))
    page = soup(client.get("/network/"))
    assert len(page.select(".network svg a.net-node")) <= network.MAX_NODES
    assert len(page.select(".network svg line.net-edge")) <= network.NETWORK_LINKS
    assert "Showing the strongest" in page.select_one(".network-scope").get_text()


def test_organisation_page_draws_its_network_with_itself_marked(client, world_data):
    page = soup(client.get("/organisations/tmac/"))
    current = page.select(".network a.net-node.is-current")
    assert [a["data-org"] for a in current] == ["tmac"]
    edges = network_edges(client.get("/organisations/tmac/"))
    # Among TMAC's meetings only: Bangkok (ANAMA, UNDP) and the border talks (CMAC).
    assert edges == {
        frozenset(("tmac", "anama")): 1,
        frozenset(("tmac", "undp")): 1,
        frozenset(("anama", "undp")): 1,
        frozenset(("tmac", "cmac")): 1,
    }
    assert page.select_one('a[href="/network/?org=tmac"]')


def test_network_page_says_so_when_nobody_met(client):
    make_meeting(organisations=[make_organisation()])
    page = soup(client.get("/network/"))
    assert not page.select("figure.network")
    assert "No two organisations shared a meeting" in page.select_one(".empty").get_text()


def test_organisation_pairs_on_an_empty_set():
    assert Meeting.objects.none().organisation_pairs(10) == ([], 0)
    assert Meeting.objects.published().organisation_pairs(10) == ([], 0)


def test_network_page_runs_a_fixed_number_of_queries(client, world_data, django_assert_num_queries):
    url = "/network/?org=anama&topic=joint-training&year=2024"
    meeting_index()  # the facet index, brought up to date before each request (as test_pages does)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    # the data version, the org and topic lookups, the index's log, the topics, the organisations' names
    assert len(few) == 6
    for _ in range(10):
        make_meeting(
            start_date=datetime.date(2024, 3, 3),
            organisations=[world_data["anama"], make_organisation(), make_organisation()],
            topics=[Meeting.objects.get(title="ANAMA meets TMAC").topics.first()],
        )
    meeting_index()
    with django_assert_num_queries(len(few)):
        client.get(url)


# --- Activity charts ---------------------------------------------------------------


def chart_table(page, index: int = 0) -> tuple[list[str], list[list[str]]]:
    table = page.select("figure.chart")[index].select_one("table")
    head = [th.get_text(strip=True) for th in table.select("thead th")]
    rows = [[cell.get_text(strip=True) for cell in row.select("th, td")] for row in table.select("tbody tr")]
    return head, rows


def test_timeline_chart_is_stacked_by_kind_and_agrees_with_the_year_facet(client, world_data):
    response = client.get("/")
    head, rows = chart_table(soup(response))
    assert head == ["Year", "Bilateral meeting", "Multilateral meeting", "Conference", "Other", "All"]
    totals = {row[0]: int(row[-1]) for row in rows}
    years = {label: count for label, (count, _href) in facet_links(response, "year").items()}
    assert {year: n for year, n in totals.items() if n} == years
    assert list(totals) == ["2018", "2019", "2020", "2021", "2022", "2023", "2024"]
    assert rows[-1] == ["2024", "2", "0", "0", "0", "2"]
    for row in rows:
        assert sum(int(cell) for cell in row[1:-1]) == int(row[-1])
    bar = soup(response).select("figure.chart svg g.bar")[-1]
    assert [rect["class"] for rect in bar.select("rect")[1:]] == [["meeting-kind-bilateral"]]
    assert bar.select_one("title").get_text() == "2024: 2 meetings; Bilateral meeting 2"


def test_every_profile_has_a_stacked_chart(client, world_data):
    person = make_person(name="Vugar Suleymanov", slug="vugar")
    world_data["geneva"].participations.create(name_as_written="V. Suleymanov", person=person)
    for url in (
        "/organisations/anama/",
        "/organisations/anama/with/cmac/",
        "/countries/KH/",
        "/countries/AZ/with/KH/",
        "/topics/joint-training/",
        "/people/vugar/",
    ):
        page = soup(client.get(url))
        assert page.select('figure.chart svg rect[class^="meeting-kind-"]'), url
        assert page.select_one("figure.chart desc").get_text(), url
    _head, rows = chart_table(soup(client.get("/people/vugar/")))
    assert [row for row in rows if row[-1] != "0"] == [["2022", "1", "1"]]


def test_topics_over_time_agree_with_the_timeline(client, world_data):
    response = client.get("/topics/")
    grid = soup(response).select_one("figure.topic-grid")
    years = [th.get_text(strip=True) for th in grid.select("thead th")][1:-1]
    assert years[0].endswith("2018") and years[-1].endswith("2024")
    links = grid.select("tbody td a")
    assert links
    for link in links:
        assert len(meeting_titles(client.get(link["href"]))) == int(link.get_text()), link["href"]
    totals = {
        row.select_one("th").get_text(strip=True): row.select_one(".heat-total").get_text()
        for row in grid.select("tbody tr")
    }
    assert totals == {"Joint training": "3", "Helping survivors": "2"}


def test_topic_page_shows_the_topic_and_those_discussed_with_it(client, world_data):
    grid = soup(client.get("/topics/helping-survivors/")).select_one("figure.topic-grid")
    rows = [row.select_one("th").get_text(strip=True) for row in grid.select("tbody tr")]
    assert rows == ["Helping survivors", "Joint training"]
    # Only the topic's own row links to the timeline: that link gives exactly the cell's meetings.
    first, second = grid.select("tbody tr")
    assert first.select("td a") and not second.select("td a")
    for link in first.select("td a"):
        assert len(meeting_titles(client.get(link["href"]))) == int(link.get_text())


@pytest.mark.parametrize(
    ("peak", "labels"),
    [
        (1, ["1"]),
        (4, ["1", "2", "3", "4"]),
        (20, ["1", "2", "3–4", "5–9", "10–20"]),
        (100_000, ["1–9", "10–99", "100–999", "1,000–9,999", "10,000–100,000"]),
    ],
)
def test_shade_scale_reads_well_for_small_and_large_counts(peak, labels):
    scale = shade_scale(peak)
    assert [label for _low, _shade, label in scale] == labels
    assert [shade for _low, shade, _label in scale][-1] == 5
    assert shade_of(0, scale) == 0 and shade_of(peak, scale) == 5 and shade_of(1, scale) >= 1


# --- Cities on the maps ----------------------------------------------------------------


def test_a_city_is_placed_by_the_projection_the_map_was_drawn_with():
    # Tokelau is a dot placed by the build tool from its latitude and longitude: the same point.
    assert geo.project(-171.8, -9.2) == tuple(geo.world()["countries"]["TK"]["c"])
    tool = importlib.util.spec_from_file_location("build_world_map", "tools/build_world_map.py")
    module = importlib.util.module_from_spec(tool)
    tool.loader.exec_module(module)
    assert geo.natural_earth(104.9, 11.6) == module.natural_earth(104.9, 11.6)


def test_a_route_goes_city_to_city_and_to_the_country_without_one(client, world_data):
    trip = world_data["trip"]
    make_meeting(
        title="Kuala Lumpur talks",
        delegation=trip,
        country="MY",
        city="Kuala Lumpur",
        start_date=datetime.date(2024, 8, 28),
    )
    make_meeting(title="Hanoi talks", delegation=trip, country="VN", start_date=datetime.date(2024, 8, 30))
    page = soup(client.get("/delegations/azerbaijani-trip/"))
    stops = {
        stop.select_one("title").get_text(): (float(stop.circle["cx"]), float(stop.circle["cy"]))
        for stop in page.select("figure.route-map a.route-stop")
    }
    city = City.objects.get(name="Kuala Lumpur", country="MY")
    [(title, point)] = [(title, point) for title, point in stops.items() if "Kuala Lumpur talks" in title]
    assert point == geo.project(city.longitude, city.latitude)
    assert "Kuala Lumpur, Malaysia" in title
    [hanoi] = [point for title, point in stops.items() if "Hanoi talks" in title]
    assert hanoi == tuple(geo.world()["countries"]["VN"]["c"])  # no city: the country's point


def test_the_countries_map_marks_the_cities_of_the_meetings(client, world_data):
    make_meeting(title="One", country="KH", city="Siem Reap")
    make_meeting(title="Two", country="KH", city="Siem Reap")
    make_meeting(title="Draft", country="KH", city="Battambang", status=Status.DRAFT)
    page = soup(client.get("/countries/"))
    marks = {mark["data-city"]: mark for mark in page.select("figure svg .map-city")}
    assert set(marks) == {"Siem Reap"}
    assert marks["Siem Reap"].title.get_text() == "Siem Reap, Cambodia: 2 meetings"
    assert marks["Siem Reap"]["aria-label"] == "Siem Reap, Cambodia: 2 meetings"
    # Filtered to another country, the city goes with its meetings.
    assert not soup(client.get("/countries/?country=TH")).select(".map-city[data-city='Siem Reap']")


def test_the_meeting_and_country_pages_mark_the_city(client, world_data):
    meeting = make_meeting(title="Talks", slug="talks", country="KH", city="Siem Reap", venue="Sokha Hotel")
    figure = soup(client.get(meeting.get_absolute_url())).select_one("figure.place-map")
    assert figure.select_one(".map-city title").get_text() == "Siem Reap, Cambodia"
    assert figure.select_one("path.place-here title").get_text() == "Cambodia"
    country = soup(client.get("/countries/KH/")).select_one("figure.place-map")
    assert [mark.title.get_text() for mark in country.select(".map-city")] == [
        "Siem Reap, Cambodia: 1 meeting"
    ]
    online = make_meeting(title="Call", slug="call", country="", mode="online")
    assert not soup(client.get(online.get_absolute_url())).select("figure.place-map")


def plain_layout(order, edges, radii):
    """The network's layout as first written, a plain double loop: the faster one must match it."""
    count = len(order)
    index = {pk: i for i, pk in enumerate(order)}
    golden = math.pi * (3 - math.sqrt(5))
    xs = [math.sqrt(i + 0.5) * math.cos(i * golden) for i in range(count)]
    ys = [math.sqrt(i + 0.5) * math.sin(i * golden) for i in range(count)]
    strongest = max(shared for _a, _b, shared in edges)
    springs = [(index[a], index[b], 1 + math.log(shared) / math.log(strongest + 1)) for a, b, shared in edges]
    temperature = math.sqrt(count)
    for step in range(200):
        dx = [0.0] * count
        dy = [0.0] * count
        for i in range(count):
            for j in range(i + 1, count):
                ex, ey = xs[i] - xs[j], ys[i] - ys[j]
                force = 1 / (ex * ex + ey * ey or 1e-4)
                dx[i] += ex * force
                dy[i] += ey * force
                dx[j] -= ex * force
                dy[j] -= ey * force
        for i, j, strength in springs:
            ex, ey = xs[i] - xs[j], ys[i] - ys[j]
            force = math.sqrt(ex * ex + ey * ey) * strength
            dx[i] -= ex * force
            dy[i] -= ey * force
            dx[j] += ex * force
            dy[j] += ey * force
        limit = temperature * (1 - step / 200) + 0.01
        for i in range(count):
            dx[i] -= xs[i] * 0.05
            dy[i] -= ys[i] * 0.05
            length = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i])
            if length > limit:
                dx[i] *= limit / length
                dy[i] *= limit / length
            xs[i] += dx[i]
            ys[i] += dy[i]
    network._fit(xs, ys)
    plain_separate(xs, ys, radii)
    return {pk: (round(x, 1), round(y, 1)) for pk, x, y in zip(order, xs, ys, strict=True)}


def plain_separate(xs, ys, radii, gap=8):
    """Overlapping circles nudged apart as first written: every pair's distance, every pass."""
    count = len(xs)
    for _ in range(40):
        moved = False
        for i in range(count):
            for j in range(i + 1, count):
                dx, dy = xs[j] - xs[i], ys[j] - ys[i]
                distance = math.hypot(dx, dy)
                room = radii[i] + radii[j] + gap
                if distance >= room:
                    continue
                ux, uy = (dx / distance, dy / distance) if distance else (1.0, 0.0)
                push = (room - distance) / 2
                xs[i], ys[i] = xs[i] - ux * push, ys[i] - uy * push
                xs[j], ys[j] = xs[j] + ux * push, ys[j] + uy * push
                moved = True
        for i in range(count):
            xs[i] = min(max(xs[i], radii[i] + 2), network.WIDTH - radii[i] - 2)
            ys[i] = min(max(ys[i], radii[i] + 2), network.HEIGHT - radii[i] - 2)
        if not moved:
            break


def test_the_layout_is_the_plain_double_loops_to_the_last_bit():
    chance = random.Random(3)
    for count in (2, 9, 30, network.MAX_NODES):
        order = tuple(range(100, 100 + count))
        edges = tuple(
            sorted(
                {(a, b, chance.randint(1, 50)) for a, b in zip(order, order[1:], strict=False)}
                | {tuple(sorted(chance.sample(order, 2))) + (chance.randint(1, 50),) for _ in range(count)},
                key=lambda edge: -edge[2],
            )
        )
        radii = tuple(round(chance.uniform(5, 20), 1) for _ in order)
        assert network._layout.__wrapped__(order, edges, radii) == plain_layout(order, edges, radii)
