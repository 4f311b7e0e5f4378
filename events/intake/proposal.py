"""The proposal for the event a report is about: each field with the sentence it came from.

``propose`` reads and writes nothing (it queries the known records unless
given them). Kind, title, place, date and participants come from the lead and
the sentences about the same event; whoever the report names only in
background is "also mentioned", for the editor to add, never added silently.
An empty field beats a guess.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.db.models import Prefetch
from django_countries.fields import Country

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
    Topic,
    unique_slug,
)
from . import gazetteer
from .dates import FoundDate, dateline_date, dates_in, explicit_dates, overlaps
from .organisations import FindingKey, Mention, OrganisationFinding, OrganisationIndex, OrganisationReader
from .outcomes import OutcomeFinding, outcome_kinds
from .people import NameSpan, PersonFinding, find_names, gather_people
from .sentences import (
    FRAMING,
    NATIONAL_KINDS,
    REPORTED,
    TopicMatch,
    find_topics,
    general_words,
    meeting_kind,
    mention_is_incidental,
    place_of,
    roles_in,
    sending_country,
)
from .text import BACKGROUND_CUES, WITHIN_EVENT, Report, Sentence, mark_background, normalise, read_report

Role = MeetingOrganisation.Role
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


@dataclass
class Participant(PersonFinding):
    organisation: Organisation | None = None
    role: str = Participation.Role.PARTICIPANT
    participation: Participation | None = None

    def query_string(self) -> str:
        """Parameters that prefill the person add form (and link the participant)."""
        values: dict[str, str | int] = {
            "name": self.name,
            "slug": unique_slug(Person, self.name),
            "honorific": self.rank,
        }
        if self.participation is not None:
            values["for_participation"] = self.participation.pk
        return urlencode({key: value for key, value in values.items() if value})


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


def known_records():
    """The organisations, people and topics the report is read against (three to five queries)."""
    organisations = Organisation.objects.prefetch_related("other_names")
    # all(): django-stubs' manager made by as_manager() cannot type prefetch_related with a Prefetch.
    people = Person.objects.all().prefetch_related(
        "other_names", Prefetch("positions", queryset=Position.objects.select_related("organisation"))
    )
    return list(organisations), list(people), list(Topic.objects.all())


def event_date(
    report: Report, published_on: datetime.date, dateline_day
) -> tuple[FoundDate, Sentence] | None:
    """The event's date: stated in the lead, else stated near the report's date, else a relative word."""
    found = {s.index: dates_in(s.text, published_on, dateline_day) for s in report.sentences}
    lead = report.lead
    if lead is None:
        return None
    # "X, who arrived in Thailand on Monday, held talks on Wednesday": a relative clause's day is another.
    outside = dates_in(lead.outside_clauses, published_on, dateline_day)
    if outside:
        found[lead.index] = outside
    lead_relative = [d for d in found[lead.index] if d.relative]
    # "Within the framework of the conference held on 16-18 November, X met Y on Thursday": the
    # conference's days are not the meeting's, when the lead dates the meeting too.
    framing = [m.span() for m in FRAMING.finditer(lead.text)]
    lead_explicit = [
        d
        for d in found[lead.index]
        if not d.relative and not (lead_relative and any(a <= d.position < b for a, b in framing))
    ]
    if lead_explicit:
        return lead_explicit[0], lead
    # A meeting announced before it happens ("will visit Azerbaijan from 3 to 6 November"): the lead's
    # day to come.
    if FUTURE.search(lead.text):
        coming = [
            d
            for d in explicit_dates(lead.text, dateline_day or published_on)
            if d.start > published_on and d.precision == DatePrecision.DAY
        ]
        if coming:
            return coming[0], lead
    for sentence in report.after_lead[:5]:
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
        # "in Baku this week ... The talks began this morning": a day inside the lead's week or month.
        vague = lead_relative[0]
        if vague.precision in (DatePrecision.WEEK, DatePrecision.MONTH):
            following = (vague.start + datetime.timedelta(days=32)).replace(day=1)
            last = (
                vague.start + datetime.timedelta(days=6)
                if vague.precision == DatePrecision.WEEK
                else following - datetime.timedelta(days=1)
            )
            for sentence in report.after_lead[:3]:
                day = next(
                    (
                        d
                        for d in found[sentence.index]
                        if d.precision == DatePrecision.DAY and vague.start <= d.start <= last
                    ),
                    None,
                )
                if day is not None and not BACKGROUND_CUES.search(sentence.text):
                    return day, sentence
        return lead_relative[0], lead
    for sentence in report.after_lead[:3]:
        relative = [d for d in found[sentence.index] if d.relative]
        if relative:
            return relative[0], sentence
    # A bulletin told in the present tense ("X meets Y at ...", a radio's news): the day it is told.
    if dateline_day is None and PRESENT_EVENT.search(QUOTED.sub("", lead.text)):
        return FoundDate(published_on, None, DatePrecision.DAY, "", relative=True), lead
    return None


# A letter's salutation, and its thanks for a visit in the second person: the addressee was the visitor.
SALUTATION = re.compile(r"^(?:Dear|To)\s+[A-Z][^,.;]{2,80},?$")
SECOND_PERSON_VISIT = re.compile(r"\byour (?:recent |official |working )?(?:visit|delegation|stay)\b", re.I)


# A meeting told in the present tense: the news of the day it is told.
PRESENT_EVENT = re.compile(r"\b(?:meets|receives|welcomes|hosts|visits|signs|holds (?:talks|a meeting))\b")


# A verb in the future: the report announces its event.
FUTURE = re.compile(
    r"\b(?:will|shall|is to|are to|(?:is|are) (?:due|scheduled|set|expected) to|to be held)\s+(?:\w+\s+)?"
    r"(?:visit|hold|meet|take place|be held|open|sign|travel|host|welcome|receive|attend)\b"
)


# Words that say a sentence is about an event, not a story told around it.
NEWS_WORDS = re.compile(
    r"\b(?:conference|meeting|workshop|seminar|forum|symposium|summit|visit(?:ed|s)?|talks|dialogue|"
    r"consultations|ceremony|course|training|session|webinar|signed|met|received|welcomed|hosted|held|"
    r"meets|receives|welcomes|hosts|signs|"
    r"attended|took part|visitors|guests|delegation|courtesy call|call on)\b",
    re.IGNORECASE,
)


PAIR = re.compile(r"\b(?:the two|both) (?:organi[sz]ations|sides|parties|agencies|bodies|partners)\b", re.I)
ORGANISED = r"(?:held|organi[sz]ed|hosted|convened|co-organi[sz]ed)\b"
FIRST_PERSON_PLURAL = re.compile(r"\b(?:we|our|us)\b", re.I)
LABEL = re.compile(r"^\s*(?:\S+\s+){0,7}\S+:\s*$")
QUOTATION = re.compile(r'\s*["\u201c\u00ab]')
QUOTED = re.compile(r'["\u201c\u00ab][^"\u201d\u00bb]*["\u201d\u00bb]')


# The visiting side named by its part: "the delegation", "the guests", "the British team".
VISITORS = re.compile(
    r"\b[Tt]he (?:(?:visiting|foreign|[A-Z][a-z]+(?:an|ish|ese|i|ch))\s+)?(?:delegation|guests|visitors|"
    r"team|side|mission|experts)\b(?!\s+(?:of|from)\b)"
)


# An agreement whose subject names no body: "We agreed to ...", "Participants agreed ...".
AGREED_TOGETHER = re.compile(r"^(?:We|They|(?:The |All )?[Pp]articipants)\b[^.]{0,40}\bagreed\b")


# A bulletin item's label, a sentence of its own: "Talks.", "Casualty.", "In brief:".
ITEM_LABEL = re.compile(r"^[A-Z][\w-]*(?: [\w-]+){0,2}[.:]$")


def find_lead(report: Report, published_on: datetime.date, dateline_day) -> None:
    """A feature may open with a story years old ("When X stepped on a mine in 1996, ..."), or a scene
    without a date: its news starts in the first sentence after it that names an event and is not dated
    long before the report."""
    if not report.sentences:
        return
    # A bulletin of short items, each opening with a label ("Talks. X received Y ...", "Vacancy. ..."):
    # the news is the item that tells of a meeting; the others are other news (see ``mark_other_items``).
    labels = [s for s in report.sentences if ITEM_LABEL.match(s.text)]
    if len({s.paragraph for s in labels}) >= 3:
        item = next(
            (
                s
                for s in report.sentences
                if not ITEM_LABEL.match(s.text) and MEETING_DONE.search(s.text) and NEWS_WORDS.search(s.text)
            ),
            None,
        )
        if item is not None:
            report.lead_index = item.index
            report.item_paragraph = item.paragraph
            return
    # A release opening with quotations: the writer's own account of the event starts after them.
    # (A quotation whose attribution tells of the event, "... told a seminar in X yesterday", is the lead.)
    quoted = 0
    while quoted < len(report.sentences) - 1 and QUOTATION.match(report.sentences[quoted].text):
        attribution = QUOTED.sub("", report.sentences[quoted].text)
        if NEWS_WORDS.search(attribution) or dates_in(attribution, published_on, dateline_day):
            break
        quoted += 1
    if quoted and NEWS_WORDS.search(report.sentences[quoted].text):
        report.lead_index = report.opening_quotes = quoted
        return
    first = report.sentences[0]
    dates = dates_in(first.text, published_on, dateline_day)
    old = datetime.timedelta(days=365)
    # A story about something else that tells of a meeting further on ("The programme has reached ...
    # On 8 July, X received Y"): the news starts in the first sentence that dates a meeting of the last
    # weeks. (Without one, a sentence introducing a body by its acronym, "... (ARMAC)", is the news.)
    if not NEWS_WORDS.search(first.text) and not dates:
        dated_meeting = next(
            (
                s
                for s in report.sentences[1:8]
                if MEETING_DONE.search(s.text)
                and not BACKGROUND_CUES.search(s.text)
                and any(
                    not d.relative
                    and d.precision == DatePrecision.DAY
                    and published_on - d.start <= datetime.timedelta(days=31)
                    for d in dates_in(s.text, published_on, dateline_day)
                )
            ),
            None,
        )
        if dated_meeting is not None:
            report.lead_index = dated_meeting.index
            return
    if not NEWS_WORDS.search(first.text) and not dates and not re.search(r"\([A-Z]{2,}\)", first.text):
        # A scene set first ("Residents of X are used to the sight of deminers ..."): the news starts in
        # the first sentence of the opening paragraphs that tells of an event.
        told = next(
            (
                s
                for s in report.sentences[1:4]
                if s.paragraph <= first.paragraph + 1
                and NEWS_WORDS.search(s.text)
                and not BACKGROUND_CUES.search(s.text)
            ),
            None,
        )
        if told is not None:
            report.lead_index = told.index
        return
    if NEWS_WORDS.search(first.text) or not dates or any(published_on - d.start < old for d in dates):
        return
    for sentence in report.sentences[1:8]:
        if not NEWS_WORDS.search(sentence.text) or BACKGROUND_CUES.search(sentence.text):
            continue
        if any(published_on - d.start >= old for d in dates_in(sentence.text, published_on, dateline_day)):
            continue
        report.lead_index = sentence.index
        return


# What is done at a meeting or visit (a sentence telling of one elsewhere is about another).
MEETING_DONE = re.compile(
    r"\b(?:held (?:talks|a meeting|meetings|consultations)|met|visited|received|welcomed|hosted|signed|"
    r"(?:holds (?:talks|a meeting)|meets|visits|receives|welcomes|hosts|signs))\b"
)


# Before a place: the work it is the place of ("a grant for the detection of landmines in Azerbaijan"),
# what was talked about rather than where the talking was.
PLACE_OF_THE_WORK = re.compile(
    r"\b(?:detection|clearance|clearing|demining|survey|contamination|mines|landmines|minefields|projects?|"
    r"programmes?|operations|work|efforts)\b[^.;,]{0,40}\bin\s+(?:the\s+)?$"
)


def places_named(sentence: Sentence, mentions: list[Mention]) -> list[tuple[int, str, str]]:
    """The places a sentence names, leaving out those inside bodies' names and quotations, and those of
    the work talked about."""
    text = sentence.text
    for mention in mentions:
        text = text[: mention.start] + " " * (mention.end - mention.start) + text[mention.end :]
    text = re.sub(r'"[^"]*"', lambda m: " " * len(m.group(0)), text)
    return [place for place in gazetteer.find_places(text) if not PLACE_OF_THE_WORK.search(text[: place[0]])]


def mark_told_elsewhere(report: Report, mentions: dict[int, list[Mention]]) -> None:
    """Coreference by place: after a lead set in one country, a sentence telling of talks or a visit in
    a city of another ("In Bangkok, the delegation had held talks with TMAC", in a report from Cambodia)
    is about another meeting of the trip, not this one."""
    if report.lead is None:
        return
    # (Not the dateline's: an agency files from home what its delegation did abroad.)
    here = {code for _, _, code in places_named(report.lead, mentions[report.lead.index])}
    if not here:
        return
    for sentence in report.after_lead:
        if sentence.background or not MEETING_DONE.search(sentence.outside_clauses):
            continue
        cities = [code for _, name, code in places_named(sentence, mentions[sentence.index]) if name]
        if cities and not set(cities) & here:
            sentence.background = True


# A body named by the head noun of its name after its first mention: "the Centre", "the Service".
REFERENCE = re.compile(
    r"\b[Tt]he (?P<noun>Centre|Center|Service|Agency|Authority|Ministry|Trust|Fund|Commission|Embassy|"
    r"Academy|Directorate|Secretariat|Organi[sz]ation|Alliance|Committee|Department)\b(?!\s+(?:of|for)\b)"
)


def body_name(mention: Mention) -> str:
    if mention.organisation is not None:
        return mention.organisation.name
    return mention.new.name if mention.new is not None else ""


def refer_back(report: Report, mentions: dict[int, list[Mention]]) -> None:
    """Coreference by name: "the Centre" after "the Geneva International Centre ... (GICHD)" is the GICHD,
    the last body named before it whose name has that noun (a mention is added where it stands)."""
    named: list[Mention] = []
    for sentence in report.sentences:
        own = sorted(mentions[sentence.index], key=lambda m: m.start)
        added = []
        for match in REFERENCE.finditer(sentence.text):
            if any(m.start < match.end() and match.start() < m.end for m in own):
                continue
            noun = normalise(match.group("noun"))
            earlier = named + [m for m in own if m.end <= match.start()]
            referent = next((m for m in reversed(earlier) if noun in normalise(body_name(m)).split()), None)
            # (In a sentence that names the body itself, the reference adds nothing.)
            if referent is not None and referent.key not in {m.key for m in own}:
                added.append(
                    Mention(
                        match.start(),
                        match.end(),
                        match.group(0),
                        organisation=referent.organisation,
                        new=referent.new,
                    )
                )
        if added:
            mentions[sentence.index] = sorted(own + added, key=lambda m: m.start)
        named += own


NEWS_OUTLET = re.compile(
    r"\b(?:news|press|times|post|media|tv|radio|daily|herald|tribune|journal|review|weekly|gazette|wire|"
    r"report|agency|portal|channel|broadcast\w*)\b|^[A-Z]{2,}$",
    re.IGNORECASE,
)
# "Our delegation ...", the host "received us", the writer "leading APOPO's team to Siem Reap".
FIRST_PERSON_VISITOR = re.compile(
    r"\b[Oo]ur (?:delegation|visiting team)\b|\b(?:received|welcomed|hosted|receives|welcomes|hosts) us\b|"
    r"\b(?:I|[Ww]e)\b[^.;]{0,40}\b(?:leading|led|travelled|visited)\b[^.;]{0,40}\b(?:team|delegation|to)\b"
)
SPOKESPERSON = re.compile(
    r"\bspokes(?:person|man|woman)\b|\bpress (?:secretary|officer)\b|\b(?:communications|media) officer\b",
    re.IGNORECASE,
)
FIRST_PERSON_HOST = re.compile(
    r"\b(?:we|our\s+(?:[\w-]+\s+){0,3}(?:team|office|centre|staff))\b[^.;]{0,40}"
    r"\b(?:welcom(?:e|ed|es)|host(?:ed|s)?|receiv(?:e|ed|es))\b(?! by| us\b)",
    re.IGNORECASE,
)


def publisher_organisation(index: OrganisationIndex, publisher: str) -> Organisation | None:
    """The known organisation that published the report, when it is one."""
    if not publisher:
        return None
    return index.by_name.get(tuple(normalise(publisher).split())) or index.acronym(publisher)


def date_proposal(event: tuple[FoundDate, Sentence] | None, published_on) -> DateProposal:
    if event is None:
        return DateProposal(
            published_on,
            None,
            DatePrecision.ON_OR_BEFORE,
            "",
            "No date in the report: on or before its publication.",
        )
    found, sentence = event
    return DateProposal(found.start, found.end, found.precision, found.as_written, sentence.text)


def body_pointed_to(
    participant: PersonFinding, sentences: dict[int, Sentence], mentions: dict[int, list[Mention]]
) -> Organisation | None:
    """The body a sentence gives someone without naming it in their title: "The Centre was represented
    by X, its Head of ...", "the team was led by its Deputy Head, X": the body named before them."""
    for i, n in participant.spans:
        text = sentences[i].text
        start = min(n.start, n.title_start) if n.title_start >= 0 else n.start
        title_start = n.title_start if n.title_start >= 0 else n.end
        possessive = re.search(r"\bits\s+$", text[:title_start]) or re.search(
            r"\bits\s+(?:[\w-]+\s+){1,4}$", text[:start]
        )
        represented = re.search(r"\b(?:represented|led|headed)\s+by\s+$", text[:start])
        if not (possessive or represented):
            continue
        before = [m for m in mentions[i] if m.end <= start and m.organisation is not None]
        if before:
            return before[-1].organisation
    return None


