"""Places and words that are never organisations."""

import pytest

from events.intake import gazetteer


def test_countries_by_name_and_adjective_in_order_of_mention():
    text = "The Azerbaijani delegation left Thailand for the Republic of Korea, then Cambodia; Thai officials"
    assert gazetteer.find_countries(text) == ["AZ", "TH", "KR", "KH"]


@pytest.mark.parametrize(
    ("name", "city"), [("Şuşa", "Shusha"), ("BAKU", "Baku"), ("Kuala Lumpur", "Kuala Lumpur")]
)
def test_cities_are_known_however_they_are_spelled(name, city):
    assert gazetteer.city(name)[0] == city


@pytest.mark.parametrize(
    "name",
    ["BAKU", "PHNOM PENH", "ERW", "EO", "UXO", "IED", "MoU", "NGO", "COP29", "Aghdam Conference Center"],
)
def test_datelines_places_venues_and_term_abbreviations_are_not_organisations(name):
    assert gazetteer.is_not_an_organisation(name)


def test_organisations_are_not_places():
    assert not gazetteer.is_not_an_organisation("ANAMA")


def test_a_city_after_a_capitalised_word_is_found():
    assert gazetteer.find_places("In Bangkok, they met. Residents of Kampong Chhnang watched.") == [
        (3, "Bangkok", "TH"),
        (35, "Kampong Chhnang", "KH"),
    ]
