"""Detail, profile, pair and index pages: what they show, what they hide, what they cost."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.meeting_index import meeting_index
from events.models import Participation, Person, Position, Status

from .factories import (
    make_delegation,
    make_meeting,
    make_organisation,
    make_person,
    make_source,
    make_topic,
)
from .pages import meeting_titles, notices, soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    """The seed meeting, roughly: a delegation from Azerbaijan meets TMAC, organised by ARMAC."""
    anama = make_organisation(
        name="Mine Action Agency of Azerbaijan", acronym="ANAMA", slug="anama", country="AZ"
    )
    tmac = make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    armac = make_organisation(
        name="ASEAN Regional Mine Action Center", acronym="ARMAC", slug="armac", country="KH"
    )
    suleymanov = make_person(name="Vugar Suleymanov", slug="vugar-suleymanov")
    Position.objects.create(person=suleymanov, organisation=anama, title="Chairman of the Board")
    trip = make_delegation(
        title="Trip to Southeast Asia", slug="trip", head=suleymanov, destination_countries=["TH", "KH"]
    )
    earlier = make_meeting(title="First contact", slug="first-contact", start_date=datetime.date(2023, 5, 1))
    meeting = make_meeting(
        title="ANAMA meets TMAC",
        slug="anama-meets-tmac",
        city="Bangkok",
        venue="TMAC headquarters",
        delegation=trip,
        follow_up_of=earlier,
        organisations=[(tmac, "host"), (armac, "organiser"), (anama, "delegation")],
        topics=[make_topic(name="Joint training", slug="joint-training")],
        sources=[
            make_source(publisher="AzerNews", author="Fatima Latifova", url="https://news.example.org/x")
        ],
        participants=[
            {
                "name_as_written": "V. Suleymanov",
                "person": suleymanov,
                "organisation": anama,
                "title_as_stated": "Chair",
            },
            {"name_as_written": "Rotna But", "organisation": armac, "title_as_stated": "Executive Director"},
        ],
    )
    meeting.outcomes.create(kind="invitation", text="ANAMA invited TMAC to a conference.").parties.set(
        [anama, tmac]
    )
    later = make_meeting(
        title="Second round", slug="second-round", follow_up_of=meeting, organisations=[anama, tmac]
    )
    draft = make_meeting(
        title="Draft visit",
        slug="draft-visit",
        status=Status.DRAFT,
        organisations=[anama, tmac],
        delegation=trip,
    )
    draft_trip = make_delegation(title="Unpublished trip", slug="unpublished-trip", status=Status.DRAFT)
    return locals()


def text_of(response) -> str:
    return soup(response).get_text(" ", strip=True)


def test_meeting_page_shows_everything_recorded(client, seed):
    page = soup(client.get("/meetings/anama-meets-tmac/"))
    text = page.get_text(" ", strip=True)
    assert "Host Thailand Mine Action Centre" in text
    assert "Organiser ASEAN Regional Mine Action Center" in text
    assert "Delegation Trip to Southeast Asia" in text
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.select("#participants ~ table tbody tr")
    ]
    assert rows[0][0] == "V. Suleymanov (Vugar Suleymanov)" and rows[0][1] == "Chair"
    assert rows[1][0] == "Rotna But (not yet identified)" and rows[1][2] == "ARMAC"
    assert "Invitation. ANAMA invited TMAC to a conference." in text
    assert "AzerNews" in text and "by Fatima Latifova" in text
    assert "Follows up First contact" in text
    assert "Followed up by Second round" in text
    related = [a.get_text() for a in page.select("#related ~ ul a")]
    assert related == ["Second round"]  # the draft shares organisations but is hidden


def test_meeting_page_links_every_object(client, seed):
    hrefs = {a["href"] for a in soup(client.get("/meetings/anama-meets-tmac/")).select("main a")}
    for expected in (
        "/organisations/tmac/",
        "/organisations/armac/",
        "/delegations/trip/",
        "/people/vugar-suleymanov/",
        "/topics/joint-training/",
        "/countries/TH/",
        "https://news.example.org/x",
        "/meetings/first-contact/",
    ):
        assert expected in hrefs


def test_drafts_are_invisible_everywhere(client, seed):
    assert client.get("/meetings/draft-visit/").status_code == 404
    assert client.get("/delegations/unpublished-trip/").status_code == 404
    for url in (
        "/",
        "/delegations/",
        "/delegations/trip/",
        "/organisations/anama/",
        "/organisations/anama/with/tmac/",
        "/countries/TH/",
        "/countries/AZ/with/TH/",
        "/topics/",
        "/people/",
        "/organisations/",
        "/countries/",
    ):
        response = client.get(url)
        assert "Draft visit" not in response.content.decode(), url
        assert "Unpublished trip" not in response.content.decode(), url
    assert "Unpublished trip" not in client.get("/delegations/").content.decode()


def test_unknown_slugs_and_codes_are_404(client, seed):
    for url in (
        "/meetings/nope/",
        "/organisations/nope/",
        "/people/nope/",
        "/topics/nope/",
        "/delegations/nope/",
        "/countries/XX/",
        "/countries/AZE/",
        "/organisations/anama/with/nope/",
        "/organisations/anama/with/anama/",
        "/countries/AZ/with/AZ/",
        "/countries/AZ/with/QQ/",
    ):
        assert client.get(url).status_code == 404, url


def test_delegation_page_is_the_trip_in_date_order(client, seed):
    make_meeting(
        title="Earlier stop", delegation=seed["trip"], start_date=datetime.date(2024, 8, 20), country="KH"
    )
    page = client.get("/delegations/trip/")
    assert meeting_titles(page) == ["Earlier stop", "ANAMA meets TMAC"]
    text = text_of(page)
    assert "Head of delegation Vugar Suleymanov" in text
    assert "To Cambodia , Thailand" in text


def test_organisation_profile_shows_partners_people_and_timeline(client, seed):
    page = client.get("/organisations/anama/")
    assert meeting_titles(page) == ["ANAMA meets TMAC", "Second round"] or set(meeting_titles(page)) == {
        "ANAMA meets TMAC",
        "Second round",
    }
    partners = {
        a.get_text(): (a["href"], a.find_next("span").get_text())
        for a in soup(page).select("#partners ~ ul a")
    }
    assert partners == {
        "TMAC": ("/organisations/anama/with/tmac/", "2"),
        "ARMAC": ("/organisations/anama/with/armac/", "1"),
    }
    people = soup(page).select_one("#people ~ ul").get_text(" ", strip=True)
    assert "Vugar Suleymanov" in people


def test_pair_pages_show_the_shared_history(client, seed):
    assert set(meeting_titles(client.get("/organisations/anama/with/tmac/"))) == {
        "ANAMA meets TMAC",
        "Second round",
    }
    assert meeting_titles(client.get("/organisations/armac/with/tmac/")) == ["ANAMA meets TMAC"]
    # Azerbaijan and Thailand: ANAMA (AZ) met in Thailand; Second round was held in TH with ANAMA.
    assert set(meeting_titles(client.get("/countries/az/with/th/"))) == {"ANAMA meets TMAC", "Second round"}


def test_country_page_shows_meetings_delegations_organisations_and_partners(client, seed):
    page = client.get("/countries/TH/")
    text = text_of(page)
    assert "Thailand Mine Action Centre" in text
    assert "Trip to Southeast Asia" in soup(page).select_one("#received ~ ul").get_text()
    partners = [a.get_text() for a in soup(page).select("#partners ~ ul a")]
    assert "Azerbaijan" in partners and "Thailand" not in partners
    assert "Trip to Southeast Asia" in soup(client.get("/countries/AZ/")).select_one("#sent ~ ul").get_text()


def test_person_page_shows_positions_and_meetings_attended(client, seed):
    text = text_of(client.get("/people/vugar-suleymanov/"))
    assert (
        "Chairman of the Board , Mine Action Agency of Azerbaijan" in text or "Chairman of the Board" in text
    )
    assert "ANAMA meets TMAC" in text and "(named as V. Suleymanov)" in text
    assert "Draft visit" not in text


def test_index_pages_list_and_count(client, seed):
    organisations = text_of(client.get("/organisations/?country=TH"))
    assert "Thailand Mine Action Centre" in organisations and "ASEAN" not in organisations
    assert "ASEAN Regional" in text_of(client.get("/organisations/?q=armac"))
    topics = soup(client.get("/topics/"))
    assert "Joint training" in topics.get_text()
    assert "Vugar Suleymanov" in text_of(client.get("/people/?q=suleymanov"))
    countries = text_of(client.get("/countries/"))
    assert "Thailand" in countries and "Azerbaijan" in countries


def test_the_organisation_index_drops_a_bad_filter_with_a_notice_and_keeps_the_rest(client, seed):
    response = client.get("/organisations/?country=TH&country=ZZ&kind=spaceship&q=mine")
    assert response.status_code == 200
    assert notices(response) == [
        "“spaceship” is not a valid kind value and was ignored.",
        "“ZZ” is not a valid country value and was ignored.",
    ]
    names = [a.get_text() for a in soup(response).select("table a[href^='/organisations/']")]
    assert names == ["Thailand Mine Action Centre"]
    # The form shows what applied, and only that.
    form = soup(response).select_one("form.filter-form")
    assert form.select_one("#id_q")["value"] == "mine"
    assert [option["value"] for option in form.select("#id_country option[selected]")] == ["TH"]
    assert form.select("#id_kind option[selected]") == []
    assert notices(client.get("/organisations/?kind=national_authority&country=AZ")) == []


def test_the_people_index_searches_other_spellings_and_says_when_it_shortens_the_search(client, seed):
    person = Person.objects.get(name="Vugar Suleymanov")
    person.other_names.create(name="Vuqar Süleymanov")
    page = soup(client.get("/people/?q=vuqar"))
    assert [a.get_text() for a in page.select("ul.people a")] == ["Vugar Suleymanov"]
    assert page.select_one("#id_q")["value"] == "vuqar"
    response = client.get("/people/?q=" + "suleymanov+" * 12)
    assert notices(response) == ["The search text was shortened to its first 100 characters."]


@pytest.mark.parametrize(
    "url",
    [
        "/organisations/?kind=spaceship",
        "/organisations/?country=ZZ",
        "/organisations/?page=x",
        "/people/?page=99",
        "/delegations/?page=-1",
        "/organisations/anama/?page=abc",
        "/topics/joint-training/?page=1000",
        "/countries/TH/?page=%ff",
        "/people/?q=%ff%fe",
    ],
)
def test_profile_and_index_pages_handle_bad_parameters(client, seed, url):
    assert client.get(url).status_code == 200


def test_nul_characters_are_refused_with_400(client, seed):
    for url in ("/people/?q=%00", "/countries/TH/?page=%00", "/?q=%00%00"):
        assert client.get(url).status_code == 400, url


def add_more_rows(seed, how_many: int) -> None:
    for number in range(how_many):
        organisation = make_organisation(country="TH")
        person = make_person()
        Position.objects.create(person=person, organisation=organisation, title="Officer")
        meeting = make_meeting(
            delegation=seed["trip"],
            country="TH",
            # Each row's city is read with it: a page's queries do not grow with cities either.
            city=("Pattaya", "Chiang Mai", "Khon Kaen")[number % 3],
            venue=f"Hall {number}",
            organisations=[(seed["anama"], "host"), (seed["tmac"], "participant"), organisation],
            topics=[seed["meeting"].topics.first(), make_topic()],
            sources=[make_source()],
            participants=[
                {"name_as_written": f"Person {number}", "person": person, "organisation": seed["anama"]}
            ],
            follow_up_of=seed["meeting"],
        )
        meeting.outcomes.create(kind="other", text="More.").parties.set([organisation])
        Participation.objects.create(
            meeting=seed["meeting"],
            name_as_written=f"Guest {number}",
            person=person,
            organisation=organisation,
        )
        seed["meeting"].organisation_roles.create(organisation=organisation, role="participant")
        seed["trip"].members.add(person)


PAGES = [
    "/",
    "/meetings/anama-meets-tmac/",
    "/delegations/",
    "/delegations/trip/",
    "/organisations/",
    "/organisations/anama/",
    "/organisations/anama/with/tmac/",
    "/countries/",
    "/countries/TH/",
    "/countries/AZ/with/TH/",
    "/people/",
    "/people/vugar-suleymanov/",
    "/topics/",
    "/topics/joint-training/",
]


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_rows(client, seed, django_assert_num_queries, url):
    add_more_rows(seed, 1)
    # The facet index re-reads what changed since it last looked (queries that grow with the writes,
    # not the rows): brought up to date first, each page then reads only the log, once.
    meeting_index()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    assert len(few) <= 14, url  # the data version and the log, then at most 12 for the page
    add_more_rows(seed, 8)
    meeting_index()
    with django_assert_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_a_draft_delegation_stays_hidden_on_its_published_meetings(client):
    delegation = make_delegation(title="Unannounced trip", status=Status.DRAFT)
    meeting = make_meeting(title="Public talks", delegation=delegation)
    for url in ("/", meeting.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Public talks" in page
        assert "Unannounced trip" not in page
        assert delegation.get_absolute_url() not in page
    delegation.status = Status.PUBLISHED
    delegation.save()
    for url in ("/", meeting.get_absolute_url()):
        assert "Unannounced trip" in client.get(url).content.decode()


def test_country_page_count_equals_its_list_for_meetings_held_elsewhere(client):
    # Held in Poland, with a Ukrainian organisation taking part: Ukraine's page must list it.
    ukrainian = make_organisation(name="Ukrainian Demining Centre", slug="udc", country="UA")
    make_meeting(title="Training in Poland", country="PL", organisations=[ukrainian])
    page = client.get("/countries/UA/")
    assert page.context["involving_count"] == 1
    assert meeting_titles(page) == ["Training in Poland"]
    lede = soup(page).select_one(".lede").get_text(" ", strip=True)
    assert lede.startswith("1 published meeting ")


def test_a_rows_summary_shows_its_first_32_words_and_an_ellipsis(client):
    long = " ".join(f"word{n}" for n in range(40))
    make_meeting(title="Long", summary=long, start_date=datetime.date(2024, 1, 2))
    make_meeting(title="Short", summary="Cleared  fields\nhanded over.", start_date=datetime.date(2024, 1, 1))
    summaries = [p.get_text() for p in soup(client.get("/")).select(".meeting-summary")]
    assert summaries == [" ".join(f"word{n}" for n in range(32)) + " …", "Cleared fields handed over."]