# Before a person's name: someone on whose behalf, or under whom, things are done, who is not there
# ("conveyed the greetings of President X to Prime Minister Y", "on the instructions of President X").
ABSENT_PERSON = re.compile(
    r"(?:\b(?:greetings|message|letter|instructions?|leadership|behalf|initiative|orders?|decree|guidance|"
    r"name|regards|address|appeal|speech|wishes|patronage|auspices)\s+(?:of|from|by)(?:\s+the)?|"
    r"\bgreetings\b[^;]*\bto|\b(?:gratitude|thanks|appreciation)\s+to|"
    # "In a message read out at the opening, Prime Minister X said ...", "In a statement issued before
    # the meeting, X said"
    r"\b(?i:in|by|through|via) an? (?:[\w-]+ )?(?:message|letter|statement|interview)\b[^.;]{0,80},|"
    # "According to X, ...": a source
    r"\b(?i:according to)|"
    # "a minute's silence in memory of X", "the centre named after the late X": someone not living
    r"\b(?:in (?:memory|honou?r|remembrance) of|named after|tribute to|condolences (?:on|over) the death of)"
    r"(?:\s+the)?(?:\s+late)?|\bthe late)"
    r"\s+(?:[A-Z][\w.'’-]*\s+){0,4}$"
)
# After a name and its title: someone who stayed away ("X, who could not attend, sent a letter").
NOT_THERE = re.compile(
    r"\s*(?:,[^,]{1,120})?,?\s*(?:(?:who )?(?:could not|was unable to|did not|was not able to) "
    r"(?:attend|come|join|take part|be present|travel)|(?:sent|addressed) a (?:letter|message)|"
    # "X, Minister of Defence, is expected to attend next year's conference", "Minister X would visit"
    r"(?:is|are|was|were) (?:expected|due|scheduled|set) to|"
    r"(?:will|would|is to|plans to|intends to)\s+(?:also\s+)?"
    r"(?:attend|visit|come|travel|meet|take part|join)|"
    # "thanked President X for his support": thanked for what they do elsewhere
    r"for (?:his|her|their) (?:[\w-]+ )?(?:support|leadership|attention|contribution|commitment|efforts))\b"
)
# After a name: a plan ("X is expected to attend", "X will visit"), not a refusal to come.
FUTURE_PLAN = re.compile(
    r"\s*(?:,[^,]{1,120})?,?\s*(?:(?:is|are|was|were) (?:expected|due|scheduled|set) to|"
    r"(?:will|would|is to|plans to|intends to)\s+(?:also\s+)?"
    r"(?:attend|visit|come|travel|meet|take part|join))\b"
)
# Before a name: a meeting still to come ("The delegation will also meet Deputy Minister X on Friday").
TO_COME = re.compile(
    r"\b(?:will|would|is to|are to|(?:is|are) expected to|plans? to)\s+(?:also\s+)?"
    r"(?:meet(?: with)?|visit|call on|hold talks with|be received by)\s+(?:[A-Z][\w.'’-]*\s+){0,5}$"
)
# After a name: a standing statement, not something done at the event ("Prime Minister X has set the
# goal of a mine-free country by 2030").
SPOKEN_OF = re.compile(
    r"\s*(?:,[^,]{1,80},\s*)?(?:has|have)\s+(?:(?:long|repeatedly|already|often|also|publicly)\s+)?"
    r"(?:set|made|called|said|stated|declared|announced|pledged|urged|described|promised|vowed|"
    r"committed|made clear)\b"
)
# A sentence about talks of their own with the visitors, not attending someone else's.
SEPARATE_TALKS = re.compile(
    r"\b(?:held talks|talks with|met with|(?:a |separate )meeting with)\b(?![^.]*\battend)"
)
# What a speaker does, after their name and title ("..., delivered the keynote address") or before
# them ("The workshop was opened by A, ..., and B").
SPEAKING_AFTER = re.compile(
    r"\s*(?:\([^)]*\)\s*)?[,–—]?\s*(?:who\s+)?(?:also\s+|then\s+|later\s+)?(?:was\s+|were\s+)?"
    r"(?:spoke|speaking|"
    r"addressed|delivered|presented|opened|said|says|told|noted|stressed|called|reaffirmed|underlined|"
    r"described|explained|outlined|briefed|urged|warned|"
    r"emphasi[sz]ed|highlighted|informed|"
    r"made (?:a|an|the) (?:[\w-]+ ){0,2}(?:speech|presentation|statement|remarks)|"
    r"(?:moderated|chaired) (?:a|an|the) (?:[\w-]+ ){0,2}(?:panel|session|discussion)|"
    r"was the first to (?:address|speak)|"
    r"will (?:make|give|deliver) (?:a|an|the) (?:[\w-]+ ){0,2}(?:speech|remarks|address|keynote)|"
    r"gave (?:a|an|the) (?:speech|presentation|talk|keynote)|"
    # the same told in the present tense (a live blog, a radio summary)
    r"speaks|addresses|delivers|presents|opens|tells|stresses|"
    r"gives (?:a|an|the) (?:speech|presentation|talk|keynote|address))\b",
    re.IGNORECASE,
)
SPEAKING_BEFORE = re.compile(
    r"\b(?:(?:opened|addressed|presented|delivered|moderated) by|"
    r"(?:keynote|opening address|speech|presentation) (?:was |were )?(?:given|delivered|made) by|"
    r"(?:remarks|speech(?:es)?|"
    r"presentations?|statements?|addresses) (?:by|from)|speakers? (?:also )?(?:included|were)|"
    r"panel(?:lists)?\b[^.;]{0,200}\b(?:included|were))\b[^.;]{0,200}$",
    re.IGNORECASE,
)


