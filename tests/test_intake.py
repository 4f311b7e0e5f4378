"""Drafting a meeting from a news article: the reading functions, then the admin page.

The texts here are written for these tests; they exercise what real reports
do (acronyms in brackets, titles before and after names, ranks, variant and
transliterated spellings). The seed article itself is read from the shared
folder when it is there, never copied into the repository.
"""

import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.urls import reverse

from events import intake
from events.models import DatePrecision, Delegation, Meeting, Organisation, Source, Status

from .factories import make_organisation, make_person, make_source
from .forms import form_values

pytestmark = pytest.mark.django_db

SEED_ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "seed-article.txt"

VISIT = """Phnom Penh, 14 March 2024 (Example Wire) - A delegation from the Mine Action Agency of the \
Republic of Azerbaijan, led by Vuqar Suleymanov, Chairman of the Board of ANAMA, visited the Cambodian \
Mine Action Center (CMAC) on Tuesday.

Dr. Prum Sofeakmonkul, Deputy Director General of CMAC, briefed the Azerbaijani guests on land release \
and explosive ordnance risk education. Heng Ratana, the Director General of the Cambodian Mine Action \
Centre, said the two agencies would hold a joint training course for deminers next year.

Representatives of the Geneva International Centre for Humanitarian Demining (GICHD) and of The Halo \
Trust (HALO) also attended. Lt Gen Ly Thuch, Senior Minister and First Vice-President of the Cambodian \
Mine Action and Victim Assistance Authority (CMAA), thanked ANAMA for its technical support and \
capacity development."""


@pytest.fixture
def known():
    """Records as the demo data has them, with other spellings where reports use them."""
    anama = make_organisation(
        name="Mine Action Agency of the Republic of Azerbaijan", acronym="ANAMA", slug="anama"
    )
    anama.other_names.create(name="Azerbaijan National Agency for Mine Action")
    cmac = make_organisation(name="Cambodian Mine Action Centre", acronym="CMAC", slug="cmac", country="KH")
    cmac.other_names.create(name="Cambodia Mine Clearance Center")
    suleymanov = make_person(name="Vugar Suleymanov", slug="vugar-suleymanov")
    prum = make_person(name="Prum Sophakmonkol", slug="prum-sophakmonkol")
    prum.other_names.create(name="Prum Sophakmokol")
    prum.positions.create(title="Deputy Director General", organisation=cmac)
    return {"anama": anama, "cmac": cmac, "suleymanov": suleymanov, "prum": prum}


def place_anama_in_azerbaijan(known, **fields) -> None:
    """ANAMA as a body of Azerbaijan (the fixture's has no country), with any other ``fields``."""
    known["anama"].country = "AZ"
    for name, value in fields.items():
        setattr(known["anama"], name, value)
    known["anama"].save()


# --- The whole report ------------------------------------------------------------


def propose(text, published_on, **article):
    values = {"url": "https://wire.example.org/visit", "publisher": "Example Wire"}
    values.update(article)
    return intake.propose(intake.Article(published_on=published_on, text=text, **values))


def test_a_visit_report_is_drafted_with_sides_people_and_evidence(known):
    result = propose(VISIT, datetime.date(2024, 3, 14))
    roles = {f.label: f.role for f in result.organisations}
    assert roles == {
        "ANAMA": "delegation",
        "CMAC": "host",
        "Geneva International Centre for Humanitarian Demining (GICHD)": "participant",
        "Halo Trust (HALO)": "participant",
        "Cambodian Mine Action and Victim Assistance Authority (CMAA)": "participant",
    }
    people = {p.name: p for p in result.participants}
    assert set(people) == {"Vuqar Suleymanov", "Prum Sofeakmonkul", "Heng Ratana", "Ly Thuch"}
    assert people["Vuqar Suleymanov"].person == known["suleymanov"]
    assert people["Vuqar Suleymanov"].role == "head_of_delegation"
    assert people["Vuqar Suleymanov"].organisation == known["anama"]
    assert people["Prum Sofeakmonkul"].person == known["prum"]
    assert people["Prum Sofeakmonkul"].title_as_stated == "Deputy Director General of CMAC"
    assert (people["Heng Ratana"].person, people["Heng Ratana"].role) == (None, "host")
    assert (result.country, result.sending_country) == ("KH", "AZ")
    assert (result.date.start, result.date.precision) == (datetime.date(2024, 3, 12), DatePrecision.DAY)
    assert result.date.evidence.startswith("A delegation from the Mine Action Agency")
    assert (result.kind, result.title) == ("bilateral", "ANAMA delegation meets CMAC")
    assert [o.kind for o in result.outcomes] == ["joint_training"]


def test_a_body_named_again_as_the_centre_or_the_service_is_the_one_named_before(known):
    make_organisation(
        name="Geneva International Centre for Humanitarian Demining",
        acronym="GICHD",
        slug="gichd",
        country="CH",
    )
    make_organisation(
        name="State Emergency Service of Ukraine",
        acronym="SESU",
        slug="sesu",
        country="UA",
        kind="government",
    )
    text = (
        "Specialists of the State Emergency Service of Ukraine (SESU) and the Geneva International Centre "
        "for Humanitarian Demining (GICHD) met in Kyiv on Tuesday. The Centre was represented by Marc "
        "Favre, its Head of Land Release. The Service's team was led by its Deputy Head, Oleksandr Kravets. "
        "The Centre also offered to lend the Service its survey software."
    )
    result = propose(text, datetime.date(2025, 4, 9))
    people = {p.name: p for p in result.participants}
    assert people["Marc Favre"].organisation.acronym == "GICHD"
    assert (people["Oleksandr Kravets"].organisation.acronym, people["Oleksandr Kravets"].role) == (
        "SESU",
        "host",
    )
    assert {f.label: f.role for f in result.organisations} == {"SESU": "host", "GICHD": "delegation"}
    parties = {f.key: f.organisation.acronym for f in result.organisations}
    assert [(o.kind, {parties[k] for k in o.parties}) for o in result.outcomes] == [
        ("assistance_offered", {"GICHD", "SESU"})
    ]


def test_in_a_bulletin_the_item_telling_of_a_meeting_is_the_news(known):
    text = (
        "Survey. ANAMA said on Monday that 1,840 hectares had been cleared in August.\n\n"
        "Casualty. A driver was hurt near Tartar on 2 September, the Ministry of Internal Affairs said.\n\n"
        "Talks. ANAMA's Chairman of the Board, Vugar Suleymanov, received a CMAC delegation in Baku on "
        "3 September.\n\nVacancy. The GICHD is hiring an adviser; applications close on 30 September."
    )
    result = propose(text, datetime.date(2025, 9, 5))
    assert (result.date.start, result.kind, result.city) == (datetime.date(2025, 9, 3), "bilateral", "Baku")
    assert {f.label for f in result.organisations} == {"ANAMA", "CMAC"}


def test_a_visit_announced_before_it_happens_is_dated_and_peopled_as_announced(known):
    text = (
        "Baku, 27 October 2025 – A delegation of the Cambodian Mine Action Centre (CMAC) will visit "
        "Azerbaijan from 3 to 6 November at the invitation of ANAMA, the agency announced on Monday. It is "
        "due to hold talks with the Chairman of the Board of ANAMA, Vugar Suleymanov."
    )
    result = propose(text, datetime.date(2025, 10, 27))
    assert (result.date.start, result.date.end) == (datetime.date(2025, 11, 3), datetime.date(2025, 11, 6))
    assert [p.name for p in result.participants] == ["Vugar Suleymanov"]
    assert result.also_mentioned_people == []


CONFERENCE = """Baku, 24 May (Example Wire). The Second International Conference on Mine Action \
Innovations took place in Baku on 22-23 May, organised by ANAMA with the financial support of the \
United Nations Development Programme (UNDP). Cambodian Mine Action Centre Director General Heng Ratana \
and UNDP Resident Representative Anna Example spoke about new technologies and victim assistance."""


def test_a_conference_report_gives_organiser_funder_place_and_range(known):
    make_organisation(
        name="United Nations Development Programme", acronym="UNDP", slug="undp", kind="un_agency"
    )
    result = propose(CONFERENCE, datetime.date(2023, 5, 24))
    assert result.kind == "conference"
    assert (result.country, result.city) == ("AZ", "Baku")
    assert (result.date.start, result.date.end) == (datetime.date(2023, 5, 22), datetime.date(2023, 5, 23))
    roles = {f.label: f.role for f in result.organisations}
    assert roles == {"ANAMA": "organiser", "UNDP": "funder", "CMAC": "participant"}
    titles = {p.name: p.title for p in result.participants}
    assert titles == {
        "Heng Ratana": "Cambodian Mine Action Centre Director General",
        "Anna Example": "UNDP Resident Representative",
    }


BACKGROUND = """Baku, 14 March 2024 - The Cambodian Mine Action Centre (CMAC) received an ANAMA \
delegation led by Vugar Suleymanov, Chairman of the Board of ANAMA, on Tuesday.

In 2021, Samir Poladov, Deputy Chairman of ANAMA, met Prum Sofeakmonkul, Deputy Director General of CMAC, \
at a conference organised by the Geneva International Centre for Humanitarian Demining (GICHD). Mr Poladov \
spoke there about clearance.

Mr Suleymanov thanked CMAC."""


def test_people_named_only_in_background_are_also_mentioned_never_participants(known):
    result = propose(BACKGROUND, datetime.date(2024, 3, 14))
    assert [p.name for p in result.participants] == ["Vugar Suleymanov"]  # "Mr Suleymanov" is him
    assert {p.name for p in result.also_mentioned_people} == {"Samir Poladov", "Prum Sofeakmonkul"}
    assert [f.label for f in result.also_mentioned_organisations] == [
        "Geneva International Centre for Humanitarian Demining (GICHD)"
    ]
    assert {f.label for f in result.organisations} == {"ANAMA", "CMAC"}


def test_heads_of_state_named_for_greetings_or_leadership_are_not_participants(known):
    text = (
        "Phnom Penh (AKP) - Heng Ratana, Director General of CMAC, received Vuqar Suleymanov, Chairman "
        "of the Board of ANAMA, yesterday. Mr Suleymanov conveyed the greetings of H.E. Ilham Aliyev, "
        "President of the Republic of Azerbaijan, to Samdech Thipadei Hun Manet, Prime Minister of the "
        "Kingdom of Cambodia.\n\nHeng Ratana said that, under the leadership of Samdech Thipadei Hun Manet, "
        "clearance would be finished soon. Its President, Ilham Aliyev, has repeatedly called for help.\n\n"
        "The address of President Ilham Aliyev was read out. The next day, the delegation is to visit "
        "Battambang, where Samir Poladov will join it."
    )
    result = propose(text, datetime.date(2024, 3, 14))
    assert {p.name for p in result.participants} == {"Heng Ratana", "Vuqar Suleymanov"}
    assert {p.name for p in result.also_mentioned_people} == {"Ilham Aliyev", "Hun Manet"}


