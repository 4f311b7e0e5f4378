"""The draft of the event a report is about: each field with the sentence it came from; writing the draft.

``propose`` reads and writes nothing (it queries the known records unless
given them); ``draft_meeting`` creates the source, the draft meeting, its rows
and its trip. Kind, title, place, date and participants come from the lead and
the sentences about the same event; whoever the report names only in
background is "also mentioned", for the editor to add, never added silently.
An empty field beats a guess.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django_countries.fields import Country

from ..history import record_version
from ..models import (
    DatePrecision,
    Delegation,
    Meeting,
    MeetingKind,
    MeetingOrganisation,
    Organisation,
    Outcome,
    Participation,
    Person,
    Position,
    Source,
    Status,
    Topic,
    unique_slug,
)
from . import gazetteer
from .dates import FoundDate, dateline_date, dates_in, explicit_dates, overlaps
from .organisations import (
    Mention,
    NewOrganisation,
    OrganisationFinding,
    OrganisationIndex,
    OrganisationReader,
)
from .outcomes import OutcomeFinding, outcome_kinds
from .people import HONORIFIC, NameSpan, PersonFinding, find_names, gather_people
from .text import BACKGROUND_CUES, Report, Sentence, mark_background, normalise, read_report

Role = MeetingOrganisation.Role
NATIONAL_KINDS = {
    Organisation.Kind.NATIONAL_AUTHORITY,
    Organisation.Kind.GOVERNMENT,
    Organisation.Kind.ARMED_FORCES,
}
# How far a trip's days (or its other meetings') may lie from a meeting that joins it.
TRIP_DAYS = 7


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
class DateProposal:
    start: datetime.date
    end: datetime.date | None
    precision: str
    as_reported: str
    evidence: str


@dataclass
class TripProposal:
    """The trip the meeting belongs to: one already recorded, or a new draft to make."""

    delegation: Delegation | None = None
    sending_country: str = ""
    head: Person | None = None
    evidence: str = ""

    @property
    def is_new(self) -> bool:
        return self.delegation is None


@dataclass
class Participant(PersonFinding):
    organisation: Organisation | None = None
    role: str = Participation.Role.PARTICIPANT
    participation: Participation | None = None

    def query_string(self) -> str:
        """Parameters that prefill the person add form (and link the participant)."""
        values = {"name": self.name, "slug": unique_slug(Person, self.name), "honorific": self.rank}
        if self.participation is not None:
            values["for_participation"] = self.participation.pk
        return urlencode({key: value for key, value in values.items() if value})


@dataclass
class TopicMatch:
    topic: Topic
    keywords: list[str]
    count: int

    @property
    def strong(self) -> bool:
        """A phrase ("capacity building") or a word used twice; one "awareness" is too weak to tag."""
        return self.count >= 2 or any(" " in keyword.strip() for keyword in self.keywords)


@dataclass
class Proposal:
    """Everything the report says about its event, each field with its evidence."""

    kind: str
    kind_evidence: str
    title: str
    country: str
    city: str
    place_evidence: str
    date: DateProposal
    organisations: list[OrganisationFinding]
    participants: list[Participant]
    also_mentioned_people: list[PersonFinding]
    also_mentioned_organisations: list[OrganisationFinding]
    outcomes: list[OutcomeFinding]
    topics: list[TopicMatch]
    weak_topics: list[TopicMatch]
    sending_country: str
    trip: TripProposal | None
    recorded_meetings: list[Meeting]
    countries: list[Country]
    report: Report

    @property
    def known_organisations(self) -> list[OrganisationFinding]:
        return [o for o in self.organisations if o.organisation is not None]

    @property
    def new_organisations(self) -> list[OrganisationFinding]:
        return [o for o in self.organisations if o.organisation is None]

    @property
    def date_evidence(self) -> str:
        return self.date.evidence


# --- Reading -------------------------------------------------------------------


def known_records():
    """The organisations, people and topics the report is read against (three to five queries)."""
    organisations = Organisation.objects.prefetch_related("other_names")
    people = Person.objects.prefetch_related(
        "other_names", Prefetch("positions", queryset=Position.objects.select_related("organisation"))
    )
    return list(organisations), list(people), list(Topic.objects.all())


def event_date(
    report: Report, published_on: datetime.date, dateline_day
) -> tuple[FoundDate | None, Sentence | None]:
    """The event's date: stated in the lead, else stated near the report's date, else a relative word."""
    found = {s.index: dates_in(s.text, published_on, dateline_day) for s in report.sentences}
    lead = report.lead
    if lead is None:
        return None, None
    lead_explicit = [d for d in found[lead.index] if not d.relative]
    if lead_explicit:
        return lead_explicit[0], lead
    lead_relative = [d for d in found[lead.index] if d.relative]
    for sentence in report.sentences[1:6]:
        if BACKGROUND_CUES.search(sentence.text):
            continue
        for item in found[sentence.index]:
            recent = (published_on - item.start).days <= 30
            if item.relative or not recent:
                continue
            if lead_relative and not overlaps(
                item, lead_relative[0].start, lead_relative[0].last_day, slack=7
            ):
                continue
            return item, sentence
    if lead_relative:
        return lead_relative[0], lead
    for sentence in report.sentences[1:4]:
        relative = [d for d in found[sentence.index] if d.relative]
        if relative:
            return relative[0], sentence
    return None, None


def date_proposal(found: FoundDate | None, sentence: Sentence | None, published_on) -> DateProposal:
    if found is None:
        return DateProposal(
            published_on,
            None,
            DatePrecision.ON_OR_BEFORE,
            "",
            "No date in the report: on or before its publication.",
        )
    return DateProposal(found.start, found.end, found.precision, found.as_written, sentence.text)


REPORTED = re.compile(
    r"\b(?:said|says|noted|stressed|stated|added|recalled|pointed out|emphasi[sz]ed|underlined|"
    r"(?:informed|told|assured) [^,.;]{1,60}?) that\b"
)


def is_dated_elsewhere(published_on, dateline_day, date: DateProposal):
    """Whether a sentence carries a date that is not the event's (so it is about something else)."""
    if date.precision == DatePrecision.ON_OR_BEFORE:
        start, end = date.start - datetime.timedelta(days=7), date.start
    elif date.precision == DatePrecision.WEEK:
        start, end = date.start, date.start + datetime.timedelta(days=6)
    else:
        start, end = date.start, date.end

    def check(sentence: Sentence) -> bool:
        # What someone said at the event may be dated ("noted that UNDP has helped since 1998").
        text = REPORTED.split(sentence.text, maxsplit=1)[0]
        found = dates_in(text, published_on, dateline_day)
        dates = [d for d in found if not d.relative]
        # A day still to come is a plan ("a workshop on 5 December"), not this event; but an
        # invitation or agreement made at this event may name it.
        if not outcome_kinds(sentence.text):
            anchor = dateline_day or published_on
            dates += [d for d in explicit_dates(text, anchor) if d.start > published_on]
        if dates and not any(overlaps(d, start, end) for d in dates):
            return True
        # "Last week the delegation held talks in Bangkok", in a report of a day's meeting.
        weeks = [d for d in found if d.relative and d.precision in (DatePrecision.WEEK, DatePrecision.MONTH)]
        return (
            date.precision == DatePrecision.DAY
            and bool(weeks)
            and not any(overlaps(d, start, end, slack=0) for d in weeks)
        )

    return check


