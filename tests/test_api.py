"""The JSON API: what it gives, what it hides, how it pages and refuses, what it costs."""

import datetime

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django_countries import countries

from events.api import router
from events.api.schema import FILTER_DOCS
from events.api.views import StrictFilterBackend
from events.filters import CommitmentFilter, MeetingFilter, OrganisationFilter, PersonFilter
from events.meeting_index import meeting_index
from events.models import City, Meeting, Position, Status

from .dataout import all_pages
from .factories import (
    make_delegation,
    make_meeting,
    make_organisation,
    make_outcome,
    make_person,
    make_source,
    make_topic,
)
from .pages import query, soup

pytestmark = pytest.mark.django_db


def test_a_meeting_carries_everything_recorded(client, records):
    body = client.get("/api/meetings/anama-meets-tmac/").json()
    assert body["url"] == "http://testserver/api/meetings/anama-meets-tmac/"
    assert body["html_url"] == "http://testserver/meetings/anama-meets-tmac/"
    assert body["title"] == "ANAMA meets TMAC" and body["kind"] == "bilateral"
    assert (body["start_date"], body["end_date"], body["date_precision"]) == (
        "2024-08-22",
        "2024-08-23",
        "day",
    )
    assert body["date_display"] == "22–23 August 2024"
    assert body["country"] == {"code": "TH", "name": "Thailand"}
    assert body["place"] == "TMAC headquarters, Bangkok, Thailand"
    city = City.objects.get(pk=Meeting.objects.get(slug="anama-meets-tmac").city_id)
    assert body["city"] == {
        "name": "Bangkok",
        "country": {"code": "TH", "name": "Thailand"},
        "latitude": city.latitude,
        "longitude": city.longitude,
        "geonames_id": city.geonames_id,
    }
    assert body["venue"] == "TMAC headquarters"
    assert body["delegation"] == {
        "slug": "trip",
        "title": "Trip to Southeast Asia",
        "url": "http://testserver/api/delegations/trip/",
    }
    # Organisations in role order, each with its role.
    assert [(o["acronym"], o["role"]) for o in body["organisations"]] == [
        ("TMAC", "host"),
        ("ARMAC", "organiser"),
        ("ANAMA", "delegation"),
    ]
    assert body["organisations"][0]["url"] == "http://testserver/api/organisations/tmac/"
    first, second = body["participants"]
    assert first["name_as_written"] == "V. Suleymanov" and first["title_as_stated"] == "Chair"
    assert first["person"]["slug"] == "vugar-suleymanov" and first["organisation"]["slug"] == "anama"
    assert first["role"] == "head_of_delegation"
    assert second["person"] is None and second["organisation"]["acronym"] == "ARMAC"
    assert [t["slug"] for t in body["topics"]] == ["joint-training"]
    assert [isinstance(outcome.pop("id"), int) for outcome in body["outcomes"]] == [True]
    assert body["outcomes"] == [
        {
            "kind": "invitation",
            "text": "ANAMA invited TMAC to a conference.",
            "parties": [
                {
                    "slug": "anama",
                    "name": "Mine Action Agency of Azerbaijan",
                    "acronym": "ANAMA",
                    "url": "http://testserver/api/organisations/anama/",
                },
                {
                    "slug": "tmac",
                    "name": "Thailand Mine Action Centre",
                    "acronym": "TMAC",
                    "url": "http://testserver/api/organisations/tmac/",
                },
            ],
            "date": None,
            "date_precision": "day",
            "date_display": "",
            "country": None,
            "status_at_meeting": "agreed",
            "status": "agreed",
            "status_changes": [],
        }
    ]
    assert body["sources"][0]["url"] == "https://news.example.org/x"
    assert body["sources"][0]["publisher"] == "AzerNews" and body["sources"][0]["author"] == "Fatima Latifova"
    assert body["follow_up_of"] is None  # it follows a draft


