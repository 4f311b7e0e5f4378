"""Drafting a meeting from a news article.

Editors paste a report; this module reads it and proposes a draft meeting:
the organisations (by name, acronym or other name, tolerant of case,
punctuation and small spelling differences), the people with the titles
written next to their names (tolerant of transliteration differences), the
countries, the date, the topics (by each topic's keywords) and the kind and
title. ``analyse`` is pure reading and writes nothing; ``draft_meeting``
creates the source, the draft and its rows. The editor then confirms or
corrects the draft in its change form: everything here is a proposal.

Known limits: English text only; a title is picked up only when it is
written next to the name ("Name, Title of Org", "Title, Name", "Rank Name");
the date is the first stated date not after the publication, else "on or
before" the publication date.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django_countries import countries as all_countries
from django_countries.fields import Country

from .history import record_version
from .models import (
    DatePrecision,
    Delegation,
    Meeting,
    MeetingKind,
    MeetingOrganisation,
    Organisation,
    Participation,
    Person,
    Position,
    Source,
    Status,
    Topic,
    unique_slug,
)

# --- Normalising and comparing names -----------------------------------------

# Spellings that differ between outlets but mean the same word.
WORD_VARIANTS = {
    "center": "centre",
    "organization": "organisation",
    "organizations": "organisations",
    "program": "programme",
    "programs": "programmes",
    "defense": "defence",
    "&": "and",
}
CONNECTORS = {"of", "the", "for", "and", "on", "in", "de", "du", "la", "des", "to", "&"}


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Lower case, no accents or punctuation, one spelling per word: for comparing names."""
    text = re.sub(r"'s\b", "", strip_accents(text).casefold().replace("’", "'"))
    words = re.findall(r"[a-z0-9&]+", text)
    words = [WORD_VARIANTS.get(word, word) for word in words]
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