def speaks(sentence: str, name: NameSpan) -> bool:
    """Whether the sentence has this person speak: opening, addressing, presenting, saying."""
    title_after = name.title_start > name.start
    end = name.title_end if title_after else name.end
    start = name.title_start if 0 <= name.title_start < name.start else name.start
    return bool(
        SPEAKING_AFTER.match(sentence[end:])
        or SPEAKING_BEFORE.search(sentence[:start])
        or quotes_only(sentence, name)  # '"...," said X, Chief of ...'
        or speaks_with_the_next(sentence[end:])
        or speaks_after_an_aside(sentence[end:])
    )


def speaks_after_an_aside(tail: str) -> bool:
    """'X, Director of ANAMA, Azerbaijan's agency, spoke ...': the verb after an apposition to the body."""
    aside = re.match(r"\s*,[^,.;]{1,60}(?=,)", tail)
    return aside is not None and bool(SPEAKING_AFTER.match(tail[aside.end() :]))


def speaks_with_the_next(tail: str) -> bool:
    """'X, Chairman of A, and B's deputy, Y, spoke about ...': subjects joined by 'and' share the verb."""
    if not re.match(r"\s*,?\s+and\s", tail):
        return False
    clause = re.split(r"[.;:]", tail, maxsplit=1)[0][:200]
    return any(SPEAKING_AFTER.match(clause[comma.start() :]) for comma in re.finditer(",", clause))