# Before a person's name: someone on whose behalf, or under whom, things are done, who is not there
# ("conveyed the greetings of President X to Prime Minister Y", "on the instructions of President X").
ABSENT_PERSON = re.compile(
    r"(?:\b(?:greetings|message|letter|instructions?|leadership|behalf|initiative|orders?|decree|guidance|"
    r"name|regards|address|appeal|speech)\s+(?:of|from|by)(?:\s+the)?|\bgreetings\b[^;]*\bto)"
    r"\s+(?:[A-Z][\w.'’-]*\s+){0,4}$"
)
# Before a name: someone who watched the signing, not a party to it.
WITNESS = re.compile(r"\b(?:in the presence of|witnessed by)\b[^;]{0,120}$")
# Where an organisation's mention says it only is talked about, not taking part.
OBJECT_ONLY = re.compile(
    r"(?:\b(?:establish(?:ing|ment of)?|set(?:ting)? up|creat(?:e|ing|ion of)|launch(?:ing)? of|"
    r"according to|invit(?:ed|es|ing)|"
    r"(?:working|cooperation|cooperating|partnering|partnership|ties|relations) with|"
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
    if re.search(
        r"\bwhich (?:is|are|was|were) (?:supported|funded|financed|sponsored) by\s+(?:the\s+)?$", before
    ):
        return True  # "the national database, which is supported by SDC": the funder of something else
    if REPORTED.search(before):
        return True  # "said that the United Nations would continue to support ...": spoken of
    if re.search(r"\b(?:told|reports?|said)\s*$", before) or re.match(
        r"\s+(?:told|reports)\b", sentence[mention.end :]
    ):
        return True
    if re.search(
        r"\b(?:contribution|donation|grant|funding)\b[^.;]{0,60}\bfrom\s+(?:the\s+)?$", before, re.I
    ):
        return True
    if re.search(
        r"^(?:The|This|Its|Their) (?:project|programme|program|initiative|agreement|work|event)\b[^.;]*"
        r"\b(?:funded|financed|sponsored) by\s+(?:the\s+)?$|\bwith (?:the )?(?:funding|financial support) "
        r"(?:from|of)\s+(?:the\s+)?$",
        before,
    ):
        return False  # "The project is funded by SDC": the funder of what is agreed or discussed
    window = sentence[max(0, mention.start - 40) : mention.end + 40]
    return bool(FUNDING.search(window) and not EVENT_NOUNS.search(sentence))


# Words around a mention that give an organisation's part in the event.
ROLE_AFTER = [  # the organisation follows these words
    (Role.ORGANISER, r"(?:co-)?organi[sz]ed (?:jointly )?by|arranged by|convened by|at the invitation of"),
    (
        Role.HOST,
        r"(?:co-)?hosted by|received by|welcomed by|visit(?:ed|ing)?(?: to)?|talks at|held at|meeting at|"
        r"^at|^in the premises of|headquarters of|met with the delegation of|presided over by|"
        r"(?:delegation|visitors|guests)\b[^;]{0,150}?\b(?:met|met with|held talks with)",
    ),
    # The object of an active "received"/"welcomed" is the visitor ("TMAC received Mr. Buth of ARMAC").
    (Role.DELEGATION, r"(?<!was )(?<!were )(?<!been )(?<!be )\b(?:received|welcomed)(?! by)"),
    (
        Role.FUNDER,
        r"support of|supported by|funded by|financed by|sponsored by|financial support (?:of|from)",
    ),
    (
        Role.DELEGATION,
        r"delegations? (?:of|from)|delegation(?:, | )(?:made up|composed|consisting) of "
        r"(?:representatives of )?|delegation led by|delegation headed by|"
        r"(?:delegation\s+|^which\s+)(?:also\s+)?(?:included|includes|comprised)|^(?:and\s+)?accompanied by",
    ),
    (
        Role.ORGANISER,
        r"(?:Meeting|Conference) of (?:the )?States Parties to|Review Conference of|"
        r"intersessional meetings? of",
    ),
]
ROLE_BEFORE = [  # the organisation comes before these words
    # "X chaired a meeting with a delegation of Y": X hosts (before "held a" makes an organiser)
    (
        Role.HOST,
        r"(?:chaired|held|hosted) (?:a|an|the) (?:[\w-]+ )?(?:meeting|talks|consultations?) with "
        r"(?:a|an|the) (?:[\w-]+ )?delegation",
    ),
    (
        Role.ORGANISER,
        r"(?:jointly |also )?(?:co-)?organi[sz]ed|helped (?:to )?organi[sz]e|held (?:a|an|the|its)\b|"
        r"(?:is|was|were|are) organi[sz]ed",
    ),
    (
        Role.HOST,
        r"(?:co-)?hosted|received|welcomed|(?:has |have )?(?:recently )?met with (?:the|a) delegation",
    ),
    (Role.DELEGATION, r"visited|paid a (?:working |official |courtesy )?(?:visit|call)|travelled"),
    (Role.SIGNATORY, r"(?:have |has )?signed|and .{0,80} signed"),
    (Role.FUNDER, r"which (?:funded|funds|financed|finances|sponsored)"),
]


ABBREVIATION_STOP = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|H\.E|Lt|Gen|Col|Capt|Maj|No|St)\.")


