"""Organisations in a report: known ones by name, acronym or other name; new ones from "Name (ACRONYM)"."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from rapidfuzz import fuzz

from ..models import MeetingOrganisation, Organisation, unique_slug
from . import gazetteer
from .gazetteer import is_not_an_organisation, is_place, is_term
from .text import WORD_VARIANTS, fold, normalise

CONNECTORS = {
    "of", "the", "for", "and", "on", "in", "de", "du", "la", "des", "to", "&", "at", "au", "aux", "et", "en",
    "del", "y",
}  # fmt: skip
# A new organisation's name needs one of these words: "Science for Peace and Security (SPS)"
# is a programme, "27th Meeting of ... (NDM-UN27)" a meeting.
ORGANISATION_WORDS = {
    "academy", "administration", "agency", "alliance", "army", "association", "authority", "bank",
    "board", "bureau", "cabinet", "centre", "coalition", "command", "commission", "committee",
    "company", "corporation", "corps", "council", "department", "directorate", "embassy", "force",
    "forces", "foundation", "fund", "group", "institute", "institution", "league", "ministry",
    "mission", "navy", "network", "office", "organisation", "partnership", "police", "programme",
    "secretariat", "service", "society", "trust", "union", "university",
}  # fmt: skip
# Ministries' portfolios ("Minister of Emergency Situations"): the words a ministry's name is made of.
PORTFOLIOS = {
    "emergency", "situations", "defence", "defense", "health", "education", "justice", "interior",
    "economy", "finance", "labour", "labor", "protection", "population", "veterans", "culture", "ecology",
    "natural", "resources", "energy", "agriculture", "transport", "digital", "youth", "sport", "sports",
    "tourism", "trade", "industry", "science", "internal", "external", "relations", "planning",
    "foreign", "affairs", "social", "policy", "development", "environment", "infrastructure",
    "national", "security", "public", "home", "rural", "regional", "works",
}  # fmt: skip
# Bodies named without an acronym that the database may lack: "the Ministry of Economy of Ukraine",
# "the Committee on Foreign Policy", "the European Union"; and the ministry a minister's title names
# ("Deputy Minister of Emergency Situations X").
UNNAMED_BODY = re.compile(r"(?<=\bthe\s)(?:[A-Z][a-z]+\s+){1,2}(?:Union|Foundation)\b")
STATE_BODY = re.compile(r"(?:Ministry|Committee|Commission|Directorate|Embassy)\b")
MINISTER_OF = re.compile(
    r"\b(?P<head>Minister|Ministry|Committee|Commission|Directorate|Embassy)\s+(?:of|on|for)\s+(?:the\s+)?"
)
EVENT_WORDS = {
    "meeting", "conference", "forum", "summit", "symposium", "seminar", "workshop", "dialogue",
    "congress", "session", "event", "exhibition", "ceremony", "course", "training", "project",
    "convention", "treaty", "declaration", "plan", "agreement", "memorandum",
}  # fmt: skip


@dataclass
class NewOrganisation:
    """An organisation the report names that the database does not know yet."""

    name: str = ""
    acronym: str = ""

    @property
    def key(self) -> str:
        return self.acronym.upper() or normalise(self.name)

    @property
    def label(self) -> str:
        if self.name and self.acronym:
            return f"{self.name} ({self.acronym})"
        return self.name or self.acronym

    def query_string(self, *, meeting_id: int | None = None) -> str:
        """Parameters that prefill the organisation add form (and attach it to the draft)."""
        values: dict[str, str | int] = {"name": self.name or self.acronym, "acronym": self.acronym}
        values["slug"] = unique_slug(Organisation, self.acronym or self.name)
        if meeting_id is not None:
            values["for_meeting"] = meeting_id
        return urlencode({key: value for key, value in values.items() if value})


# How a finding is told apart: ("known", the organisation's pk) or ("new", the new one's key).
FindingKey = tuple[str, int | str]


class KnownOrNew:
    """For a finding that names either a known organisation or, failing that, a new one."""

    organisation: Organisation | None
    new: NewOrganisation | None

    @property
    def unmatched(self) -> NewOrganisation:
        """The new organisation, for a finding that names no known one."""
        if self.new is None:
            raise ValueError(f"{self!r} names no organisation, known or new")
        return self.new

    @property
    def key(self) -> FindingKey:
        return (
            ("known", self.organisation.pk) if self.organisation is not None else ("new", self.unmatched.key)
        )

    @property
    def label(self) -> str:
        return self.organisation.short_name if self.organisation is not None else self.unmatched.label


@dataclass
class Mention(KnownOrNew):
    """One place where a sentence names an organisation, known or new."""

    start: int
    end: int
    text: str
    organisation: Organisation | None = None
    new: NewOrganisation | None = None


def words_of(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised word) for each word; "Non-Proliferation" is two words, "ANAMA's" one."""
    found = []
    for match in re.finditer(r"[^\W_]+|&", text):
        if match.group(0) == "s" and match.start() > 0 and text[match.start() - 1] in "'’":
            continue
        word = fold(match.group(0)).casefold()
        for part in re.findall(r"[a-z0-9&]+", word) or [word]:
            found.append((match.start(), match.end(), WORD_VARIANTS.get(part, part)))
    return found