def test_the_one_received_is_the_visitor_and_a_passive_host_stays_the_host(known):
    received = propose(
        "Phnom Penh, 14 March 2024 - Heng Ratana, Director General of CMAC, received Vuqar Suleymanov, "
        "Chairman of the Board of ANAMA, at CMAC headquarters.",
        datetime.date(2024, 3, 14),
    )
    assert {f.label: f.role for f in received.organisations} == {"CMAC": "host", "ANAMA": "delegation"}
    passive = propose(
        "Phnom Penh, 14 March 2024 - The delegation, which included Mr. Vuqar Suleymanov, Chairman of the "
        "Board of ANAMA, and Mr. Samir Poladov, Deputy Chairman of ANAMA, was received by Mr. Heng Ratana, "
        "Director General of CMAC.",
        datetime.date(2024, 3, 14),
    )
    assert {f.label: f.role for f in passive.organisations} == {"CMAC": "host", "ANAMA": "delegation"}


def test_an_organisation_invited_to_a_later_event_is_only_mentioned(known):
    result = propose(
        "Phnom Penh, 14 March 2024 - Heng Ratana, Director General of CMAC, met Vuqar Suleymanov, "
        "Chairman of the Board of ANAMA. He invited the Geneva International Centre for Humanitarian "
        "Demining (GICHD) to a conference in November.",
        datetime.date(2024, 3, 14),
    )
    assert "Geneva International Centre for Humanitarian Demining (GICHD)" in {
        f.label for f in result.also_mentioned_organisations
    }
    assert {f.label for f in result.organisations} == {"CMAC", "ANAMA"}


def test_a_witness_of_a_signing_is_no_signatory_and_the_projects_funder_is_the_funder(known):
    make_organisation(
        name="Cambodian Mine Action and Victim Assistance Authority",
        acronym="CMAA",
        slug="cmaa",
        country="KH",
    )
    make_organisation(name="Swiss Agency for Development and Cooperation", acronym="SDC", slug="sdc")
    result = propose(
        "Phnom Penh, 7 March 2025 - CMAC and ANAMA signed an agreement today in the presence of Senior "
        "Minister Ly Thuch of the Cambodian Mine Action and Victim Assistance Authority (CMAA).\n\n"
        "The project is funded by the Swiss Agency for Development and Cooperation (SDC).",
        datetime.date(2025, 3, 7),
    )
    roles = {f.organisation.slug: f.role for f in result.organisations}
    assert roles == {"cmac": "signatory", "anama": "signatory", "cmaa": "participant", "sdc": "funder"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Officials met here on Monday.\n\nThe high-level meeting, hosted by CMAC, discussed funding.",
            "conference",
        ),
        ("ANAMA held a video conference today with CMAC on survey records.", "bilateral"),
        ("On the margins of the Oslo Summit on mines, ANAMA met CMAC.", "bilateral"),
        ("A team from CMAC, known for training deminers, has visited ANAMA in Baku.", "bilateral"),
        (
            "CMAC welcomed the delegation of ANAMA.\n\nAt the CMAC Training Centre, the guests observed a "
            "demonstration of mine detection dogs.",
            "site_visit",
        ),
        ("CMAC and ANAMA held a roundtable on survey data with three ministries.", "multilateral"),
        ("CMAC hosted a study visit by a delegation of ANAMA to its headquarters.", "site_visit"),
        ("The Minister paid a courtesy call on the Director General of CMAC.", "bilateral"),
        (
            "CMAC received a delegation of ANAMA, which is in Cambodia for a regional conference, and "
            "presented its work.",
            "bilateral",
        ),
    ],
)
def test_the_kind_is_the_event_reported_not_a_word_in_passing(known, text, kind):
    assert propose(f"PHNOM PENH, March 14 - {text}", datetime.date(2024, 3, 14)).kind == kind


def test_a_meeting_told_inside_a_story_about_something_else_is_the_news(known):
    text = (
        "Clearance news, March 2024\n\nThe survey project of the Cambodian Mine Action Centre (CMAC) has "
        "returned 300 hectares to farmers. Families now grow rice there.\n\nOn 12 March, CMAC's Director "
        "General Heng Ratana received a delegation of ANAMA in Phnom Penh.\n\nThe project ends in June."
    )
    result = propose(text, datetime.date(2024, 3, 14))
    assert result.report.lead.text.startswith("On 12 March")
    assert (result.kind, result.country, result.date.start) == ("bilateral", "KH", datetime.date(2024, 3, 12))


def test_a_guest_at_a_signing_signs_nothing_and_bodies_opening_a_workshop_organise_it(known):
    make_organisation(name="Mines Advisory Group", acronym="MAG", slug="mag", country="GB")
    make_organisation(name="United Nations Development Programme", acronym="UNDP", slug="undp")
    signing = propose(
        "BAKU, 22 May 2025 - MAG and ANAMA today signed a memorandum of understanding on risk education.\n\n"
        "The signing ceremony was attended by UNDP Resident Representative Ann Example.",
        datetime.date(2025, 5, 22),
    )
    assert {f.label: f.role for f in signing.organisations} == {
        "MAG": "signatory",
        "ANAMA": "signatory",
        "UNDP": "participant",
    }
    workshop = propose(
        "SIEM REAP, 14 March 2024 - CMAC and ANAMA opened a three-day regional workshop on survey on 12 "
        "March.\n\nIt is funded by ANAMA.",
        datetime.date(2024, 3, 14),
    )
    assert {f.label: f.role for f in workshop.organisations} == {"CMAC": "organiser", "ANAMA": "organiser"}
    assert (workshop.date.start, workshop.date.end) == (
        datetime.date(2024, 3, 12),
        datetime.date(2024, 3, 14),
    )


def test_who_accompanies_the_visitors_is_of_the_delegation(known):
    result = propose(
        "PHNOM PENH, 14 March 2024 - A delegation of ANAMA visited CMAC on 12 March.\n\nThe delegation was "
        "accompanied by Ann Example, First Secretary of the Embassy of Azerbaijan in Cambodia.",
        datetime.date(2024, 3, 14),
    )
    roles = {f.label: f.role for f in result.organisations}
    assert roles["Embassy of Azerbaijan in Cambodia"] == "delegation"


def test_the_side_whose_team_is_visiting_or_who_arrived_is_the_visitor(known):
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    place_anama_in_azerbaijan(known)
    team = propose(
        "The Director General of TMAC, Ann Example, on Wednesday held talks with a visiting ANAMA team "
        "led by Vugar Suleymanov in Bangkok.",
        datetime.date(2025, 3, 14),
    )
    assert {f.label: f.role for f in team.organisations} == {"TMAC": "host", "ANAMA": "delegation"}
    arrived = propose(
        "Vugar Suleymanov, Chairman of the Board of ANAMA, who arrived in Thailand on Monday, held talks "
        "with TMAC Director General Ann Example on Wednesday.",
        datetime.date(2025, 3, 14),
    )
    assert (arrived.country, arrived.date.start) == ("TH", datetime.date(2025, 3, 12))
    assert {f.label: f.role for f in arrived.organisations} == {"TMAC": "host", "ANAMA": "delegation"}


def test_what_we_or_the_participants_agreed_is_agreed_by_the_event_sides(known):
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    result = propose(
        "On 12 March 2025 TMAC received a delegation of ANAMA in Bangkok.\n\n"
        "We agreed to exchange instructors for training courses next year.",
        datetime.date(2025, 3, 14),
        publisher="Thailand Mine Action Centre",
    )
    training = [o for o in result.outcomes if o.kind == "joint_training"]
    assert len(training) == 1
    assert {result_key[1] for result_key in training[0].parties} == {
        known["anama"].pk,
        Organisation.objects.get(slug="tmac").pk,
    }


def test_a_signing_abroad_on_a_working_visit_is_a_trip_of_the_side_from_another_country(known):
    make_organisation(
        name="Geneva International Centre for Humanitarian Demining",
        acronym="GICHD",
        slug="gichd",
        country="CH",
    )
    place_anama_in_azerbaijan(known, kind="national_authority")
    result = propose(
        "GENEVA, 3 October 2025 - ANAMA and GICHD signed an agreement on Thursday in Geneva.\n\nIt was "
        "signed by Vugar Suleymanov, who is on a working visit to Switzerland, and by Ann Example of GICHD.",
        datetime.date(2025, 10, 3),
    )
    assert result.trip is not None and (result.trip.delegation, result.trip.sending_country) == (None, "AZ")


@pytest.mark.parametrize(
    "background",
    [
        "The agencies' cooperation dates back to 2019, when Prum Sophakmonkol signed a memorandum with CMAC.",
        "Last November, Prum Sophakmonkol took part in a conference in Baku.",
        "It was the second visit of an ANAMA delegation to Cambodia; the first was led by Prum Sophakmonkol.",
        "Prum Sophakmonkol headed the previous round of talks with CMAC.",
        "The two agencies have cooperated since Prum Sophakmonkol visited Phnom Penh.",
        "The visit comes three years after talks between Prum Sophakmonkol and ANAMA in Geneva.",
        "Prum Sophakmonkol and the Chairman last met in Geneva.",
        "Ties were built during a 2021 visit by Prum Sophakmonkol.",
        "Prum Sophakmonkol, then Deputy Director General, signed the first memorandum.",
        "The centres signed their first memorandum when Prum Sophakmonkol led CMAC.",
    ],
)
def test_people_of_an_earlier_event_told_without_its_date_are_only_mentioned(known, background):
    text = (
        "PHNOM PENH, 14 March 2025 - Heng Ratana, Director General of CMAC, received a delegation of ANAMA "
        f"led by Vugar Suleymanov on Wednesday.\n\nThey discussed border clearance.\n\n{background}"
    )
    result = propose(text, datetime.date(2025, 3, 14))
    assert known["prum"] not in {p.person for p in result.participants}
    assert known["prum"] in {p.person for p in result.also_mentioned_people}


def test_the_subject_after_a_hosting_phrase_hosts_and_a_visit_to_the_dateline_country_is_in_its_city(known):
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    hosting = propose(
        "Hosting the delegation of TMAC on Wednesday, Heng Ratana, Director General of CMAC, said the border "
        "would be cleared by 2030.",
        datetime.date(2025, 3, 14),
    )
    assert hosting.kind == "bilateral"
    assert {f.label: f.role for f in hosting.organisations} == {"TMAC": "delegation", "CMAC": "host"}
    place_anama_in_azerbaijan(known)
    visit = propose(
        "BAKU, 14 March 2025 - A delegation led by Heng Ratana, Director General of CMAC, is on a working "
        "visit to Azerbaijan. On Wednesday it held talks at ANAMA.",
        datetime.date(2025, 3, 14),
    )
    assert (visit.country, visit.city) == ("AZ", "Baku")


def test_an_online_meeting_has_no_place(known):
    result = propose(
        "PHNOM PENH, March 14 - CMAC and ANAMA held an online consultation on Tuesday.",
        datetime.date(2024, 3, 14),
    )
    assert (result.country, result.city) == ("", "")


def test_a_dateline_and_term_abbreviations_are_never_organisations(known):
    text = (
        "BAKU, Dec. 16 (Trend) - ANAMA and CMAC signed an MoU on clearing ERW, UXO and EO, "
        "and on training for NGO staff."
    )
    result = propose(text, datetime.date(2021, 12, 16), publisher="Trend")
    assert {f.label for f in result.organisations} == {"ANAMA", "CMAC"}
    assert (result.kind, result.date.precision) == ("agreement", DatePrecision.ON_OR_BEFORE)
    assert {f.role for f in result.organisations} == {"signatory"}