def test_the_meetings_list_matches_the_database(client, records):
    results = all_pages(client, "/api/meetings/")
    meetings = list(Meeting.objects.published().order_by("-start_date", "-pk"))
    assert [row["slug"] for row in results] == [meeting.slug for meeting in meetings]
    for row, meeting in zip(results, meetings, strict=True):
        assert row["title"] == meeting.title
        assert row["start_date"] == meeting.start_date.isoformat()
        assert row["summary"] == meeting.summary
        assert row["html_url"] == f"http://testserver{meeting.get_absolute_url()}"
        assert {o["slug"] for o in row["organisations"]} == set(
            meeting.organisations.values_list("slug", flat=True)
        )
    later = next(row for row in results if row["slug"] == "second-round")
    assert later["follow_up_of"]["slug"] == "anama-meets-tmac"
    assert later["delegation"] is None  # its delegation is a draft


def test_drafts_never_appear(client, records):
    assert client.get("/api/meetings/draft-visit/").status_code == 404
    assert client.get("/api/meetings/draft-contact/").status_code == 404
    assert client.get("/api/delegations/unpublished-trip/").status_code == 404
    for url in (
        "/api/meetings/",
        "/api/meetings/?org=anama",
        "/api/delegations/",
        "/api/delegations/trip/",
        "/api/people/",
        "/api/people/vugar-suleymanov/",
        "/api/organisations/anama/",
        "/api/countries/",
        "/api/topics/",
    ):
        text = client.get(url).content.decode()
        for hidden in ("Draft visit", "draft-visit", "Draft contact", "Unpublished trip", "unpublished-trip"):
            assert hidden not in text, (url, hidden)
    trip = client.get("/api/delegations/trip/").json()
    assert [meeting["slug"] for meeting in trip["meetings"]] == ["anama-meets-tmac"]
    person = client.get("/api/people/vugar-suleymanov/").json()
    assert [p["meeting"]["slug"] for p in person["participations"]] == ["anama-meets-tmac"]
    assert client.get("/api/organisations/anama/").json()["meeting_count"] == 2


def test_records_other_than_meetings(client, records):
    organisation = client.get("/api/organisations/anama/").json()
    assert organisation["other_names"] == ["Azerbaijan National Agency for Mine Action"]
    assert organisation["country"] == {"code": "AZ", "name": "Azerbaijan"}
    assert organisation["html_url"] == "http://testserver/organisations/anama/"
    assert query(organisation["meetings_url"]) == {"org": ["anama"]}
    its_meetings = all_pages(client, organisation["meetings_url"])
    assert {row["slug"] for row in its_meetings} == {"anama-meets-tmac", "second-round"}

    person = client.get("/api/people/vugar-suleymanov/").json()
    assert person["honorific"] == "Mr"
    assert person["positions"][0]["title"] == "Chairman of the Board"
    assert person["participations"][0]["name_as_written"] == "V. Suleymanov"

    trip = client.get("/api/delegations/trip/").json()
    assert trip["head"]["slug"] == "vugar-suleymanov"
    assert {c["code"] for c in trip["destination_countries"]} == {"TH", "KH"}
    assert [o["slug"] for o in trip["sending_organisations"]] == ["anama"]

    topic = client.get("/api/topics/joint-training/").json()
    assert topic["meeting_count"] == 1 and query(topic["meetings_url"]) == {"topic": ["joint-training"]}

    countries = {row["code"]: row for row in all_pages(client, "/api/countries/")}
    # Azerbaijan: no meeting there, but ANAMA and the trip are from it.
    assert countries["AZ"]["meeting_count"] == 2 and countries["AZ"]["organisation_count"] == 1
    assert countries["KH"]["meeting_count"] == 2
    assert client.get("/api/countries/az/").json() == countries["AZ"]
    assert client.get("/api/countries/FR/").json()["meeting_count"] == 0
    assert client.get("/api/countries/QQ/").status_code == 404