def roles_in(sentence: str, mentions: list[Mention]) -> dict:
    """The part each organisation named in the sentence plays, where the sentence says so."""
    roles: dict = {}
    # Abbreviations' full stops ("Mr.", "H.E.") end no clause; same length, so the offsets hold.
    original = sentence
    sentence = ABBREVIATION_STOP.sub(lambda m: m.group(0).replace(".", " "), sentence)
    for mention in mentions:
        # Courtesy words and ranks before a name belong to it ("the courtesy call of H.E. Rothna Buth").
        courtesy = HONORIFIC.search(original[: mention.start])
        before = sentence[: courtesy.start() if courtesy else mention.start]
        clause = re.split(r"[;:]|,\s+(?=[a-z])", before)[-1]
        nearest = None  # the cue closest before the mention decides
        for role, words in ROLE_AFTER:
            joined = (
                r",|\band\b|\bof\b|\b(?:together|jointly|in (?:cooperation|partnership|collaboration)) with\b"
            )
            pattern = rf"(?:{words})\s+(?:the\s+|an?\s+)?(?:[^.;]*?(?:{joined})\s+(?:the\s+)?)?$"
            if re.search(pattern, clause, re.IGNORECASE):  # "told the intersessional meetings of X"
                near = list(re.finditer(rf"(?:{words})", clause, re.IGNORECASE))
                between = clause[near[-1].end() :] if near else ""
                close = len(between.split()) <= 25 and not re.search(
                    r"\b(?:said|told|which|who|where|met|visited|received|welcomed|hosted|signed|thanked)\b",
                    between,
                )
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
            # Other names listed before the verb start with a capital; only the verb ignores case.
            # An apposition may start in lower case (", the demining organisation known for ...,").
            listed = r"(?:\s*(?:,\s*and|,|and)\s+(?:the\s+)?[A-Z][^,.;]*?|,\s+(?:the|an?)\s+[^,.;]*?(?=,))*"
            pattern = (
                rf"^(?:\s*\([^)]*\))?{listed}[\s,]+(?i:has\s+|have\s+)?"
                rf"(?i:today\s+|recently\s+|also\s+|jointly\s+)?(?i:{words})"
            )
            if re.match(pattern, first_clause):
                subject = sentence[: mention.start]
                if role == Role.DELEGATION and re.search(r"\b(?:visited|received|met)\b", subject):
                    continue
                roles.setdefault(mention.key, role)
                break
    return roles