def test_a_known_address_is_reported_before_drafting(known):
    source = make_source(url="https://wire.example.org/visit/", publisher="Example Wire")
    meeting = Meeting.objects.create(
        title="Earlier record", slug="earlier", start_date=datetime.date(2024, 3, 12)
    )
    meeting.sources.add(source)
    result = propose(VISIT, datetime.date(2024, 3, 14), url="http://www.wire.example.org/visit")
    assert result.recorded_meetings == [meeting]


# --- The admin page ----------------------------------------------------------------


def submit_article(client, **overrides):
    data = {
        "url": "https://wire.example.org/visit",
        "publisher": "Example Wire",
        "published_on": "2024-03-14",
        "language": "en",
        "text": VISIT,
    }
    data.update(overrides)
    return client.post(reverse("admin:events_meeting_from_article"), data)


def test_the_meeting_list_links_to_the_article_page(as_editor):
    page = as_editor.get(reverse("admin:events_meeting_changelist")).content.decode()
    links = {
        a.get_text(strip=True): a["href"] for a in BeautifulSoup(page, "html.parser").find_all("a", href=True)
    }
    assert links["New meeting from an article"] == reverse("admin:events_meeting_from_article")


def test_an_editor_drafts_a_meeting_from_an_article(as_editor, editor, known):
    response = submit_article(as_editor)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_meeting_change", args=[meeting.pk])
    assert (meeting.status, meeting.title, meeting.country.code) == (
        Status.DRAFT,
        "ANAMA delegation meets CMAC",
        "KH",
    )
    assert meeting.start_date == datetime.date(2024, 3, 12)
    source = meeting.sources.get()
    assert (source.url, source.publisher, source.published_on) == (
        "https://wire.example.org/visit",
        "Example Wire",
        datetime.date(2024, 3, 14),
    )
    assert {(link.organisation.acronym, link.role) for link in meeting.organisation_roles.all()} == {
        ("ANAMA", "delegation"),
        ("CMAC", "host"),
    }
    participants = list(
        meeting.participations.values_list("name_as_written", "person__name", "title_as_stated")
    )
    assert participants[0] == ("Vuqar Suleymanov", "Vugar Suleymanov", "Chairman of the Board of ANAMA")
    assert ("Heng Ratana", None, "Director General of the Cambodian Mine Action Centre") in participants
    assert {"training", "capacity-building", "technical-assistance"} <= set(
        meeting.topics.values_list("slug", flat=True)
    )
    assert "Heng Ratana" in meeting.search_document
    assert meeting.history.first().history_user == editor
    # The visiting delegation is drafted too, linking Azerbaijan to the visit.
    trip = meeting.delegation
    assert (trip.status, trip.sending_country.code, [c.code for c in trip.destination_countries]) == (
        Status.DRAFT,
        "AZ",
        ["KH"],
    )
    assert trip.head == known["suleymanov"]
    assert list(trip.sources.all()) == [source]

    # The change form opens with a summary of what was found and what is left.
    page = as_editor.get(response["Location"])
    flashed = " ".join(str(message) for message in get_messages(page.wsgi_request))
    assert "Drafted “ANAMA delegation meets CMAC” from the article." in flashed
    shown = BeautifulSoup(page.content, "html.parser").select_one("#intake-summary").get_text()
    assert "Drafted “ANAMA delegation meets CMAC” from the article. Added the article as a source." in shown
    assert "ANAMA (visiting delegation, as “Mine Action Agency of the Republic of Azerbaijan”)" in shown
    assert "countries: Azerbaijan, Cambodia" in shown
    assert "Vuqar Suleymanov = Vugar Suleymanov (Chairman of the Board of ANAMA)" in shown