def test_sort_orders_like_the_timeline(client, records):
    oldest = [row["slug"] for row in all_pages(client, "/api/meetings/?sort=oldest")]
    assert oldest == ["border-talks", "anama-meets-tmac", "second-round"]
    best = all_pages(client, "/api/meetings/?q=TMAC&sort=relevance")
    assert best[0]["slug"] == "anama-meets-tmac"


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ("country=XX", "country"),
        ("org=no-such-org", "org"),
        ("topic=nope", "topic"),
        ("kind=party", "kind"),
        ("date_from=yesterday", "date_from"),
        ("date_from=2025-01-01&date_to=2020-01-01", "date_from"),
        ("year=nineteen", "year"),
        ("year=99999", "year"),
        ("sort=random", "sort"),
        ("q=" + "landmine+" * 30, "q"),
        ("country=" + "&country=".join(sorted(dict(countries))[:21]), "country"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page_size=0", "page_size"),
        ("page_size=201", "page_size"),
        ("page_size=ten", "page_size"),
    ],
)
def test_bad_parameters_get_400_with_a_json_error_naming_them(client, records, params, param):
    response = client.get(f"/api/meetings/?{params}&country=KH")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert param in body and all(isinstance(message, str) for message in body[param])


@pytest.mark.parametrize(
    ("params", "param"),
    [("kind=spaceship", "kind"), ("country=ZZ", "country"), ("q=" + "mine+" * 30, "q")],
)
def test_the_organisations_list_refuses_a_bad_filter_with_400_naming_it(client, records, params, param):
    response = client.get(f"/api/organisations/?{params}&country=TH")
    assert response.status_code == 400
    assert list(response.json()) == [param]


def test_the_organisations_list_takes_the_organisation_indexs_filters(client, records):
    slugs = [row["slug"] for row in all_pages(client, "/api/organisations/?country=TH&country=KH")]
    assert slugs == ["armac", "tmac"]
    assert [row["slug"] for row in all_pages(client, "/api/organisations/?q=azerbaijan+national")] == [
        "anama"
    ]
    assert client.get("/api/organisations/tmac/?country=ZZ").status_code == 200


def test_the_people_list_searches_names_and_other_spellings_strictly(client, records):
    records["suleymanov"].other_names.create(name="Vuqar Süleymanov")
    make_person(name="Elchin Amirbayov", slug="elchin-amirbayov")
    assert [row["slug"] for row in all_pages(client, "/api/people/?q=vuqar")] == ["vugar-suleymanov"]
    assert [row["slug"] for row in all_pages(client, "/api/people/?q=elchin")] == ["elchin-amirbayov"]
    assert len(all_pages(client, "/api/people/")) == 2
    response = client.get("/api/people/?q=" + "x" * 101)
    assert response.status_code == 400 and list(response.json()) == ["q"]


def test_a_page_beyond_the_last_is_404(client, records):
    response = client.get("/api/meetings/?page=99")
    assert response.status_code == 404 and "detail" in response.json()


@pytest.mark.parametrize(
    "params",
    [
        "country=&org=&topic=&q=",
        "country=th&country=TH",
        "q={{ request }}{% debug %}",
        "q=' OR 1=1; DROP TABLE events_meeting; --",
        "unknown=1&format=json",
    ],
)
def test_odd_but_harmless_parameters_are_accepted(client, records, params):
    assert client.get(f"/api/meetings/?{params}").status_code == 200


def test_a_nul_character_is_a_bad_request(client, records):
    assert client.get("/api/meetings/?q=%00%00").status_code == 400


def test_pages_are_stable_and_keep_the_filters(client, records):
    for number in range(5):
        make_meeting(title=f"Same day {number}", start_date=datetime.date(2024, 8, 22), country="TH")
    first = client.get("/api/meetings/?country=TH&page_size=3").json()
    assert first["count"] == 7 and len(first["results"]) == 3
    assert query(first["next"]) == {"country": ["TH"], "page_size": ["3"], "page": ["2"]}
    slugs = [row["slug"] for row in all_pages(client, "/api/meetings/?country=TH&page_size=3")]
    assert len(slugs) == len(set(slugs)) == 7
    expected = MeetingFilter(QueryDict("country=TH"), queryset=Meeting.objects.published())
    assert slugs == list(expected.qs.values_list("slug", flat=True))


