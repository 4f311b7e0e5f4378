"""What a report's sentences say about its event: the organisations' parts, kind, sender, place, topics."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..models import MeetingKind, MeetingOrganisation, Organisation, Topic
from . import gazetteer
from .organisations import Mention, OrganisationFinding
from .people import HONORIFIC
from .text import RELATIVE_CLAUSE, Report, normalise

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


# What someone said: "noted that ...", "told the guests that ...".
REPORTED = re.compile(
    r"\b(?:said|says|noted|stressed|stated|added|recalled|pointed out|emphasi[sz]ed|underlined|"
    r"(?:informed|told|assured) [^,.;]{1,60}?) that\b"
)
# Where an organisation's mention says it only is talked about, not taking part.
OBJECT_ONLY = re.compile(
    r"(?:\b(?:establish(?:ing|ment of)?|set(?:ting)? up|creat(?:e|ing|ion of)|launch(?:ing)? of|"
    r"according to|invit(?:ed|es|ing)|"
    r"(?:working|cooperation|cooperating|partnering|partnership|ties|relations) with|"
    r"through(?: the)?(?: NGO)?)\s+(?:the\s+|an?\s+)?(?:[\w'-]+\s+){0,2})$",
    re.IGNORECASE,
)
# A body whose work or experience is what is told or shared, not a body in the room: "told the guests
# about the work of the Centre", "ready to share the experience of CMAC".
SPOKEN_ABOUT = re.compile(
    r"(?:\b(?:told|informed|briefed|spoke|talked|learned|learnt)\b[^.;]{0,60}?\b(?:about|on)|"
    r"\bshar(?:e|ed|ing)|\b(?:study|studied|studying))\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:work|experience|expertise|activities|practices?|achievements|results|example) of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
FUNDING = re.compile(
    r"\b(?:fund(?:s|ed|ing)?|financ(?:es|ed|ing)|sponsor(?:s|ed)?|support of|contribution)\b", re.I
)
EVENT_NOUNS = re.compile(
    r"\b(?:conference|meeting|event|workshop|seminar|forum|symposium|summit|visit|talks|dialogue|"
    r"consultations|ceremony|attended|took part|participants|delegates)\b",
    re.IGNORECASE,
)


def mention_is_incidental(sentence: str, mention: Mention) -> bool:
    """A mention of a body that takes no part: the object of a plan, a source, a funder of something else."""
    before = sentence[: mention.start]
    # "organised by ANAMA in partnership with UNDP": a partner in holding the event, not a topic
    if re.search(
        r"\b(?:co-)?(?:organi[sz]ed|held|hosted|convened)\b[^.;]{0,120}\bin (?:cooperation|partnership|"
        r"collaboration) with\s+(?:the\s+)?$",
        before,
    ):
        return False
    if OBJECT_ONLY.search(before) or SPOKEN_ABOUT.search(before):
        return True
    # "to exchange maps through the mechanism of the Joint Boundary Commission": the channel of what is
    # agreed; "invited ANAMA to attend the meeting of UN advisers": the event an invitation is to.
    # "the border meeting, held under the General Border Committee": the standing body it is held under.
    if re.search(r"\bheld under\s+(?:the\s+)?$", before) and re.search(
        r"\b(?:Committee|Commission|Council|Mechanism)\b", mention.text
    ):
        return True
    if re.search(
        r"\bthrough (?:the )?(?:[\w-]+ )?(?:mechanism|channel|framework)s? of\s+(?:the\s+)?$|"
        r"\binvit(?:ed|es|ing)\b[^.;]{0,60}\bto (?:attend|take part in|participate in|join)\b[^.;]{0,160}$",
        before,
    ):
        return True
    # "in a meeting room of the UN Human Rights Office": the owner of the room lends it, takes no part.
    if re.search(
        r"\b(?:in|at) (?:a|an|the) (?:[\w-]+ ){0,2}(?:room|hall|auditorium) of\s+(?:the\s+)?$", before
    ):
        return True
    # "APOPO will carry out the project with ANAMA": a partner in the work to come, not at the event.
    if re.search(
        r"\bwill\s+(?:also\s+)?(?:carry out|implement|work|cooperate|partner|run|conduct|deliver)\b"
        r"[^.;]{0,80}\bwith\s+(?:the\s+)?$",
        before,
    ):
        return True
    # "..., which the NGO APOPO will carry out": a clause about what comes later, not the event.
    if re.search(r"\b(?:which|that)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", before) and re.match(
        r"\s+(?:will|is to|are to|is expected to|shall)\b", sentence[mention.end :]
    ):
        return True
    if re.search(
        r"\b(?:under|within|as part of) (?:the|a|its|their) [^.;]{0,80}?\b(?:project|programme)\b[^.;]{0,80}"
        r"\bwhich (?:is|was) (?:supported|funded|financed|sponsored) by\s+(?:the\s+)?$",
        before,
    ):
        return False  # "a course held under the project ..., which is funded by the EU": the event's funder
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
    ) and not re.search(r"\bwith (?:the )?funding from\s+(?:the\s+)?$", before):
        return True
    if re.search(
        r"(?:^(?:The|This|Its|Their) |\b)(?:project|programme|program|initiative|agreement|work|event)\b"
        r"[^.;]*"
        r"\b(?:funded|financed|sponsored) by\s+(?:the\s+)?$|\bwith (?:the )?(?:funding|financial support) "
        r"(?:from|of)\s+(?:the\s+)?$",
        before,
    ):
        return False  # "The project is funded by SDC": the funder of what is agreed or discussed
    window = sentence[max(0, mention.start - 40) : mention.end + 40]
    return bool(FUNDING.search(window) and not EVENT_NOUNS.search(sentence))


# Words around a mention that give an organisation's part in the event.
ROLE_AFTER = [  # the organisation follows these words
    # "a course for twenty deminers of CMAC, conducted by instructors of ANAMA"
    (
        Role.TRAINER,
        r"(?:(?:conducted|delivered|given|taught|run|led) by|with|^(?:[\w,]+ ){0,4}?) ?(?:the )?"
        r"(?:instructors|trainers|experts) (?:of|from)",
    ),
    (
        Role.TRAINEES,
        r"\b(?:course|training)\b[^.;]{0,40}\bfor\s+(?:[\w-]+\s+){0,3}"
        r"(?:deminers|staff|officers|specialists|personnel|students|trainees) (?:of|from)",
    ),
    # "organised by ANAMA for staff of CMAC": whose people it is held for
    (
        Role.TRAINEES,
        r"\b(?:organi[sz]ed|held|run|conducted)\b[^.;]{0,80}\bfor\s+(?:[\w-]+\s+){0,3}"
        r"(?:deminers|staff|officers|specialists|personnel|students|trainees) (?:of|from)",
    ),
    (Role.ORGANISER, r"(?:co-)?organi[sz]ed (?:jointly )?by|arranged by|convened by"),
    # "organised by A and opened by B of C and D of E": who opens an event takes part in it (the nearest
    # cue before a name gives its part)
    (Role.PARTICIPANT, r"(?:opened|addressed|moderated) by"),
    (
        Role.HOST,
        r"(?:co-)?hosted by|received by|welcomed by|visit(?:ed|ing)?(?: to)?|talks at|held at|meeting at|"
        r"(?:paid|pays|paying) (?:a|an) (?:[\w-]+ )?call on|"
        r"^at(?! the (?:[\w-]+ )?invitation)|^in the premises of|headquarters of|met with the delegation of|"
        r"presided over by|(?:the )?guests? of|"
        r"(?:delegation|visitors|guests)\b[^;]{0,150}?\b(?:met|met with|held talks with)",
    ),
    # The object of an active "received"/"welcomed" is the visitor ("TMAC received Mr. Buth of ARMAC").
    (
        Role.DELEGATION,
        r"(?<!was )(?<!were )(?<!been )(?<!be )\b(?:received|welcomed|receives|welcomes)(?! by)",
    ),
    # "we were delighted to welcome colleagues from ANAMA"
    (
        Role.DELEGATION,
        r"\b(?:welcom(?:e|ed|ing)|receiv(?:e|ed|ing)|host(?:ed|ing)?)\s+(?:[\w-]+\s+){0,3}"
        r"(?:colleagues|guests|visitors|team|counterparts)\s+(?:from|of)",
    ),
    (
        Role.FUNDER,
        r"support of|supported by|funded by|financed by|sponsored by|"
        r"(?:financial support|funding) (?:of|from)",
    ),
    (
        Role.DELEGATION,
        r"(?:delegations?|\bmission) (?:of|from)|"
        r"(?:delegation(?:, | )|^)(?:also )?(?:made up|composed|consisting) of"
        r"(?: representatives of)?|"
        # "delegation led by", "The visitors were led by X, Chairman of ANAMA, and Y of ARMAC"
        r"\b(?:delegation|visitors|guests|visiting (?:team|group))\s+(?:was |were )?(?:led|headed) by|"
        r"(?:delegation\s+|^which\s+)(?:also\s+)?(?:included|includes|comprised)|^(?:and\s+)?accompanied by|"
        r"\b(?:delegation|visitors|guests)\s+(?:was|were)\s+(?:also\s+)?accompanied by",
    ),
    (
        Role.ORGANISER,
        r"(?:Meeting|Conference) of (?:the )?States Parties to|Review Conference of|"
        r"intersessional meetings? of",
    ),
]
ROLE_BEFORE = [  # the organisation comes before these words
    # The passive: "CMAC was visited by ...", "ANAMA's staff were guests of CMAC", "X played host to Y".
    (Role.HOST, r"(?:was|were|has been|have been|had been) visited by|(?:played|plays|playing) host to"),
    (Role.DELEGATION, r"(?:was|were) (?:the )?guests? of"),
    # "X chaired a meeting with a delegation of Y": X hosts (before "held a" makes an organiser)
    (
        Role.HOST,
        r"(?:chaired|held|hosted) (?:a|an|the) (?:[\w-]+ )?(?:meeting|talks|consultations?) with "
        r"(?:a|an|the) (?:[\w-]+ )?delegation",
    ),
    (
        Role.ORGANISER,
        r"(?:jointly |also )?(?:co-)?organi[sz]ed|helped (?:to )?organi[sz]e|held (?:a|an|the|its)\b|"
        r"opened (?:a|an) (?:[\w-]+ ){0,3}(?:workshop|course|training|seminar|forum|symposium|conference)|"
        r"convened|initiated (?:a|an|the)\b|(?:is|was|were|are) organi[sz]ed",
    ),
    (
        Role.HOST,
        r"(?:(?:warmly|cordially|officially) )?(?:co-)?hosted|(?:(?:warmly|cordially|officially) )?"
        r"(?:received|welcomed|receives|welcomes|hosts)|"
        r"(?:has |have )?(?:recently )?met (?:(?:today|yesterday|on [A-Z][a-z]+day) )?"
        r"with (?:the|a) delegation|presided over",
    ),
    (Role.DELEGATION, r"visited|paid a (?:working |official |courtesy )?(?:visit|call)|travelled"),
    (Role.SIGNATORY, r"(?:have |has )?(?:signed|inked)|and .{0,80} (?:signed|inked)"),
    (Role.FUNDER, r"which (?:funded|funds|financed|finances|sponsored)"),
    # "UNDP funded the event"
    (
        Role.FUNDER,
        r"(?:co-)?(?:funded|financed|sponsored) (?:the|this) (?:event|conference|workshop|meeting|seminar|"
        r"course|training|visit|forum|symposium)",
    ),
    # "The Thailand Mine Action Centre (TMAC), which hosted the talks, ..."
    (Role.HOST, r"(?:which|who) (?:co-)?hosted"),
    (Role.ORGANISER, r"(?:which|who) (?:co-)?organi[sz]ed"),
]
# A sentence that lists who else was there: "Also present were ...", "The meeting was also attended by".
ALSO_PRESENT = re.compile(
    r"^(?:also (?:present|attending|taking part|participating)\b|"
    r"(?:taking part|participating|present)\b[^.;]{0,40}\b(?:were|was)\b|"
    r".{0,80}\b(?:was|were) also attended by\b|"
    r".{0,80}\balso (?:attended|took part in|joined) (?:the|this) (?:meeting|talks|session|visit)\b|"
    # "X, Chairman of ANAMA, who took part in the meeting, spoke ..."
    r".{0,200}\bwho (?:also )?(?:took part|participated|was present) in (?:the|this) (?:meeting|talks)\b)",
    re.IGNORECASE,
)
# "Among the trainees were X of CMAC and Y of TMAC"
AMONG_TRAINEES = re.compile(r"^Among the (?:trainees|students|course participants) (?:were|was)\b")
# "... joined the meeting as observers"
AS_OBSERVERS = re.compile(r"\bas (?:an? )?observers?\b", re.IGNORECASE)
# "Twenty-four surveyors of ANAMA completed a course": whose people are trained.
TRAINED_PEOPLE = re.compile(
    r"\b(?:deminers|surveyors|staff|officers|specialists|personnel|students|trainees|operators|"
    r"employees|pyrotechnicians)\s+(?:of|from)\s+(?:the\s+)?"
    r"(?:[^.;]{0,80}?\s+and\s+(?:of\s+|from\s+)?(?:the\s+)?)?$"  # "deminers from TMAC and from CMAC"
)
COURSE = re.compile(r"\b(?:course|training)\b", re.IGNORECASE)
TEACHING = re.compile(
    r"\b(?:course|training|trained|train|taught|teach\w*|instruct\w*|lessons?|classes|session|workshop|"
    r"drills?|exercises?)\b",
    re.IGNORECASE,
)


VISITING = re.compile(r"\b(?:visit(?:ed|s|ing)?|arrived|paid a|travelled|received|welcomed)\b", re.I)
# A participial phrase opening the sentence: "Hosting the delegation of TMAC on Wednesday, "
HOSTING_PHRASE = re.compile(r"^(?:Hosting|Receiving|Welcoming)\b[^,;]*,\s*")
ABBREVIATION_STOP = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|H\.E|Lt|Gen|Col|Capt|Maj|No|St)\.")


def role_after(clause: str) -> tuple[int, str] | None:
    """The part the cue closest before the clause's end gives ("hosted by the ...", "led by X of")."""
    nearest = None
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
    return nearest


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
        pieces = re.split(r"([;:]|,\s+(?=[a-z]))", before)
        clauses = [pieces[-1]]
        # "composed of A, and of officials of B": a clause opened by "and" may continue the one before.
        while re.match(r"and\b", clauses[-1]) and len(pieces) >= 3 and pieces[-2] not in (";", ":"):
            clauses.append(pieces[-3] + pieces[-2] + clauses[-1])
            pieces = pieces[:-2]
        # "At the invitation of X, Y visited ...": X receives the visit (organises the event otherwise).
        if re.search(r"\b(?:at|upon|on) the (?:[\w-]+ )?invitation of\s+(?:the\s+)?$", clauses[0], re.I):
            # a delegation coming at its invitation is received by it
            visitors = VISITING.search(sentence) or (
                re.search(r"\bdelegation\b", sentence, re.I)
                and not re.search(
                    r"\b(?:conference|forum|symposium|seminar|workshop|took part|attend)", sentence, re.I
                )
            )
            roles.setdefault(mention.key, Role.HOST if visitors else Role.ORGANISER)
            continue
        # "... a course for forty pyrotechnicians of SESU": the words just before the name say it first.
        if COURSE.search(sentence) and TRAINED_PEOPLE.search(before):
            roles.setdefault(mention.key, Role.TRAINEES)
            continue
        # "Hosting the delegation of TMAC, Heng Ratana of CMAC said ...": the subject after the phrase hosts.
        opening = HOSTING_PHRASE.match(sentence)
        if opening is not None and mention.start >= opening.end():
            subject = sentence[opening.end() : mention.start]
            if not re.search(
                r"\b(?:said|says|told|met|received|welcomed|discussed|signed|added|noted)\b", subject
            ):
                roles.setdefault(mention.key, Role.HOST)
                continue
        # "held talks with a visiting ANAMA team": the body whose team came is the visitor.
        if re.search(r"\bvisiting\s+(?:the\s+)?$", before) and re.match(
            r"\s*(?:['’]s\s+)?(?:team|delegation|mission|experts|side|officials|group)\b",
            sentence[mention.end :],
        ):
            roles.setdefault(mention.key, Role.DELEGATION)
            continue
        nearest = None
        for clause in clauses:
            nearest = role_after(clause)
            if nearest is not None:
                break
        # "Experts of ANAMA paid a visit to CMAC": experts train only where something is taught.
        if nearest is not None and nearest[1] == Role.TRAINER and not TEACHING.search(sentence):
            nearest = None
        if nearest is not None:
            roles.setdefault(mention.key, nearest[1])
        if mention.key in roles:
            continue
        after = sentence[mention.end :]
        first_clause = re.split(r"[.;]", after)[0]
        if re.match(r"\s*(?:\([^)]*\)\s*)?(?:'s\s+)?delegation\b", after, re.I):
            roles.setdefault(mention.key, Role.DELEGATION)
            continue
        # "held at ANAMA's headquarters": the body whose premises it is hosts.
        if re.match(
            r"['’]s\s+(?:headquarters|offices?|premises|training cent(?:re|er)|base)\b", after
        ) and re.search(r"\b(?:at|in)\s+(?:the\s+)?$", sentence[: mention.start]):
            roles.setdefault(mention.key, Role.HOST)
            continue
        for role, words in ROLE_BEFORE:
            # Other names listed before the verb start with a capital; only the verb ignores case.
            # An apposition may start in lower case (", the demining organisation known for ...,").
            listed = r"(?:\s*(?:,\s*and|,|and)\s+(?:the\s+)?[A-Z][^,.;]*?|,\s+(?:the|an?)\s+[^,.;]*?(?=,))*"
            pattern = (
                rf"^(?:\s*\([^)]*\))?{listed}[\s,]+(?i:has\s+|have\s+)?"
                rf"(?i:today\s+|recently\s+|also\s+|jointly\s+|on\s+\d{{1,2}}\s+[A-Z][a-z]+\s+|on\s+[A-Z][a-z]+day\s+)?"
                rf"(?i:{words})"
            )
            if re.match(pattern, first_clause):
                subject = sentence[: mention.start]
                if role == Role.DELEGATION and re.search(r"\b(?:visited|received|met)\b", subject):
                    continue
                roles.setdefault(mention.key, role)
                break
        if mention.key in roles:
            continue
        if AMONG_TRAINEES.search(sentence):
            roles.setdefault(mention.key, Role.TRAINEES)
        elif AS_OBSERVERS.search(first_clause):
            roles.setdefault(mention.key, Role.OBSERVER)
        elif ALSO_PRESENT.search(sentence):
            roles.setdefault(mention.key, Role.PARTICIPANT)
    return roles