def test_unknown_organisations_are_one_click_from_being_created_and_added(as_editor, known):
    response = submit_article(as_editor)
    meeting = Meeting.objects.get()
    page = as_editor.get(response["Location"])
    summary = BeautifulSoup(page.content, "html.parser").select_one("#intake-summary")
    links = {a.get_text(): a["href"] for a in summary.find_all("a")}
    link = links["Halo Trust (HALO)"]
    assert urlsplit(link).path == reverse("admin:events_organisation_add")
    assert parse_qs(urlsplit(link).query) == {
        "name": ["Halo Trust"],
        "acronym": ["HALO"],
        "slug": ["halo"],
        "for_meeting": [str(meeting.pk)],
    }
    add_form = as_editor.get(link)
    data = form_values(add_form.content.decode(), form_id="organisation_form")
    assert (data["name"], data["acronym"], data["slug"]) == (["Halo Trust"], ["HALO"], ["halo"])
    data["kind"] = ["ngo"]
    response = as_editor.post(link, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_meeting_change", args=[meeting.pk])
    assert meeting.organisation_roles.filter(organisation__acronym="HALO").exists()


def test_an_unknown_participant_is_one_click_from_being_a_known_person(as_editor, known):
    response = submit_article(as_editor)
    meeting = Meeting.objects.get()
    page = BeautifulSoup(as_editor.get(response["Location"]).content, "html.parser")
    link = next(a["href"] for a in page.select("#intake-summary a") if a.get_text() == "Heng Ratana")
    data = form_values(as_editor.get(link).content.decode(), form_id="person_form")
    assert data["name"] == ["Heng Ratana"]
    assert as_editor.post(link, data).status_code == 302
    assert meeting.participations.get(name_as_written="Heng Ratana").person.name == "Heng Ratana"


def test_a_known_article_is_found_not_added_again_and_the_duplicate_is_pointed_out(as_editor, known):
    existing_source = make_source(url="https://wire.example.org/visit/", publisher="Example Wire")
    first = Meeting.objects.create(
        title="Earlier record", slug="earlier", start_date=datetime.date(2024, 3, 12)
    )
    first.sources.add(existing_source)
    # The page asks first (tests/test_article_page.py); the editor drafts it anyway.
    response = submit_article(as_editor, url="http://www.wire.example.org/visit", draft_anyway="on")
    assert Source.objects.count() == 1
    draft = Meeting.objects.exclude(pk=first.pk).get()
    assert list(draft.sources.all()) == [existing_source]
    page = as_editor.get(response["Location"])
    shown = BeautifulSoup(page.content, "html.parser").select_one("#intake-summary").get_text()
    assert "Found the article among the sources" in shown
    assert "This may be a meeting that is already recorded" in shown and "Earlier record" in shown


def test_an_existing_trip_is_linked_rather_than_drafted_again(as_editor, known):
    trip = Delegation.objects.create(
        title="ANAMA in Cambodia",
        slug="anama-in-cambodia",
        sending_country="AZ",
        start_date=datetime.date(2024, 3, 10),
        end_date=datetime.date(2024, 3, 15),
    )
    submit_article(as_editor)
    assert Meeting.objects.get().delegation == trip
    assert Delegation.objects.count() == 1


def test_at_the_invitation_of_a_body_it_receives_the_visitor(known):
    make_organisation(name="Conference on Interaction in Asia", acronym="CICA", slug="cica", country="")
    result = propose(
        "BAKU, March 13 (APA) - At the invitation of the Mine Action Agency of the Republic of Azerbaijan "
        "(ANAMA), Kairat Sarybay, Secretary General of the Conference on Interaction in Asia (CICA), "
        "visited the agency on Wednesday.\n\nPrime Minister Ali Asadov has set the goal of a clear "
        "country, and both sides agreed.",
        datetime.date(2025, 3, 13),
    )
    assert {f.label: f.role for f in result.organisations} == {"ANAMA": "host", "CICA": "delegation"}
    assert (result.date.start, result.date.precision) == (datetime.date(2025, 3, 12), DatePrecision.DAY)
    # A standing statement of someone not at the meeting: spoken of, not a participant.
    assert [p.name for p in result.participants] == ["Kairat Sarybay"]
    assert [p.name for p in result.also_mentioned_people] == ["Ali Asadov"]


def test_a_meeting_within_a_conference_has_its_own_day_and_the_foreign_body_is_the_visitor(known):
    make_organisation(name="Mine Action Centre of the Republic of Serbia", acronym="", country="RS")
    result = propose(
        "BAKU, 18 November - Within the framework of the international conference, which is held in Baku "
        "on 16-18 November, the chairman of the Board of the Mine Action Agency of the Republic of "
        "Azerbaijan Vugar Suleymanov met on Thursday with the director of the Mine Action Centre of the "
        "Republic of Serbia Sladjana Kosutic.",
        datetime.date(2022, 11, 18),
    )
    assert result.kind == "bilateral"
    assert (result.date.start, result.date.end) == (datetime.date(2022, 11, 17), None)
    assert {f.label: f.role for f in result.organisations} == {
        "ANAMA": "host",
        "Mine Action Centre of the Republic of Serbia": "delegation",
    }
    assert {p.name: p.title_as_stated for p in result.participants} == {
        "Vugar Suleymanov": "chairman of the Board of the Mine Action Agency of the Republic of Azerbaijan",
        "Sladjana Kosutic": "director of the Mine Action Centre of the Republic of Serbia",
    }


def test_a_delegation_composed_of_several_bodies_and_a_conference_at_a_venue(known):
    make_organisation(name="ASEAN Regional Mine Action Center", acronym="ARMAC", slug="armac", country="KH")
    make_organisation(
        name="Brussels Diplomatic Academy", acronym="", kind="research", country="BE", slug="bda"
    )
    visit = propose(
        "Phnom Penh, August 29, 2024 AKP --\n\nThe Cambodian Mine Action Centre (CMAC) welcomed on "
        "27-28 August 2024 the delegation of Azerbaijan to its demining sites.\n\nThe delegation, also "
        "composed of Vugar Suleymanov, Chairman of the Board of ANAMA, and of officials of the ASEAN "
        "Regional Mine Action Center (ARMAC), was guided by CMAC staff.",
        datetime.date(2024, 8, 29),
    )
    assert visit.kind == "site_visit"
    assert (visit.date.start, visit.date.end) == (datetime.date(2024, 8, 27), datetime.date(2024, 8, 28))
    assert {f.label: f.role for f in visit.organisations} == {
        "CMAC": "host",
        "ANAMA": "delegation",
        "ARMAC": "delegation",
    }
    conference = propose(
        "An Azerbaijani delegation recently took part in a conference at the Brussels Diplomatic Academy.",
        datetime.date(2024, 7, 5),
    )
    assert (conference.country, conference.city) == ("BE", "Brussels")
    town = propose(
        "A delegation of ANAMA visited the agency's depot in Capellen, Luxembourg, on Tuesday.",
        datetime.date(2024, 9, 26),
    )
    assert (town.country, town.city) == ("LU", "Capellen")


def test_at_a_conference_those_who_open_or_address_it_are_speakers(known):
    result = propose(
        "Baku, 14 March 2024 - ANAMA organised an international conference on mine action in Baku today."
        "\n\nThe conference was opened by Heng Ratana, Director General of CMAC. Ali Karimov, Chief of Staff "
        "of the Cabinet, addressed the participants. Lale Aliyeva, Deputy Director of CMAC, attended.",
        datetime.date(2024, 3, 14),
    )
    assert result.kind == "conference"
    assert {p.name: p.role for p in result.participants} == {
        "Heng Ratana": "speaker",
        "Ali Karimov": "speaker",
        "Lale Aliyeva": "participant",
    }


def test_delegations_of_many_countries_meet_and_a_message_read_out_is_from_someone_absent(known):
    result = propose(
        "PHNOM PENH, May 21 (Xinhua) -- Mine action officials met here on Tuesday.\n\nThe meeting was "
        "hosted by the Cambodian Mine Action Centre (CMAC). Delegations from Cambodia, Laos, Thailand and "
        "Viet Nam presented their plans.\n\nIn a message read out at the opening, Prime Minister Hun Manet "
        "said Cambodia would share its experience.",
        datetime.date(2025, 5, 21),
    )
    assert result.kind == "multilateral"
    assert [p.name for p in result.participants] == []
    assert [p.name for p in result.also_mentioned_people] == ["Hun Manet"]


def test_an_online_webinar_is_a_conference_and_a_visit_to_our_country_is_a_trip(known):
    webinar = propose(
        "CMAC held an online webinar on demining on 10 October 2024.\n\nSpeakers included Heng Ratana, "
        "Director General of CMAC, and Vugar Suleymanov, Chairman of the Board of ANAMA.",
        datetime.date(2024, 10, 11),
    )
    assert (webinar.kind, webinar.country) == ("conference", "")
    make_organisation(name="Bosnia and Herzegovina Mine Action Centre", acronym="BHMAC", country="BA")
    visit = propose(
        "Baku, 13 September 2024, AZERTAC\n\nDirector of the Bosnia and Herzegovina Mine Action Centre "
        "(BHMAC) Sasa Obradovic, who paid an official visit to our country, on 12 September was received "
        "at the Mine Action Agency of the Republic of Azerbaijan (ANAMA).",
        datetime.date(2024, 9, 13),
    )
    assert {f.label: f.role for f in visit.organisations} == {"BHMAC": "delegation", "ANAMA": "host"}
    assert (visit.country, visit.city) == ("AZ", "Baku")
    assert (visit.trip.delegation, visit.trip.sending_country) == (None, "BA")


def test_the_funder_of_the_project_discussed_is_the_funder(known):
    make_organisation(name="ASEAN-Korea Cooperation Fund", acronym="AKCF", slug="akcf", country="")
    result = propose(
        "Phnom Penh, 20 February 2024 - Heng Ratana, Director General of CMAC, received Vuqar Suleymanov, "
        "Chairman of the Board of ANAMA.\n\nThe two discussed the project, which CMAC implements with "
        "funding from the ASEAN-Korea Cooperation Fund (AKCF).",
        datetime.date(2024, 2, 20),
    )
    assert {f.label: f.role for f in result.organisations}["AKCF"] == "funder"


def test_two_ministries_holding_talks_in_one_capital_and_a_course_given_by_one_to_the_other(known):
    make_organisation(
        name="Ministry of Foreign Affairs of Cambodia", acronym="MFAIC", slug="mfaic", country="KH"
    )
    make_organisation(
        name="Ministry of Foreign Affairs of Azerbaijan", acronym="", slug="az-mfa", kind="government"
    )
    talks = propose(
        "The Ministry of Foreign Affairs of Cambodia (MFAIC) and the Ministry of Foreign Affairs of "
        "Azerbaijan held political consultations in Phnom Penh on 10 June 2024.\n\nThe Cambodian side was "
        "led by Chem Widhya, Secretary of State, and the Azerbaijani side by Elnur Mammadov, "
        "Deputy Minister.",
        datetime.date(2024, 6, 11),
    )
    assert {f.label: f.role for f in talks.organisations} == {
        "MFAIC": "host",
        "Ministry of Foreign Affairs of Azerbaijan": "delegation",
    }
    assert (talks.trip.delegation, talks.trip.sending_country) == (None, "AZ")
    course = propose(
        "A training course for twenty deminers of the Cambodian Mine Action Centre (CMAC), conducted by "
        "instructors of the Mine Action Agency of the Republic of Azerbaijan (ANAMA), began on Monday.",
        datetime.date(2025, 4, 16),
    )
    assert course.kind == "training"
    assert {f.label: f.role for f in course.organisations} == {"CMAC": "trainees", "ANAMA": "trainer"}


def chairmans_tour(known, sending_country: str) -> Delegation:
    """A recorded trip headed by Vugar Suleymanov, with one meeting on 11 March 2024."""
    trip = Delegation.objects.create(
        title="The chairman's tour",
        slug="chairmans-tour",
        head=known["suleymanov"],
        sending_country=sending_country,
    )
    Meeting.objects.create(
        title="An earlier meeting of the tour",
        slug="earlier-meeting",
        kind="bilateral",
        start_date=datetime.date(2024, 3, 11),
        delegation=trip,
    )
    return trip


def test_a_trip_with_the_same_head_is_linked_when_its_meetings_are_days_away(known):
    trip = chairmans_tour(known, sending_country="")
    result = propose(VISIT, datetime.date(2024, 3, 14))
    assert result.trip.delegation == trip


def test_a_report_filed_from_the_host_country_places_the_meeting_in_the_dateline_city(known):
    make_organisation(name="Mines Advisory Group", acronym="MAG", slug="mag", country="GB")
    place_anama_in_azerbaijan(known, kind="national_authority")
    text = (
        "BAKU, Azerbaijan, 22 May 2025 - MAG Country Director Daniel K. Hughes and ANAMA Chairman of the "
        "Board Vugar Suleymanov today signed a memorandum of understanding on risk education."
    )
    result = propose(text, datetime.date(2025, 5, 22))
    assert (result.country, result.city) == ("AZ", "Baku")


def test_a_courtesy_call_paid_by_a_visitor_is_a_meeting_of_the_visitor_trip(known):
    trip = chairmans_tour(known, sending_country="AZ")
    text = (
        "PHNOM PENH, 14/03/2024 - The Director General of the Cambodian Mine Action Centre (CMAC), Heng "
        "Ratana, on 12/03/2024 received Vugar Suleymanov, Chairman of the Board of ANAMA, who was paying a "
        "courtesy call on the Centre."
    )
    result = propose(text, datetime.date(2024, 3, 14))
    assert (result.date.start, result.date.precision) == (datetime.date(2024, 3, 12), "day")
    assert result.trip is not None and result.trip.delegation == trip


def test_the_first_one_received_leads_and_a_trip_led_by_another_is_linked_through_its_member(known):
    envoy = make_person(name="Elchin Amirbayov", slug="elchin-amirbayov")
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    trip = Delegation.objects.create(
        title="The envoy's tour", slug="envoys-tour", head=envoy, sending_country="AZ"
    )
    trip.members.add(known["suleymanov"])
    Meeting.objects.create(
        title="A meeting of the tour",
        slug="tour-meeting",
        kind="bilateral",
        start_date=datetime.date(2024, 8, 27),
        delegation=trip,
    )
    text = (
        "Press Release No. 412/2567\n\nOn Thursday, 22 August 2024, Lt. Gen. Nattavut Sabyeroop, Director "
        "General of the Thailand Mine Action Centre (TMAC), received H.E. Mr Elchin Amirbayov, Special "
        "Representative of the President of the Republic of Azerbaijan, and Mr Vugar Suleymanov, Chairman of "
        "the Board of ANAMA, in Bangkok.\n\nThe visit is part of the Azerbaijani delegation's tour."
    )
    result = propose(text, datetime.date(2024, 8, 23))
    assert result.report.lead.text.startswith("On Thursday, 22 August 2024")  # the label is no lead
    assert {p.name: p.role for p in result.participants} == {
        "Nattavut Sabyeroop": "host",
        "Elchin Amirbayov": "head_of_delegation",
        "Vugar Suleymanov": "delegation_member",
    }
    assert result.trip.delegation == trip
    led_by_the_member = propose(
        "Bangkok, 28 August 2024 - A delegation of ANAMA led by Vugar Suleymanov, Chairman of the Board of "
        "ANAMA, visited TMAC on Tuesday.",
        datetime.date(2024, 8, 28),
    )
    assert led_by_the_member.trip.delegation == trip


def test_a_trip_far_in_time_or_from_elsewhere_is_not_linked_and_a_new_one_is_proposed(known):
    Delegation.objects.create(
        title="ANAMA in Cambodia in 2022",
        slug="anama-in-cambodia-2022",
        sending_country="AZ",
        start_date=datetime.date(2022, 3, 10),
        end_date=datetime.date(2022, 3, 15),
    )
    Delegation.objects.create(
        title="A Thai delegation in Cambodia",
        slug="thai-in-cambodia",
        sending_country="TH",
        start_date=datetime.date(2024, 3, 12),
        end_date=datetime.date(2024, 3, 15),
    )
    result = propose(VISIT, datetime.date(2024, 3, 14))
    assert result.trip is not None
    assert result.trip.delegation is None  # a new draft trip
    assert result.trip.sending_country == "AZ"


def test_the_article_form_explains_what_is_missing(as_editor):
    response = submit_article(as_editor, url="not an address", text="")
    assert response.status_code == 200
    errors = BeautifulSoup(response.content, "html.parser").select(".errorlist")
    assert len(errors) == 2
    assert not Meeting.objects.exists() and not Source.objects.exists()


def test_someone_who_may_not_add_meetings_cannot_use_it(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="a-long-test-password", is_staff=True)
    client.force_login(viewer)
    assert client.get(reverse("admin:events_meeting_from_article")).status_code == 403


# --- The seed article, when the shared folder is there -----------------------------


@pytest.mark.skipif(not SEED_ARTICLE.exists(), reason=f"the seed article is not at {SEED_ARTICLE}")
def test_the_seed_article_drafts_the_expected_meeting(as_editor, known):
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    make_organisation(
        name="ASEAN Regional Mine Action Center", acronym="ARMAC", slug="armac", country="KH", kind="regional"
    )
    make_organisation(
        name="United Nations Development Programme", acronym="UNDP", slug="undp", country="", kind="un_agency"
    )
    make_person(name="Elchin Amirbayov", slug="elchin-amirbayov")
    response = submit_article(
        as_editor,
        url="https://menafn.example.org/azernews-anama-tmac",
        publisher="AzerNews",
        republished_by="MENAFN",
        published_on="2024-08-22",
        text=SEED_ARTICLE.read_text(encoding="utf-8"),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert {link.organisation.acronym for link in meeting.organisation_roles.all()} == {
        "ANAMA",
        "TMAC",
        "ARMAC",
        "UNDP",
    }
    assert meeting.country.code == "TH" and meeting.delegation.sending_country.code == "AZ"
    assert (meeting.start_date, meeting.date_precision) == (
        datetime.date(2024, 8, 22),
        DatePrecision.ON_OR_BEFORE,
    )
    titles = dict(meeting.participations.values_list("name_as_written", "title_as_stated"))
    assert titles == {
        "Elchin Amirbeyov": "Special Representative of the President of the Republic of Azerbaijan",
        "Nattavut Sabyeroop": "Director General of the Thailand Mine Action Centre",
        "Vugar Suleymanov": "Chairman of ANAMA's Board",
        "Rotna But": "Executive Director of the ASEAN Regional Mine Action Center (ARMAC)",
    }
    assert {"training", "capacity-building", "technical-assistance"} <= set(
        meeting.topics.values_list("slug", flat=True)
    )
    assert (meeting.kind, meeting.title) == ("bilateral", "ANAMA delegation meets TMAC")


FEATURE = """SIEM REAP - When Dara Example stepped on a mine while collecting firewood in 1996, the \
nearest hospital was a day away. He lost a leg.

Stories like his were at the centre of a regional meeting on victim assistance, hosted by the \
Cambodian Mine Action Centre (CMAC) from 9 to 11 September.

Its founding director, Vugar Suleymanov, spent his term from 2007 setting up the office."""


def test_a_feature_that_opens_with_an_old_story_is_dated_by_its_news(known):
    result = propose(FEATURE, datetime.date(2024, 9, 16))
    assert result.report.lead.text.startswith("Stories like his")
    assert (result.date.start, result.date.end) == (datetime.date(2024, 9, 9), datetime.date(2024, 9, 11))
    assert {f.label: f.role for f in result.organisations} == {"CMAC": "host"}
    assert result.participants == []
    assert [p.name for p in result.also_mentioned_people] == ["Vugar Suleymanov"]


BLOG = """Last week we were delighted to welcome colleagues from the Mine Action Agency of the \
Republic of Azerbaijan (ANAMA) to our programme in Battambang, led by Vugar Suleymanov, Chairman of the Board.

They watched our deminers work on a minefield. Our Country Director, Ann Example, showed them round.

"We learn from each other," said CMAC spokesperson Sok Example."""


def test_a_body_writing_in_the_first_person_hosts_the_guests_it_welcomes(known):
    result = propose(BLOG, datetime.date(2024, 9, 30), publisher="Cambodian Mine Action Centre")
    assert {f.label: f.role for f in result.organisations} == {"ANAMA": "delegation", "CMAC": "host"}
    people = {p.name: (p.title, p.role) for p in result.participants}
    assert people == {
        "Vugar Suleymanov": ("Chairman of the Board", "head_of_delegation"),
        "Ann Example": ("Country Director", "host"),
    }
    assert [p.name for p in result.also_mentioned_people] == ["Sok Example"]  # speaks about it, not in it
    assert result.kind == "site_visit"


COMMUNIQUE = """COMMUNIQUÉ

Committee on Foreign Policy
Zagreb, 12 April 2024

1. At its session, held on 11 April 2024, the Committee received a delegation of the Cambodian Mine \
Action Centre (CMAC) led by Prum Sophakmonkul.

2. Also present were representatives of the Mine Action Agency of the Republic of Azerbaijan (ANAMA). \
Staff of the United Nations Development Programme (UNDP) followed the session as observers."""


def test_a_communique_heading_gives_the_dateline_and_those_also_present_are_participants(known):
    make_organisation(
        name="United Nations Development Programme", acronym="UNDP", slug="undp", kind="un_agency"
    )
    result = propose(COMMUNIQUE, datetime.date(2024, 4, 12))
    assert result.report.dateline.place == "Zagreb"
    assert (result.date.start, result.date.precision) == (datetime.date(2024, 4, 11), DatePrecision.DAY)
    assert {f.label: f.role for f in result.organisations} == {
        "CMAC": "delegation",
        "ANAMA": "participant",
        "UNDP": "observer",
    }


VISIT_ORGANISED = """A delegation of the Cambodian Mine Action Centre (CMAC) led by Prum Sophakmonkul \
visited the Aghdam district on 2-3 October 2025. The guests watched demining machines clearing farmland.

The visit was organised by the Mine Action Agency of the Republic of Azerbaijan (ANAMA)."""


def test_the_body_that_organises_a_visit_for_the_visitors_hosts_it(known):
    result = propose(VISIT_ORGANISED, datetime.date(2025, 10, 6))
    assert {f.label: f.role for f in result.organisations} == {"CMAC": "delegation", "ANAMA": "host"}
    assert result.kind == "site_visit"


def test_the_people_of_a_body_trained_are_the_trainees(known):
    text = (
        "Twenty surveyors of the Cambodian Mine Action Centre (CMAC) completed a course on survey, "
        "held in Baku from 18 to 22 November and delivered by experts of the Mine Action Agency of the "
        "Republic of Azerbaijan (ANAMA)."
    )
    result = propose(text, datetime.date(2024, 11, 23))
    assert {f.label: f.role for f in result.organisations} == {"CMAC": "trainees", "ANAMA": "trainer"}


def test_a_new_body_named_in_the_hosts_title_hosts_and_a_projects_funder_funds_the_course_under_it(known):
    text = (
        "Deputy Minister of Economy of Ukraine Oleh Moroz today held a meeting with a delegation of the "
        "Mine Action Agency of the Republic of Azerbaijan (ANAMA), headed by Vugar Suleymanov.\n\n"
        'The course was held under the project "Safe Land", which is funded by the European Union.'
    )
    result = propose(text, datetime.date(2025, 7, 3), publisher="Ministry of Economy of Ukraine")
    assert {f.label: f.role for f in result.organisations} == {
        "ANAMA": "delegation",
        "Ministry of Economy of Ukraine": "host",
        "European Union": "funder",
    }
    assert {p.name: p.role for p in result.participants} == {
        "Oleh Moroz": "host",
        "Vugar Suleymanov": "head_of_delegation",
    }


def test_a_venue_line_gives_the_place_and_a_body_that_presides_over_an_opening_hosts(known):
    text = (
        "Prum Sophakmonkul, Deputy Director General of the Cambodian Mine Action Centre (CMAC), "
        "presided over the opening of a course for deminers from the Mine Action Agency of the Republic "
        "of Azerbaijan (ANAMA).\n\nDate: 3 February 2025\nVenue: CMAC, Kampong Chhnang, Cambodia"
    )
    result = propose(text, datetime.date(2025, 2, 4))
    assert (result.country, result.city) == ("KH", "Kampong Chhnang")
    assert {f.label: f.role for f in result.organisations} == {"CMAC": "host", "ANAMA": "trainees"}
    assert [p.role for p in result.participants] == ["host"]


def test_talks_with_a_delegation_at_the_seat_of_the_other_body_are_hosted_by_it(known):
    make_organisation(
        name="Geneva International Centre for Humanitarian Demining",
        acronym="GICHD",
        slug="gichd",
        country="CH",
        kind="international",
    )
    text = (
        "Talks were held in Geneva between the Mine Action Agency of the Republic of Azerbaijan (ANAMA) "
        "and the Geneva International Centre for Humanitarian Demining (GICHD) on 4 June 2025.\n\n"
        "The ANAMA delegation was led by Vugar Suleymanov, Chairman of the Board."
    )
    result = propose(text, datetime.date(2025, 6, 5))
    assert {f.label: f.role for f in result.organisations} == {"ANAMA": "delegation", "GICHD": "host"}


ABSENT = """Phnom Penh, 17 May 2025 - CMAC Director General Prum Sophakmonkul met a delegation of the Mine \
Action Agency of the Republic of Azerbaijan (ANAMA) led by Vugar Suleymanov on Friday.

Samir Poladov, Deputy Chairman of the Board of ANAMA, who visited Phnom Penh last year, presented the agency.

In a statement issued before the meeting, Senior Minister Ly Thuch said the north-west would be cleared soon.

According to Sok Chanthy, CMAC's spokesperson, the sides looked at a joint appeal.

CMAC's Director General, Heng Ratana, who could not attend, sent a letter welcoming the guests."""


def test_people_who_stayed_away_spoke_beforehand_or_are_sources_are_not_participants(known):
    result = propose(ABSENT, datetime.date(2025, 5, 17))
    assert {p.name for p in result.participants} == {"Prum Sophakmonkul", "Vugar Suleymanov", "Samir Poladov"}
    assert {p.name for p in result.also_mentioned_people} == {"Ly Thuch", "Sok Chanthy", "Heng Ratana"}


def test_trainees_listed_with_their_bodies_and_a_panel_s_moderator_and_members(known):
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    course = (
        "ANAMA held a training course in Baku on 10-14 March 2025, with experts from the Cambodian Mine "
        "Action Centre (CMAC) as trainers.\n\nAmong the trainees were Ann Example of the Thailand Mine "
        "Action Centre and Bo Example of the Thailand Mine Action Centre."
    )
    result = propose(course, datetime.date(2025, 3, 15))
    assert {f.label: f.role for f in result.organisations} == {
        "ANAMA": "organiser",
        "CMAC": "trainer",
        "TMAC": "trainees",
    }
    panel = (
        "The International Conference on Mine Action is being held in Baku on 22-23 May 2025.\n\n"
        "The panel, moderated by Vugar Suleymanov, Chairman of the Board of ANAMA, included Prum "
        "Sophakmonkul, Deputy Director General of CMAC."
    )
    result = propose(panel, datetime.date(2025, 5, 23))
    assert {p.name: p.role for p in result.participants} == {
        "Vugar Suleymanov": "speaker",
        "Prum Sophakmonkul": "speaker",
    }


def test_a_side_that_hosts_another_and_a_trilateral_meeting_at_one_body_s_headquarters(known):
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    sides = (
        "The Thai side, led by Ann Example, Director of the Thailand Mine Action Centre (TMAC), hosted the "
        "Cambodian side, led by Prum Sophakmonkul, Deputy Director General of the Cambodian Mine Action "
        "Centre (CMAC), in Bangkok on 8 July 2025."
    )
    result = propose(sides, datetime.date(2025, 7, 9))
    assert result.kind == "bilateral"
    assert {f.label: f.role for f in result.organisations} == {"TMAC": "host", "CMAC": "delegation"}
    assert {p.name: p.role for p in result.participants} == {
        "Ann Example": "host",
        "Prum Sophakmonkul": "head_of_delegation",
    }
    three = (
        "A trilateral meeting of ANAMA, CMAC and TMAC was held at ANAMA's headquarters in Baku on "
        "2 December 2025.\n\nANAMA was represented by Vugar Suleymanov, Chairman of the Board, CMAC by "
        "Prum Sophakmonkul, Deputy Director General, and TMAC by Ann Example, Director."
    )
    result = propose(three, datetime.date(2025, 12, 3))
    assert result.kind == "multilateral"
    assert {f.label: f.role for f in result.organisations}["ANAMA"] == "host"
    assert {p.name: p.title for p in result.participants} == {
        "Vugar Suleymanov": "Chairman of the Board",
        "Prum Sophakmonkul": "Deputy Director General",
        "Ann Example": "Director",
    }


def test_a_body_writing_our_delegation_is_the_visiting_side_and_a_french_name_is_read(known):
    text = (
        "Ziguinchor, 15 Oct (APS) - Our delegation, led by Vugar Suleymanov, held a working session on "
        "14 October 2025 with the Centre National d'Action Antimines au Sénégal (CNAMS)."
    )
    result = propose(text, datetime.date(2025, 10, 15), publisher=known["anama"].name)
    assert result.report.dateline.place == "Ziguinchor"
    assert result.kind == "bilateral"
    assert (result.date.start, result.date.precision) == (datetime.date(2025, 10, 14), DatePrecision.DAY)
    roles = {f.label: f.role for f in result.organisations}
    assert roles["ANAMA"] == "delegation"
    assert "Centre National d'Action Antimines au Sénégal (CNAMS)" in roles


def test_a_workshop_held_to_train_people_is_training(known):
    text = (
        "The Cambodian Mine Action Centre (CMAC) opened a workshop on mine risk in Siem Reap on Monday.\n\n"
        "It brought together village chiefs from six provinces to train them in marking dangerous areas."
    )
    assert propose(text, datetime.date(2025, 6, 10)).kind == "training"


def test_another_meeting_told_meanwhile_and_a_media_contact_line_are_not_the_event(known):
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    text = (
        "PHNOM PENH, Feb. 20 (Xinhua) -- Prum Sophakmonkul, Deputy Director General of the Cambodian Mine "
        "Action Centre (CMAC), received a delegation of the Mine Action Agency of the Republic of Azerbaijan "
        "(ANAMA) led by Vugar Suleymanov here on Wednesday.\n\n"
        "Meanwhile, in Bangkok, Ann Example, Director of the Thailand Mine Action Centre (TMAC), "
        "met donors.\n\n"
        "For media enquiries: Bo Example, Press Officer, CMAC"
    )
    result = propose(text, datetime.date(2025, 2, 20))
    assert {p.name for p in result.participants} == {"Prum Sophakmonkul", "Vugar Suleymanov"}
    assert [p.name for p in result.also_mentioned_people] == ["Ann Example"]
    assert {f.label for f in result.organisations} == {"CMAC", "ANAMA"}


def test_upon_invitation_a_mission_of_a_foreign_department_visits(known):
    text = (
        "Upon the invitation of the Cambodian Mine Action Centre (CMAC), a mission of the Department of "
        "National Defense of the Philippines (DND) led by Undersecretary Ricardo Example visited the Centre "
        "on 3rd March 2025."
    )
    result = propose(text, datetime.date(2025, 3, 5))
    assert {f.label: f.role for f in result.organisations} == {
        "CMAC": "host",
        "Department of National Defense of the Philippines (DND)": "delegation",
    }
    assert [(p.name, p.title, p.role) for p in result.participants] == [
        ("Ricardo Example", "Undersecretary", "head_of_delegation")
    ]


def test_a_ministers_title_names_the_known_ministry(known):
    make_organisation(
        name="Ministry of Foreign Affairs of the People's Republic of China",
        acronym="",
        slug="cn-mfa",
        country="CN",
    )
    text = (
        "On 9 April, Vice Minister of Foreign Affairs of the People's Republic of China Sun Example met with "
        "Chairman of the Board of the Mine Action Agency of the Republic of Azerbaijan Vugar Suleymanov "
        "in Beijing."
    )
    result = propose(text, datetime.date(2025, 4, 10))
    assert {f.label: f.role for f in result.organisations} == {
        "Ministry of Foreign Affairs of the People's Republic of China": "host",
        "ANAMA": "delegation",
    }


def test_an_online_session_given_by_one_body_s_instructors_for_another_s_people(known):
    text = (
        "On 22 January, instructors of the Mine Action Agency of the Republic of Azerbaijan (ANAMA) held an "
        "online training session via Zoom for forty deminers of the Cambodian Mine Action Centre (CMAC)."
    )
    result = propose(text, datetime.date(2025, 1, 23))
    assert {f.label: f.role for f in result.organisations} == {"ANAMA": "trainer", "CMAC": "trainees"}
    assert result.country == ""


def test_inked_is_signed_and_engineer_or_okhna_are_courtesy_words(known):
    text = (
        "CMAC Deputy Director General Okhna Prum Sophakmonkul and His Excellency Engineer Omar Example, "
        "Director of ANAMA, yesterday inked a memorandum of understanding in Phnom Penh."
    )
    result = propose(text, datetime.date(2025, 4, 16))
    assert result.kind == "agreement"
    assert {f.label: f.role for f in result.organisations} == {"CMAC": "signatory", "ANAMA": "signatory"}
    assert {p.name for p in result.participants} == {"Prum Sophakmonkul", "Omar Example"}


def test_an_event_held_online_is_organised_not_hosted_and_a_training_centre_s_owner_hosts(known):
    webinar = "The Cambodian Mine Action Centre (CMAC) hosted online a webinar on 30 October 2025."
    assert {f.label: f.role for f in propose(webinar, datetime.date(2025, 10, 31)).organisations} == {
        "CMAC": "organiser"
    }
    ceremony = (
        "Twelve deminers graduated at CMAC's training centre in Kampong Chhnang on 7 March 2025, at a "
        "ceremony attended by Vugar Suleymanov, Chairman of the Board of the Mine Action Agency of the "
        "Republic of Azerbaijan (ANAMA)."
    )
    roles = {f.label: f.role for f in propose(ceremony, datetime.date(2025, 3, 10)).organisations}
    assert roles["CMAC"] == "host"


NEWSPAPER = """Guests watch our deminers at work

Residents of the town are used to the sight of deminers on the road out of it. On Tuesday and \
Wednesday they had visitors: officials from Azerbaijan, guests of the Cambodian Mine Action Centre (CMAC).

The group spent Tuesday at CMAC's training centre, where instructors showed how dogs are trained.

The visitors were led by Vugar Suleymanov, Chairman of the Board of the Mine Action Agency of the \
Republic of Azerbaijan (ANAMA).

"When I was a boy nobody went into those fields," said Ann Example, chief of a village nearby. "Now \
children play there."

He also told the guests about the work of the Azerbaijan Demining Example Centre (ADEC)."""


def test_a_scene_set_first_leaves_the_lead_to_the_news_and_a_quoted_villager_out(known):
    result = propose(NEWSPAPER, datetime.date(2024, 8, 30))
    assert result.report.lead.text.startswith("On Tuesday and Wednesday")
    assert (result.kind, result.date.start, result.date.end) == (
        "site_visit",
        datetime.date(2024, 8, 27),
        datetime.date(2024, 8, 28),
    )
    # "The visitors were led by X of ANAMA": his body is the visiting side; a body only told about is none.
    assert {f.label: f.role for f in result.organisations} == {"CMAC": "host", "ANAMA": "delegation"}
    assert [f.label for f in result.also_mentioned_organisations] == [
        "Azerbaijan Demining Example Centre (ADEC)"
    ]
    assert [p.name for p in result.participants] == ["Vugar Suleymanov"]
    assert [p.name for p in result.also_mentioned_people] == ["Ann Example"]  # quoted for colour


def test_a_fact_box_gives_the_place_and_the_funder_and_experience_shared_is_no_side(known):
    make_organisation(
        name="Ministry of Foreign Affairs of Belgium", slug="be-mfa", country="BE", kind="government"
    )
    text = (
        "Conference on landmines and the environment\n\n"
        "What: International conference on the environmental impact of landmines\n"
        "When: 5 July 2024\n"
        "Where: Example Academy, Brussels\n"
        "Supported by: Ministry of Foreign Affairs of Belgium\n\n"
        "Vugar Suleymanov, Chairman of the Board of ANAMA, said ANAMA was ready to share the experience of "
        "the Cambodian Mine Action Centre (CMAC) with others."
    )
    result = propose(text, datetime.date(2024, 7, 15))
    assert (result.country, result.city) == ("BE", "Brussels")
    roles = {f.organisation.slug: f.role for f in result.organisations}
    assert roles == {"be-mfa": "funder", "anama": "participant"}
    assert [f.label for f in result.also_mentioned_organisations] == ["CMAC"]


def test_talks_told_in_a_city_of_another_country_are_another_meeting_of_the_trip(known):
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    text = (
        "A delegation of the Mine Action Agency of the Republic of Azerbaijan (ANAMA) led by Vugar "
        "Suleymanov visited the Cambodian Mine Action Centre (CMAC) in Cambodia on 27 August.\n\n"
        "In Bangkok, the delegation met Ann Example, Director of the Thailand Mine Action Centre (TMAC).\n\n"
        "In Phnom Penh, the guests met Bo Example, Deputy Director of CMAC."
    )
    result = propose(text, datetime.date(2024, 8, 29))
    assert {p.name for p in result.participants} == {"Vugar Suleymanov", "Bo Example"}
    assert [p.name for p in result.also_mentioned_people] == ["Ann Example"]
    assert {f.label for f in result.organisations} == {"ANAMA", "CMAC"}


def test_at_a_conference_someone_quoted_with_their_body_speaks(known):
    text = (
        "The seminar on landmines opened in Kuala Lumpur on 28 July 2025.\n\n"
        '"We stand ready to help," said General Tan Sri Ann Example, Chief of the Cambodian Mine Action '
        "Centre (CMAC), who delivered the opening address."
    )
    result = propose(text, datetime.date(2025, 7, 29))
    assert [(p.name, p.role) for p in result.participants] == [("Ann Example", "speaker")]


def test_someone_remembered_or_honoured_is_not_a_participant(known):
    text = (
        "Vugar Suleymanov, Chairman of the Board of the Mine Action Agency of the Republic of Azerbaijan "
        "(ANAMA), received a delegation of the Cambodian Mine Action Centre (CMAC) in Baku on 3 March 2025. "
        "The guests laid flowers in memory of Deputy Director Ann Example at the training centre "
        "named after the late Bo Example, Director of CMAC."
    )
    result = propose(text, datetime.date(2025, 3, 4))
    assert [p.name for p in result.participants] == ["Vugar Suleymanov"]
    assert {p.name for p in result.also_mentioned_people} == {"Ann Example", "Bo Example"}


ANAMA = "the Mine Action Agency of the Republic of Azerbaijan (ANAMA)"
CMAC = "the Cambodian Mine Action Centre (CMAC)"


@pytest.mark.parametrize(
    "sentence",
    [
        f"{CMAC[0].upper()}{CMAC[1:]} was visited by a delegation of {ANAMA} on 3 March.",
        f"A delegation of {ANAMA} was received at the headquarters of {CMAC} on 3 March.",
        f"{CMAC[0].upper()}{CMAC[1:]} played host to a delegation from {ANAMA} on 3 March.",
        f"Officials of {ANAMA} were hosted by {CMAC} on 3 March.",
        f"Experts of {ANAMA} paid a visit to {CMAC} on 3 March.",
        f"Staff of {ANAMA} were guests of {CMAC} on 3 March.",
        f"On 3 March {CMAC} welcomed a group of specialists from {ANAMA}.",
    ],
)
def test_who_visits_and_who_hosts_whatever_the_voice(known, sentence):
    result = propose(sentence, datetime.date(2025, 3, 5))
    assert result.kind == "bilateral"
    assert {f.label: f.role for f in result.organisations} == {"CMAC": "host", "ANAMA": "delegation"}


RECEIVED = (
    "Vugar Suleymanov, Chairman of the Board of the Mine Action Agency of the Republic of Azerbaijan "
    "(ANAMA), received a delegation of the Cambodian Mine Action Centre (CMAC) in Baku on 3 March 2025. "
)


@pytest.mark.parametrize(
    "sentence",
    [
        "The meeting follows the visit of President Ann Example to Cambodia.",
        "Ann Example, Minister of Defence, is expected to attend next year's conference.",
        "Suleymanov said that Minister Ann Example would visit Phnom Penh next month.",
        "The delegation will also meet Deputy Minister Ann Example on Friday.",
        "Suleymanov thanked President Ann Example for his support to mine action.",
        "Suleymanov conveyed the best wishes of President Ann Example.",
        "Ann Example, Director of CMAC, could not travel and sent a message.",
        "Suleymanov expressed gratitude to Prime Minister Ann Example for the support of his government.",
    ],
)
def test_someone_thanked_still_to_come_or_away_is_only_mentioned(known, sentence):
    result = propose(RECEIVED + sentence, datetime.date(2025, 3, 5))
    assert [p.name for p in result.participants] == ["Vugar Suleymanov"]
    assert [p.name for p in result.also_mentioned_people] == ["Ann Example"]


UNDP = "the United Nations Development Programme (UNDP)"


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        (
            f"A conference was held in Baku on 3 March 2025, organised by {ANAMA} in partnership with "
            f"{UNDP}.",
            {"ANAMA": "organiser", "UNDP": "organiser"},
        ),
        (
            f"A workshop was held in Baku on 3 March 2025. It was organised by {ANAMA} for staff of {CMAC}.",
            {"ANAMA": "organiser", "CMAC": "trainees"},
        ),
        (
            f"On 3 March 2025 {ANAMA} convened a regional conference in Baku. {UNDP[0].upper()}{UNDP[1:]} "
            "funded the event.",
            {"ANAMA": "organiser", "UNDP": "funder"},
        ),
    ],
)
def test_partners_in_holding_an_event_those_it_is_held_for_and_its_funder(known, text, roles):
    make_organisation(
        name="United Nations Development Programme", acronym="UNDP", slug="undp", kind="un_agency"
    )
    result = propose(text, datetime.date(2025, 3, 5))
    assert {f.label: f.role for f in result.organisations} == roles


