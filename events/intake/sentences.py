"""What a report's sentences say about its event: the organisations' parts, kind, sender, place, topics."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..models import MeetingKind, MeetingOrganisation, Organisation, Topic
from . import gazetteer
from .organisations import Mention, OrganisationFinding
from .text import Report, normalise

Role = MeetingOrganisation.Role
# Bodies of a state: the side of the country they belong to.
NATIONAL_KINDS = {
    Organisation.Kind.NATIONAL_AUTHORITY,
    Organisation.Kind.GOVERNMENT,
    Organisation.Kind.ARMED_FORCES,
}


@dataclass
class TopicMatch:
    topic: Topic
    keywords: list[str]
    count: int

    @property
    def strong(self) -> bool:
        """A phrase ("capacity building") or a word used twice; one "awareness" is too weak to tag."""
        return self.count >= 2 or any(" " in keyword.strip() for keyword in self.keywords)


# Where an organisation's mention says it only is talked about, not taking part.
OBJECT_ONLY = re.compile(
    r"(?:\b(?:establish(?:ing|ment of)?|set(?:ting)? up|creat(?:e|ing|ion of)|launch(?:ing)? of|"
    r"according to|(?:working|cooperation|cooperating|partnering|partnership|ties|relations) with|"
    r"through(?: the)?(?: NGO)?)\s+(?:the\s+|an?\s+)?(?:[\w'-]+\s+){0,2})$",
    re.IGNORECASE,
)
FUNDING = re.compile(
    r"\b(?:fund(?:s|ed|ing)?|financ(?:es|ed|ing)|sponsor(?:s|ed)?|support of|contribution)\b", re.I
)
EVENT_NOUNS = re.compile(
    r"\b(?:conference|meeting|event|workshop|seminar|forum|symposium|summit|visit|talks|dialogue|"
    r"consultations|ceremony|attended|took part)\b",
    re.IGNORECASE,
)


def mention_is_incidental(sentence: str, mention: Mention) -> bool:
    """A mention of a body that takes no part: the object of a plan, a source, a funder of something else."""
    before = sentence[: mention.start]
    if OBJECT_ONLY.search(before):
        return True
    if re.search(r"\b(?:told|reports?|said)\s*$", before) or re.match(
        r"\s+(?:told|reports)\b", sentence[mention.end :]
    ):
        return True
    if re.search(
        r"\b(?:contribution|donation|grant|funding)\b[^.;]{0,60}\bfrom\s+(?:the\s+)?$", before, re.I
    ):
        return True
    window = sentence[max(0, mention.start - 40) : mention.end + 40]
    return bool(FUNDING.search(window) and not EVENT_NOUNS.search(sentence))


# Words around a mention that give an organisation's part in the event.
ROLE_AFTER = [  # the organisation follows these words
    (Role.ORGANISER, r"(?:co-)?organi[sz]ed (?:jointly )?by|arranged by|convened by|at the invitation of"),
    (
        Role.HOST,
        r"(?:co-)?hosted by|received by|welcomed by|visit(?:ed|ing)?(?: to)?|talks at|held at|meeting at|"
        r"^at|^in the premises of|headquarters of|met with the delegation of",
    ),
    (
        Role.FUNDER,
        r"support of|supported by|funded by|financed by|sponsored by|financial support (?:of|from)",
    ),
    (
        Role.DELEGATION,
        r"delegations? (?:of|from)|delegation(?:, | )(?:made up|composed|consisting) of "
        r"(?:representatives of )?|delegation led by|delegation headed by",
    ),
    (Role.ORGANISER, r"(?:Meeting|Conference) of (?:the )?States Parties to|Review Conference of"),
]
ROLE_BEFORE = [  # the organisation comes before these words
    (
        Role.ORGANISER,
        r"(?:jointly |also )?(?:co-)?organi[sz]ed|helped (?:to )?organi[sz]e|held (?:a|an|the|its)\b|"
        r"(?:is|was|were|are) organi[sz]ed",
    ),
    (
        Role.HOST,
        r"(?:co-)?hosted|received|welcomed|(?:has |have )?(?:recently )?met with (?:the|a) delegation",
    ),
    (Role.DELEGATION, r"visited|paid a (?:working |official )?visit|travelled"),
    (Role.SIGNATORY, r"(?:have |has )?signed|and .{0,80} signed"),
    (Role.FUNDER, r"which (?:funded|funds|financed|finances|sponsored)"),
]


def roles_in(sentence: str, mentions: list[Mention]) -> dict:
    """The part each organisation named in the sentence plays, where the sentence says so."""
    roles: dict = {}
    for mention in mentions:
        before = sentence[: mention.start]
        clause = re.split(r"[;:]|,\s+(?=[a-z])", before)[-1]
        nearest = None  # the cue closest before the mention decides
        for role, words in ROLE_AFTER:
            pattern = rf"(?:{words})\s+(?:the\s+|an?\s+)?(?:[^.;]*?(?:,|\band\b|\bof\b)\s+(?:the\s+)?)?$"
            if re.search(pattern, clause, re.IGNORECASE) and not re.search(r"\b(?:said|told)\b", clause):
                near = list(re.finditer(rf"(?:{words})", clause, re.IGNORECASE))
                between = clause[near[-1].end() :] if near else ""
                close = len(between.split()) <= 25 and not re.search(r"\b(?:said|which|who|where)\b", between)
                if close and (nearest is None or near[-1].end() > nearest[0]):
                    nearest = (near[-1].end(), role)
        if nearest is not None:
            roles.setdefault(mention.key, nearest[1])
        if mention.key in roles:
            continue
        after = sentence[mention.end :]
        first_clause = re.split(r"[.;]", after)[0]
        if re.match(r"\s*(?:\([^)]*\)\s*)?(?:'s\s+)?delegation\b", after, re.I):
            roles.setdefault(mention.key, Role.DELEGATION)
            continue
        for role, words in ROLE_BEFORE:
            listed = r"(?:\s*(?:,\s*and|,|and)\s+(?:the\s+)?[A-Z][^,.;]*?)*"
            pattern = (
                rf"^(?:\s*\([^)]*\))?{listed}[\s,]+(?:today\s+|recently\s+|also\s+|jointly\s+)?(?:{words})"
            )
            if re.match(pattern, first_clause, re.IGNORECASE):
                subject = sentence[: mention.start]
                if role == Role.DELEGATION and re.search(r"\b(?:visited|received|met)\b", subject):
                    continue
                roles.setdefault(mention.key, role)
                break
    return roles


def meeting_kind(report: Report, names: Iterable[str] = ()) -> tuple[str, str]:
    """The kind the headline and lead suggest (organisations' names left out); empty when they do not say."""
    lead = report.lead.text if report.lead else ""
    evidence = lead
    for name in sorted(names, key=len, reverse=True):
        lead = lead.replace(name, "")
    opening = " ".join(s.text for s in report.event[:3])
    head = f"{report.headline} {lead}"
    if re.search(r"\bsign(?:ed|ing|s)?\b", lead, re.I) and re.search(
        r"\b(?:memorandum|mou|agreement|declaration of intent|protocol|project document|document)\b",
        lead,
        re.I,
    ):
        return MeetingKind.AGREEMENT, evidence
    if (
        re.search(r"\bworkshop\b", head, re.I)
        and re.search(r"\b(?:regional|training|course)\b", head, re.I)
        and not re.search(r"\binternational workshop\b", head, re.I)
    ):
        return MeetingKind.TRAINING, evidence
    if re.search(r"\b(?:training course|training|course|exercise|drill)\b", lead, re.I) and not re.search(
        r"\b(?:meeting|talks|conference)\b", lead, re.I
    ):
        return MeetingKind.TRAINING, evidence
    if re.search(
        r"\b(?:conference|forum|symposium|summit|seminar|congress|workshop|high-level meeting|dialogue|"
        r"side event|wrap-up event|meeting of the states parties|international meeting|annual meeting)\b",
        lead,
        re.I,
    ):
        return MeetingKind.CONFERENCE, evidence
    if re.search(r"\bvisit", head, re.I) and re.search(
        r"\b(?:training cent(?:re|er)|sites?|field|minefields?|operations|demining areas?)\b", head, re.I
    ):
        return MeetingKind.SITE_VISIT, evidence
    if re.search(
        r"\b(?:working group|council|series of meetings|meetings with international organi[sz]ations)\b",
        opening,
        re.I,
    ):
        return MeetingKind.MULTILATERAL, opening
    meeting_words = r"\b(?:met|meet|meeting|talks|visit|visited|consultations|received|welcomed)\b"
    if re.search(meeting_words, lead, re.I):
        return MeetingKind.BILATERAL, evidence
    following = next((s.text for s in report.event[1:3] if re.search(meeting_words, s.text, re.I)), "")
    if (
        following
    ):  # "... is on a trip in Southeast Asia. During the visit, the delegation held a meeting with ..."
        return MeetingKind.BILATERAL, following
    return "", ""


def sending_country(report: Report, mentions_by_sentence: dict) -> tuple[str, str]:
    """The country the visiting delegation came from ("the Cambodian delegation", "a delegation of ANAMA")."""
    pattern = gazetteer.country_pattern().pattern
    for sentence in report.event:
        text = sentence.text
        match = re.search(
            rf"{pattern}\s+(?:side's\s+)?delegation\b|delegation\s+(?:from|of)\s+(?:the\s+)?{pattern}", text
        )
        if match:
            name = next(g for g in match.groups() if g)
            return gazetteer.country_names()[name], text
        for mention in mentions_by_sentence.get(sentence.index, []):
            organisation = mention.organisation
            if organisation is None or not organisation.country or organisation.kind not in NATIONAL_KINDS:
                continue
            before, after = text[: mention.start], text[mention.end :]
            if re.search(
                r"\bdelegations?\s+(?:from|of|led by|headed by)\s+(?:the\s+)?$", before, re.I
            ) or re.match(r"\s*(?:\([^)]*\)\s*)?(?:'s\s+)?delegation\b", after, re.I):
                return organisation.country.code, text
    return "", ""


def place_of(
    report: Report, hosts: list[OrganisationFinding], dateline_place, mentions: dict
) -> tuple[str, str, str]:
    """(country, city, evidence): where the lead says, else the host's country, else the dateline's.

    Organisations' names are not places ("Geneva International Centre ..."); "here"
    is the dateline's place.
    """
    event_verbs = re.compile(
        r"\b(?:held|hosted|took place|opened|visit(?:ed)?|met|meeting|talks|signed|headquarters|here|"
        r"started|began|organi[sz]ed|taking place|is being held)\b",
        re.I,
    )
    lead = [report.lead] if report.lead is not None else []
    candidates = lead + [s for s in report.event[1:4] if event_verbs.search(s.text)]
    for sentence in candidates:
        text = sentence.text
        for mention in sorted(mentions.get(sentence.index, []), key=lambda m: -m.start):
            text = text[: mention.start] + " " * (mention.end - mention.start) + text[mention.end :]
        text = re.sub(r'"[^"]*"', lambda m: " " * len(m.group(0)), text)  # titles of events are not places
        places = gazetteer.find_places(text)
        destinations = {code for _, _, code in places}
        if re.search(r"\bhere\b", text) and dateline_place:
            return dateline_place[1], dateline_place[0], sentence.text
        if len(destinations) > 1 and re.search(
            r"\b(?:in|to|across)\s+[A-Z][\w ]+,\s+[A-Z][\w ]+\s+and\s+[A-Z]", text
        ):
            return "", "", sentence.text  # several countries: no one place
        cities = [(name, code) for _, name, code in places if name]
        if cities:
            return cities[0][1], cities[0][0], sentence.text
        going = re.search(
            r"\b(?:visit|trip|travel(?:led)?|held|took place)\s+(?:[a-z]+\s+){0,3}?(?:to|in)\s+(?:the\s+)?"
            r"(?P<place>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*)",
            text,
        )
        code = gazetteer.country_code(going.group("place")) if going and sentence is report.lead else ""
        if code:
            for other in candidates[1:]:  # "a visit to Belgium ... At NATO Headquarters in Brussels"
                named = [name for _, name, c in gazetteer.find_places(other.text) if name and c == code]
                if named:
                    return code, named[0], sentence.text
            return code, "", sentence.text
    for host in hosts:
        organisation = host.organisation
        if organisation is not None and organisation.country and organisation.kind in NATIONAL_KINDS:
            return organisation.country.code, "", host.evidence
    if dateline_place:
        return dateline_place[1], "", f"Dateline: {dateline_place[2]}"
    return "", "", ""


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