def test_a_meetings_own_url_ignores_list_filters(client, records):
    assert client.get("/api/meetings/border-talks/?country=XX").status_code == 200


def add_more_rows(records, how_many: int) -> None:
    for number in range(how_many):
        organisation = make_organisation(country="TH")
        person = make_person()
        Position.objects.create(person=person, organisation=organisation, title="Officer")
        meeting = make_meeting(
            delegation=records["trip"],
            country="TH",
            organisations=[(records["anama"], "host"), (records["tmac"], "participant"), organisation],
            topics=[records["training"], make_topic()],
            sources=[make_source()],
            participants=[
                {"name_as_written": f"Person {number}", "person": person, "organisation": records["anama"]}
            ],
            follow_up_of=records["meeting"],
        )
        meeting.outcomes.create(kind="other", text="More.").parties.set([organisation])
        person.other_names.create(name=f"P. {number}")
        organisation.other_names.create(name=f"Other name {number}")
        records["trip"].members.add(person)
        records["trip"].sources.add(make_source())


API_LISTS = [
    "/api/meetings/",
    "/api/meetings/?country=TH&org=anama&topic=joint-training&kind=bilateral&q=meeting&sort=relevance",
    "/api/meetings/anama-meets-tmac/",
    "/api/delegations/",
    "/api/delegations/trip/",
    "/api/organisations/",
    "/api/people/",
    "/api/people/vugar-suleymanov/",
    "/api/topics/",
    "/api/countries/",
    "/api/countries/TH/",
]


@pytest.mark.parametrize("url", API_LISTS)
def test_query_count_does_not_grow_with_rows(client, records, django_assert_num_queries, url):
    add_more_rows(records, 1)
    # A search's words are read once per process, then kept by the facet index (events.search_words).
    assert client.get(url, HTTP_ACCEPT="application/json").status_code == 200
    add_more_rows(records, 1)
    # The facet index re-reads what changed since it last looked (queries that grow with the writes,
    # not the rows): brought up to date first, the list then reads only the log, once.
    meeting_index()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, HTTP_ACCEPT="application/json").status_code == 200
    # The data version and the log, then at most 13: a filtered list also reads the topics (for the
    # roll-up) and on PostgreSQL a search's lexemes, for the index, instead of counting in SQL.
    assert len(few) <= 15, [q["sql"] for q in few]
    add_more_rows(records, 12)
    meeting_index()
    with django_assert_num_queries(len(few)):
        response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200


def test_the_meetings_list_runs_a_known_number_of_queries(client, records, django_assert_num_queries):
    add_more_rows(records, 5)
    meeting_index()
    # data version + the facet index's log (the count) + page (with its countries taking part) +
    # organisations, participants, how each source reported them, topics, outcomes, their parties
    # and status changes, sources
    with django_assert_num_queries(11):
        client.get("/api/meetings/")