# Transliterations of one name differ in these ways (Sophak/Sofeak, Vuqar/Vugar,
# Rothna/Rotna, Amirbeyov/Amirbayov): collapse them before comparing.
TRANSLITERATION = [
    ("ph", "f"),
    ("kh", "k"),
    ("th", "t"),
    ("dh", "d"),
    ("gh", "g"),
    ("sh", "s"),
    ("ch", "c"),
    ("zh", "z"),
    ("ck", "k"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ea", "a"),
    ("q", "g"),
    ("w", "v"),
    ("y", "i"),
    ("x", "ks"),
]


def transliteration_key(word: str) -> str:
    key = normalise(word).replace(" ", "")
    for old, new in TRANSLITERATION:
        key = key.replace(old, new)
    if len(key) > 3 and key.endswith("h"):
        key = key[:-1]
    return re.sub(r"(.)\1+", r"\1", key)  # doubled letters


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def same_person_name(written: str, known: str) -> bool:
    """Whether two spellings probably name the same person (transliteration-tolerant).

    Word by word, in either order ("Buth Rothna" is "Rothna Buth"); an
    initial matches a word it begins ("V. Suleymanov" is "Vugar Suleymanov").
    """
    a = [w for w in re.split(r"[\s\-]+", strip_accents(written).replace(".", ". ")) if w.strip(".")]
    b = [w for w in re.split(r"[\s\-]+", strip_accents(known)) if w]
    if not a or not b or len(a) != len(b):
        return False

    def words_match(x: str, y: str) -> bool:
        if x.endswith(".") or len(x) == 1:  # an initial
            return y[:1].casefold() == x[:1].casefold()
        kx, ky = transliteration_key(x), transliteration_key(y)
        if kx == ky:
            return True
        # Short words must agree closely; long ones may differ by a letter or two.
        return kx[:1] == ky[:1] and similarity(kx, ky) >= (0.8 if min(len(kx), len(ky)) > 5 else 0.85)

    if all(words_match(x, y) for x, y in zip(a, b, strict=True)):
        return not all(x.endswith(".") or len(x) == 1 for x in a)
    return len(a) == 2 and all(words_match(x, y) for x, y in zip(a, reversed(b), strict=True))


# --- Words that tell what a capitalised phrase is --------------------------------

TITLE_WORDS = {
    "adviser", "advisor", "ambassador", "analyst", "attache", "board", "ceo", "chair", "chairman",
    "chairperson", "chairwoman", "chief", "commander", "consul", "coordinator", "counsellor", "counselor",
    "delegate", "deputy", "director", "envoy", "executive", "expert", "founder", "general", "governor",
    "head", "leader", "manager", "mayor", "member", "minister", "officer", "president", "professor",
    "rector", "representative", "secretary", "senior", "specialist", "spokesman", "spokesperson", "vice",
}  # fmt: skip
RANKS = [
    "General-Lieutenant", "Lieutenant-General", "Lieutenant General", "Lt. Gen.", "Lt Gen", "Lt.-Gen.",
    "Major-General", "Major General", "Maj. Gen.", "Maj Gen", "Brigadier General", "Brigadier-General",
    "Brigadier", "Lieutenant Colonel", "Lt. Col.", "Lt Col", "Colonel", "Col.", "Major", "Captain",
    "Capt.", "Rear Admiral", "Vice Admiral", "Admiral", "General", "Gen.", "His Excellency",
    "Her Excellency", "H.E.", "Ambassador", "Professor", "Prof.", "Dr.", "Dr", "Mr.", "Mr", "Mrs.",
    "Mrs", "Ms.", "Ms", "Sir",
]  # fmt: skip
RANK_PATTERN = "|".join(re.escape(rank) for rank in sorted(RANKS, key=len, reverse=True))
ORGANISATION_WORDS = {
    "academy", "administration", "agency", "alliance", "army", "association", "authority", "bank",
    "bureau", "cabinet", "campaign", "centre", "coalition", "command", "commission",
    "committee", "company", "corporation", "corps", "council", "department", "directorate", "embassy",
    "forces", "foundation", "fund", "group", "initiative", "institute", "ministry", "mission", "navy",
    "network", "office", "organisation", "programme", "secretariat", "service", "society", "trust",
    "union", "university",
}  # fmt: skip
NOT_A_NAME = {
    "a", "about", "after", "also", "an", "and", "as", "at", "before", "both", "by", "during",
    "for", "from", "he", "her", "his", "in", "it", "its", "mine", "action", "news", "of", "on", "read",
    "more", "our", "she", "that", "the", "their", "these", "they", "this", "those", "to", "under", "we",
    "with", "regional", "national", "international", "humanitarian", "republic", "kingdom", "state",
    "states", "government", "southeast", "northeast", "east", "west", "north", "south", "asia", "europe",
    "africa", "america", "middle", "central", "according", "meanwhile", "however", "today", "yesterday",
}  # fmt: skip
MONTHS = {
    name.casefold(): number
    for number, names in enumerate(
        [
            ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"), ("May",),
            ("June", "Jun"), ("July", "Jul"), ("August", "Aug"), ("September", "Sep", "Sept"),
            ("October", "Oct"), ("November", "Nov"), ("December", "Dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# Upper-case words that are not organisations.
NOT_AN_ACRONYM = {
    "AM", "PM", "UTC", "GMT", "USD", "EUR", "AZN", "II", "III", "IV", "VI", "VII", "VIII", "IX", "XI",
    "XII", "XX", "XXI", "TV", "PHOTO", "VIDEO", "READ", "MORE", "NB", "OK", "ID", "COVID",
}  # fmt: skip

# --- Countries ---------------------------------------------------------------

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
    "Lebanese": "LB", "Libyan": "LY", "Lithuanian": "LT", "Malaysian": "MY", "Mozambican": "MZ",
    "Nepalese": "NP", "Norwegian": "NO", "Omani": "OM", "Pakistani": "PK", "Palestinian": "PS",
    "Polish": "PL", "Qatari": "QA", "Romanian": "RO", "Russian": "RU", "Saudi": "SA", "Serbian": "RS",
    "Slovak": "SK", "Slovenian": "SI", "Somali": "SO", "Spanish": "ES", "Sri Lankan": "LK",
    "Sudanese": "SD", "Swedish": "SE", "Swiss": "CH", "Syrian": "SY", "Tajik": "TJ", "Thai": "TH",
    "Turkish": "TR", "Turkmen": "TM", "Ukrainian": "UA", "Uzbek": "UZ", "Vietnamese": "VN",
    "Yemeni": "YE", "Zimbabwean": "ZW",
}  # fmt: skip
COUNTRY_ALIASES = {
    "United States": "US", "USA": "US", "United Kingdom": "GB", "Britain": "GB", "Great Britain": "GB",
    "Russia": "RU", "Laos": "LA", "Vietnam": "VN", "Syria": "SY", "Iran": "IR", "Bosnia": "BA",
    "Czech Republic": "CZ", "Turkey": "TR", "South Korea": "KR", "Republic of Korea": "KR",
    "North Korea": "KP", "Moldova": "MD", "Palestine": "PS", "Bolivia": "BO", "Venezuela": "VE",
    "Tanzania": "TZ", "Ivory Coast": "CI", "East Timor": "TL", "Macedonia": "MK", "Burma": "MM",
    "Kosovo": "XK", "Brunei": "BN",
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
def country_pattern() -> str:
    """Every country name as one regular expression, longest first ("Thailand" before "Thai")."""
    return "|".join(re.escape(name) for name in sorted(country_names(), key=len, reverse=True))


def find_countries(text: str) -> list[str]:
    """Country codes in order of first mention, by name, short name or adjective ("Thai")."""
    names = country_names()
    codes: list[str] = []
    for match in re.finditer(rf"\b({country_pattern()})\b", text):
        code = names[match.group(1)]
        if code not in codes:
            codes.append(code)
    return codes


# --- Organisations -----------------------------------------------------------


@dataclass
class OrganisationMatch:
    organisation: Organisation
    as_written: str  # the fullest way the article writes it
    role: str = MeetingOrganisation.Role.PARTICIPANT
    mentions: list[str] = field(default_factory=list)  # every way the article writes it

    @property
    def role_label(self) -> str:
        return MeetingOrganisation.Role(self.role).label.lower()


@dataclass
class OrganisationCandidate:
    """A name or acronym in the article that no known organisation has."""

    name: str = ""
    acronym: str = ""

    @property
    def label(self) -> str:
        if self.name and self.acronym:
            return f"{self.name} ({self.acronym})"
        return self.name or self.acronym

    def query_string(self, *, meeting_id: int | None = None) -> str:
        """Parameters that prefill the organisation add form (and attach it to the draft)."""
        values = {"name": self.name or self.acronym, "acronym": self.acronym}
        values["slug"] = unique_slug(Organisation, self.acronym or self.name)
        if meeting_id is not None:
            values["for_meeting"] = meeting_id
        return urlencode({key: value for key, value in values.items() if value})


class OrganisationIndex:
    """Known organisations by every normalised name, acronym and other name."""

    def __init__(self, organisations: Iterable[Organisation]):
        self.by_name: dict[str, Organisation] = {}
        self.by_acronym: dict[str, Organisation] = {}
        for organisation in organisations:
            names = [organisation.name, *(other.name for other in organisation.other_names.all())]
            for name in names:
                if is_acronym(name):
                    self.by_acronym.setdefault(name.upper(), organisation)
                self.by_name.setdefault(normalise(name), organisation)
                # "Ministry of Foreign Affairs (MFA)" as a stored name: index both parts.
                bracket = re.fullmatch(r"(.+?)\s*\(([^)]+)\)", name)
                if bracket:
                    self.by_name.setdefault(normalise(bracket.group(1)), organisation)
            if organisation.acronym:
                self.by_acronym.setdefault(organisation.acronym.upper(), organisation)
        self._names_by_length: dict[int, list[str]] = {}
        for name in self.by_name:
            self._names_by_length.setdefault(len(name.split()), []).append(name)

    def by_acronym_text(self, acronym: str) -> Organisation | None:
        return self.by_acronym.get(acronym.upper().replace(".", ""))

    def find_name(self, text: str) -> Organisation | None:
        """The organisation with this name, exactly after normalising or with a small spelling difference."""
        key = normalise(text)
        if not key:
            return None
        if key in self.by_name:
            return self.by_name[key]
        words = len(key.split())
        if words < 2:
            return None
        names = [n for size in (words - 1, words, words + 1) for n in self._names_by_length.get(size, [])]
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.9)
        return self.by_name[close[0]] if close else None


def is_acronym(word: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", word)
    return len(letters) >= 2 and letters.isupper() and len(word) <= 15 and " " not in word.strip()


def initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w.casefold() not in CONNECTORS and w[:1].isalpha()).upper()


def name_before_acronym(words: list[str], acronym: str) -> list[str]:
    """The end of ``words`` that the acronym abbreviates ("Director of the [Thailand Mine Action Centre]")."""
    letters = acronym.upper().replace(".", "").replace("-", "")
    starts = [i for i in range(len(words) - 1, -1, -1) if words[i].casefold() not in CONNECTORS]
    # The words whose initials spell the acronym; failing that, nearly spell it.
    for start in starts:
        if initials(words[start:]) == letters:
            return words[start:]
    for start in starts:
        found = initials(words[start:])
        if len(found) == len(letters) and len(letters) >= 3 and similarity(found, letters) >= 0.75:
            return words[start:]
        if len(found) > len(letters):
            break
    # The initials do not fit: the capitalised words just before the bracket.
    tail: list[str] = []
    for word in reversed(words):
        if word.casefold() in {"the", "a", "an"} or word.casefold() in TITLE_WORDS:
            break
        tail.insert(0, word)
    while tail and tail[0].casefold() in CONNECTORS:
        tail.pop(0)
    return tail


WORD = r"[A-ZÀ-ÖØ-Þ][\w’'\-\.]*"
CAPITALISED_RUN = re.compile(rf"{WORD}(?:\s+(?:(?:of|the|for|and|on|de|du|la|des|&)\s+)*{WORD})*")


def capitalised_runs(text: str) -> list[tuple[int, str]]:
    """Runs of capitalised words, with the small words that join names ("of the")."""
    return [(m.start(), m.group(0).rstrip(".")) for m in CAPITALISED_RUN.finditer(text)]


def find_organisations(
    text: str, index: OrganisationIndex, *, ignore: Iterable[str] = ()
) -> tuple[list[OrganisationMatch], list[OrganisationCandidate]]:
    """Known organisations the text names, and names and acronyms of unknown ones.

    Three passes: "Name (ACRONYM)" pairs; capitalised phrases compared with
    every known name; then upper-case words compared with known acronyms.
    ``ignore`` holds names not to report (the publisher and republisher).
    """
    ignored = {normalise(name) for name in ignore if name}
    matches: dict[int, OrganisationMatch] = {}
    candidates: dict[str, OrganisationCandidate] = {}
    covered_acronyms: set[str] = set()
    named: list[tuple[int, int]] = []  # where names were found: their words are not acronyms

    def matched(organisation: Organisation, as_written: str) -> None:
        match = matches.setdefault(organisation.pk, OrganisationMatch(organisation, as_written))
        if as_written not in match.mentions:
            match.mentions.append(as_written)
        if len(as_written) > len(match.as_written):
            match.as_written = as_written

    def candidate(name: str = "", acronym: str = "") -> None:
        key = normalise(acronym or name)
        if not key or key in ignored or normalise(name) in ignored:
            return
        existing = candidates.get(key)
        if existing is None or (name and not existing.name):
            candidates[key] = OrganisationCandidate(name, acronym)

    # 1. "Thailand Mine Action Centre (TMAC)".
    for match in re.finditer(r"((?:\S+\s+){1,14}?)\(([A-Z][A-Za-z0-9&.\-]{1,14})\)", text):
        acronym = match.group(2)
        if not is_acronym(acronym) or acronym in NOT_AN_ACRONYM:
            continue
        words = re.findall(r"[\w’'\-&]+", match.group(1))
        name_words = name_before_acronym(words, acronym)
        name = " ".join(name_words)
        if name_words:
            named.append((match.start(1) + match.group(1).rfind(name_words[0]), match.end()))
        organisation = index.by_acronym_text(acronym) or (index.find_name(name) if name else None)
        covered_acronyms.add(acronym)
        if organisation is not None:
            matched(organisation, f"{name} ({acronym})" if name else acronym)
        else:
            candidate(name, acronym)

    # 2. Full names, exactly or nearly ("Thailand Mine Action Center" for "...Centre").
    for offset, run in capitalised_runs(text):
        positions = [(offset + m.start(), offset + m.end()) for m in re.finditer(r"\S+", run)]
        words = run.split()
        used = [False] * len(words)
        for size in range(len(words), 1, -1):
            for start in range(0, len(words) - size + 1):
                if any(used[start : start + size]):
                    continue
                span = words[start : start + size]
                if span[0].casefold() in CONNECTORS or span[-1].casefold() in CONNECTORS:
                    continue
                organisation = index.find_name(" ".join(span))
                if organisation is not None:
                    matched(organisation, re.sub(r"[’']s$", "", " ".join(span)))
                    used[start : start + size] = [True] * size
                    named.append((positions[start][0], positions[start + size - 1][1]))
        unknown = organisation_like_name(words, used)
        if unknown and index.find_name(unknown) is None:
            # "Representatives of the Geneva ... Demining" when "(GICHD)" gave the name already.
            covered = [
                c for c in candidates.values() if c.name and normalise(unknown).endswith(normalise(c.name))
            ]
            if not covered:
                candidate(unknown)

    # 3. Acronyms on their own, also inside "ANAMA-UNDP" and "ANAMA's".
    shouted = {m.group(0) for m in re.finditer(r"\b[A-Z]{2,}(?:\s+[A-Z]{2,}){2,}\b", text)}
    shouted_words = {word for phrase in shouted for word in phrase.split()}  # a headline in capitals
    for found in re.finditer(r"\b[A-Z][A-Za-z0-9&]*(?:[’'\-][A-Za-z0-9&]+)*\b", text):
        inside_a_name = any(start <= found.start() < end for start, end in named)
        token = found.group(0)
        for part in re.split(r"[\-]", re.sub(r"[’']s$", "", token)):
            if not is_acronym(part) or part in NOT_AN_ACRONYM or not part.isupper() or part in shouted_words:
                continue
            organisation = index.by_acronym_text(part)
            if organisation is not None:
                matched(organisation, part)  # "ANAMA-UNDP International Centre" names UNDP too
            elif part not in covered_acronyms and not find_countries(part) and not inside_a_name:
                candidate(acronym=part)

    known = {normalise(m.organisation.acronym) for m in matches.values() if m.organisation.acronym}
    unknown = [c for key, c in candidates.items() if key not in known]
    return list(matches.values()), unknown


def organisation_like_name(words: list[str], used: list[bool]) -> str:
    """The longest unmatched stretch of a capitalised run that reads like an organisation's name."""
    best = ""
    stretch: list[str] = []
    for word, taken in [*zip(words, used, strict=True), ("", True)]:
        possessive = re.search(r"[’']s$", word)
        if not taken and not possessive:
            stretch.append(word)
            continue
        while stretch and (stretch[0].casefold() in CONNECTORS or stretch[0].casefold() in TITLE_WORDS):
            stretch.pop(0)
        while stretch and stretch[-1].casefold() in CONNECTORS:
            stretch.pop()
        lowered = {normalise(w) for w in stretch}
        if len(stretch) >= 2 and lowered & ORGANISATION_WORDS and len(" ".join(stretch)) > len(best):
            best = " ".join(stretch)
        stretch = []
    return best


# --- People ------------------------------------------------------------------


@dataclass
class PersonMention:
    """Someone the article names, with the title written next to the name."""

    name: str
    title: str = ""
    rank: str = ""
    person: Person | None = None
    organisation: Organisation | None = None
    role: str = Participation.Role.PARTICIPANT
    leads_delegation: bool = False
    participation: Participation | None = None

    @property
    def title_as_stated(self) -> str:
        return ", ".join(part for part in (self.rank, self.title) if part)

    def query_string(self) -> str:
        """Parameters that prefill the person add form (and link the participant)."""
        values = {"name": self.name, "slug": unique_slug(Person, self.name), "honorific": self.rank}
        if self.participation is not None:
            values["for_participation"] = self.participation.pk
        return urlencode({key: value for key, value in values.items() if value})


NAME_WORD = r"(?:[A-ZÀ-ÖØ-Þ]\.|[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ’'\-]+)"
PERSON_NAME = re.compile(rf"{NAME_WORD}(?:\s+{NAME_WORD}){{1,3}}")
TITLE_AFTER = re.compile(r"^\s*,\s*(?:who is\s+|the\s+|an?\s+)?([^,;.()]+(?:\([^)]*\))?)")


def looks_like_name(words: list[str], countries: dict[str, str]) -> bool:
    if not 2 <= len(words) <= 4 or all(w.endswith(".") for w in words):
        return False
    for word in words:
        lowered = normalise(word)
        if (
            lowered in NOT_A_NAME
            or lowered in TITLE_WORDS
            or lowered in ORGANISATION_WORDS
            or lowered in MONTHS
            or lowered in WEEKDAYS
            or word in countries
            or is_acronym(word)
        ):
            return False
    return True


def title_phrase_end(text: str, *, joined: bool = False) -> str:
    """The title at the end of ``text``: "thanked the Korean ambassador " → "the Korean ambassador".

    ``joined`` allows "and" inside it ("Minister of Foreign Affairs and International
    Cooperation"); without it, "X and UNDP Resident" stops at "and" (two people).
    """
    small = "of|the|and|for|on|to" if joined else "of|the|for|on|to"
    word = rf"(?:[A-Z][\w’'.\-]*|{small}|" + "|".join(sorted(TITLE_WORDS)) + r")"
    match = re.search(rf"(?:{word}\s+)*$", text)
    return match.group(0).strip() if match else ""


def is_title(text: str) -> bool:
    words = {w.casefold() for w in re.findall(r"[A-Za-z]+", text)}
    return bool(words & TITLE_WORDS)


def clean_title(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,")
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)
    # "…of TMAC, said" / "…Centre expressed": stop at the verb that follows a title.
    text = re.split(r"\s+(?:said|says|stated|noted|added|told|who|which|expressed|highlighted)\b", text)[0]
    return text.strip(" ,")


def find_people(text: str, known_people: Iterable[Person] = ()) -> list[PersonMention]:
    """People named with a title or rank next to them, or known people however spelled.

    Patterns: "Name, (the) Title of Org", "Rank Name, the Title", "Title, Name",
    "Title Name" (titles within a capitalised run), "led by Name". A later
    short mention ("V. Suleymanov") joins the earlier full one.
    """
    countries = country_names()
    known = list(known_people)
    mentions: list[PersonMention] = []
    rank = rf"(?:(?P<rank>{RANK_PATTERN})\s+)?"
    for sentence in sentences(text):
        for match in re.finditer(rank + rf"(?P<name>{PERSON_NAME.pattern})", sentence):
            words = match.group("name").split()
            # Titles inside the run: "Director General Nattavut Sabyeroop", "Resident Representative X".
            last_title = max((i for i, w in enumerate(words) if normalise(w) in TITLE_WORDS), default=-1)
            title_before = " ".join(words[: last_title + 1])
            words = words[last_title + 1 :]
            if not looks_like_name(words, countries):
                continue
            name = " ".join(words)
            before = sentence[: match.start()]
            after = sentence[match.end() :]
            if title_before:
                # "ANAMA Chairman of the Board Vugar Suleymanov": the run began before "of the".
                title_before = (title_phrase_end(before) + " " + title_before).strip()
            mention = PersonMention(name=name, rank=(match.group("rank") or "").strip())
            mention.leads_delegation = bool(re.search(r"\b(?:led|headed)\s+by\s*$", before))
            title_match = TITLE_AFTER.match(after)
            if title_match and is_title(title_match.group(1)):
                # "Senior Minister Heng Ratana, Director General of CMAC": both.
                mention.title = ", ".join(t for t in (title_before, clean_title(title_match.group(1))) if t)
            elif title_before:
                mention.title = clean_title(title_before)
            else:
                # "The Director General of TMAC, Nattavut Sabyeroop".
                clause = re.split(r"[;:]|,(?=[^,]*,\s*$)", before)[-1]
                preceding = re.search(r"([^,]*?)\s*,\s*$", clause)
                if preceding and is_title(preceding.group(1)) and len(preceding.group(1).split()) <= 14:
                    mention.title = clean_title(title_phrase_end(preceding.group(1) + " ", joined=True))
            person = next((p for p in known if any(same_person_name(name, n) for n in person_names(p))), None)
            mention.person = person
            has_cue = mention.title or mention.rank or mention.leads_delegation or person is not None
            if has_cue:
                merge_mention(mentions, mention)
    return mentions


ABBREVIATIONS = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Prof|Gen|Lt|Col|Capt|Maj|Brig|H\.E|St|No|[A-Z])\.$")


def sentences(text: str) -> list[str]:
    """The text's sentences; "Dr. Prum" and "V. Suleymanov" do not end one."""
    result: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z])|\n+", text):
        if result and ABBREVIATIONS.search(result[-1]):
            result[-1] = f"{result[-1]} {piece}"
        else:
            result.append(piece)
    return result


def person_names(person: Person) -> list[str]:
    return [person.name, *(other.name for other in person.other_names.all())]


def merge_mention(mentions: list[PersonMention], new: PersonMention) -> None:
    """Add a mention, or complete an earlier one of the same person."""
    for mention in mentions:
        same = (
            (new.person is not None and new.person == mention.person)
            or same_person_name(new.name, mention.name)
            or same_person_name(mention.name, new.name)
        )
        if same:
            if len(new.name) > len(mention.name) and not new.name.split()[0].endswith("."):
                mention.name = new.name
            mention.title = mention.title or new.title
            mention.rank = mention.rank or new.rank
            mention.person = mention.person or new.person
            mention.leads_delegation = mention.leads_delegation or new.leads_delegation
            return
    mentions.append(new)


# --- Dates -------------------------------------------------------------------


@dataclass
class DateFinding:
    start: datetime.date
    end: datetime.date | None
    precision: str
    as_reported: str
    evidence: str


MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:-|–|to|and)\s*(\d{{1,2}})(?:st|nd|rd|th)?)?\s+({MONTH_NAMES})\.?,?(?:\s+(\d{{4}}))?\b",
    re.IGNORECASE,
)
MONTH_DAY = re.compile(
    rf"\b({MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:-|–)\s*(\d{{1,2}}))?(?:,?\s+(\d{{4}}))?\b",
    re.IGNORECASE,
)
MONTH_YEAR = re.compile(rf"\b(?:in|during|since)\s+({MONTH_NAMES})\s+(\d{{4}})\b", re.IGNORECASE)
RELATIVE = re.compile(rf"\b(yesterday|today|on\s+(?:{'|'.join(WEEKDAYS)}))\b", re.IGNORECASE)