QUOTES_FIRST = """"Knowledge is what we can share fastest," said Rothna Example, Executive Director of ARMAC.

"This partnership lets good practice travel," said Ann Example, UNDP Resident Representative in Cambodia.

PHNOM PENH - The two organisations signed a new memorandum of understanding on Friday, 4 July 2025."""


def test_a_release_opening_with_quotations_tells_its_news_after_them_and_the_two_organisations_sign(known):
    make_organisation(name="ASEAN Regional Mine Action Center", acronym="ARMAC", slug="armac", country="KH")
    make_organisation(
        name="United Nations Development Programme", acronym="UNDP", slug="undp", kind="un_agency", country=""
    )
    result = propose(QUOTES_FIRST, datetime.date(2025, 7, 7))
    assert result.kind == "agreement"
    assert {f.label: f.role for f in result.organisations} == {"ARMAC": "signatory", "UNDP": "signatory"}
    assert {p.name for p in result.participants} == {"Rothna Example", "Ann Example"}  # they speak for it
    assert [(o.kind, len(o.parties)) for o in result.outcomes] == [("agreement", 2)]


ANSWER = """Question: what does Belgium give to demining, and was it discussed at the conference in Brussels?

Answer from Minister Ann Example:

The conference on landmines held in Brussels last week was organised by the Brussels Diplomatic Academy, \
in a meeting room of the Cambodian Mine Action Centre (CMAC) office there.

Vugar Suleymanov, Chairman of ANAMA, and ANAMA's Deputy Chairman, Sam Example, spoke about their \
country's contamination. A Belgian contribution will go to demining in Azerbaijan, which the NGO APOPO \
will carry out."""