ONLINE = re.compile(
    r"\b(?:(?:video|web|tele)[- ]?conferenc(?:e|es|ing)|video call|video link|online (?:meeting|consultation|"
    r"talks|discussion)s?|virtual (?:meeting|talks)|by videoconference)\b",
    re.IGNORECASE,
)


# A relative clause giving why visitors are in the country: "..., which is in Croatia for a symposium,".
TRIP_PURPOSE = re.compile(
    r"\b(?:(?:is|are|was|were) in \w+(?: \w+)? for|to attend|attending|taking part in)\b"
)

# "On the sidelines of the conference, ...": the event the reported one was held within.
FRAMING = re.compile(
    r"\b(?:on the (?:margins|sidelines|side-lines|fringes)|in the margins|(?:within|in) the framework|"
    r"on the occasion|at the venue|ahead) of\b"
    r"(?:[^;]{0,120}?\bwhich (?:is|was|are|were) (?:being )?held\b)?[^,;]*",
    re.IGNORECASE,
)
NAMED_CONFERENCE = re.compile(
    r"(?:The|This) (?:[\w-]+ ){0,3}(?:conference|forum|symposium|summit|seminar|high-level meeting|"
    r"workshop|dialogue|congress)\b",
)
SPOKE_AT_EVENT = re.compile(
    r"\b(?:spoke|took part|participated|presented|speaking|delivered [\w ]{1,30}) (?:at|in) (?:the|an?) "
    r"(?:[\w\"'“”-]+ ){0,4}(?:conference|forum|symposium|summit|congress)\b",
    re.IGNORECASE,
)
# What visitors are shown in the field: "At the CMAC Training Centre ...", "observed a demonstration".
SHOWN_ON_SITE = re.compile(
    r"\b(?:at (?:the )?[\w' ]{0,30}training cent(?:re|er)|observed (?:a |the )?demonstrations?|"
    r"visited (?:a |the )?(?:minefields?|clearance sites?|demining sites?|task sites?|sites?)|"
    # "watched our deminers work on a minefield", "were shown the quality control of cleared land"
    r"(?:watched|saw|observed|were shown)\b[^.;]{0,60}\b(?:deminers|demining|clearance|clearing|"
    r"minefields?|machines|dog teams?|cleared land)|"
    r"in the field)\b",
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
    lead = re.sub(FRAMING, "", lead)
    # "H.E. X, President of the Fifth Review Conference": a post named after an event is not the event.
    lead = re.sub(
        r"\b(?:President|Chair(?:man|person|woman)?|Secretary[- ]General|Coordinator|Director|Head)\s+of\s+"
        r"(?:the\s+)?(?:[\w-]+\s+){0,5}(?:Conference|Summit|Forum|Symposium|Convention)\b",
        "",
        lead,
    )
    # ", who are in Croatia for a symposium,": why the visitors came, not what this event is.
    lead = RELATIVE_CLAUSE.sub(lambda m: " " if TRIP_PURPOSE.search(m.group(0)) else m.group(0), lead)
    head = f"{report.headline} {lead}"
    if re.search(r"\bsign(?:ed|ing|s)?\b|\binked\b", lead, re.I) and re.search(
        r"\b(?:memorandum|mou|agreement|declaration|protocol|project document|document|"
        r"arrangement|accord|letter of intent|contract|road ?map)\b",
        lead,
        re.I,
    ):
        return MeetingKind.AGREEMENT, evidence
    # A workshop to train people ("... brought together village chiefs to train them in ...") is training.
    if (
        re.search(r"\bworkshop\b", head, re.I)
        and (
            re.search(r"\b(?:regional|training|trained|course)\b", head, re.I)
            or re.search(r"\bto (?:train|teach)\b|\blearn(?:ed|t)\b", opening, re.I)
        )
        and not re.search(r"\binternational workshop\b", head, re.I)
    ):
        return MeetingKind.TRAINING, evidence
    if re.search(r"\b(?:training course|training|course|exercise|drill)\b", lead, re.I) and not re.search(
        r"\b(?:meeting|talks|conference|visit(?:ed|s|ing)?|received|welcomed|met)\b", lead, re.I
    ):
        return MeetingKind.TRAINING, evidence
    if re.search(
        r"\b(?:conference|forum|symposium|summit|seminar|congress|workshop|webinar|high-level meeting|"
        r"dialogue|side event|wrap-up (?:event|meeting)|meeting of the states parties|international meeting|"
        r"annual meeting|"
        r"intersessional meetings?)\b",
        lead,
        re.I,
    ):
        return MeetingKind.CONFERENCE, evidence
    # "Officials ... met here on Monday. The high-level meeting, hosted by ARMAC, ...": the event named next.
    named = next((s for s in report.event[1:3] if NAMED_CONFERENCE.match(s.text)), None)
    if named is not None:
        return MeetingKind.CONFERENCE, named.text
    # "The team spoke at the 20th International Symposium ...": the event the visitors came to speak at.
    spoke_at = next((s for s in report.event[1:3] if SPOKE_AT_EVENT.search(s.text)), None)
    if spoke_at is not None and not re.search(r"\b(?:met|talks|received|welcomed)\b", lead):
        return MeetingKind.CONFERENCE, spoke_at.text
    # A round table is a meeting of several bodies; a study visit or tour goes to see the work.
    if re.search(r"\bround[- ]?tables?\b", head, re.I):
        return MeetingKind.MULTILATERAL, evidence
    if re.search(r"\bstudy (?:visit|tour|trip)\b", head, re.I):
        return MeetingKind.SITE_VISIT, evidence
    # The place visited is in the lead; a headline may sum up several events of a visit.
    if re.search(r"\b(?:visit|welcom|tour)", head, re.I) and re.search(
        r"\b(?:training cent(?:re|er)|sites?|field|minefields?|operations|demining areas?)\b", lead, re.I
    ):
        return MeetingKind.SITE_VISIT, evidence
    shown = next((s for s in report.event[1:4] if SHOWN_ON_SITE.search(s.text)), None)
    if re.search(r"\b(?:visit|welcome)", head, re.I) and shown is not None:
        return MeetingKind.SITE_VISIT, shown.text
    if re.search(
        r"\b(?:working group|council|series of meetings|meetings with international organi[sz]ations|"
        r"regional meeting|meeting of (?:the )?heads|trilateral|tripartite|quadrilateral|"
        r"meeting of (?:the )?(?:[\w-]+ ){0,4}(?:bodies|centres|centers|authorities|agencies|countries) "
        r"of the region)\b",
        opening,
        re.I,
    ):
        return MeetingKind.MULTILATERAL, opening
    # "Delegations from Cambodia, Laos, Thailand and Viet Nam presented ...": many sides.
    listed = next(
        (
            s.text
            for s in report.event[:4]
            if re.search(r"\bdelegations\s+(?:from|of)\b", s.text, re.I)
            and len(gazetteer.find_countries(s.text)) >= 3
        ),
        "",
    )
    if listed and not re.search(
        r"\b(?:conference|forum|symposium|summit|seminar|congress|workshop)\b", head, re.I
    ):
        return MeetingKind.MULTILATERAL, listed
    meeting_words = (
        r"\b(?:met|meet|meeting|talks|visit|visited|consultations?|received|welcomed|discussed|"
        r"held discussions|(?:working )?session|hosted|played host|guests of|courtesy call|call(?:ed|s)? on|"
        r"hosting|receiving|welcoming|"
        r"meets|receives|welcomes|visits|hosts|discuss|discusses)\b"
    )
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
    # A report filed from the meeting's country tells of a meeting in the city it was filed from.
    dateline_city, dateline_country = (dateline_place[0], dateline_place[1]) if dateline_place else ("", "")
    if report.lead is not None and ONLINE.search(report.lead.text):
        return "", "", report.lead.text  # held online: no place
    # "Venue: NSPA, Capellen, Luxembourg", "Where: ..., Brussels": a labelled line names the place, the
    # country (or a known city) last.
    for sentence in report.event:
        venue = re.match(r"(?:Venue|Place|Location|Where):\s*(?P<place>.+)", sentence.text)
        if venue is None:
            continue
        parts = [part.strip(" .") for part in venue.group("place").split(",")]
        code = gazetteer.country_code(parts[-1])
        if code:
            town = parts[-2] if len(parts) >= 2 and not gazetteer.country_code(parts[-2]) else ""
            known = gazetteer.city(town) if town else None
            return code, known[0] if known else town, sentence.text
        known = gazetteer.city(parts[-1])
        if known:
            return known[1], known[0], sentence.text
    for sentence in candidates:
        text = sentence.text
        for mention in sorted(mentions.get(sentence.index, []), key=lambda m: -m.start):
            text = text[: mention.start] + " " * (mention.end - mention.start) + text[mention.end :]
        text = re.sub(r'"[^"]*"', lambda m: " " * len(m.group(0)), text)  # titles of events are not places
        # What was talked about is not where ("talks ... about a fund to clear land in Aghdam"): after the
        # event's own words, a place inside its subject is left out (the lead keeps all of its places).
        subject = re.search(r"\b(?:about|concerning|regarding)\b", text)
        if subject is not None and sentence is not report.lead:
            text = text[: subject.start()]
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
            # the passive lead too: "the problem was discussed in Luxembourg", "delegates gathered in Rome"
            r"\b(?:visit|trip|travel(?:led)?|arrived|held|took place|signed|discussed|reviewed|examined|"
            r"gathered|convened|met)\s+"
            r"(?:[a-z]+\s+){0,3}?(?:to|in)\s+"
            r"(?:the\s+)?"
            r"(?P<place>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*)",
            text,
        )
        code = gazetteer.country_code(going.group("place")) if going and sentence is report.lead else ""
        # "visited the NSPA in Capellen, Luxembourg": a town the gazetteer lacks, then its country
        town = re.search(
            r"\bin\s+(?P<town>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?),\s+"
            r"(?P<country>[A-Z][\w ]+?)\b(?=[,.;]|\s+[a-z])",
            text,
        )
        if not code and town and sentence is report.lead and gazetteer.country_code(town.group("country")):
            return gazetteer.country_code(town.group("country")), town.group("town"), sentence.text
        if code:
            for other in candidates[1:]:  # "a visit to Belgium ... At NATO Headquarters in Brussels"
                named = [name for _, name, c in gazetteer.find_places(other.text) if name and c == code]
                if named:
                    return code, named[0], sentence.text
            return code, dateline_city if code == dateline_country else "", sentence.text
    # "took part in a conference at the Brussels Diplomatic Academy": the venue is a body with a seat.
    if report.lead is not None:
        for mention in mentions.get(report.lead.index, []):
            venue = mention.organisation
            if venue is None or not venue.country:
                continue
            if re.search(r"\b(?:at|in the premises of)\s+(?:the\s+)?$", report.lead.text[: mention.start]):
                named = [
                    name for _, name, c in gazetteer.find_places(mention.text) if name and c == venue.country
                ]
                if not named and dateline_place and dateline_place[1] == venue.country.code:
                    named = [dateline_place[0]]  # "Baku, 13 September ... received at ANAMA"
                return venue.country.code, named[0] if named else "", report.lead.text
    for host in hosts:
        organisation = host.organisation
        if organisation is not None and organisation.country and organisation.kind in NATIONAL_KINDS:
            code = organisation.country.code
            return code, dateline_city if code == dateline_country else "", host.evidence
    if dateline_place:
        return dateline_country, dateline_city, f"Dateline: {dateline_place[2]}"
    return "", "", ""