ONLINE = re.compile(
    r"\b(?:(?:video|web|tele)[- ]?conferenc(?:e|es|ing)|video call|video link|online (?:meeting|consultation|"
    r"talks|discussion)s?|virtual (?:meeting|talks)|by videoconference)\b",
    re.IGNORECASE,
)


NAMED_CONFERENCE = re.compile(
    r"(?:The|This) (?:[\w-]+ ){0,3}(?:conference|forum|symposium|summit|seminar|high-level meeting|"
    r"workshop|dialogue|congress)\b",
)
# What visitors are shown in the field: "At the CMAC Training Centre ...", "observed a demonstration".
SHOWN_ON_SITE = re.compile(
    r"\b(?:at (?:the )?[\w' ]{0,30}training cent(?:re|er)|observed (?:a |the )?demonstrations?|"
    r"visited (?:a |the )?(?:minefields?|clearance sites?|demining sites?|task sites?))\b",
    re.IGNORECASE,
)


def meeting_kind(report: Report, names: Iterable[str] = ()) -> tuple[str, str]:
    """The kind the headline and lead suggest (organisations' names left out); empty when they do not say."""
    lead = report.lead.text if report.lead else ""
    evidence = lead
    for name in sorted(names, key=len, reverse=True):
        lead = lead.replace(name, "")
    opening = " ".join(s.text for s in report.event[:3])
    # A meeting held by video is a meeting, not a conference; so is one held on a conference's margins.
    lead = ONLINE.sub("online meeting", lead)
    lead = re.sub(r"\bon the (?:margins|sidelines|side-lines|fringes) of\b[^,;]*", "", lead, flags=re.I)
    head = f"{report.headline} {lead}"
    if re.search(r"\bsign(?:ed|ing|s)?\b", lead, re.I) and re.search(
        r"\b(?:memorandum|mou|agreement|declaration of intent|protocol|project document|document|"
        r"arrangement|accord|letter of intent|contract|road ?map)\b",
        lead,
        re.I,
    ):
        return MeetingKind.AGREEMENT, evidence
    if (
        re.search(r"\bworkshop\b", head, re.I)
        and re.search(r"\b(?:regional|training|trained|course)\b", head, re.I)
        and not re.search(r"\binternational workshop\b", head, re.I)
    ):
        return MeetingKind.TRAINING, evidence
    if re.search(r"\b(?:training course|training|course|exercise|drill)\b", lead, re.I) and not re.search(
        r"\b(?:meeting|talks|conference|visit(?:ed|s|ing)?|received|welcomed|met)\b", lead, re.I
    ):
        return MeetingKind.TRAINING, evidence
    if re.search(
        r"\b(?:conference|forum|symposium|summit|seminar|congress|workshop|high-level meeting|dialogue|"
        r"side event|wrap-up event|meeting of the states parties|international meeting|annual meeting|"
        r"intersessional meetings?)\b",
        lead,
        re.I,
    ):
        return MeetingKind.CONFERENCE, evidence
    # "Officials ... met here on Monday. The high-level meeting, hosted by ARMAC, ...": the event named next.
    named = next((s for s in report.event[1:3] if NAMED_CONFERENCE.match(s.text)), None)
    if named is not None:
        return MeetingKind.CONFERENCE, named.text
    # The place visited is in the lead; a headline may sum up several events of a visit.
    if re.search(r"\bvisit", head, re.I) and re.search(
        r"\b(?:training cent(?:re|er)|sites?|field|minefields?|operations|demining areas?)\b", lead, re.I
    ):
        return MeetingKind.SITE_VISIT, evidence
    shown = next((s for s in report.event[1:4] if SHOWN_ON_SITE.search(s.text)), None)
    if re.search(r"\b(?:visit|welcome)", head, re.I) and shown is not None:
        return MeetingKind.SITE_VISIT, shown.text
    if re.search(
        r"\b(?:working group|council|series of meetings|meetings with international organi[sz]ations|"
        r"regional meeting|meeting of (?:the )?heads)\b",
        opening,
        re.I,
    ):
        return MeetingKind.MULTILATERAL, opening
    meeting_words = r"\b(?:met|meet|meeting|talks|visit|visited|consultations?|received|welcomed)\b"
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
    candidates = [report.lead] + [s for s in report.event[1:4] if event_verbs.search(s.text)]
    if report.lead is not None and ONLINE.search(report.lead.text):
        return "", "", report.lead.text  # held online: no place
    for sentence in candidates:
        if sentence is None:
            continue
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
                cities = [name for _, name, c in gazetteer.find_places(other.text) if name and c == code]
                if cities:
                    return code, cities[0], sentence.text
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