def test_each_meeting_of_a_list_page_is_what_its_own_url_gives(client, records):
    # A list page reads its rows as plain values (events/api/rows.py); a meeting's own URL reads
    # them with Django's prefetching: the two must agree, relation by relation.
    add_more_rows(records, 3)
    meeting = records["meeting"]
    source = make_source(publisher="Azertag")
    participation = meeting.participations.get(name_as_written="V. Suleymanov")
    participation.reports.create(
        source=source, name_as_written="Vugar Suleymanov", title_as_stated="Chairman"
    )
    make_outcome(
        meeting,
        parties=[records["tmac"]],
        changes=[{"status": "done", "date": datetime.date(2025, 2, 1), "meeting": records["later"]}],
    )
    make_outcome(meeting, changes=[{"status": "done", "date": datetime.date(2025, 3, 1), "source": source}])
    lists = ("/api/meetings/", "/api/meetings/?sort=oldest&page_size=2&page=2", "/api/meetings/?country=TH")
    for url in lists:
        rows = client.get(url).json()["results"]
        assert rows
        for row in rows:
            assert row == client.get(f"/api/meetings/{row['slug']}/").json(), (url, row["slug"])
    shown = next(row for row in all_pages(client, "/api/meetings/") if row["slug"] == meeting.slug)
    assert [len(outcome["status_changes"]) for outcome in shown["outcomes"]] == [0, 1, 1]
    assert any(participant["as_reported"] for participant in shown["participants"])


def test_each_person_of_a_list_page_is_what_their_own_url_gives(client, records):
    # The people's list reads its rows as plain values (events/api/rows.py: PersonRows); a person's
    # own URL through PersonSerializer: the two must agree, relation by relation.
    add_more_rows(records, 3)
    person = make_person(name="Aaron Early", honorific="Dr")
    person.other_names.create(name="A. Early")
    person.other_names.create(name="Aaron E.")
    Position.objects.create(person=person, title="Adviser")  # no organisation
    Position.objects.create(person=person, organisation=records["tmac"], title="Director")
    make_meeting(participants=[{"name_as_written": "A. Early", "person": person}])
    make_meeting(status=Status.DRAFT, participants=[{"name_as_written": "Draft", "person": person}])
    lists = ("/api/people/", "/api/people/?page_size=2&page=2", "/api/people/?q=early&format=json")
    for url in lists:
        rows = client.get(url).json()["results"]
        assert rows
        # Links keep ?format=json, on either URL.
        suffix = "?format=json" if "format=json" in url else ""
        for row in rows:
            assert row == client.get(f"/api/people/{row['slug']}/{suffix}").json(), (url, row["slug"])
    shown = next(row for row in all_pages(client, "/api/people/") if row["slug"] == person.slug)
    assert [p["name_as_written"] for p in shown["participations"]] == ["A. Early"]  # the draft left out
    assert [p["organisation"] is None for p in shown["positions"]].count(True) == 1


def test_each_delegation_of_a_list_page_is_what_its_own_url_gives(client, records):
    # The delegations' list reads its rows as plain values (events/api/rows.py: DelegationRows); a
    # delegation's own URL through DelegationSerializer: the two must agree, relation by relation.
    add_more_rows(records, 3)
    trip = records["trip"]
    trip.sending_organisations.add(records["tmac"], records["anama"])
    trip.members.add(make_person(name="Zed Last"), make_person(name="Abe First"))
    make_meeting(delegation=trip, status=Status.DRAFT, title="Draft stop")
    make_delegation(sending_country="", destination_countries=["TH", "KH"])
    for url in ("/api/delegations/", "/api/delegations/?page_size=1&page=2", "/api/delegations/?format=json"):
        rows = client.get(url).json()["results"]
        assert rows
        # Links keep ?format=json, on either URL.
        suffix = "?format=json" if "format=json" in url else ""
        for row in rows:
            assert row == client.get(f"/api/delegations/{row['slug']}/{suffix}").json(), (url, row["slug"])
    shown = next(row for row in all_pages(client, "/api/delegations/") if row["slug"] == trip.slug)
    assert "Draft stop" not in [meeting["title"] for meeting in shown["meetings"]]
    assert len(shown["members"]) >= 2 and shown["sources"] and shown["sending_organisations"]


def test_each_topic_and_country_of_a_list_counts_what_its_own_url_counts(client, records):
    # The lists count by the facet index (as the topics' and countries' pages do); a record's own URL
    # counts in SQL.
    add_more_rows(records, 3)
    make_meeting(status=Status.DRAFT, country="TH", topics=[records["training"]])
    for name, key in (("topics", "slug"), ("countries", "code")):
        rows = list(all_pages(client, f"/api/{name}/"))
        assert any(row["meeting_count"] for row in rows)
        for row in rows:
            assert row == client.get(f"/api/{name}/{row[key]}/").json(), (name, row[key])