def general_words(names: Iterable[str], *, at_least: int = 3) -> set[str]:
    """Keywords too common to tag a topic: words of the field itself, found in several bodies' names
    ("mine action" is in most of them)."""
    plain = [f" {normalise(name)} " for name in names]
    return {
        " ".join(words)
        for words in {tuple(n.split()[i : i + 2]) for n in plain for i in range(len(n.split()) - 1)}
        if sum(f" {' '.join(words)} " in n for n in plain) >= at_least
    }


def find_topics(
    text: str, topics: Iterable[Topic], *, ignore: Iterable[str] = (), general: Iterable[str] = ()
) -> list[TopicMatch]:
    """Topics whose name or keywords the text uses (plurals too), most evidence first.

    ``ignore`` holds phrases that do not count, such as organisations' names
    ("...Centre for Mine Action Practices and Training" is not about training); ``general``
    holds keywords too common to count ("mine action", see ``general_words``).
    """
    general = {normalise(word) for word in general}
    plain = " " + normalise(text) + " "
    for phrase in sorted((normalise(p) for p in ignore if p), key=len, reverse=True):
        plain = plain.replace(f" {phrase} ", " | ")
    found = []
    for topic in topics:
        hits, count, seen = [], 0, set()
        for keyword in dict.fromkeys([topic.name.casefold(), *topic.keyword_list]):
            words = normalise(keyword)
            if not words or words in seen or words in general:  # "program" and "programme" are one
                continue
            seen.add(words)
            occurrences = len(re.findall(r"\b" + re.escape(words) + r"(?:s|es)?\b", plain))
            if occurrences:
                hits.append(keyword)
                count += occurrences
        if hits:
            found.append(TopicMatch(topic, hits, count))
    return sorted(found, key=lambda m: (-m.strong, -m.count, m.topic.name))