def find_date(text: str, published_on: datetime.date) -> DateFinding:
    """The meeting's date: the first stated date not after the publication, else the publication.

    Days without a year take the publication's year (or the year before, if
    that would put them after it). Later dates are plans, not the meeting.
    """
    found: list[tuple[int, DateFinding]] = []

    def add(position, start, end, precision, written) -> None:
        if start > published_on or (end and end < start):
            return
        found.append((position, DateFinding(start, end, precision, written, f"“{written}” in the text")))

    def year_for(month: int, day: int, year: str | None) -> int:
        if year:
            return int(year)
        guess = published_on.year
        try:
            return guess - 1 if datetime.date(guess, month, day) > published_on else guess
        except ValueError:
            return guess

    # "3-5 May 2024" and "May 3-5, 2024": the same parts in another order.
    for pattern, order in (
        (DAY_MONTH, ("first", "last", "month", "year")),
        (MONTH_DAY, ("month", "first", "last", "year")),
    ):
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            month = MONTHS[parts["month"].casefold()]
            try:
                year_number = year_for(month, int(parts["first"]), parts["year"])
                start = datetime.date(year_number, month, int(parts["first"]))
                end = datetime.date(year_number, month, int(parts["last"])) if parts["last"] else None
            except ValueError:
                continue
            add(match.start(), start, end, DatePrecision.DAY, match.group(0).strip())
    for match in MONTH_YEAR.finditer(text):
        start = datetime.date(int(match.group(2)), MONTHS[match.group(1).casefold()], 1)
        add(match.start(), start, None, DatePrecision.MONTH, match.group(0).strip())
    for match in RELATIVE.finditer(text):
        word = match.group(1).casefold()
        if word == "today":
            day = published_on
        elif word == "yesterday":
            day = published_on - datetime.timedelta(days=1)
        else:
            weekday = WEEKDAYS.index(word.split()[-1])
            day = published_on - datetime.timedelta(days=(published_on.weekday() - weekday) % 7)
        add(match.start(), day, None, DatePrecision.DAY, match.group(0).strip())
    if found:
        # A dateline usually repeats the publication date: prefer any other stated date.
        other = [item for item in found if item[1].start != published_on] or found
        return min(other, key=lambda item: item[0])[1]
    return DateFinding(
        published_on,
        None,
        DatePrecision.ON_OR_BEFORE,
        "",
        "no date in the text: on or before the publication date",
    )