def is_acronym(word: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", word)
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= len(letters) - 1 and word[:1].isupper()


def initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w.casefold() not in CONNECTORS and w[:1].isalpha()).upper()


def name_before_acronym(words: list[str], acronym: str) -> list[str]:
    """The end of ``words`` that the acronym abbreviates ("Director of the [Thailand Mine Action Centre]")."""
    letters = re.sub(r"[^A-Z]", "", acronym.upper())
    starts = [i for i in range(len(words) - 1, -1, -1) if words[i].casefold() not in CONNECTORS]
    for start in starts:
        if initials(words[start:]) == letters:
            return words[start:]
    # "Department of National Defense of the Philippines (DND)": the country the name ends with is not
    # in the acronym.
    for size in (1, 2, 3):
        place, rest = words[-size:], words[:-size]
        if rest[-1:] == ["the"]:
            rest = rest[:-1]
        if rest[-1:] != ["of"] or not gazetteer.country_code(" ".join(place)):
            continue
        core = rest[:-1]
        for start in range(len(core) - 1, -1, -1):
            if core[start].casefold() not in CONNECTORS and initials(core[start:]) == letters:
                return words[start:]
    for start in starts:
        found = initials(words[start:])
        if len(found) == len(letters) and len(letters) >= 3 and fuzz.ratio(found, letters) >= 75:
            return words[start:]
        if len(found) > len(letters):
            break
    # The initials do not fit ("The Halo Trust (HALO)"): the capitalised words just before the bracket.
    tail: list[str] = []
    for word in reversed(words):
        elided = re.match(r"[dl]['’][A-ZÀ-Þ]", word)  # "Centre National d'Action Antimines"
        if not (
            word[:1].isupper() or elided or (tail and word.casefold() in CONNECTORS - {"the", "at", "to"})
        ):
            break
        if word.casefold() == "the":
            break
        tail.insert(0, word)
    while tail and (tail[0].casefold() in CONNECTORS or not tail[0][:1].isupper()):
        tail.pop(0)
    return tail