def test_who_answers_lends_a_room_or_acts_later_takes_no_part_and_joined_subjects_share_the_verb(known):
    make_organisation(name="Brussels Diplomatic Academy", acronym="", slug="bda", country="BE")
    make_organisation(name="APOPO", acronym="APOPO", slug="apopo", kind="ngo", country="")
    result = propose(ANSWER, datetime.date(2024, 7, 5))
    assert {f.label: f.role for f in result.organisations} == {
        "Brussels Diplomatic Academy": "organiser",
        "ANAMA": "participant",
    }
    assert {f.label for f in result.also_mentioned_organisations} == {"CMAC", "APOPO"}
    assert {p.name: p.role for p in result.participants} == {
        "Vugar Suleymanov": "speaker",
        "Sam Example": "speaker",
    }
    assert "Ann Example" in {p.name for p in result.also_mentioned_people}


def test_a_conference_no_one_hosts_is_hosted_by_the_body_seated_where_it_is_held(known):
    result = propose(
        "Delegates gathered in Phnom Penh on 12 December 2022 for a high-level meeting co-chaired by Ann "
        "Example, Director General of CMAC, and Bo Example, Director General of ANAMA.",
        datetime.date(2022, 12, 13),
    )
    assert result.kind == "conference"
    assert {f.label: f.role for f in result.organisations} == {"CMAC": "host", "ANAMA": "participant"}