# --- Topics ------------------------------------------------------------------


@dataclass
class TopicMatch:
    topic: Topic
    keywords: list[str]  # the keywords found
    count: int  # how often they occur

    @property
    def strong(self) -> bool:
        """A phrase ("capacity building") or a word used twice; one "awareness" is too weak to tag."""
        return self.count >= 2 or any(" " in keyword.strip() for keyword in self.keywords)


def find_topics(text: str, topics: Iterable[Topic], *, ignore: Iterable[str] = ()) -> list[TopicMatch]:
    """Topics whose name or keywords the text uses (plurals too), most evidence first.

    ``ignore`` holds phrases that do not count, such as organisations' names
    ("...Centre for Mine Action Practices and Training" is not about training).
    """
    plain = " " + normalise(text) + " "
    for phrase in sorted((normalise(p) for p in ignore if p), key=len, reverse=True):
        plain = plain.replace(f" {phrase} ", " | ")
    found = []
    for topic in topics:
        hits, count, seen = [], 0, set()
        for keyword in dict.fromkeys([topic.name.casefold(), *topic.keyword_list]):
            words = normalise(keyword)
            if not words or words in seen:  # "program" and "programme" are one keyword
                continue
            seen.add(words)
            occurrences = len(re.findall(r"\b" + re.escape(words) + r"(?:s|es)?\b", plain))
            if occurrences:
                hits.append(keyword)
                count += occurrences
        if hits:
            found.append(TopicMatch(topic, hits, count))
    return sorted(found, key=lambda m: (-m.strong, -m.count, m.topic.name))


