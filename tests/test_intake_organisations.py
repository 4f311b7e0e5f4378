"""Organisations in a report: known ones whatever words come before them, new ones taught by brackets."""

import pytest

from events.intake.organisations import OrganisationIndex, OrganisationReader, name_before_acronym
from events.intake.sentences import find_topics, general_words
from events.models import Organisation, Topic

from .factories import make_organisation

pytestmark = pytest.mark.django_db


def reader(*, ignore=()):
    anama = make_organisation(
        name="Mine Action Agency of the Republic of Azerbaijan", acronym="ANAMA", slug="anama"
    )
    anama.other_names.create(name="Azerbaijan National Agency for Mine Action")
    make_organisation(name="Cambodian Mine Action Centre", acronym="CMAC", slug="cmac", country="KH")
    make_organisation(name="Quang Tri Province Mine Action Centre", acronym="", slug="qtmac", country="VN")
    index = OrganisationIndex(Organisation.objects.prefetch_related("other_names"))
    return OrganisationReader(index, ignore=ignore)


def labels(mentions):
    return [(m.text, m.organisation.slug if m.organisation else m.new.label) for m in mentions]


def test_a_full_name_matches_whatever_words_come_before_it():
    found = reader().mentions(
        "Staff of the Vietnamese Quang Tri Province Mine Action Centre (QTMAC) attended."
    )
    assert labels(found) == [("Quang Tri Province Mine Action Centre (QTMAC)", "qtmac")]


def test_an_acronym_in_brackets_teaches_that_acronym_for_the_whole_report():
    read = reader()
    text = "The European Union (EU) funds it. Later the EU said so. The Halo Trust (HALO) came."
    read.learn(text)
    assert labels(read.mentions("Later the EU said so.")) == [("EU", "European Union (EU)")]
    assert labels(read.mentions("The Halo Trust (HALO) came.")) == [
        ("Halo Trust (HALO)", "Halo Trust (HALO)")
    ]


def test_names_acronyms_other_names_and_close_spellings_are_known():
    found = reader().mentions(
        "The Azerbaijan National Agency for Mine Action, ANAMA's experts and "
        "the Cambodian Mine Action Center met."
    )
    assert [slug for _, slug in labels(found)] == ["anama", "anama", "cmac"]


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("It is funded by the European Union.", [("European Union", "European Union")]),
        (
            "The Committee on Foreign Policy received them.",
            [("Committee on Foreign Policy", "Committee on Foreign Policy")],
        ),
        # A minister's title names the ministry; the person's name after it is not part of it.
        (
            "Deputy Minister of Economy of Ukraine Oleh Moroz met them.",
            [("Minister of Economy of Ukraine", "Ministry of Economy of Ukraine")],
        ),
        (
            "Deputy Minister of Emergency Situations Etibar Mirzayev spoke.",
            [("Minister of Emergency Situations", "Ministry of Emergency Situations")],
        ),
        # The start of a known body's name is too vague to be a new one.
        ("The Ministry of Foreign Affairs sent a note.", []),
        # An embassy's name ends with the country it is posted to.
        (
            "Ann Example, First Secretary of the Embassy of Switzerland in Cambodia, joined them.",
            [("Embassy of Switzerland in Cambodia", "Embassy of Switzerland in Cambodia")],
        ),
    ],
)
def test_bodies_named_without_an_acronym_are_new_organisations(sentence, found):
    make_organisation(name="Ministry of Foreign Affairs of Belgium", slug="be-mfa", country="BE")
    assert labels(reader().mentions(sentence)) == found


def test_a_ministry_that_publishes_the_report_is_still_named_but_a_news_agency_is_not():
    read = reader(ignore=["Ministry of Economy of Ukraine", "Trend News Agency"])
    text = "The Ministry of Economy of Ukraine and the Trend News Agency (TNA) met."
    read.learn(text)
    assert labels(read.mentions(text)) == [
        ("Ministry of Economy of Ukraine", "Ministry of Economy of Ukraine")
    ]


def test_a_hyphenated_acronym_is_one_name_and_a_pair_of_acronyms_is_two():
    make_organisation(name="HCR-CTRO", acronym="HCR-CTRO", slug="hcr-ctro", country="HR")
    make_organisation(name="United Nations Development Programme", acronym="UNDP", slug="undp", country="")
    found = reader().mentions(
        "The symposium was organised by HCR-CTRO. The ANAMA-UNDP centre trains deminers."
    )
    assert [slug for _, slug in labels(found)] == ["hcr-ctro", "anama", "undp"]


def test_term_abbreviations_datelines_programmes_and_meetings_are_never_proposed():
    read = reader(ignore=["Trend"])
    text = (
        "BAKU (Trend) - The MoU covers ERW, UXO and EO, the Science for Peace and Security (SPS) project, "
        "and the 27th International Meeting of National Directors (NDM-UN27)."
    )
    read.learn(text)
    assert read.mentions(text) == []


@pytest.mark.parametrize(
    ("words", "acronym", "name"),
    [
        (
            "the Executive Director of the ASEAN Regional Mine Action Center",
            "ARMAC",
            "ASEAN Regional Mine Action Center",
        ),
        (
            "representatives of the Azerbaijan National Agency for Mine Action",
            "ANAMA",
            "Azerbaijan National Agency for Mine Action",
        ),
        ("also attended were The Halo Trust", "HALO", "Halo Trust"),
    ],
)
def test_the_name_an_acronym_in_brackets_abbreviates(words, acronym, name):
    assert " ".join(name_before_acronym(words.split(), acronym)) == name


def test_words_of_the_field_itself_tag_no_topic():
    names = [
        "Cambodian Mine Action Centre",
        "Thailand Mine Action Centre",
        "United Nations Mine Action Service",
        "Geneva International Centre for Humanitarian Demining",
    ]
    general = general_words(names)
    assert "mine action" in general
    assert "humanitarian demining" not in general  # in one name only
    threat = Topic(
        name="Mine risk management", slug="mine-risk-management", keywords="mine action\nmine threat"
    )
    text = "The conference on mine action discussed funding."
    assert find_topics(text, [threat]) != []
    assert find_topics(text, [threat], general=general) == []


def test_a_united_nations_body_is_known_by_its_short_un_name():
    make_organisation(name="United Nations", acronym="UN", slug="un")
    make_organisation(name="United Nations Development Programme", acronym="UNDP", slug="undp")
    found = reader().mentions("The UN Development Programme in Cambodia signed it.")
    assert labels(found) == [("UN Development Programme", "undp")]