# A quotation's speaker: '"...," said X' or 'X said: "..."'.
QUOTE_SAID_BEFORE = re.compile(
    r'"\s*,?\s*(?:said|says|added|recalled|explained|remembered)\s+(?:[A-Z][\w.\'-]*\s+){0,4}$', re.IGNORECASE
)
QUOTE_SAID_AFTER = re.compile(r'\s*,?\s*(?:said|says|added|recalled|explained|remembered)\b[^."]{0,20}"')


def quotes_only(sentence: str, name: NameSpan) -> bool:
    """Whether the sentence only has this person say a quotation (nothing done at the event)."""
    start = name.title_start if 0 <= name.title_start < name.start else name.start
    end = name.title_end if name.title_start > name.start else name.end
    return bool(QUOTE_SAID_BEFORE.search(sentence[:start]) or QUOTE_SAID_AFTER.match(sentence[end:]))


# Before a name: someone who watched the signing, not a party to it.
WITNESS = re.compile(r"\b(?:in the presence of|witnessed by|attended by)\b[^;]{0,120}$")


def is_dated_elsewhere(published_on, dateline_day, date: DateProposal):
    """Whether a sentence carries a date that is not the event's (so it is about something else)."""
    end: datetime.date | None
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
        # An invitation or agreement made at the event names when it is for ("invited ... to a workshop in
        # November", in September): a month without a year, read as last year's, is then the one to come.
        if outcome_kinds(sentence.text):
            dates = [
                d
                for d in dates
                if not (
                    d.precision == DatePrecision.MONTH
                    and not re.search(r"\d", d.as_written)
                    and d.start.month > published_on.month
                )
            ]
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


