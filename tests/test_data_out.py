"""Every output gives the timeline's set for the same parameters, and every list links to them."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import icalendar
import pytest
from bs4 import BeautifulSoup

from events.wording import describe_date, describe_place

from .dataout import all_pages
from .factories import make_meeting, make_organisation, make_topic
from .pages import meeting_titles, query, soup

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def more_records(records):
    """The shared records plus meetings that the filters below tell apart."""
    cmac = make_organisation(name="Cambodian Mine Action Centre", acronym="CMAC", slug="cmac", country="KH")
    survivors = make_topic(name="Helping survivors", slug="helping-survivors")
    make_meeting(
        title="Survivor assistance workshop",
        kind="training",
        country="KH",
        start_date=datetime.date(2022, 6, 1),
        organisations=[(cmac, "host"), records["tmac"]],
        topics=[survivors],
    )
    make_meeting(
        title="Regional conference",
        kind="conference",
        country="CH",
        start_date=datetime.date(2023, 3, 1),
        date_precision="month",
        organisations=[records["anama"], cmac],
        topics=[survivors, records["training"]],
    )
    return records


def html_titles(client, params: str) -> set[str]:
    return set(meeting_titles(client.get(f"/?{params}")))


def csv_titles(client, params: str) -> set[str]:
    response = client.get(f"/export/meetings.csv?{params}")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    return {row["title"] for row in rows}


def json_titles(client, params: str) -> set[str]:
    return {row["title"] for row in all_pages(client, f"/api/meetings/?{params}")}


def atom_titles(client, params: str) -> set[str]:
    feed = ET.fromstring(client.get(f"/feeds/meetings.atom?{params}").content)
    return {entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")}


def ics_titles(client, params: str) -> set[str]:
    calendar = icalendar.Calendar.from_ical(
        b"".join(client.get(f"/feeds/meetings.ics?{params}").streaming_content)
    )
    return {str(event["summary"]) for event in calendar.walk("VEVENT")}


FILTERS = [
    "",
    "country=KH",
    "country=kh&country=CH",
    "org=anama",
    "org=cmac&org=tmac",
    "topic=helping-survivors",
    "topic=joint-training&country=TH",
    "kind=training&kind=conference",
    "year=2024",
    "date_from=2022-01-01&date_to=2023-12-31",
    "q=TMAC",
    "q=survivor&sort=relevance",
    "sort=oldest",
    "org=anama&kind=bilateral&date_from=2025-01-01",
    "country=CH&topic=helping-survivors&q=conference",
    "q=nothing+matches+this",
]


@pytest.mark.parametrize("params", FILTERS)
def test_every_format_gives_the_timelines_set(client, more_records, settings, params):
    settings.TIMELINE_PAGE_SIZE = 1000
    expected = html_titles(client, params)
    assert csv_titles(client, params) == expected
    assert json_titles(client, params) == expected
    assert atom_titles(client, params) == expected  # fewer than 50 here
    assert ics_titles(client, params) == expected


def test_drafts_are_in_no_format(client, more_records):
    for titles in (
        csv_titles(client, "org=anama"),
        json_titles(client, "org=anama"),
        atom_titles(client, "org=anama"),
        ics_titles(client, "org=anama"),
    ):
        assert titles and "Draft visit" not in titles and "Draft contact" not in titles


def data_links(response) -> dict[str, str]:
    """{label: href} of a page's data links."""
    nav = soup(response).select_one("nav.data-links")
    return {link.get_text(strip=True): link["href"] for link in nav.select("a")}


def feed_links(response) -> dict[str, str]:
    return {link["type"]: link["href"] for link in soup(response).select('head link[rel="alternate"]')}


def test_the_timeline_links_its_data_with_the_current_filters(client, more_records):
    response = client.get("/?country=KH&topic=helping-survivors&q=workshop&sort=oldest&page=1&more=org")
    links = data_links(response)
    assert set(links) == {"Download CSV", "JSON", "Atom", "Add to calendar"}
    filters = {"country": ["KH"], "topic": ["helping-survivors"], "q": ["workshop"], "sort": ["oldest"]}
    paths = {
        "Download CSV": "/export/meetings.csv",
        "JSON": "/api/meetings/",
        "Atom": "/feeds/meetings.atom",
        "Add to calendar": "/feeds/meetings.ics",
    }
    for label, href in links.items():
        assert urlsplit(href).path == paths[label], label
        assert query(href) == filters, label
    assert urlsplit(links["Add to calendar"]).scheme == "webcal"
    assert urlsplit(links["Add to calendar"]).netloc == "testserver"
    heads = feed_links(response)
    assert query(heads["application/atom+xml"]) == filters
    assert query(heads["text/calendar"]) == filters


def test_links_carry_only_the_filters_the_page_applied(client, more_records):
    response = client.get(
        "/?country=XX&country=KH&org=nope&year=nineteen&date_from=2030-01-01&date_to=2020-01-01"
    )
    assert len(soup(response).select(".notices li")) == 4
    links = data_links(response)
    for href in links.values():
        assert query(href) == {"country": ["KH"]}
    assert client.get(links["JSON"]).status_code == 200
    assert query(feed_links(response)["application/atom+xml"]) == {"country": ["KH"]}