@pytest.mark.parametrize(
    "text",
    [
        "Yesterday our team was in Phnom Penh for a seminar we had prepared for months. Our Ambassador, Ann "
        "Example, opened it. Vugar Suleymanov, Chairman of ANAMA, spoke about clearance.",
        "The Embassy held a seminar in Phnom Penh yesterday. Vugar Suleymanov, Chairman of ANAMA, spoke "
        "about clearance.",
    ],
)
def test_a_body_writing_of_its_own_seminar_as_we_or_by_its_name_s_head_noun_organised_it(known, text):
    make_organisation(name="Embassy of Azerbaijan in Cambodia", acronym="", slug="embassy", country="AZ")
    result = propose(text, datetime.date(2025, 3, 5), publisher="Embassy of Azerbaijan in Cambodia")
    roles = {f.label: f.role for f in result.organisations}
    assert roles.get("Embassy of Azerbaijan in Cambodia") == "organiser"
    assert roles["ANAMA"] == "participant"


def test_a_visiting_side_from_another_country_makes_a_trip_without_the_word_delegation(known):
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    result = propose(
        "The Deputy Director General of the Thailand Mine Action Centre, Ann Example, travelled to Phnom "
        "Penh on 7 December 2018 and held talks with Bo Example, Director General of the Cambodian Mine "
        "Action Centre (CMAC).",
        datetime.date(2018, 12, 8),
    )
    assert {f.label: f.role for f in result.organisations} == {"TMAC": "delegation", "CMAC": "host"}
    assert result.trip is not None and result.trip.sending_country == "TH"


def test_a_place_in_what_was_talked_about_is_not_where_the_talks_were(known):
    result = propose(
        f"A delegation of {ANAMA}, led by Vugar Suleymanov, has completed a round of meetings abroad.\n\n"
        "The delegation held talks with officials about a fund to clear 400 hectares in Aghdam.",
        datetime.date(2024, 9, 26),
    )
    assert (result.country, result.city) == ("", "")


def test_a_meeting_told_in_the_present_tense_is_the_news_of_the_day_it_is_told(known):
    result = propose(
        "Midday news\n\nThe Cambodian Mine Action Centre (CMAC) receives a delegation of the Mine Action "
        "Agency of the Republic of Azerbaijan (ANAMA) at its headquarters. The two discuss training.",
        datetime.date(2025, 2, 18),
    )
    assert (result.date.start, result.date.precision) == (datetime.date(2025, 2, 18), "day")
    assert {f.label: f.role for f in result.organisations} == {"CMAC": "host", "ANAMA": "delegation"}
    assert result.kind == "bilateral"


def test_a_speaker_in_a_live_blog_gives_the_keynote_in_the_present_tense(known):
    result = propose(
        "Live: survivors' conference\n\n09:05 The regional conference on victim assistance opens today at "
        "the Cambodian Mine Action Centre (CMAC) in Phnom Penh.\n\n10:15 Vugar Suleymanov, Chairman of the "
        "Board of the Mine Action Agency of the Republic of Azerbaijan (ANAMA), gives the keynote on "
        "survivors' data.",
        datetime.date(2025, 5, 20),
    )
    assert {p.name: p.role for p in result.participants}["Vugar Suleymanov"] == "speaker"


def test_a_writer_received_by_the_host_in_the_first_person_is_of_the_visiting_side(known):
    result = propose(
        "Notes from Phnom Penh\n\nOn Monday the Cambodian Mine Action Centre (CMAC) received us at its "
        "headquarters to talk about survey.",
        datetime.date(2025, 3, 14),
        publisher="Mine Action Agency of the Republic of Azerbaijan",
    )
    assert {f.label: f.role for f in result.organisations}["CMAC"] == "host"
    assert [f.role for f in result.organisations if f.organisation == known["anama"]] == ["delegation"]


def test_the_addressee_of_a_hosts_letter_thanking_for_a_visit_was_the_visitor(known):
    result = propose(
        "Letter of thanks\n\nPhnom Penh, 20 March 2025\n\nDear Mr Vugar Suleymanov,\n\nOn behalf of the "
        "Cambodian Mine Action Centre (CMAC), I thank you for your visit to our headquarters on 18 March "
        "2025.\n\nYours sincerely,\n\nPrum Sophakmonkol",
        datetime.date(2025, 3, 20),
        publisher="Cambodian Mine Action Centre",
    )
    assert "Vugar Suleymanov" in [p.name for p in result.participants]
    assert "Vugar Suleymanov" not in [p.name for p in result.also_mentioned_people]


def test_a_meeting_on_a_conference_s_margins_leaves_the_conference_s_own_story_to_background(known):
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    make_organisation(name="Lao National Regulatory Authority", acronym="NRA", slug="nra", country="LA")
    result = propose(
        "On the fringes of the Fifth Regional Forum on Land Release in Phnom Penh on 4 June 2025, Ann "
        "Example, Director of the Thailand Mine Action Centre (TMAC), initiated a meeting of the demining "
        "centres of the region.\n\nPresent at the talks were officials of the Cambodian Mine Action Centre "
        "(CMAC) and of the Lao National Regulatory Authority (NRA).\n\nThe forum in Phnom Penh, organised "
        "by ANAMA, was opened by Vugar Suleymanov.",
        datetime.date(2025, 6, 5),
    )
    assert result.kind == "multilateral"
    roles = {f.label: f.role for f in result.organisations}
    assert roles == {"TMAC": "organiser", "CMAC": "participant", "NRA": "participant"}
    assert "Vugar Suleymanov" in [p.name for p in result.also_mentioned_people]
    assert "ANAMA" in [f.label for f in result.also_mentioned_organisations]


def test_a_conference_whose_lead_names_the_countrys_own_agency_by_what_it_is_is_hosted_by_it(known):
    place_anama_in_azerbaijan(known, kind="national_authority")
    result = propose(
        "A forum on survey methods began in Baku on 3 March 2025 with the country's mine action agency, "
        "which arranged it.\n\nVugar Suleymanov, Chairman of the Board of the Mine Action Agency of the "
        "Republic of Azerbaijan (ANAMA), spoke first.\n\nIn the middle of January, a team of the Cambodian "
        "Mine Action Centre (CMAC) had come to Baku for talks; Prum Sophakmonkol led it.",
        datetime.date(2025, 3, 3),
    )
    assert {f.label: f.role for f in result.organisations} == {"ANAMA": "host"}
    assert [p.name for p in result.participants] == ["Vugar Suleymanov"]