COUNTRYS_OWN_BODY = re.compile(
    r"\bthe (?:country|nation|host country)['’]s (?:own )?(?:[\w-]+ ){0,3}"
    r"(?:agency|centre|center|authority)\b",
    re.IGNORECASE,
)


def propose(article: Article, *, organisations=None, people=None, topics=None) -> Proposal:
    """Read the report against the known records and propose its event; writes nothing."""
    if organisations is None or people is None or topics is None:
        organisations, people, topics = known_records()
    published_on = article.published_on
    report = read_report(article.text, is_place=gazetteer.is_place)
    if not report.headline:
        report.headline = article.title  # the page's title is the headline the text left out
    dateline_day = dateline_date(report.dateline.date_text, published_on) if report.dateline else None
    find_lead(report, published_on, dateline_day)
    date = date_proposal(event_date(report, published_on, dateline_day), published_on)
    # An event still to come is told in the future tense: that tense does not put a sentence or a
    # person elsewhere.
    to_come = date.start > published_on
    mark_background(
        report, dated_elsewhere=is_dated_elsewhere(published_on, dateline_day, date), to_come=to_come
    )
    if report.item_paragraph is not None:  # a bulletin's other items are other news
        for sentence in report.sentences:
            sentence.background = sentence.paragraph != report.item_paragraph

    # Organisations and people, sentence by sentence.
    index = OrganisationIndex(organisations)
    # A news outlet is never a party to what it reports; a body publishing its own news may be.
    publisher_ignored = article.publisher if NEWS_OUTLET.search(article.publisher) else ""
    ignore = [publisher_ignored, article.republished_by, report.dateline.agency if report.dateline else ""]
    reader = OrganisationReader(index, ignore=ignore)
    reader.learn("\n".join(s.text for s in report.sentences))
    mentions = {s.index: reader.mentions(s.text) for s in report.sentences}
    refer_back(report, mentions)
    mark_told_elsewhere(report, mentions)
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

    def named_only(sentence: Sentence, start: int, end: int) -> bool:
        """Named, not present: "the greetings of President X", "under the leadership of X"."""
        # A short label before a block ("Answer from Minister X:", "Media contact: Y") names who writes.
        if LABEL.match(sentence.text):
            return True
        if ABSENT_PERSON.search(sentence.text[:start]):
            return True
        if to_come:  # a meeting still to come: only someone who says they will stay away is not there
            if NOT_THERE.match(sentence.text[end:]) and not FUTURE_PLAN.match(sentence.text[end:]):
                return True
        elif NOT_THERE.match(sentence.text[end:]) or TO_COME.search(sentence.text[:start]):
            return True
        return sentence is not report.lead and bool(SPOKEN_OF.match(sentence.text[end:]))

    # Who took part: named in a sentence about the event, not inside someone else's title.
    participants: list[Participant] = []
    also_people: list[PersonFinding] = []
    visit_letter = any(SALUTATION.match(s.text) for s in report.sentences[:3]) and any(
        SECOND_PERSON_VISIT.search(s.text) for s in report.sentences
    )
    for finding in found_people:
        event_spans = [
            (i, n)
            for i, n in finding.spans
            if counts_for_event(sentences[i], n.start)
            and not in_title(i, n.start)
            and not named_only(sentences[i], n.start, n.end)
        ]
        # A letter to a visitor ("Dear General X, ... thank you for your visit"): its addressee was there.
        if visit_letter:
            event_spans += [(i, n) for i, n in finding.spans if SALUTATION.match(sentences[i].text)]
        # A spokesperson speaks about the event for a body; the report does not put them in the room.
        if SPOKESPERSON.search(finding.title):
            event_spans = []
        # A voice quoted for colour ('"Now my grandchildren play there," said X, chief of a village'):
        # someone not on record, only ever the speaker of a quotation, whose title names no body.
        quoted_only = (
            finding.person is None
            and bool(event_spans)
            and all(
                quotes_only(sentences[i].text, n)
                and not any(n.title_start <= m.start < n.title_end for m in mentions[i])
                for i, n in event_spans
            )
        )
        if quoted_only:
            finding.evidence = sentences[event_spans[0][0]].text
            also_people.append(finding)
            continue
        if event_spans:
            participant = Participant(**vars(finding))
            participant.evidence = sentences[event_spans[0][0]].text
            participants.append(participant)
        elif SPOKESPERSON.search(finding.title) or any(
            not counts_for_event(sentences[i], n.start) or named_only(sentences[i], n.start, n.end)
            for i, n in finding.spans
        ):
            finding.evidence = sentences[finding.spans[0][0]].text
            also_people.append(finding)

    # Organisations: in the event (with a part), only in titles (the person's body), or only mentioned.
    findings: dict[FindingKey, OrganisationFinding] = {}
    incidental: dict[FindingKey, OrganisationFinding] = {}
    title_only: dict[FindingKey, OrganisationFinding] = {}
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
    new_sides: dict[int, FindingKey] = {}  # participants whose body is a new one (by id)
    for participant in participants:
        in_their_title = [
            m for i, n in participant.spans for m in mentions[i] if n.title_start <= m.start < n.title_end
        ]
        positions = []
        if participant.person is not None:
            positions = [
                p.organisation
                for p in participant.person.positions.all()
                if p.organisation is not None and not p.end_date
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
                    new_sides[id(participant)] = chosen.key
        elif positions:
            participant.organisation = positions[0]
        else:
            participant.organisation = body_pointed_to(participant, sentences, mentions)
        if participant.organisation is not None:
            key: FindingKey = ("known", participant.organisation.pk)
            if key not in findings:
                record = (
                    title_only.get(key)
                    or incidental.get(key)
                    or OrganisationFinding(participant.organisation)
                )
                record.evidence = participant.evidence
                findings[key] = record

    # The publisher writing in the first person: "we were delighted to welcome ...", "Our Country
    # Director, X": its people are its own, and it hosts the guests it welcomes.
    publisher = publisher_organisation(index, article.publisher)
    if publisher is not None:
        key = ("known", publisher.pk)
        ours = [
            p
            for p in participants
            if p.organisation is None
            and any(
                re.search(
                    r"\bour\s+$",
                    sentences[i].text[: n.title_start if 0 <= n.title_start < n.start else n.start],
                    re.I,
                )
                for i, n in p.spans
            )
        ]
        for participant in ours:
            participant.organisation = publisher
        welcoming = next((s for s in report.event if FIRST_PERSON_HOST.search(s.text)), None)
        # "Our delegation, led by X, visited ...": the publisher is the visiting side.
        visiting_us = next((s for s in report.event if FIRST_PERSON_VISITOR.search(s.text)), None)
        if ours or welcoming is not None or visiting_us is not None:
            record = (
                findings.get(key)
                or title_only.get(key)
                or incidental.get(key)
                or OrganisationFinding(publisher)
            )
            told = welcoming or visiting_us
            record.evidence = told.text if told is not None else ours[0].evidence
            findings[key] = record
            if welcoming is not None:
                record.role = Role.HOST
            elif visiting_us is not None:
                record.role = Role.DELEGATION

    kind, kind_evidence = meeting_kind(report, [m.text for ms in mentions.values() for m in ms])
    sending, sending_evidence = sending_country(report, mentions)

    # Parts: what the sentences say, then the sides by country.
    for sentence in report.event:
        event_mentions = [m for m in mentions[sentence.index] if m.key in findings]
        # People stand for their organisations: "welcomed by Um Phumro, Deputy Director General of CMAC".
        person_mentions: list[Mention] = []
        for participant in participants:
            new_side = findings.get(new_sides.get(id(participant), ("", "")))
            if participant.organisation is None and new_side is None:
                continue
            for i, n in participant.spans:
                if i == sentence.index:
                    # "X, Director General of Y, welcomed ...": the verb follows the title.
                    person_mentions.append(
                        Mention(
                            n.start,
                            n.title_end if n.title_start > n.start else n.end,
                            n.name,
                            organisation=participant.organisation,
                            new=new_side.new if new_side is not None else None,
                        )
                    )
        for key, role in roles_in(sentence.text, event_mentions + person_mentions).items():
            if key in findings and not findings[key].role:
                findings[key].role = role
                findings[key].evidence = sentence.text
    if kind == MeetingKind.AGREEMENT:
        signing = [s for s in report.event if re.search(r"\bsign|\binked\b", s.text, re.I)]
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
            # "The two organisations signed ...": the pair the report is about, when it names only two.
            if not keys & findings.keys() and PAIR.search(sentence.text) and len(findings) == 2:
                keys = set(findings)
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
        national_visitors = [o for o in delegations if o.kind in NATIONAL_KINDS]
        visitors = {o.country.code for o in national_visitors or delegations}
        if len(visitors) == 1:
            sending = visitors.pop()
            sending_evidence = next(f.evidence for f in findings.values() if f.role == Role.DELEGATION)
    # "The visit was organised by ANAMA": at a visit, the one body organising it for the visitors hosts it.
    if kind in (MeetingKind.BILATERAL, MeetingKind.SITE_VISIT):
        parts = [f.role for f in findings.values()]
        organisers = [f for f in findings.values() if f.role == Role.ORGANISER]
        if Role.DELEGATION in parts and Role.HOST not in parts and len(organisers) == 1:
            organisers[0].role = Role.HOST
    # The publisher telling of its own event in the first person ("a side event we had been preparing",
    # "our President opened ...") or as "the Embassy" (its name's head noun) organised it, when no one
    # else is said to host it.
    if publisher is not None and kind in (MeetingKind.CONFERENCE, MeetingKind.TRAINING):
        ours_record = findings.get(("known", publisher.pk))
        head_noun = publisher.name.split()[0]
        itself = next(
            (
                s
                for s in report.event
                if re.search(rf"\b[Tt]he {re.escape(head_noun)}\b(?! of)[^.;]{{0,80}}\b{ORGANISED}", s.text)
            ),
            None,
        )
        if ours_record is None and itself is not None and head_noun[:1].isupper():
            ours_record = findings[("known", publisher.pk)] = OrganisationFinding(
                publisher, evidence=itself.text
            )
            ours_record.role = Role.ORGANISER
        if (
            ours_record is not None
            and not ours_record.role
            and not any(f.role in (Role.HOST, Role.ORGANISER) for f in findings.values())
            and any(FIRST_PERSON_PLURAL.search(QUOTED.sub("", s.text)) for s in report.event)
        ):
            ours_record.role = Role.ORGANISER
    # An event held online has no premises: whoever "hosted" it organised it.
    if report.lead is not None and re.search(
        r"\bonline\b|\bvirtual(?:ly)?\b|\bwebinar\b", report.lead.text, re.I
    ):
        for record in findings.values():
            if record.role == Role.HOST:
                record.role = Role.ORGANISER
    hosts = [f for f in findings.values() if f.role == Role.HOST]
    dateline_place = None
    if report.dateline:
        known_city = gazetteer.city(report.dateline.place)
        code = known_city[1] if known_city else gazetteer.country_code(report.dateline.place)
        if code:
            dateline_place = (known_city[0] if known_city else "", code, report.dateline.text)
    country, city, place_evidence = place_of(report, hosts, dateline_place, mentions)
    # A national body's own release about talks abroad ("... held in Baku", published by Cambodia's
    # ministry): the writer travelled; a body seated where the talks were held received it.
    ours_abroad = findings.get(("known", publisher.pk)) if publisher is not None else None
    if (
        ours_abroad is not None
        and publisher is not None
        and ours_abroad.role == Role.HOST
        and kind in (MeetingKind.BILATERAL, MeetingKind.SITE_VISIT)
        and country
        and publisher.kind in NATIONAL_KINDS
        and publisher.country
        and publisher.country.code != country
    ):
        seated_here = [
            f
            for f in findings.values()
            if f is not ours_abroad
            and f.organisation is not None
            and f.organisation.country
            and f.organisation.country.code == country
            and f.role in ("", Role.PARTICIPANT, Role.ORGANISER, Role.HOST)
        ]
        if seated_here:
            ours_abroad.role = Role.DELEGATION
            seated_here[0].role = Role.HOST
            hosts = [seated_here[0]]
            if not sending:
                sending, sending_evidence = publisher.country.code, ours_abroad.evidence
    # "Talks were held in Geneva between ANAMA and the GICHD": at talks with a visiting delegation, the
    # one other body, seated in the country they are held in, hosts them.
    if kind in (MeetingKind.BILATERAL, MeetingKind.SITE_VISIT) and country and not hosts:
        guests = [f for f in findings.values() if f.role == Role.DELEGATION]
        others = [f for f in findings.values() if f.role in ("", Role.PARTICIPANT)]
        if len(guests) == 1 and len(others) == 1:
            seat = others[0].organisation.country if others[0].organisation is not None else None
            if seat and seat.code == country:
                others[0].role = Role.HOST
                hosts = [others[0]]
    # A conference no one is said to host or organise: the one body seated in the country it is held in
    # that the lead names with it hosts it ("X's high-level meeting" in X's country); the others come to it.
    if (
        kind == MeetingKind.CONFERENCE
        and country
        and not hosts
        and not any(f.role == Role.ORGANISER for f in findings.values())
    ):
        seated = [
            f
            for f in findings.values()
            if f.role in ("", Role.PARTICIPANT)
            and f.organisation is not None
            and f.organisation.country
            and f.organisation.country.code == country
            and report.lead is not None
            and (
                f.key in {m.key for m in mentions[report.lead.index]}
                # "... together with the country's demining agency, which organised it": the lead names
                # the national body by what it is, and the report by name later.
                or (
                    bool(COUNTRYS_OWN_BODY.search(report.lead.text)) and f.organisation.kind in NATIONAL_KINDS
                )
            )
        ]
        if len(seated) == 1:
            seated[0].role = Role.HOST
            hosts = seated
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

    # "X met the director of the Serbian centre": at a meeting of two, a national body of another
    # country than the one it is held in is the visiting side.
    if (
        kind == MeetingKind.BILATERAL
        and country
        and not any(f.role == Role.DELEGATION for f in findings.values())
    ):
        foreign = [
            f
            for f in findings.values()
            if f.role == Role.PARTICIPANT
            and f.organisation is not None
            and f.organisation.country
            and f.organisation.country.code != country
        ]
        others = [f for f in findings.values() if f.role not in (Role.HOST, Role.FUNDER, Role.MENTIONED)]
        # A national body of another country, or the one other body at the table ("a team from MAG").
        national = [
            f for f in foreign if f.organisation is not None and f.organisation.kind in NATIONAL_KINDS
        ]
        foreign = national or (foreign if others == foreign else [])
        if len(foreign) == 1 and any(f.role == Role.HOST for f in findings.values()):
            foreign[0].role = Role.DELEGATION
            if not sending and foreign[0].organisation is not None:
                sending, sending_evidence = foreign[0].organisation.country.code, foreign[0].evidence
    # "The ministries of A and B held consultations in A's capital": A's body hosts, B's visits.
    if kind == MeetingKind.BILATERAL and country:
        joint = [
            f
            for f in findings.values()
            if f.role == Role.ORGANISER
            and f.organisation is not None
            and f.organisation.kind in NATIONAL_KINDS
            and f.organisation.country
        ]
        at_home = [f for f in joint if f.organisation is not None and f.organisation.country.code == country]
        if len(joint) == 2 and len(at_home) == 1:
            guest = next(f for f in joint if f is not at_home[0])
            at_home[0].role, guest.role = Role.HOST, Role.DELEGATION
            if not sending and guest.organisation is not None:
                sending, sending_evidence = guest.organisation.country.code, guest.evidence
    # A delegation's visit to two sides or more ("met at NATO headquarters ... also held talks with the
    # NSPA"); a country's bodies together (its ministry and its agency) are one side. Bodies that
    # "also attended" the talks are no other side.
    received_by = {
        (
            f.organisation.country.code
            if f.organisation.kind in NATIONAL_KINDS and f.organisation.country
            else f.key
        )
        if f.organisation is not None
        else f.key
        for f in findings.values()
        if f.role == Role.HOST or (f.role == Role.PARTICIPANT and SEPARATE_TALKS.search(f.evidence))
    }
    if (
        kind == MeetingKind.BILATERAL
        and any(f.role == Role.DELEGATION for f in findings.values())
        and len(received_by) >= 2
    ):
        kind = MeetingKind.MULTILATERAL

    # People's parts follow their organisation's.
    person_role: dict[str, str] = {
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
    # "X received A, Special Representative ..., and B, Chairman of ANAMA": with no one said to lead,
    # the first visitor the lead names after the host receives them leads.
    receiving = re.search(r"\b(?:received|welcomed|hosted)\b", report.lead.text) if report.lead else None
    if visiting and receiving is not None and not any(p.leads_delegation for p in participants):
        hosts_people = {
            id(p)
            for p in participants
            if p.organisation is not None
            and findings.get(("known", p.organisation.pk)) is not None
            and findings[("known", p.organisation.pk)].role == Role.HOST
        }
        received = sorted(
            (n.start, index)
            for index, p in enumerate(participants)
            for i, n in p.spans
            if report.lead is not None
            and i == report.lead.index
            and n.start > receiving.end()
            and id(p) not in hosts_people
        )
        if received and len({index for _, index in received}) >= 2:
            participants[received[0][1]].leads_delegation = True
    if len(visiting) == 1 and not any(p.leads_delegation for p in participants):
        visiting[0].leads_delegation = True
    for participant in participants:
        record = (
            findings.get(("known", participant.organisation.pk))
            if participant.organisation
            else findings.get(new_sides.get(id(participant), ("", "")))
        )
        # "The Azerbaijani delegation was led by X", in Baku: the head of the receiving side hosts.
        if (
            participant.leads_delegation
            and record is not None
            and record.role == Role.HOST
            and sum(p.leads_delegation for p in participants) >= 2
        ):
            participant.role = Participation.Role.HOST
        elif participant.leads_delegation:
            participant.role = Participation.Role.HEAD_OF_DELEGATION
        elif record is not None and record.role in person_role:
            participant.role = person_role[record.role]
        # At a conference, a participant who opens, addresses or speaks to it is a speaker (its
        # organisers' people stay organisers).
        if (
            kind == MeetingKind.CONFERENCE
            and participant.role == Participation.Role.PARTICIPANT
            and any(speaks(sentences[i].text, n) for i, n in participant.spans if not sentences[i].background)
        ):
            participant.role = Participation.Role.SPEAKER

    # Outcomes, with the parties the sentence names (people stand for their organisations).
    outcomes: list[OutcomeFinding] = []

    def at_the_table() -> list:
        """Every body organising or taking part: who a meeting without sides agrees something with."""
        return [f.key for f in findings.values() if f.role in (Role.ORGANISER, Role.PARTICIPANT)]

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
        # "He invited ANAMA to ...": the pronoun is the person the sentence before opened with.
        if re.match(r"(?:He|She)\b", sentence.text):
            before = sorted(
                (n.start, p)
                for p in participants
                for i, n in p.spans
                if i == sentence.index - 1 and p.organisation is not None
            )
            if before:
                speaker = before[0][1]
                if speaker.organisation is not None:
                    parties.append(("known", speaker.organisation.pk))
        # A country named inside a body's name ("... of the Republic of Azerbaijan (ANAMA)") is that body.
        outside_names = sentence.text
        for m in mentions[sentence.index]:
            outside_names = outside_names[: m.start] + " " * (m.end - m.start) + outside_names[m.end :]
        # "X invited the Secretariat to a conference Azerbaijan will hold": the inviter and the invitee only.
        invited = re.search(r"\binvit(?:ed|es|ing)\b[^.;]{0,80}?\bto\b", outside_names)
        if set(kinds) == {Outcome.Kind.INVITATION} and invited is not None:
            outside_names = outside_names[: invited.end()]
        # "signed a declaration on a centre in Azerbaijan": a place in what was agreed is not a party (but
        # "a contribution to demining in Azerbaijan" is received there).
        if set(kinds) == {Outcome.Kind.AGREEMENT}:
            outside_names = re.sub(
                r"\b(?:in|across|throughout|for|around)\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}",
                lambda m: " " * len(m.group(0)),
                outside_names,
            )
        for code in gazetteer.find_countries(outside_names):
            parties += [
                f.key
                for f in findings.values()
                if f.organisation is not None
                and f.organisation.country == code
                and f.role in (Role.HOST, Role.DELEGATION, Role.SIGNATORY, Role.PARTICIPANT, Role.ORGANISER)
                and f.organisation.kind in NATIONAL_KINDS
            ]
        if re.search(r"\bthe (?:two )?sides\b|\bboth sides\b", sentence.text, re.I) or PAIR.search(
            sentence.text
        ):
            parties += main_sides
        # "We agreed to ...", "Participants agreed ...": an agreement of the event's sides (its organisers
        # at a meeting without sides), when the sentence names no one body.
        if AGREED_TOGETHER.search(sentence.text):
            together = main_sides or [f.key for f in findings.values() if f.role == Role.ORGANISER]
            # "The participants agreed to meet again": at a meeting of several bodies, all of them.
            if (
                kind == MeetingKind.MULTILATERAL
                and not main_sides
                and Outcome.Kind.FOLLOW_UP_MEETING in kinds
            ):
                together = at_the_table()
            parties += together
        # "promised by the delegation", "The British team offered ...": the sides by their part.
        if VISITORS.search(sentence.text):
            parties += [f.key for f in findings.values() if f.role == Role.DELEGATION]
        if re.search(r"\b(?:the|our) hosts?\b", sentence.text, re.I):
            parties += [f.key for f in findings.values() if f.role == Role.HOST]
        # Bodies named only in background in the sentence ("the meeting of UN advisers it holds") are no
        # party when two of the event's are there.
        in_event = [p for p in parties if p in findings]
        if len(set(in_event)) >= 2:
            parties = in_event
        for outcome_kind in kinds:
            if outcome_kind == Outcome.Kind.AGREEMENT and kind == MeetingKind.AGREEMENT and outcomes:
                continue
            said_of = list(dict.fromkeys(parties))
            # An offer, an invitation, training or a next meeting between the two sides of a visit concerns
            # both, when the sentence names one ("Readiness was expressed to advise ANAMA").
            if (
                outcome_kind != Outcome.Kind.AGREEMENT
                and len(main_sides) == 2
                and len(set(said_of)) == 1
                and said_of[0] in main_sides
                and kind in (MeetingKind.BILATERAL, MeetingKind.SITE_VISIT)
            ):
                said_of = list(dict.fromkeys(said_of + main_sides))
            # "participants agreed to meet again": at a meeting without sides, everyone at the table.
            if outcome_kind == Outcome.Kind.FOLLOW_UP_MEETING and not said_of:
                said_of = at_the_table()
            if any(o.kind == outcome_kind and set(o.parties) == set(said_of) for o in outcomes):
                continue  # said twice
            outcomes.append(OutcomeFinding(outcome_kind, sentence.text, said_of))

    organisations_found = list(findings.values())
    also_organisations = [record for key, record in incidental.items() if key not in findings]
    event_text = " ".join(s.text for s in report.event)
    names_to_ignore = [m for record in list(findings.values()) + also_organisations for m in record.mentions]
    topic_matches = find_topics(
        event_text,
        topics,
        ignore=names_to_ignore,
        general=general_words(o.name for o in organisations),
    )
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
        (
            s.text
            for s in report.event
            if re.search(
                r"\bdelegation\b|\b(?:mission|team) (?:of|from)\b|"
                r"\b(?:on|paid|paying|pays) an? (?:[\w-]+ )?(?:visit to|call on)\b",
                s.text,
                re.I,
            )
            or re.search(r"\bthe [A-Z][a-z]+ side\b", s.text)  # "the Azerbaijani side by ..."
        ),
        "",
    )
    # Without the word, the sides say it: a visiting side from another country than the meeting's.
    visitors = [f for f in findings.values() if f.role == Role.DELEGATION]
    if not delegation_sentence and visitors and sending and country and sending != country:
        delegation_sentence = visitors[0].evidence
    # "On the margins of a conference in Aghdam, the Director of BHMAC convened a meeting": the one
    # national body from abroad that holds a side meeting at an event travelled to it.
    if (
        not delegation_sentence
        and country
        and report.lead is not None
        and WITHIN_EVENT.search(report.lead.text)
    ):
        conveners = {
            f.organisation.country.code
            for f in findings.values()
            if f.role == Role.ORGANISER
            and f.organisation is not None
            and f.organisation.country
            and f.organisation.kind in NATIONAL_KINDS
            and f.organisation.country.code != country
        }
        if len(conveners) == 1:
            sending, delegation_sentence = conveners.pop(), report.lead.text
    if not delegation_sentence:
        return None
    heads = [p.person for p in participants if p.leads_delegation and p.person is not None]
    head = heads[0] if heads else None
    if not sending and head is None and country:
        # "signed by X of ANAMA, who is on a working visit to Switzerland": the one national side from
        # another country than the meeting's travelled.
        abroad = {
            f.organisation.country.code
            for f in findings.values()
            if f.organisation is not None
            and f.organisation.country
            and f.organisation.kind in NATIONAL_KINDS
            and f.organisation.country.code != country
            and f.role != Role.MENTIONED
        }
        if len(abroad) == 1:
            sending = abroad.pop()
    if sending and sending == country:
        return None
    if not sending and head is None:
        return None
    window = datetime.timedelta(days=TRIP_DAYS)
    earliest = date.start - (
        window if date.precision != DatePrecision.ON_OR_BEFORE else datetime.timedelta(days=30)
    )
    latest = (date.end or date.start) + window
    candidates = Delegation.objects.all()
    filters = []
    if sending:
        filters.append(candidates.filter(sending_country=sending))
    if head is not None:
        filters.append(candidates.filter(head=head))
    best = None
    for queryset in filters:
        for delegation in queryset.prefetch_related("meetings", "members"):
            if any(start <= latest and end >= earliest for start, end in trip_days(delegation)):
                # A trip led by someone else: its member may lead one of its meetings.
                members = {m.pk for m in delegation.members.all()}
                if head is not None and delegation.head_id not in (None, head.pk) and head.pk not in members:
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