def propose(article: Article, *, organisations=None, people=None, topics=None) -> Proposal:
    """Read the report against the known records and propose its event; writes nothing."""
    if organisations is None or people is None or topics is None:
        organisations, people, topics = known_records()
    published_on = article.published_on
    report = read_report(article.text, is_place=gazetteer.is_place)
    if not report.headline:
        report.headline = article.title  # the page's title is the headline the text left out
    dateline_day = dateline_date(report.dateline.date_text, published_on) if report.dateline else None
    found_date, date_sentence = event_date(report, published_on, dateline_day)
    date = date_proposal(found_date, date_sentence, published_on)
    mark_background(report, dated_elsewhere=is_dated_elsewhere(published_on, dateline_day, date))

    # Organisations and people, sentence by sentence.
    index = OrganisationIndex(organisations)
    ignore = [article.publisher, article.republished_by, report.dateline.agency if report.dateline else ""]
    reader = OrganisationReader(index, ignore=ignore)
    reader.learn("\n".join(s.text for s in report.sentences))
    mentions = {s.index: reader.mentions(s.text) for s in report.sentences}
    names: list[tuple[int, NameSpan]] = []
    for sentence in report.sentences:
        spans = [(m.start, m.end) for m in mentions[sentence.index]]
        names += [(sentence.index, n) for n in find_names(sentence.text, exclude=spans)]
    found_people = gather_people(names, people)
    sentences = {s.index: s for s in report.sentences}

    def in_title(sentence_index: int, start: int) -> bool:
        return any(
            i == sentence_index and n.title_start <= start < n.title_end
            for i, n in names
            if n.title_start >= 0
        )

    def counts_for_event(sentence: Sentence, start: int) -> bool:
        return not sentence.background and not any(a <= start < b for a, b in sentence.background_spans)

    def named_only(sentence: Sentence, start: int) -> bool:
        """Named, not present: "the greetings of President X", "under the leadership of X"."""
        return bool(ABSENT_PERSON.search(sentence.text[:start]))

    # Who took part: named in a sentence about the event, not inside someone else's title.
    participants: list[Participant] = []
    also_people: list[PersonFinding] = []
    for finding in found_people:
        event_mentions = [
            (i, n)
            for i, n in finding.spans
            if counts_for_event(sentences[i], n.start)
            and not in_title(i, n.start)
            and not named_only(sentences[i], n.start)
        ]
        if event_mentions:
            participant = Participant(**vars(finding))
            participant.evidence = sentences[event_mentions[0][0]].text
            participants.append(participant)
        elif any(sentences[i].background or named_only(sentences[i], n.start) for i, n in finding.spans):
            finding.evidence = sentences[finding.spans[0][0]].text
            also_people.append(finding)

    # Organisations: in the event (with a part), only in titles (the person's body), or only mentioned.
    findings: dict = {}
    incidental: dict = {}
    title_only: dict = {}
    for sentence in report.sentences:
        for mention in mentions[sentence.index]:
            record = findings.get(mention.key) or incidental.get(mention.key) or title_only.get(mention.key)
            if record is None:
                record = OrganisationFinding(mention.organisation, mention.new, evidence=sentence.text)
            if mention.text not in record.mentions:
                record.mentions.append(mention.text)
            if not counts_for_event(sentence, mention.start):
                incidental.setdefault(mention.key, record)
            elif in_title(sentence.index, mention.start):
                title_only.setdefault(mention.key, record)
            elif mention_is_incidental(sentence.text, mention):
                incidental.setdefault(mention.key, record)
            else:
                if mention.key not in findings:
                    record.evidence = sentence.text
                findings[mention.key] = record

    # Each participant's organisation: named in their title, else their current position's.
    for participant in participants:
        in_their_title = [
            m for i, n in participant.spans for m in mentions[i] if n.title_start <= m.start < n.title_end
        ]
        positions = []
        if participant.person is not None:
            positions = [
                p.organisation
                for p in participant.person.positions.all()
                if p.organisation_id and not p.end_date
            ]
        title_words = set(normalise(participant.title).split())
        by_position = next(
            (
                o
                for o in positions
                if len(set(normalise(o.name).split()) & title_words - {"of", "the", "in", "and"}) >= 2
            ),
            None,
        )
        if by_position is not None:
            participant.organisation = by_position
        elif in_their_title:
            chosen = in_their_title[-1]
            participant.organisation = chosen.organisation
            if chosen.organisation is None:
                participant.organisation = None
                record = title_only.get(chosen.key)
                if record is not None:
                    findings.setdefault(chosen.key, record)
        elif positions:
            participant.organisation = positions[0]
        if participant.organisation is not None:
            key = ("known", participant.organisation.pk)
            if key not in findings:
                record = (
                    title_only.get(key)
                    or incidental.get(key)
                    or OrganisationFinding(participant.organisation)
                )
                record.evidence = participant.evidence
                findings[key] = record

    kind, kind_evidence = meeting_kind(report, [m.text for ms in mentions.values() for m in ms])
    sending, sending_evidence = sending_country(report, mentions)

    # Parts: what the sentences say, then the sides by country.
    for sentence in report.event:
        event_mentions = [m for m in mentions[sentence.index] if m.key in findings]
        # People stand for their organisations: "welcomed by Um Phumro, Deputy Director General of CMAC".
        person_mentions = []
        for participant in participants:
            if participant.organisation is None:
                continue
            for i, n in participant.spans:
                if i == sentence.index:
                    person_mentions.append(
                        Mention(n.start, n.end, n.name, organisation=participant.organisation)
                    )
        for key, role in roles_in(sentence.text, event_mentions + person_mentions).items():
            if key in findings and not findings[key].role:
                findings[key].role = role
                findings[key].evidence = sentence.text
    if kind == MeetingKind.AGREEMENT:
        signing = [s for s in report.event if re.search(r"\bsign", s.text, re.I)]
        for sentence in signing[:2]:
            keys = {
                m.key for m in mentions[sentence.index] if not WITNESS.search(sentence.text[: m.start])
            } | {
                ("known", p.organisation.pk)
                for p in participants
                if p.organisation is not None
                and any(
                    i == sentence.index and not WITNESS.search(sentence.text[: n.start]) for i, n in p.spans
                )
            }
            for key in keys:
                if key in findings and findings[key].role in (
                    "",
                    Role.PARTICIPANT,
                    Role.SIGNATORY,
                    Role.HOST,
                    Role.DELEGATION,
                ):
                    findings[key].role = Role.SIGNATORY
                    findings[key].evidence = sentence.text
    if not sending:  # "X and Y visited CMAC": the visitors' country, a national body's first
        delegations = [
            f.organisation
            for f in findings.values()
            if f.role == Role.DELEGATION and f.organisation is not None and f.organisation.country
        ]
        national = [o for o in delegations if o.kind in NATIONAL_KINDS]
        visitors = {o.country.code for o in national or delegations}
        if len(visitors) == 1:
            sending = visitors.pop()
            sending_evidence = next(f.evidence for f in findings.values() if f.role == Role.DELEGATION)
    hosts = [f for f in findings.values() if f.role == Role.HOST]
    dateline_place = None
    if report.dateline:
        known_city = gazetteer.city(report.dateline.place)
        code = known_city[1] if known_city else gazetteer.country_code(report.dateline.place)
        if code:
            dateline_place = (known_city[0] if known_city else "", code, report.dateline.text)
    country, city, place_evidence = place_of(report, hosts, dateline_place, mentions)
    visit = kind in (MeetingKind.BILATERAL, MeetingKind.MULTILATERAL, MeetingKind.SITE_VISIT)
    for record in findings.values():
        organisation = record.organisation
        if record.role:
            continue
        if organisation is None:
            record.role = Role.PARTICIPANT
            continue
        national = (
            organisation.country.code if organisation.country and organisation.kind in NATIONAL_KINDS else ""
        )
        if sending and national == sending and (visit or re.search(r"\bdelegation\b", article.text, re.I)):
            record.role = Role.DELEGATION
        elif visit and national and national == country and national != sending and not hosts:
            record.role = Role.HOST
        else:
            record.role = Role.PARTICIPANT

    # "A regional meeting ... was attended by A, B and C": more than two sides
    if (
        kind == MeetingKind.BILATERAL
        and report.lead is not None
        and re.search(r"\bmeeting\b", report.lead.text)
        and len([f for f in findings.values() if f.role == Role.PARTICIPANT]) >= 3
    ):
        kind = MeetingKind.MULTILATERAL

    # People's parts follow their organisation's.
    person_role = {
        Role.HOST: Participation.Role.HOST,
        Role.ORGANISER: Participation.Role.ORGANISER,
        Role.DELEGATION: Participation.Role.DELEGATION_MEMBER,
    }
    # One person alone on the visiting side leads it ("Lok Chumteav Helen Gray ... paid a courtesy call").
    visiting = [
        p
        for p in participants
        if p.organisation is not None
        and findings.get(("known", p.organisation.pk)) is not None
        and findings[("known", p.organisation.pk)].role == Role.DELEGATION
    ]
    if len(visiting) == 1 and not any(p.leads_delegation for p in participants):
        visiting[0].leads_delegation = True
    for participant in participants:
        record = findings.get(("known", participant.organisation.pk)) if participant.organisation else None
        if participant.leads_delegation:
            participant.role = Participation.Role.HEAD_OF_DELEGATION
        elif record is not None and record.role in person_role:
            participant.role = person_role[record.role]

    # Outcomes, with the parties the sentence names (people stand for their organisations).
    outcomes = []
    main_sides = [f.key for f in findings.values() if f.role in (Role.HOST, Role.DELEGATION, Role.SIGNATORY)]
    for sentence in report.event:
        kinds = outcome_kinds(sentence.text)
        if not kinds:
            continue
        parties = [m.key for m in mentions[sentence.index] if m.key in findings or m.key in incidental]
        parties += [
            ("known", p.organisation.pk)
            for p in participants
            if p.organisation is not None and any(i == sentence.index for i, _ in p.spans)
        ]
        for code in gazetteer.find_countries(sentence.text):
            parties += [
                f.key
                for f in findings.values()
                if f.organisation is not None
                and f.organisation.country == code
                and f.role in (Role.HOST, Role.DELEGATION, Role.SIGNATORY, Role.PARTICIPANT)
                and f.organisation.kind in NATIONAL_KINDS
            ]
        if re.search(r"\bthe (?:two )?sides\b|\bboth sides\b", sentence.text, re.I):
            parties += main_sides
        for outcome_kind in kinds:
            if outcome_kind == Outcome.Kind.AGREEMENT and kind == MeetingKind.AGREEMENT and outcomes:
                continue
            outcomes.append(OutcomeFinding(outcome_kind, sentence.text, list(dict.fromkeys(parties))))

    organisations_found = list(findings.values())
    also_organisations = [record for key, record in incidental.items() if key not in findings]
    event_text = " ".join(s.text for s in report.event)
    names_to_ignore = [m for record in list(findings.values()) + also_organisations for m in record.mentions]
    topic_matches = find_topics(event_text, topics, ignore=names_to_ignore)
    title = propose_title(kind, organisations_found, sending, country, report)
    trip = propose_trip(kind, date, country, sending, sending_evidence, participants, findings, report)
    return Proposal(
        kind=kind,
        kind_evidence=kind_evidence,
        title=title,
        country=country,
        city=city,
        place_evidence=place_evidence,
        date=date,
        organisations=organisations_found,
        participants=participants,
        also_mentioned_people=also_people,
        also_mentioned_organisations=also_organisations,
        outcomes=outcomes,
        topics=[m for m in topic_matches if m.strong],
        weak_topics=[m for m in topic_matches if not m.strong],
        sending_country=sending,
        trip=trip,
        recorded_meetings=recorded_meetings(article.url),
        countries=[Country(code) for code in gazetteer.find_countries(event_text)],
        report=report,
    )