def test_the_timelines_links_lead_to_what_it_shows(client, more_records):
    response = client.get("/?org=cmac")
    shown = set(meeting_titles(response))
    links = data_links(response)
    assert csv_titles(client, urlsplit(links["Download CSV"]).query) == shown
    assert json_titles(client, urlsplit(links["JSON"]).query) == shown
    assert atom_titles(client, urlsplit(links["Atom"]).query) == shown
    assert ics_titles(client, urlsplit(links["Add to calendar"]).query) == shown


def test_the_unfiltered_timeline_links_every_meeting(client, more_records):
    links = data_links(client.get("/"))
    assert links["Download CSV"] == "/export/meetings.csv"
    assert links["JSON"] == "/api/meetings/"
    assert feed_links(client.get("/"))["application/atom+xml"] == "/feeds/meetings.atom"


@pytest.mark.parametrize(
    ("page", "timeline"),
    [
        ("/organisations/anama/", "/?org=anama"),
        ("/topics/helping-survivors/", "/?topic=helping-survivors"),
        ("/countries/KH/", "/?country=KH"),
    ],
)
def test_profile_pages_link_the_data_of_their_meetings(client, more_records, settings, page, timeline):
    settings.TIMELINE_PAGE_SIZE = 1000
    response = client.get(page)
    links = data_links(response)
    assert set(links) == {"Download CSV", "JSON", "Atom", "Add to calendar"}
    expected = query(timeline)
    for href in links.values():
        assert query(href) == expected
    assert query(feed_links(response)["application/atom+xml"]) == expected
    shown = set(meeting_titles(client.get(timeline)))
    assert csv_titles(client, urlsplit(links["Download CSV"]).query) == shown
    assert ics_titles(client, urlsplit(links["Add to calendar"]).query) == shown


@pytest.mark.parametrize(
    ("page", "record"),
    [
        ("/people/vugar-suleymanov/", "/api/people/vugar-suleymanov/"),
        ("/delegations/trip/", "/api/delegations/trip/"),
    ],
)
def test_person_and_delegation_pages_link_their_record(client, more_records, page, record):
    response = client.get(page)
    assert data_links(response) == {"JSON": record, "timeline": "/"}
    assert "cannot pick out one" in soup(response).select_one("nav.data-links").get_text()
    assert feed_links(response) == {}
    assert client.get(record).status_code == 200


# (precision, start, end, city, country): every way a date or a place can be worded.
WORDED = [
    ("day", datetime.date(2024, 8, 22), None, "Bangkok", "TH"),
    ("day", datetime.date(2023, 5, 3), datetime.date(2023, 5, 5), "", "KH"),
    ("day", datetime.date(2023, 5, 30), datetime.date(2023, 6, 2), "Geneva", ""),
    ("day", datetime.date(2023, 12, 30), datetime.date(2024, 1, 2), "", ""),
    ("week", datetime.date(2022, 1, 3), None, "Baku", "AZ"),
    ("month", datetime.date(2021, 7, 1), None, "", "AZ"),
    ("year", datetime.date(2020, 1, 1), None, "Phnom Penh", "KH"),
    ("on_or_before", datetime.date(2019, 2, 9), None, "", "TH"),
]


def test_every_format_words_dates_and_places_alike(client, settings):
    """The page, the API, the CSV (written by PostgreSQL there) and both feeds use one wording."""
    settings.TIMELINE_PAGE_SIZE = 1000
    expected = {}
    for number, (precision, start, end, city, country) in enumerate(WORDED):
        meeting = make_meeting(
            title=f"Worded {number}",
            start_date=start,
            end_date=end,
            date_precision=precision,
            city=city,
            country=country,
        )
        expected[meeting.title] = (
            describe_date(start, end, precision),
            describe_place(city, meeting.country.name if country else ""),
        )
    assert len({date for date, _ in expected.values()}) == len(WORDED)

    page = {}
    for row in soup(client.get("/")).select(".meeting-row"):
        place = row.select_one(".place")
        page[row.select_one(".meeting-title").get_text(strip=True)] = (
            row.select_one(".meeting-date").get_text(strip=True),
            place.get_text(strip=True) if place else "",
        )
    assert page == expected

    api = {row["title"]: (row["date_display"], row["place"]) for row in all_pages(client, "/api/meetings/")}
    assert api == expected

    response = client.get("/export/meetings.csv")
    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert {
        row["title"]: (row["date"], describe_place(row["city"], row["country_name"])) for row in rows
    } == expected

    feed = ET.fromstring(client.get("/feeds/meetings.atom").content)
    atom = {}
    for entry in feed.findall(f"{ATOM}entry"):
        when_and_where = BeautifulSoup(entry.findtext(f"{ATOM}summary"), "html.parser").p.get_text()
        date, _, place = when_and_where.partition(" · ")
        atom[entry.findtext(f"{ATOM}title")] = (date, place)
    assert atom == expected

    calendar = icalendar.Calendar.from_ical(b"".join(client.get("/feeds/meetings.ics").streaming_content))
    ics = {
        str(event["summary"]): (str(event["description"]).split("\n")[0], str(event.get("location", "")))
        for event in calendar.walk("VEVENT")
    }
    assert ics == expected