# --- The whole article -------------------------------------------------------


@dataclass
class Article:
    url: str
    publisher: str
    published_on: datetime.date
    text: str
    republished_by: str = ""
    title: str = ""
    language: str = "en"


@dataclass
class Analysis:
    organisations: list[OrganisationMatch]
    unmatched_organisations: list[OrganisationCandidate]
    participants: list[PersonMention]
    countries: list[Country]
    meeting_country: str
    sending_country: str
    date: DateFinding
    topics: list[TopicMatch]  # strong evidence: put on the draft
    weak_topics: list[TopicMatch]  # a word once: only suggested
    kind: str
    title: str
    city: str = ""

    @property
    def date_evidence(self) -> str:
        return self.date.evidence


def known_records():
    organisations = Organisation.objects.prefetch_related("other_names")
    people = Person.objects.prefetch_related(
        "other_names", Prefetch("positions", queryset=Position.objects.select_related("organisation"))
    )
    return list(organisations), list(people), list(Topic.objects.all())


def analyse(article: Article, *, organisations=None, people=None, topics=None) -> Analysis:
    """Read the article against the known records; writes nothing (queries unless given the records)."""
    if organisations is None or people is None or topics is None:
        organisations, people, topics = known_records()
    text = article.text
    index = OrganisationIndex(organisations)
    matches, unmatched = find_organisations(text, index, ignore=[article.publisher, article.republished_by])
    mentions = find_people(text, people)
    codes = find_countries(text)
    sending = sending_country(text)
    by_pk = {m.organisation.pk: m for m in matches}
    if not sending:
        # "A delegation from the Mine Action Agency of ..." : that organisation's country.
        for match in matches:
            written = "|".join(re.escape(mention) for mention in match.mentions)
            if match.organisation.country and re.search(
                rf"\bdelegations?\s+(?:from|of)\s+(?:the\s+)?(?:{written})", text
            ):
                sending = match.organisation.country.code
                break

    # Roles: who organised, who hosted, who came with the delegation.
    for match in matches:
        written = "|".join(re.escape(mention) for mention in match.mentions)
        if re.search(rf"\b(?:organi[sz]ed|convened|arranged)\s+by\s+(?:the\s+)?(?:{written})", text):
            match.role = MeetingOrganisation.Role.ORGANISER
        elif re.search(rf"(?:{written})[^.]{{0,40}}\bwas\s+(?:organi[sz]ed|arranged)\s+by\b", text):
            match.role = MeetingOrganisation.Role.HOST  # "the meeting at TMAC was organised by ARMAC"
        elif re.search(
            rf"\b(?:hosted\s+by|(?:meetings?|talks|held|place|ceremony)\s+at|visit(?:ed)?(?:\s+to)?)"
            rf"\s+(?:the\s+)?(?:{written})",
            text,
        ):
            match.role = MeetingOrganisation.Role.HOST
        elif re.search(
            rf"\b(?:(?:support|funding|financing|sponsorship)\s+(?:of|from)|funded\s+by|sponsored\s+by)"
            rf"\s+(?:the\s+)?(?:{written})",
            text,
        ):
            match.role = MeetingOrganisation.Role.FUNDER
    hosts = [m for m in matches if m.role == MeetingOrganisation.Role.HOST]
    organisers = [m for m in matches if m.role == MeetingOrganisation.Role.ORGANISER]
    city = find_city(text)
    held_in = re.search(HELD_IN, text)
    # Where it took place: the host's country, the city's, the organiser's, "held in X",
    # else the first country named that is not the visitors'.
    meeting_country = next(
        (
            code
            for code in (
                *(m.organisation.country.code for m in hosts if m.organisation.country),
                CITIES.get(city, ""),
                *(m.organisation.country.code for m in organisers if m.organisation.kind in NATIONAL_KINDS),
                *(find_countries(held_in.group(1)) if held_in else []),
                *(code for code in codes if code != sending),
                *codes,
            )
            if code
        ),
        "",
    )

    def national_of(match: OrganisationMatch) -> str:
        """The country of a body that belongs to one, else ""."""
        organisation = match.organisation
        return (
            organisation.country.code if organisation.country and organisation.kind in NATIONAL_KINDS else ""
        )

    undecided = [m for m in matches if m.role == MeetingOrganisation.Role.PARTICIPANT]
    if not hosts:
        # No "hosted by" / "visited": the national body of the meeting's country hosts.
        for match in undecided:
            if national_of(match) and national_of(match) == meeting_country and meeting_country != sending:
                match.role = MeetingOrganisation.Role.HOST
        hosts = [m for m in matches if m.role == MeetingOrganisation.Role.HOST]
    for match in undecided:
        country = national_of(match)
        if country and (country == sending or (hosts and country != meeting_country)):
            # From the delegation's country, or a national body from elsewhere at a hosted meeting.
            match.role = MeetingOrganisation.Role.DELEGATION

    # Participants: their organisation from the title, else from their position.
    for mention in mentions:
        in_title = []
        if mention.title:
            title_matches, _ = find_organisations(mention.title, index)
            in_title = [m.organisation for m in title_matches]
        if in_title:
            mention.organisation = in_title[-1]
        elif mention.person is not None:
            positions = [p for p in mention.person.positions.all() if p.organisation_id and not p.end_date]
            mention.organisation = positions[0].organisation if positions else None
        link = by_pk.get(mention.organisation.pk) if mention.organisation else None
        role = link.role if link is not None else ""
        from_sending_country = bool(sending) and sending in find_countries(mention.title)
        if mention.leads_delegation:
            mention.role = Participation.Role.HEAD_OF_DELEGATION
        elif role in PARTICIPANT_ROLE:
            mention.role = PARTICIPANT_ROLE[role]
        elif from_sending_country:
            mention.role = Participation.Role.DELEGATION_MEMBER

    kind = meeting_kind(text, matches)
    names = [m for match in matches for m in match.mentions] + [c.name for c in unmatched if c.name]
    topic_matches = find_topics(text, topics, ignore=names)
    return Analysis(
        organisations=matches,
        unmatched_organisations=unmatched,
        participants=mentions,
        countries=[Country(code) for code in codes],
        meeting_country=meeting_country,
        sending_country=sending,
        date=find_date(text, article.published_on),
        topics=[match for match in topic_matches if match.strong],
        weak_topics=[match for match in topic_matches if not match.strong],
        kind=kind,
        title=propose_title(kind, matches, sending, meeting_country, text),
        city=city,
    )