def propose_title(
    kind: str, findings: list[OrganisationFinding], sending: str, country: str, report: Report
) -> str:
    def names(role):
        return [f.label for f in findings if f.role == role]

    visitors, hosts = names(Role.DELEGATION), names(Role.HOST)
    place = Country(country).name if country else ""
    event = re.search(r'"([^"]{8,120})"', report.lead.text if report.lead else "")
    if kind in (MeetingKind.CONFERENCE, MeetingKind.TRAINING) and event:
        return event.group(1)
    if kind in (MeetingKind.BILATERAL, MeetingKind.MULTILATERAL, MeetingKind.SITE_VISIT) and hosts:
        visitor = " and ".join(visitors) or next(
            (d for d, code in gazetteer.DEMONYMS.items() if code == sending), ""
        )
        verb = "visits" if kind == MeetingKind.SITE_VISIT else "meets"
        return (
            f"{visitor} delegation {verb} {' and '.join(hosts)}"
            if visitor
            else f"Meeting at {' and '.join(hosts)}"
        )
    if kind == MeetingKind.AGREEMENT:
        signatories = names(Role.SIGNATORY)
        if len(signatories) >= 2:
            return f"{signatories[0]} and {signatories[1]} sign an agreement"
    if report.headline:
        return report.headline
    label = MeetingKind(kind).label if kind else "Meeting"
    return f"{label} in {place}" if place else label