def test_at_a_conference_who_moderates_makes_a_welcoming_speech_or_will_close_it_speaks(known):
    result = propose(
        "A conference on clearance opened in Baku on 3 June 2025, organised by the Mine Action Agency of "
        "the Republic of Azerbaijan (ANAMA).\n\nDeputy Director Ann Example made a short welcoming "
        "speech. Adviser Bo Example chaired the opening session. The conference ends tomorrow, when "
        "Counsellor Cy Example will deliver the closing address.",
        datetime.date(2025, 6, 3),
    )
    roles = {p.name: p.role for p in result.participants}
    assert roles == {"Ann Example": "speaker", "Bo Example": "speaker", "Cy Example": "speaker"}


def test_a_delegation_at_a_kind_invitation_is_received_by_the_inviter_whose_own_leader_hosts(known):
    place_anama_in_azerbaijan(known, kind="national_authority")
    make_organisation(name="Cambodian Mine Action Authority", acronym="CMAA", slug="cmaa", country="KH")
    result = propose(
        "At the gracious invitation of the Cambodian Mine Action Authority (CMAA), Vugar Suleymanov, "
        "Chairman of the Board of ANAMA, led the Azerbaijani delegation to talks in Phnom Penh on 2 May "
        "2025. The Cambodian delegation was led by Ann Example, Vice President of the CMAA.\n\nThe CMAA "
        "expressed readiness to train ANAMA's dog handlers. Both sides agreed to meet again in Baku next "
        "year.",
        datetime.date(2025, 5, 3),
    )
    assert {f.label: f.role for f in result.organisations} == {"CMAA": "host", "ANAMA": "delegation"}
    assert {p.name: p.role for p in result.participants} == {
        "Vugar Suleymanov": "head_of_delegation",
        "Ann Example": "host",
    }
    outcomes = {o.kind: {p[1] for p in o.parties} for o in result.outcomes}
    ids = {known["anama"].pk, Organisation.objects.get(slug="cmaa").pk}
    assert outcomes == {"assistance_offered": ids, "follow_up_meeting": ids}


def test_at_a_regional_meeting_everyone_at_the_table_agrees_to_meet_again(known):
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    make_organisation(name="Lao National Regulatory Authority", acronym="NRA", slug="nra", country="LA")
    result = propose(
        "Ann Example, Director of the Thailand Mine Action Centre (TMAC), convened a meeting of the "
        "demining centres of the region in Bangkok on 4 June 2025.\n\nTaking part were officials of "
        "the Cambodian Mine Action Centre (CMAC) and the Lao National Regulatory Authority (NRA).\n\n"
        "The participants agreed to meet again in Vientiane.",
        datetime.date(2025, 6, 5),
    )
    (outcome,) = result.outcomes
    labels = {f.key: f.label for f in result.organisations}
    assert outcome.kind == "follow_up_meeting"
    assert {labels[k] for k in outcome.parties} == {"TMAC", "CMAC", "NRA"}


@pytest.mark.parametrize(
    "lead",
    [
        "Survey standards were discussed in Belgium on 14 May 2025 by ANAMA and the CMAC.",
        "Officials of ANAMA and the CMAC met in Belgium on 14 May 2025 to compare survey standards.",
    ],
)
def test_a_passive_or_plain_lead_saying_in_a_country_places_the_meeting_there(known, lead):
    result = propose(lead, datetime.date(2025, 5, 15))
    assert result.country == "BE"


def test_an_earlier_stop_of_the_trip_before_arriving_is_background(known):
    make_organisation(name="NATO Support and Procurement Agency", acronym="NSPA", slug="nspa")
    make_organisation(name="North Atlantic Treaty Organization", acronym="NATO", slug="nato")
    result = propose(
        f"Talks were held at the NSPA on 10 October 2024 with a delegation of {ANAMA}.\n\n"
        "Before travelling to Capellen, the delegation had briefed a working group at NATO.",
        datetime.date(2024, 10, 11),
    )
    assert {f.label for f in result.organisations} == {"NSPA", "ANAMA"}
    assert [f.label for f in result.also_mentioned_organisations] == ["NATO"]


def test_visitors_who_spoke_at_a_symposium_went_to_a_conference_whose_openers_take_part(known):
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    result = propose(
        f"A team of {ANAMA} has shown experts in Thailand how it surveys forests.\n\n"
        'The team presented at the Third Regional Symposium "Clear Ground", held on 2-4 June 2025 in '
        "Bangkok.\n\nIt was organised by the CMAC and opened by Ann Example, Director of the TMAC.",
        datetime.date(2025, 6, 5),
    )
    assert result.kind == "conference"
    roles = {f.label: f.role for f in result.organisations}
    assert (roles["CMAC"], roles["TMAC"]) == ("organiser", "participant")


def test_a_call_received_at_a_summits_venue_is_a_meeting_not_the_summit(known):
    make_organisation(name="The HALO Trust", acronym="HALO", slug="halo")
    result = propose(
        "Prum Sophakmonkol of the CMAC received a delegation of The HALO Trust (HALO) on 3 June 2025 at "
        "the venue of the Regional Summit on Land Release in Phnom Penh.",
        datetime.date(2025, 6, 4),
    )
    assert result.kind == "bilateral"


def test_a_channel_of_what_was_agreed_and_the_event_an_invitation_is_to_are_only_mentioned(known):
    make_organisation(name="General Border Committee", acronym="GBC", slug="gbc")
    make_organisation(name="United Nations", acronym="UN", slug="un")
    result = propose(
        "Prum Sophakmonkol of the CMAC received a delegation of ANAMA in Phnom Penh on 3 June 2025.\n\n"
        "The sides agreed to share survey data through the mechanism of the General Border Committee "
        "(GBC). The CMAC also invited ANAMA to attend a yearly forum of clearance chiefs and UN advisers.",
        datetime.date(2025, 6, 4),
    )
    assert {f.label for f in result.organisations} == {"CMAC", "ANAMA"}
    assert {f.label for f in result.also_mentioned_organisations} == {"GBC", "UN"}


def test_a_body_from_abroad_holding_a_side_meeting_at_an_event_travelled_to_it(known):
    make_organisation(
        name="Thailand Mine Action Centre",
        acronym="TMAC",
        slug="tmac",
        country="TH",
        kind="national_authority",
    )
    result = propose(
        "On the sidelines of the Regional Conference on Clearance in Phnom Penh on 4 June 2025, Ann Example, "
        "Director of the Thailand Mine Action Centre (TMAC), convened a meeting of the demining centres of "
        "the region.\n\nTaking part were officials of the Cambodian Mine Action Centre (CMAC).",
        datetime.date(2025, 6, 5),
    )
    assert result.country == "KH"
    assert result.trip is not None and result.trip.sending_country == "TH"


def test_a_place_inside_what_was_signed_is_not_a_party_to_it(known):
    place_anama_in_azerbaijan(known)
    make_organisation(name="Ministry of Foreign Affairs of Cambodia", acronym="", slug="kh-mfa", country="KH")
    result = propose(
        "ANAMA and the CMAC signed a memorandum in Phnom Penh on 2 June 2025 on a joint dog school in "
        "Cambodia.\n\nAnn Example, Director of the Ministry of Foreign Affairs of Cambodia, also attended.",
        datetime.date(2025, 6, 3),
    )
    (outcome,) = result.outcomes
    assert {f.label for f in result.organisations if f.key in outcome.parties} == {"ANAMA", "CMAC"}


def test_a_post_named_after_a_conference_does_not_make_a_call_a_conference(known):
    result = propose(
        "A delegation of ANAMA met Prum Sophakmonkol, Chair of the Regional Land Release Conference, at "
        "the CMAC in Phnom Penh on 4 June 2025.",
        datetime.date(2025, 6, 5),
    )
    assert result.kind == "bilateral"


def test_a_standing_committee_a_meeting_is_held_under_is_only_mentioned(known):
    make_organisation(name="Joint Border Council", acronym="JBCO", slug="jbco")
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    result = propose(
        "The third border meeting on clearance, held under the Joint Border Council (JBCO), took place "
        "in Pailin on 20 May 2025 between the CMAC and the TMAC.",
        datetime.date(2025, 5, 21),
    )
    assert "JBCO" not in {f.label for f in result.organisations}
    assert "JBCO" in {f.label for f in result.also_mentioned_organisations}


def test_an_invitation_is_between_the_inviter_and_the_invitee_and_who_took_part_takes_part(known):
    place_anama_in_azerbaijan(known, kind="national_authority")
    make_organisation(
        name="Ministry of Foreign Affairs of Azerbaijan",
        acronym="",
        slug="az-mfa",
        country="AZ",
        kind="government",
    )
    make_organisation(name="The HALO Trust", acronym="HALO", slug="halo")
    result = propose(
        "Ann Example, Deputy Minister of the Ministry of Foreign Affairs of Azerbaijan, received a "
        "delegation of The HALO Trust (HALO) in Baku on 3 June 2025.\n\nVugar Suleymanov, Chairman of "
        "ANAMA, who took part in the meeting, spoke about clearance.\n\nAnn Example invited HALO to a "
        "forum that Azerbaijan will hold in the autumn.",
        datetime.date(2025, 6, 4),
    )
    roles = {f.label: f.role for f in result.organisations}
    assert roles["ANAMA"] == "participant"
    (invitation,) = [o for o in result.outcomes if o.kind == "invitation"]
    labels = {f.key: f.label for f in result.organisations}
    assert {labels[k] for k in invitation.parties} == {"Ministry of Foreign Affairs of Azerbaijan", "HALO"}


def test_he_who_invites_is_the_person_the_sentence_before_opened_with(known):
    make_organisation(name="The HALO Trust", acronym="HALO", slug="halo")
    result = propose(
        "Prum Sophakmonkol, Deputy Director General of CMAC, received a delegation of The HALO Trust (HALO) "
        "in Phnom Penh on 3 June 2025.\n\nPrum Sophakmonkol thanked the guests. He invited ANAMA to a course "
        "in Kampong Chhnang.",
        datetime.date(2025, 6, 4),
    )
    (invitation,) = [o for o in result.outcomes if o.kind == "invitation"]
    labels = {f.key: f.label for f in result.organisations + result.also_mentioned_organisations}
    assert {labels[k] for k in invitation.parties} == {"CMAC", "ANAMA"}


def test_a_national_body_s_own_release_of_talks_abroad_has_it_visiting(known):
    make_organisation(
        name="Ministry of Foreign Affairs of Cambodia",
        acronym="MFAIC",
        slug="mfaic",
        country="KH",
        kind="government",
    )
    make_organisation(
        name="Ministry of Foreign Affairs of Azerbaijan",
        acronym="",
        slug="az-mfa",
        country="AZ",
        kind="government",
    )
    result = propose(
        "Consultations of the Ministry of Foreign Affairs of Cambodia (MFAIC) and the Ministry of Foreign "
        "Affairs of Azerbaijan were hosted in Baku on 1 June 2025 by the MFAIC.",
        datetime.date(2025, 6, 2),
        publisher="Ministry of Foreign Affairs of Cambodia",
    )
    assert {f.label: f.role for f in result.organisations} == {
        "MFAIC": "delegation",
        "Ministry of Foreign Affairs of Azerbaijan": "host",
    }
