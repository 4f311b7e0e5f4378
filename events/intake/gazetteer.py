"""Places: countries by name and adjective, cities, venues, and words that are never organisations."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from django_countries import countries as all_countries

from .text import fold, normalise

# Adjectives and short names that reports use instead of the official name.
DEMONYMS = {
    "Afghan": "AF", "Albanian": "AL", "American": "US", "Angolan": "AO", "Armenian": "AM",
    "Australian": "AU", "Austrian": "AT", "Azerbaijani": "AZ", "Azeri": "AZ", "Belgian": "BE",
    "Bosnian": "BA", "British": "GB", "Burmese": "MM", "Cambodian": "KH", "Khmer": "KH", "Canadian": "CA",
    "Chinese": "CN", "Colombian": "CO", "Croatian": "HR", "Czech": "CZ", "Danish": "DK", "Dutch": "NL",
    "Egyptian": "EG", "Emirati": "AE", "Ethiopian": "ET", "Filipino": "PH", "Philippine": "PH",
    "Finnish": "FI", "French": "FR", "Georgian": "GE", "German": "DE", "Greek": "GR", "Hungarian": "HU",
    "Indian": "IN", "Indonesian": "ID", "Iranian": "IR", "Iraqi": "IQ", "Irish": "IE", "Israeli": "IL",
    "Italian": "IT", "Japanese": "JP", "Jordanian": "JO", "Kazakh": "KZ", "Kazakhstani": "KZ",
    "Kenyan": "KE", "Korean": "KR", "Kuwaiti": "KW", "Kyrgyz": "KG", "Lao": "LA", "Laotian": "LA",
    "Lebanese": "LB", "Libyan": "LY", "Lithuanian": "LT", "Luxembourgish": "LU", "Malaysian": "MY",
    "Mozambican": "MZ", "Nepalese": "NP", "Norwegian": "NO", "Omani": "OM", "Pakistani": "PK",
    "Palestinian": "PS", "Polish": "PL", "Qatari": "QA", "Romanian": "RO", "Russian": "RU", "Saudi": "SA",
    "Serbian": "RS", "Slovak": "SK", "Slovenian": "SI", "Somali": "SO", "Spanish": "ES",
    "Sri Lankan": "LK", "Sudanese": "SD", "Swedish": "SE", "Swiss": "CH", "Syrian": "SY", "Tajik": "TJ",
    "Thai": "TH", "Turkish": "TR", "Turkmen": "TM", "Ukrainian": "UA", "Uzbek": "UZ", "Vietnamese": "VN",
    "Yemeni": "YE", "Zimbabwean": "ZW",
}  # fmt: skip
COUNTRY_ALIASES = {
    "United States": "US", "USA": "US", "United Kingdom": "GB", "UK": "GB", "Britain": "GB",
    "Great Britain": "GB", "Russia": "RU", "Laos": "LA", "Lao PDR": "LA", "Vietnam": "VN", "Viet Nam": "VN",
    "Syria": "SY", "Iran": "IR", "Bosnia": "BA", "Bosnia and Herzegovina": "BA", "Czech Republic": "CZ",
    "Turkey": "TR", "Türkiye": "TR", "South Korea": "KR", "Republic of Korea": "KR", "North Korea": "KP",
    "Moldova": "MD", "Palestine": "PS", "Bolivia": "BO", "Venezuela": "VE", "Tanzania": "TZ",
    "Ivory Coast": "CI", "East Timor": "TL", "Macedonia": "MK", "Burma": "MM", "Kosovo": "XK",
    "Brunei": "BN", "People's Republic of China": "CN", "Kingdom of Cambodia": "KH",
    "Kingdom of Thailand": "TH", "Republic of Azerbaijan": "AZ",
}  # fmt: skip

# Places that reports of mine action name often, and their countries.
CITIES = {
    "Baku": "AZ", "Ganja": "AZ", "Shusha": "AZ", "Aghdam": "AZ", "Fuzuli": "AZ", "Zangilan": "AZ",
    "Jabrayil": "AZ", "Lachin": "AZ", "Kalbajar": "AZ", "Sumgait": "AZ", "Goygol": "AZ",
    "Phnom Penh": "KH", "Siem Reap": "KH", "Battambang": "KH", "Kampong Chhnang": "KH", "Pailin": "KH",
    "Bangkok": "TH", "Vientiane": "LA", "Hanoi": "VN", "Dong Ha": "VN", "Quang Tri": "VN",
    "Kuala Lumpur": "MY", "Putrajaya": "MY", "Jakarta": "ID", "Manila": "PH", "Singapore": "SG",
    "Nanjing": "CN", "Beijing": "CN", "Shanghai": "CN", "Geneva": "CH", "Bern": "CH", "Brussels": "BE",
    "Sarajevo": "BA", "Zagreb": "HR", "Cavtat": "HR", "Sibenik": "HR", "Belgrade": "RS", "Kyiv": "UA",
    "Kabul": "AF", "Tashkent": "UZ", "Astana": "KZ", "Almaty": "KZ", "Ankara": "TR", "Istanbul": "TR",
    "Tbilisi": "GE", "Yerevan": "AM", "Seoul": "KR", "Tokyo": "JP", "Amman": "JO", "Beirut": "LB",
    "Baghdad": "IQ", "Luanda": "AO", "Maputo": "MZ", "Colombo": "LK", "Bogota": "CO", "Oslo": "NO",
    "Vienna": "AT", "London": "GB", "Paris": "FR", "Berlin": "DE", "Washington": "US", "New York": "US",
    "Ljubljana": "SI", "The Hague": "NL", "Stockholm": "SE", "Copenhagen": "DK", "Helsinki": "FI",
    "Rome": "IT", "Madrid": "ES", "Lisbon": "PT", "Warsaw": "PL", "Prague": "CZ", "Budapest": "HU",
    "Bucharest": "RO", "Sofia": "BG", "Athens": "GR", "Nicosia": "CY", "Doha": "QA", "Abu Dhabi": "AE",
    "Dubai": "AE", "Riyadh": "SA", "Cairo": "EG", "Nairobi": "KE", "Addis Ababa": "ET",
}  # fmt: skip

# Words that make a capitalised name a venue, not a body ("Aghdam Conference Center").
VENUE_WORDS = re.compile(
    r"\b(?:Conference|Convention|Congress|Exhibition|Expo|Press|Business|Trade)\s+(?:Centre|Center|Hall|Palace)\b"
    r"|\b(?:Hotel|Palace|Hall|Stadium|Airport|Museum|Park|Square|Arena|Auditorium|Building|Headquarters)\b"
)

# Regions: place names that are not one country.
REGIONS = {
    "Asia", "Europe", "Africa", "America", "Southeast Asia", "South-East Asia", "Central Asia",
    "Middle East", "Caucasus", "South Caucasus", "Balkans", "Western Balkans", "ASEAN",
}  # fmt: skip


@functools.cache
def country_names() -> dict[str, str]:
    """Every name a country goes by in a report, to its code (English names)."""
    names = {}
    for country in all_countries:
        name = str(country.name)
        if "(" not in name and "," not in name:
            names[name] = country.code
    names.update(COUNTRY_ALIASES)
    names.update(DEMONYMS)
    return names


@functools.cache
def country_pattern() -> re.Pattern:
    """Every country name as one expression, longest first ("Thailand" before "Thai")."""
    alternatives = "|".join(re.escape(name) for name in sorted(country_names(), key=len, reverse=True))
    return re.compile(rf"\b({alternatives})\b")


@functools.cache
def folded_cities() -> dict[str, tuple[str, str]]:
    """Cities by their folded, squeezed spelling ("Şuşa" and "Shusha" are one)."""
    return {place_key(name): (name, code) for name, code in CITIES.items()}


def place_key(name: str) -> str:
    key = re.sub(r"[^a-z]", "", fold(name).casefold())
    for old, new in (("sh", "s"), ("kh", "k"), ("gh", "g"), ("dh", "d"), ("ch", "c"), ("x", "k"), ("q", "g")):
        key = key.replace(old, new)
    return key


def city(name: str) -> tuple[str, str] | None:
    """(city, country code) for a known city however it is spelled, else None."""
    return folded_cities().get(place_key(name))


def country_code(name: str) -> str:
    """The code of a country named by name, short name or adjective, else ""."""
    names = country_names()
    if name in names:
        return names[name]
    title = name.title() if name.isupper() else name
    return names.get(title, "")


def is_place(name: str) -> bool:
    """Whether a word or phrase names a city, country or region (in any case or script)."""
    name = name.strip()
    return bool(
        city(name)
        or country_code(name)
        or name.title() in REGIONS
        or name in REGIONS
        or name.title() in CITIES
    )


def find_countries(text: str) -> list[str]:
    """Country codes in order of first mention, by name, short name or adjective ("Thai")."""
    codes: list[str] = []
    for match in country_pattern().finditer(text):
        code = country_names()[match.group(1)]
        if code not in codes:
            codes.append(code)
    return codes


def find_places(text: str) -> list[tuple[int, str, str]]:
    """(offset, city or "", country code) for each place named, cities and countries alike."""
    found = []
    # Up to three capitalised words: a city of one or two, perhaps after a capitalised word ("In Bangkok").
    for match in re.finditer(r"\b[A-ZÀ-ÞĀ-ž][\w'-]*(?:\s+[A-ZÀ-ÞĀ-ž][\w'-]*){0,2}", text):
        words = match.group(0).split()
        named = next(
            (
                (first, city(" ".join(words[first : first + size])))
                for first in (0, 1)
                for size in (2, 1)
                if len(words) >= first + size and city(" ".join(words[first : first + size]))
            ),
            None,
        )
        if named is not None:
            first, known = named
            offset = match.start() + (match.group(0).index(words[first]) if first else 0)
            found.append((offset, known[0], known[1]))  # type: ignore[index]
    for match in country_pattern().finditer(text):
        if match.group(1) not in DEMONYMS:
            found.append((match.start(), "", country_names()[match.group(1)]))
    return sorted(found)


@functools.cache
def term_abbreviations() -> frozenset[str]:
    """Abbreviations of terms (ERW, UXO, MoU...) kept in data/terms.txt: never organisations."""
    path = Path(__file__).resolve().parent / "data" / "terms.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_term(word: str) -> bool:
    word = word.strip(".,;:()")
    terms = term_abbreviations()
    return (
        word in terms or word.upper() in {t.upper() for t in terms} or bool(re.fullmatch(r"[A-Z]+\d+", word))
    )


def is_not_an_organisation(name: str) -> bool:
    """A place, a venue or a term abbreviation: never proposed as an organisation."""
    return is_place(name) or is_term(name) or bool(VENUE_WORDS.search(name)) or normalise(name) == ""