def trip_days(delegation: Delegation) -> list[tuple[datetime.date, datetime.date]]:
    """The days a recorded trip is known to cover: its own dates, else its meetings'."""
    if delegation.start_date:
        return [(delegation.start_date, delegation.end_date or delegation.start_date)]
    return [(m.start_date, m.end_date or m.start_date) for m in delegation.meetings.all()]


def propose_trip(
    kind, date, country, sending, evidence, participants, findings, report
) -> TripProposal | None:
    """A recorded trip that fits (same sending country or head, dates close), else a new one.

    A trip is proposed only when the report speaks of a delegation coming
    from somewhere else than where the meeting is.
    """
    delegation_sentence = next(
        (s.text for s in report.event if re.search(r"\bdelegation\b", s.text, re.I)), ""
    )
    if not delegation_sentence:
        return None
    heads = [p.person for p in participants if p.leads_delegation and p.person is not None]
    head = heads[0] if heads else None
    if sending and sending == country:
        return None
    if not sending and head is None:
        return None
    window = datetime.timedelta(days=TRIP_DAYS)
    earliest = date.start - (
        window if date.precision != DatePrecision.ON_OR_BEFORE else datetime.timedelta(days=30)
    )
    latest = (date.end or date.start) + window
    candidates = (
        Delegation.objects.filter(merged_into__isnull=True)
        if hasattr(Delegation, "merged_into")
        else Delegation.objects.all()
    )
    filters = []
    if sending:
        filters.append(candidates.filter(sending_country=sending))
    if head is not None:
        filters.append(candidates.filter(head=head))
    best = None
    for queryset in filters:
        for delegation in queryset.prefetch_related("meetings"):
            if any(start <= latest and end >= earliest for start, end in trip_days(delegation)):
                if head is not None and delegation.head_id not in (None, head.pk):
                    continue
                best = delegation
                break
        if best is not None:
            break
    return TripProposal(
        delegation=best, sending_country=sending, head=head, evidence=evidence or delegation_sentence
    )


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


def recorded_meetings(url: str) -> list[Meeting]:
    """Meetings that already cite this address (one query): the page asks before drafting another."""
    if not url:
        return []
    return list(
        Meeting.objects.filter(sources__url__in=url_variants(url), merged_into__isnull=True).distinct()
    )