# "was held in Baku, Azerbaijan" (a place), but not "to be held in" (a plan).
HELD_IN = re.compile(
    r"(?<!to be )(?<!will be )\b(?:held|took place|met)\s+in\s+(?:[A-Z]\w+,\s+)?(?:the\s+)?([A-Z][\w ]+)"
)

# Bodies that belong to one country (and so can be a country's host or visitors).
NATIONAL_KINDS = {
    Organisation.Kind.NATIONAL_AUTHORITY,
    Organisation.Kind.GOVERNMENT,
    Organisation.Kind.ARMED_FORCES,
}

# A participant's role follows their organisation's role in the meeting.
PARTICIPANT_ROLE = {
    MeetingOrganisation.Role.HOST: Participation.Role.HOST,
    MeetingOrganisation.Role.ORGANISER: Participation.Role.ORGANISER,
    MeetingOrganisation.Role.DELEGATION: Participation.Role.DELEGATION_MEMBER,
}


# Places that reports of mine action name often, and their countries.
CITIES = {
    "Baku": "AZ", "Ganja": "AZ", "Shusha": "AZ", "Aghdam": "AZ", "Fuzuli": "AZ", "Phnom Penh": "KH",
    "Siem Reap": "KH", "Battambang": "KH", "Bangkok": "TH", "Vientiane": "LA", "Hanoi": "VN",
    "Kuala Lumpur": "MY", "Jakarta": "ID", "Geneva": "CH", "Brussels": "BE", "Sarajevo": "BA",
    "Zagreb": "HR", "Belgrade": "RS", "Kyiv": "UA", "Kabul": "AF", "Tashkent": "UZ", "Astana": "KZ",
    "Ankara": "TR", "Istanbul": "TR", "Tbilisi": "GE", "Yerevan": "AM", "Seoul": "KR", "Tokyo": "JP",
    "Beijing": "CN", "Amman": "JO", "Beirut": "LB", "Baghdad": "IQ", "Luanda": "AO", "Maputo": "MZ",
    "Colombo": "LK", "Bogota": "CO", "Oslo": "NO", "Vienna": "AT", "London": "GB", "Paris": "FR",
    "Berlin": "DE", "Washington": "US", "New York": "US", "Ljubljana": "SI",
}  # fmt: skip


