"""The pictures: the activity charts.

Each picture is read as data from the page (its links, data attributes and
text-equivalent tables) and checked against the lists and facets it draws,
or against counts computed here independently.
"""

import datetime

import pytest

from events.facets import shade_of, shade_scale
from events.models import Status

from .factories import make_delegation, make_meeting, make_organisation, make_person, make_topic
from .pages import facet_links, meeting_titles, soup

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