# --- Writing the draft -------------------------------------------------------


@dataclass
class Draft:
    """What ``draft_meeting`` wrote, with the proposal it came from."""

    proposal: Proposal
    meeting: Meeting
    source: Source
    source_existed: bool = False
    delegation: Delegation | None = None
    delegation_existed: bool = False

    # What the admin's summary reads.
    @property
    def organisations(self) -> list[OrganisationFinding]:
        return self.proposal.known_organisations

    @property
    def unmatched_organisations(self) -> list[NewOrganisation]:
        return [o.new for o in self.proposal.new_organisations]

    @property
    def participants(self) -> list[Participant]:
        return self.proposal.participants

    @property
    def countries(self) -> list[Country]:
        return self.proposal.countries

    @property
    def topics(self) -> list[TopicMatch]:
        return self.proposal.topics

    @property
    def weak_topics(self) -> list[TopicMatch]:
        return self.proposal.weak_topics

    @property
    def date_evidence(self) -> str:
        return self.proposal.date.evidence

    @property
    def also_mentioned_people(self) -> list[PersonFinding]:
        return self.proposal.also_mentioned_people

    @property
    def also_mentioned_organisations(self) -> list[OrganisationFinding]:
        return self.proposal.also_mentioned_organisations


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
    """Create the source (or find it), a draft meeting, its rows and trip; call inside a transaction."""
    proposal = propose(article)
    source, existed = find_or_create_source(article)
    date = proposal.date
    meeting = Meeting(
        title=proposal.title[:300],
        slug=unique_slug(Meeting, f"{proposal.title} {date.start:%Y %m}", max_length=140),
        kind=proposal.kind or MeetingKind.OTHER,
        start_date=date.start,
        end_date=date.end,
        date_precision=date.precision,
        date_as_reported=date.as_reported[:300],
        country=proposal.country,
        city=proposal.city[:120],
        status=Status.DRAFT,
    )
    meeting.skip_history_when_saving = True  # one history entry, once its rows are in
    meeting.save()
    for finding in proposal.known_organisations:
        MeetingOrganisation.objects.get_or_create(
            meeting=meeting, organisation=finding.organisation, role=finding.role or Role.PARTICIPANT
        )
    for order, participant in enumerate(proposal.participants):
        participant.participation = Participation.objects.create(
            meeting=meeting,
            order=order,
            name_as_written=participant.name[:200],
            person=participant.person,
            organisation=participant.organisation,
            title_as_stated=participant.title_as_stated[:300],
            role=participant.role,
        )
    for outcome in proposal.outcomes:
        parties = [
            f.organisation
            for f in proposal.organisations + proposal.also_mentioned_organisations
            if f.key in outcome.parties and f.organisation is not None
        ]
        record = Outcome.objects.create(meeting=meeting, kind=outcome.kind, text=outcome.text)
        record.parties.set(parties)
    meeting.topics.set([match.topic for match in proposal.topics])
    meeting.sources.add(source)
    delegation, delegation_existed = link_trip(meeting, proposal, source, user)
    record_version(meeting, user, reason=f"Drafted from the article {article.url}", created=True)
    meeting.refresh_search_document()
    return Draft(
        proposal=proposal,
        meeting=meeting,
        source=source,
        source_existed=existed,
        delegation=delegation,
        delegation_existed=delegation_existed,
    )


def link_trip(meeting: Meeting, proposal: Proposal, source: Source, user) -> tuple[Delegation | None, bool]:
    """Link the recorded trip the proposal found, or draft the new one it proposes."""
    trip = proposal.trip
    if trip is None:
        return None, False
    if trip.delegation is not None:
        try:
            trip.delegation.check_meeting_dates(meeting)
        except ValidationError:  # a trip whose dates do not fit is not linked
            return None, False
        meeting.delegation = trip.delegation
        meeting.save(update_fields=["delegation"])
        return trip.delegation, True
    sending = trip.sending_country
    demonym = next((name for name, code in gazetteer.DEMONYMS.items() if code == sending), "")
    place = meeting.country.name if meeting.country else "abroad"
    title = f"{demonym or 'Visiting'} delegation to {place}, {meeting.start_date:%B %Y}"
    delegation = Delegation(
        title=title,
        slug=unique_slug(Delegation, title),
        sending_country=sending,
        destination_countries=[meeting.country.code] if meeting.country else [],
        head=trip.head,
        status=Status.DRAFT,
    )
    delegation._history_user = user
    delegation.save()
    delegation.sources.add(source)
    delegation.sending_organisations.set(
        [f.organisation for f in proposal.known_organisations if f.role == Role.DELEGATION]
    )
    delegation.members.set(
        [
            p.person
            for p in proposal.participants
            if p.person
            and p.role in (Participation.Role.DELEGATION_MEMBER, Participation.Role.HEAD_OF_DELEGATION)
        ]
    )
    meeting.delegation = delegation
    meeting.save(update_fields=["delegation"])
    return delegation, False