class OrganisationIndex:
    """Known organisations by every normalised name, acronym and other name."""

    def __init__(self, organisations: Iterable[Organisation]):
        self.by_name: dict[tuple[str, ...], Organisation] = {}
        self.by_acronym: dict[str, Organisation] = {}
        self.organisations = list(organisations)
        for organisation in self.organisations:
            names = [organisation.name, *(other.name for other in organisation.other_names.all())]
            for name in names:
                if is_acronym(name) and " " not in name:
                    self.by_acronym.setdefault(name.upper(), organisation)
                    continue
                key = tuple(normalise(name).split())
                if key:
                    self.by_name.setdefault(key, organisation)
                # "the UN Development Programme": any "United Nations ..." is also written "UN ...".
                if key[:2] == ("united", "nations") and len(key) > 2:
                    self.by_name.setdefault(("un", *key[2:]), organisation)
            if organisation.acronym:
                self.by_acronym.setdefault(organisation.acronym.upper(), organisation)
        self.longest_first = sorted(self.by_name, key=len, reverse=True)

    def acronym(self, text: str) -> Organisation | None:
        return self.by_acronym.get(text.upper().replace(".", ""))

    def close_name(self, text: str) -> Organisation | None:
        """The organisation with nearly this name ("Cambodia Mine Action Center" for "Cambodian ... Centre"),
        whatever words come before it."""
        words = normalise(text).split()
        best, best_score = None, 0.0
        for first in range(len(words) - 2):
            key = words[first:]
            for name in self.longest_first:
                if abs(len(name) - len(key)) > 1 or name[0][:4] != key[0][:4]:
                    continue
                score = fuzz.ratio(" ".join(name), " ".join(key))
                if score > best_score:
                    best, best_score = self.by_name[name], score
        return best if best_score >= 92 else None