def find_city(text: str) -> str:
    """The place in the dateline ("Baku, May 24 ...") or after "held in" / "took place in"."""
    names = country_names()
    candidates = []
    dateline = re.match(r"\s*([A-Z][a-z]+(?:[ \-][A-Z][a-z]+)?),\s+(?:\d|(?i:" + MONTH_NAMES + "))", text)
    if dateline:
        candidates.append(dateline.group(1))
    candidates += re.findall(
        r"\b(?:held|took place|met|signed)\s+in\s+([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b", text
    )
    candidates += re.findall(r"\boffice\s+in\s+([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b", text)
    for candidate in candidates:
        if candidate not in names and normalise(candidate) not in NOT_A_NAME:
            return candidate
    return ""


def sending_country(text: str) -> str:
    """The country a visiting delegation came from ("the Azerbaijani delegation")."""
    names = country_names()
    pattern = country_pattern()
    match = re.search(rf"\b({pattern})\s+delegation\b", text) or re.search(
        rf"\bdelegation\s+(?:from|of)\s+(?:the\s+)?(?:Republic\s+of\s+)?({pattern})\b", text
    )
    return names[match.group(1)] if match else ""


def lead(text: str, sentences: int = 3) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if len(p.split()) > 12] or [text]
    parts = re.split(r"(?<=[.!?])\s+", " ".join(paragraphs))
    return " ".join(parts[:sentences])


def meeting_kind(text: str, matches: list[OrganisationMatch]) -> str:
    """The kind the opening sentences suggest."""
    opening = lead(text).casefold()
    if re.search(r"\bsign(?:ed|ing)?\b", opening) and re.search(
        r"\b(?:memorandum|agreement|mou|protocol)\b", opening
    ):
        return MeetingKind.AGREEMENT
    if re.search(r"\b(?:conference|forum|symposium|summit|congress)\b", opening) and not re.search(
        r"\b(?:held|had)\s+(?:a\s+)?(?:meeting|talks)\b", opening
    ):
        return MeetingKind.CONFERENCE
    if re.search(r"\b(?:training|course|workshop|exercise|drill)\b", opening) and not re.search(
        r"\bmeeting\b", opening
    ):
        return MeetingKind.TRAINING
    if re.search(r"\bvisit(?:ed)?\b", opening) and re.search(r"\b(?:site|field|minefield|area)\b", opening):
        return MeetingKind.SITE_VISIT
    national = {
        m.organisation.country.code
        for m in matches
        if m.organisation.country
        and m.organisation.kind
        not in (Organisation.Kind.REGIONAL, Organisation.Kind.UN_AGENCY, Organisation.Kind.INTERNATIONAL)
    }
    return MeetingKind.MULTILATERAL if len(national) > 2 else MeetingKind.BILATERAL


EVENT_WORDS = r"(?:Conference|Forum|Symposium|Summit|Workshop|Seminar|Meeting of States Parties)"
EVENT_NAME = re.compile(
    rf"\b((?:[A-Z0-9][\w’'\-]*\s+)*?{EVENT_WORDS}"
    r"(?:\s+(?:on|of|for|in)\s+(?:the\s+)?(?:[A-Z][\w’'\-]*\s*)+)?)"
)