def test_the_schema_documents_every_filter_and_the_docs_page_serves_it(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    for path, filterset in (
        ("/api/meetings/", MeetingFilter),
        ("/api/organisations/", OrganisationFilter),
        ("/api/people/", PersonFilter),
    ):
        parameters = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert parameters == {*filterset.base_filters, "page", "page_size"}, path
    # The commitments list takes the timeline's filters as well as its own.
    parameters = {p["name"] for p in schema["paths"]["/api/commitments/"]["get"]["parameters"]}
    assert parameters == {*MeetingFilter.base_filters, *CommitmentFilter.base_filters, "page", "page_size"}
    assert set(schema["paths"]) == {
        f"/api/{name}/{suffix}"
        for name, key in [
            ("meetings", "{slug}"),
            ("delegations", "{slug}"),
            ("organisations", "{slug}"),
            ("people", "{slug}"),
            ("topics", "{slug}"),
            ("countries", "{code}"),
            ("commitments", "{id}"),
        ]
        for suffix in ("", f"{key}/")
    }
    docs = soup(client.get("/api/docs/"))
    scripts = [script["src"] for script in docs.select("script[src]")]
    assert scripts and all(src.startswith("/static/") for src in scripts)
    assert not docs.select('link[href^="http"]')  # no web fonts from elsewhere


def test_every_filtered_list_documents_each_of_its_parameters():
    filtered = [
        viewset for _, viewset, _ in router.registry if StrictFilterBackend in viewset.filter_backends
    ]
    assert {viewset.filterset_class for viewset in filtered} == {
        MeetingFilter,
        OrganisationFilter,
        PersonFilter,
        CommitmentFilter,
    }
    for viewset in filtered:
        parameters = set(viewset.filterset_class.base_filters)
        if viewset.filterset_class is CommitmentFilter:
            parameters |= set(MeetingFilter.base_filters)  # it takes the timeline's filters too
        assert set(FILTER_DOCS[viewset.filterset_class]) == parameters


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_the_api_root_lists_every_endpoint(client):
    body = client.get("/api/", HTTP_ACCEPT="application/json").json()
    assert set(body) == {
        "meetings",
        "delegations",
        "organisations",
        "people",
        "topics",
        "countries",
        "commitments",
    }


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("url", [*API_LISTS, "/api/", "/api/meetings/?country=XX"])
def test_a_browser_gets_json_too(client, records, url):
    response = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code in (200, 400)
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "url",
    [
        "/api/nothing/",
        "/api/countries/%C2%84/",
        "/api/organisations/a.b/",
        "/api/people/a%0Ab/",
        "/api/meetings/x/y/",
    ],
)
def test_any_other_api_address_is_a_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json" and "detail" in response.json()


def test_a_list_row_reads_as_its_meeting_in_every_order_and_format(client, records):
    make_meeting(
        title="Online meeting",
        slug="online-meeting",
        mode="online",
        country="",
        visiting_country="KH",
        stated_countries=["LA", "VN"],
        organisations=[records["tmac"]],
        date_precision="month",
        date_as_reported="in May",
        editorial_note="The reports disagree on the month.",
    )
    lists = (
        ("/api/meetings/?q=meeting&sort=relevance", ""),
        ("/api/meetings/?format=json&sort=oldest", "?format=json"),
    )
    for url, suffix in lists:
        rows = client.get(url).json()["results"]
        assert "online-meeting" in [row["slug"] for row in rows]
        for row in rows:
            assert row == client.get(f"/api/meetings/{row['slug']}/{suffix}").json(), (url, row["slug"])
    assert rows[0]["url"].endswith("/?format=json")