class OrganisationReader:
    """Finds organisations sentence by sentence, after learning the report's "Name (ACRONYM)" pairs."""

    def __init__(self, index: OrganisationIndex, *, ignore: Iterable[str] = ()):
        self.index = index
        self.ignored = {normalise(name) for name in ignore if name} - {""}
        self.learned: dict[str, Mention] = {}  # acronym → what it stands for in this report

    def learn(self, text: str) -> None:
        """Read every "Name (ACRONYM)" pair: the acronym then means that organisation in the whole report."""
        for mention in self._bracketed(text):
            bracket = re.search(r"\(([^)]+)\)\s*$", mention.text)
            if bracket is not None:  # always: _bracketed's mentions end with the bracket
                self.learned.setdefault(bracket.group(1).upper(), mention)

    def _bracketed(self, text: str) -> list[Mention]:
        found = []
        for match in re.finditer(r"\(([A-Z][A-Za-z0-9&.\-]{1,14})\)", text):
            acronym = match.group(1)
            if not is_acronym(acronym) or is_term(acronym) or is_place(acronym):
                continue
            before = text[max(0, match.start() - 200) : match.start()]
            known = self.index.acronym(acronym)
            name_match = self._name_ending(before, offset=max(0, match.start() - 200))
            if name_match is not None and (known is None or name_match.organisation == known):
                start, organisation = name_match.start, known or name_match.organisation
                found.append(
                    Mention(start, match.end(), text[start : match.end()], organisation=organisation)
                )
                continue
            # "Azerbaijan's Mine Action Agency (ANAMA)": the capitalised words before the bracket
            if known is not None:
                run = re.search(r"(?:[A-Z][\w'-]*\s+(?:(?:of|the|for|and|on)\s+)*)+$", before)
                start = match.start() - len(before) + run.start() if run else match.start()
                found.append(Mention(start, match.end(), text[start : match.end()], organisation=known))
                continue
            words = re.findall(r"[\w'&\-]+", before)[-14:]
            name_words = name_before_acronym(words, acronym)
            name = " ".join(name_words)
            lowered = {normalise(w) for w in name_words}
            if (
                not name_words
                or not lowered & ORGANISATION_WORDS
                or (lowered & EVENT_WORDS and not lowered & ORGANISATION_WORDS - {"programme"})
                or normalise(name) in self.ignored
                or is_not_an_organisation(name)
            ):
                continue
            start = match.start() - len(before) + before.rfind(name_words[0])
            found.append(
                Mention(start, match.end(), text[start : match.end()], new=NewOrganisation(name, acronym))
            )
        return found

    def _name_ending(self, text: str, *, offset: int) -> Mention | None:
        """A known name that ends ``text`` (the words before a bracket), whatever words come before it."""
        words = words_of(text)
        for key in self.index.longest_first:
            if len(key) <= len(words) and tuple(w for _, _, w in words[-len(key) :]) == key:
                start = words[-len(key)][0]
                return Mention(
                    offset + start, offset + len(text), text[start:], organisation=self.index.by_name[key]
                )
        return None

    def _unnamed_bodies(self, text: str) -> list[Mention]:
        """Bodies named in full without an acronym (see ``UNNAMED_BODY``), as new organisations."""
        spans = [(m.start(), m.end(), m.group(0)) for m in UNNAMED_BODY.finditer(text)]
        for match in MINISTER_OF.finditer(text):
            # The portfolio's words, then perhaps "of <country>"; a person's name may follow at once.
            end = match.end()
            for word in re.finditer(r"[A-Za-z]+|[^\sA-Za-z]", text[match.end() :]):
                if (
                    word.group(0).casefold() not in PORTFOLIOS | {"and"}
                    or not word.group(0)[:1].isupper()
                    and word.group(0) != "and"
                ):
                    break
                end = match.end() + word.end()
            name = text[match.end() : end]
            if match.group("head") == "Embassy":  # "the Embassy of Japan"
                country = re.match(r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?", text[match.end() :])
                if country is None or not gazetteer.country_code(country.group(0)):
                    country = re.match(r"[A-Z][a-z]+", text[match.end() :])
                if country is None or not gazetteer.country_code(country.group(0)):
                    continue
                stop = match.end() + country.end()
                # "the Embassy of Switzerland in Cambodia": the country it is accredited to is in its name.
                posted = re.match(r"\s+in\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)", text[stop:])
                if posted is not None and gazetteer.country_code(posted.group(1)):
                    stop += posted.end()
                spans.append((match.start(), stop, text[match.start() : stop]))
                continue
            if not name or name.endswith("and"):
                continue
            head = "Ministry" if match.group("head") == "Minister" else match.group("head")
            # "of the People's Republic of China": the longest ending that names a known body, else a country
            known_end = None
            for ending in re.finditer(
                r"\s+of\s+(?:the\s+)?(?:[A-Z][\w'’]*\s+(?:of\s+)?){0,4}[A-Z][\w'’]*", text[end:]
            ):
                words = ending.group(0).split()
                for size in range(len(words), 1, -1):
                    candidate = (
                        head
                        + text[match.start() + len(match.group("head")) : end]
                        + " "
                        + " ".join(words[:size])
                    )
                    if tuple(normalise(candidate).split()) in self.index.by_name:
                        known_end = (
                            end
                            + len(" ".join(text[end:].split()[:size]))
                            + (len(text[end:]) - len(text[end:].lstrip()))
                        )
                        break
                break
            if known_end is not None:
                end = known_end
            else:
                country = re.match(r"\s+of\s+(?:the\s+)?([A-Z][a-z]+)(\s+[A-Z][a-z]+)?", text[end:])
                if country:
                    one, two = country.group(1), country.group(1) + (country.group(2) or "")
                    if country.group(2) and gazetteer.country_code(two):
                        end += country.end()
                    elif gazetteer.country_code(one):
                        end += country.end(1)
            spans.append((match.start(), end, head + text[match.start() + len(match.group("head")) : end]))
        found = []
        for start, end, name in sorted(spans):
            name = re.sub(r"(?:\s+(?:of|and|for|on|the))+$", "", name.strip())
            end = start + len(text[start:end].rstrip())
            if is_not_an_organisation(name):
                continue
            key = tuple(normalise(name).split())
            if key in self.index.by_name:  # "Minister of Foreign Affairs of the ...": that ministry
                found.append(Mention(start, end, text[start:end], organisation=self.index.by_name[key]))
                continue
            # Known already, or the start of known names ("Ministry of Foreign Affairs"): not a new body.
            if self.index.close_name(name) is not None or any(
                k[: len(key)] == key for k in self.index.by_name
            ):
                continue
            found.append(Mention(start, end, text[start:end], new=NewOrganisation(name)))
        return found

    def mentions(self, text: str) -> list[Mention]:
        """Every organisation the sentence names, in order, each span once."""
        found = self._bracketed(text)

        def free(start: int, end: int) -> bool:
            return not any(m.start < end and start < m.end for m in found)

        words = words_of(text)
        keys = [w for _, _, w in words]
        for key in self.index.longest_first:
            size = len(key)
            for i in range(len(keys) - size + 1):
                if tuple(keys[i : i + size]) == key and free(words[i][0], words[i + size - 1][1]):
                    start, end = words[i][0], words[i + size - 1][1]
                    found.append(Mention(start, end, text[start:end], organisation=self.index.by_name[key]))
        for run in re.finditer(
            r"[A-Z][\w'\-]*(?:\s+(?:(?:of|the|for|and|on|in)\s+)*[A-Z][\w'\-]*){2,}", text
        ):
            if not free(*run.span()):
                continue
            organisation = self.index.close_name(run.group(0))
            if organisation is not None:
                found.append(Mention(run.start(), run.end(), run.group(0), organisation=organisation))
        for body in self._unnamed_bodies(text):
            if free(body.start, body.end):
                found.append(body)
        for token in re.finditer(r"\b[A-Z][A-Za-z0-9&]*(?:['’\-][A-Za-z0-9&]+)*", text):
            offset = token.start()
            whole = re.sub(r"['’]s$", "", token.group(0))
            hyphenated = self.index.acronym(whole) if "-" in whole else None
            if hyphenated is not None and free(offset, offset + len(whole)):  # "HCR-CTRO" is one acronym
                found.append(Mention(offset, offset + len(whole), whole, organisation=hyphenated))
                continue
            for part in re.split(r"-", whole):
                start, end = offset, offset + len(part)
                offset = end + 1
                if not is_acronym(part) or not part.isupper() or not free(start, end):
                    continue
                if is_term(part) or is_place(part):
                    continue
                organisation = self.index.acronym(part)
                if organisation is not None:
                    found.append(Mention(start, end, part, organisation=organisation))
                elif part.upper() in self.learned:
                    learned = self.learned[part.upper()]
                    found.append(
                        Mention(start, end, part, organisation=learned.organisation, new=learned.new)
                    )
        # The publisher is left out, unless it is a state body, which reports its own meetings.
        found = [
            m
            for m in found
            if m.organisation is not None
            or normalise(m.unmatched.name) not in self.ignored
            or STATE_BODY.match(m.unmatched.name)
        ]
        return sorted(drop_modifiers_in_event_names(text, found), key=lambda m: m.start)


EVENT_NAME = re.compile(
    r"(?:[A-Z0-9][\w'\-]*\s+(?:(?:of|the|on|for|and|in)\s+)*)*"
    r"(?:Meeting|Conference|Summit|Symposium|Workshop|Seminar|Forum|Dialogue)"
    r"(?:\s+(?:(?:of|the|on|for|and|in)\s+)*[A-Z][\w'\-]*)*"
)


def drop_modifiers_in_event_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """Leave out a body named inside an event's name ("... National Directors and United Nations Advisers").

    The body that is the event's own subject, at the name's end ("Meeting of the
    States Parties to the Anti-Personnel Mine Ban Convention"), or that is itself
    named like an event ("Conference on Interaction ... in Asia"), stays.
    """
    spans = [m.span() for m in EVENT_NAME.finditer(text) if len(m.group(0).split()) >= 3]
    kept = []
    for mention in mentions:
        inside = any(a <= mention.start and mention.end <= b for a, b in spans)
        followed = re.match(r"\s+[A-Z][a-z]", text[mention.end :])
        if inside and followed and not EVENT_NAME.fullmatch(mention.text):
            continue
        kept.append(mention)
    return kept


@dataclass
class OrganisationFinding(KnownOrNew):
    """An organisation the draft proposes, with its part and the sentence that says so."""

    organisation: Organisation | None
    new: NewOrganisation | None = None
    role: str = ""
    mentions: list[str] = field(default_factory=list)
    evidence: str = ""

    @property
    def as_written(self) -> str:
        return max(self.mentions, key=len) if self.mentions else self.label

    @property
    def role_label(self) -> str:
        return MeetingOrganisation.Role(self.role).label.lower() if self.role else "mentioned"