def event_name(text: str) -> str:
    """The name of a conference or workshop as the opening sentences write it, if capitalised."""
    match = EVENT_NAME.search(lead(text))
    if not match:
        return ""
    name = re.sub(r"^(?:The|A|An)\s+", "", match.group(1).strip())
    return name if len(name.split()) >= 2 else ""


def propose_title(
    kind: str, matches: list[OrganisationMatch], sending: str, country: str, text: str = ""
) -> str:
    def names(role):
        return [m.organisation.short_name for m in matches if m.role == role]

    visitors, hosts = names(MeetingOrganisation.Role.DELEGATION), names(MeetingOrganisation.Role.HOST)
    place = Country(country).name if country else ""
    if kind in (MeetingKind.BILATERAL, MeetingKind.MULTILATERAL) and hosts:
        visitor = " and ".join(visitors) or next(
            (demonym for demonym, code in DEMONYMS.items() if code == sending), ""
        )
        if visitor:
            return f"{visitor} delegation meets {' and '.join(hosts)}"
        return f"Meeting at {' and '.join(hosts)}"
    if kind in (MeetingKind.CONFERENCE, MeetingKind.TRAINING) and event_name(text):
        return event_name(text)
    if kind == MeetingKind.AGREEMENT and len(matches) >= 2:
        return (
            f"{matches[0].organisation.short_name} and {matches[1].organisation.short_name} sign an agreement"
        )
    label = MeetingKind(kind).label
    return f"{label} in {place}" if place else label


# --- Writing the draft -------------------------------------------------------


@dataclass
class Draft(Analysis):
    meeting: Meeting = None
    source: Source = None
    source_existed: bool = False
    delegation: Delegation | None = None
    delegation_existed: bool = False


def url_variants(url: str) -> list[str]:
    """The same address with and without "www.", a trailing slash, or https."""
    parts = urlsplit(url.strip())
    hosts = {parts.netloc, parts.netloc.removeprefix("www."), "www." + parts.netloc.removeprefix("www.")}
    paths = {parts.path, parts.path.rstrip("/"), parts.path.rstrip("/") + "/"}
    return [
        urlunsplit((scheme, host, path_, parts.query, ""))
        for scheme in ("https", "http")
        for host in hosts
        for path_ in paths
    ]


def find_or_create_source(article: Article) -> tuple[Source, bool]:
    source = Source.objects.filter(url__in=url_variants(article.url)).first()
    if source is not None:
        return source, True
    source = Source.objects.create(
        url=article.url.strip(),
        title=article.title,
        publisher=article.publisher,
        republished_by=article.republished_by,
        language=article.language,
        published_on=article.published_on,
        accessed_on=datetime.date.today(),
    )
    return source, False


def draft_meeting(article: Article, user) -> Draft:
    """Create the source (or find it), a draft meeting and its rows; call inside a transaction."""
    analysis = analyse(article)
    source, existed = find_or_create_source(article)
    date = analysis.date
    meeting = Meeting(
        title=analysis.title[:300],
        slug=unique_slug(Meeting, f"{analysis.title} {date.start:%Y %m}", max_length=140),
        kind=analysis.kind,
        start_date=date.start,
        end_date=date.end,
        date_precision=date.precision,
        date_as_reported=date.as_reported,
        country=analysis.meeting_country,
        city=analysis.city[:120],
        status=Status.DRAFT,
    )
    meeting.skip_history_when_saving = True  # one history entry, once its rows are in
    meeting.save()
    for match in analysis.organisations:
        MeetingOrganisation.objects.create(meeting=meeting, organisation=match.organisation, role=match.role)
    for order, mention in enumerate(analysis.participants):
        mention.participation = Participation.objects.create(
            meeting=meeting,
            order=order,
            name_as_written=mention.name[:200],
            person=mention.person,
            organisation=mention.organisation,
            title_as_stated=mention.title_as_stated[:300],
            role=mention.role,
        )
    meeting.topics.set([match.topic for match in analysis.topics])
    meeting.sources.add(source)
    delegation, delegation_existed = link_delegation(meeting, analysis, source, user)
    record_version(meeting, user, reason=f"Drafted from the article {article.url}", created=True)
    meeting.refresh_search_document()
    return Draft(
        **vars(analysis),
        meeting=meeting,
        source=source,
        source_existed=existed,
        delegation=delegation,
        delegation_existed=delegation_existed,
    )


def link_delegation(meeting: Meeting, analysis: Analysis, source: Source, user):
    """Link the visiting delegation's trip, drafting one if the article reports a new one."""
    sending = analysis.sending_country
    if not sending or sending == meeting.country.code:
        return None, False
    day = meeting.start_date
    existing = (
        Delegation.objects.filter(sending_country=sending)
        .filter(Q(sources=source) | Q(start_date__lte=day, end_date__gte=day))
        .distinct()
        .first()
    )
    if existing is not None:
        try:
            existing.check_meeting_dates(meeting)
        except ValidationError:  # a trip that does not fit is simply not linked
            return None, False
        meeting.delegation = existing
        meeting.save(update_fields=["delegation"])
        return existing, True
    demonym = next((name for name, code in DEMONYMS.items() if code == sending), Country(sending).name)
    place = meeting.country.name if meeting.country else "abroad"
    title = f"{demonym} delegation to {place}, {day:%B %Y}"
    delegation = Delegation(
        title=title,
        slug=unique_slug(Delegation, title),
        sending_country=sending,
        destination_countries=[meeting.country.code] if meeting.country else [],
        status=Status.DRAFT,
    )
    heads = [p.person for p in analysis.participants if p.leads_delegation and p.person]
    delegation.head = heads[0] if heads else None
    delegation._history_user = user
    delegation.save()
    delegation.sources.add(source)
    delegation.sending_organisations.set(
        [m.organisation for m in analysis.organisations if m.role == MeetingOrganisation.Role.DELEGATION]
    )
    delegation.members.set(
        [
            p.person
            for p in analysis.participants
            if p.person
            and p.role in (Participation.Role.DELEGATION_MEMBER, Participation.Role.HEAD_OF_DELEGATION)
        ]
    )
    meeting.delegation = delegation
    meeting.save(update_fields=["delegation"])
    return delegation, False
