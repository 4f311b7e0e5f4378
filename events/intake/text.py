"""Reading a report the way a journalist writes one: headline, dateline, lead, event, background."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from anyascii import anyascii

# --- Comparing words ----------------------------------------------------------

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

# The project's own folding on top of anyascii: letters whose usual Latin spelling
# anyascii does not give, or gives one way only (Ə is written A or E in English).
FOLDING = {"ə": "a", "Ə": "A", "ı": "i", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss"}


def fold(text: str, *, schwa: str = "a") -> str:
    """Any script to plain Latin letters: "Məmmədov" → "Mammadov", "Trần Trung Hòa" → "Tran Trung Hoa"."""
    text = unicodedata.normalize("NFC", text)
    rules = dict(FOLDING, ə=schwa, Ə=schwa.upper())
    return anyascii("".join(rules.get(c, c) for c in text))


# Letters only Azerbaijani Latin has: a name written with them writes C for the English J
# (Hacıyev = Hajiyev, Cəfərova = Jafarova); Q, X, Ş and Ç are read as G, KH, SH and CH by the keys
# names are compared with (see people.py).
AZERBAIJANI_LETTERS = re.compile(r"[əıçşğ]", re.IGNORECASE)


def fold_variants(text: str) -> list[str]:
    """Every folding worth trying: Ə as a and as e ("Əliyev" is Aliyev or Eliyev), and an Azerbaijani
    C as J ("Hacıyev" is Hajiyev)."""
    variants = [fold(text)]
    if "ə" in text.casefold():
        variants.append(fold(text, schwa="e"))
    if AZERBAIJANI_LETTERS.search(text):
        variants += [re.sub("c", "j", re.sub("C", "J", v)) for v in variants if "c" in v.casefold()]
    return variants


def normalise(text: str) -> str:
    """Lower case, plain letters, no punctuation, one spelling per word: for comparing names."""
    text = re.sub(r"['’]s\b", "", fold(text).casefold())
    words = [WORD_VARIANTS.get(word, word) for word in re.findall(r"[a-z0-9&]+", text)]
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def tidy(text: str) -> str:
    """One space between words, straight apostrophes, plain dashes."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("‘", "'")
    text = text.replace("“", '"').replace("”", '"').replace("\u00a0", " ")
    return re.sub(r"[ \t]+", " ", text).strip()


# --- Sentences ----------------------------------------------------------------

# Words whose full stop does not end a sentence.
ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Capt|Maj|Brig|St|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|"
    r"Nov|Dec|Amb|Excl|Gov|Rep|Sen|Hon|Ltd|Inc|Co|vs|etc|approx|a\.i|i\.e|e\.g|H\.E|U\.S|U\.N)|"
    r"\b[A-ZÀ-ÞĀ-ž])\.$"
)


def split_sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences; "Dr. Prum", "V. Suleymanov" and "Nov. 25" do not end one."""
    pieces = re.split(r"(?<=[.!?])\s+(?=[\"'(]?[A-ZÀ-ÞĀ-ž0-9])", paragraph)
    sentences: list[str] = []
    for piece in pieces:
        # A quotation runs on to its closing mark: '"Mines do not stop killing. In ...," X told ...' is
        # one sentence, whose speaker and event come after the quote.
        quoting = bool(sentences) and sentences[-1].count('"') % 2 == 1
        if sentences and (ABBREVIATIONS.search(sentences[-1]) or quoting):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return [s.strip() for s in sentences if s.strip()]


# --- Background -----------------------------------------------------------------

# Words that mark a sentence as background: what happened before, or a reminder.
BACKGROUND_CUES = re.compile(
    r"\b(?:earlier|previously|in the past|formerly|last year|years? ago|months? ago|"
    r"over the (?:past|last)|for (?:many|several|some) years|has been working|have been working|"
    r"it (?:should|must|is to) be (?:noted|recalled|reminded)|to recall|recall that|for reference|"
    r"background|builds? on|built on|was established|was founded|were established|"
    r"(?:has|have) (?:repeatedly|long|often|always|consistently)|"
    r"(?:is|are) (?:due|scheduled|set) to|later this (?:week|month)|succeeded|predecessor|"
    r"(?:is|are) to (?:visit|meet|hold|travel|attend|take part)|the (?:next|following) day|"
    r"first (?:met|visited|signed)|(?:previous|last|earlier) (?:meeting|visit|talks|session|round)|"
    # how far back it goes: "dates back to 2019, when ...", "since X visited Bangkok", "the first was led by"
    r"(?:dates?|dating|goes|going|traces?) back|since (?:[A-Z][\w'’-]+ ){1,4}(?:visited|signed|met|led|came)|"
    r"the first (?:one )?(?:was|took place|had been)|last (?:met|visited|signed|held)|"
    r"when (?:[A-Z][\w'’-]+ ){1,4}(?:led|headed|ran|chaired)|"
    # "during a 2021 visit by X": a year before the event's noun
    r"(?:a|an|the|its|their|his|her) (?:19|20)\d{2} (?:visit|meeting|agreement|memorandum|conference|trip|"
    r"talks|mission)|"
    r"had (?:already )?(?:visited|signed|met|held|attended|led|hosted|organi[sz]ed|taken part|presented|"
    r"briefed|addressed|travelled|stopped)|"
    # an earlier stop of the trip: "Before arriving in Luxembourg, the delegation ..."
    r"before (?:arriving|coming|travelling|traveling|flying|heading|going) (?:in|to|on)|"
    # a post held before: "X, then Vice Chairman of ...", "its founding director", "his term"
    r"founding (?:[\w-]+ )?(?:director|chairman|chair|head|president)|(?:his|her|their) term|"
    # another event told alongside: "Meanwhile, in Bangkok, X met Y"
    r"meanwhile|separately|in a separate (?:meeting|event|development)|"
    # what this meeting comes after: "The meeting follows the visit of President X"
    r"follows (?:the|a|an|last)|comes (?:[\w-]+ ){0,3}(?:after|on the heels of)|"
    r"(?<=, )then (?=(?:the |a )?[\w'’-]+))\b",
    re.IGNORECASE,
)
# A clause that refers to another meeting inside a sentence about this one.
BACKGROUND_CLAUSE = re.compile(
    r"\b(?:as )?(?:following up|follow(?:ing)?-up (?:to|of)|in follow-up to)\b[^.;]*", re.IGNORECASE
)


# A noun's reduced relative clause: "the survey carried out in the region last year", "a course held in
# Baku in 2021" (a participle followed by a preposition, not a verb of the sentence: no "was" before it).
REDUCED_RELATIVE = re.compile(
    r"(?<=[a-z] )(?<!\bwas )(?<!\bwere )(?<!\bhad )(?<!\bhas )(?<!\bhave )(?<!\bbeen )(?<!\bbe )"
    r"(?:carried out|conducted|published|completed|launched|adopted|issued)\s+(?:in|by|at|on|during|across|"
    r"among)\b[^,.;]*"
)


# A relative clause between commas: ", who met Prime Minister X in Phnom Penh last year,".
RELATIVE_CLAUSE = re.compile(r",\s+(?:who|which|whose)\s+[^,;]{3,160},")


@dataclass
class Sentence:
    text: str
    paragraph: int
    index: int
    background: bool = False

    def __str__(self) -> str:
        return self.text

    @cached_property
    def background_spans(self) -> list[tuple[int, int]]:
        """Clauses inside this sentence that are about something else ("following up the meeting of ...",
        ", who met the Prime Minister last year,")."""
        spans = [m.span() for m in BACKGROUND_CLAUSE.finditer(self.text)]
        return spans + [
            m.span() for m in RELATIVE_CLAUSE.finditer(self.text) if BACKGROUND_CUES.search(m.group(0))
        ]

    @property
    def outside_clauses(self) -> str:
        """The sentence without its relative clauses (", who ...,"), which may be about another time."""
        return RELATIVE_CLAUSE.sub(lambda m: " " * len(m.group(0)), self.text)


@dataclass
class Dateline:
    """ "BAKU, Azerbaijan, Dec. 16 (Trend) --": where the report was filed, and when."""

    place: str
    date_text: str = ""
    agency: str = ""
    text: str = ""


@dataclass
class Report:
    headline: str
    dateline: Dateline | None
    sentences: list[Sentence] = field(default_factory=list)
    # The sentence the news starts in: the first, unless a story opens the report (see ``propose``).
    lead_index: int = 0
    # Quotations the report opens with before its lead: the event's people speaking, not background.
    opening_quotes: int = 0
    # In a bulletin of several items, the paragraph of the one that tells of the event.
    item_paragraph: int | None = None

    @property
    def lead(self) -> Sentence | None:
        return self.sentences[self.lead_index] if len(self.sentences) > self.lead_index else None

    @property
    def after_lead(self) -> list[Sentence]:
        return self.sentences[self.lead_index + 1 :]

    @property
    def event(self) -> list[Sentence]:
        return [s for s in self.sentences if not s.background]

    @property
    def background(self) -> list[Sentence]:
        return [s for s in self.sentences if s.background]


# Lines that carry no news: agency bylines, "Read more", signatures, labels.
BOILERPLATE = re.compile(
    r"^(?:by [A-Z][\w .'-]{1,40}|press release(?:\s*(?:no\.?|number|#)\s*[\w/.-]+)?|read more|photo:.*|"
    r"source:.*|"
    r"[A-Z][A-Z ]{2,60}\s+press release|"  # "CAMBODIAN MINE ACTION CENTRE PRESS RELEASE"
    r"press service of .*|(?:date|published|updated):? .*read more.*|"
    r"(?:for )?(?:media|press) (?:enquiries|inquiries|contacts?)\b.*|contacts?:.*|"
    r"notes? (?:to|for) editors)$",
    re.IGNORECASE,
)
DATELINE_DATE = (
    r"(?:\d{1,2}\s+[A-Z][a-z]{2,8}\.?(?:\s+\d{4})?|[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,?\s+\d{4})?|"
    r"\d{1,2}[./]\d{1,2}[./]\d{4})"  # day first, "12.03.2024" or "12/03/2024"
)
DATELINE = re.compile(
    r"^(?P<place>[A-ZÀ-Þ][\w'.-]*(?:[ -][A-ZÀ-Þ][\w'.-]*){0,2})"
    r"(?:,\s*(?P<country>[A-Z][a-z]+(?: [A-Z][a-z]+)?))?"
    rf"(?:,?\s+(?P<date>{DATELINE_DATE}))?"
    r"\s*(?:\((?P<agency>[^()]{2,40})\)|"
    # or after a comma at the line's end or before a full stop: "Baku, 16 January, AZƏRTAC."
    r",\s*(?P<agency_after>[A-ZÀ-ÞƏ][A-ZÀ-ÞƏa-z]{1,15}(?:\s+[A-Z]\w+)?)(?=\s*$|\.\s)|"
    # or in capitals before the dash: "Phnom Penh, August 29, 2024 AKP --"
    r"\s+(?P<agency_bare>[A-Z]{2,10})(?=\s*(?:--|—|–)))?"
    r"\s*(?P<sep>--|—|–|-|:|\.|$|(?<=\))\s)\s*"
)


def find_dateline(paragraph: str, is_place) -> tuple[Dateline | None, str]:
    """The dateline at the start of a paragraph and the text after it.

    ``is_place`` tells a place name from other words: a dateline names a city
    or country (often in capitals), perhaps the country, a date and an agency.
    """
    match = DATELINE.match(paragraph)
    if not match:
        return None, paragraph
    place = match.group("place").strip(" .")
    # A town the gazetteer lacks is a dateline's place when a date and an agency follow it.
    dated_by_agency = bool(match.group("date") and match.group("agency"))
    if not (is_place(place) or (place.isupper() and len(place) > 3) or dated_by_agency):
        return None, paragraph
    if not is_place(place) and not match.group("date") and match.group("sep").isspace():
        return None, paragraph  # "ARMAC (ASEAN Regional Mine Action Center) held ...": a name, not a place
    if not (
        match.group("date")
        or match.group("agency")
        or match.group("agency_after")
        or match.group("agency_bare")
        or match.group("country")
    ) and match.group("sep") not in ("--", "—", "–", "-", ":", "."):
        return None, paragraph
    dateline = Dateline(
        place=place,
        date_text=(match.group("date") or "").strip(),
        agency=(
            match.group("agency") or match.group("agency_after") or match.group("agency_bare") or ""
        ).strip(),
        text=match.group(0).strip(),
    )
    return dateline, paragraph[match.end() :]


CAPTION = re.compile(
    r"^(?:photo|picture|caption)(?:\s*:|\]|\))\s*(?P<text>.*)$", re.IGNORECASE | re.DOTALL
)  # "Photo: ...", "[Photo] ..." (its bracket's opening sign is left out with the other signs)
# A caption that names who stands in the picture ("From left: A, Title; B, Title"): they were there.
PICTURED = re.compile(
    r"^(?:(?:pictured\s*)?\(?(?:from\s+)?(?:left|right)(?:\s+to\s+(?:right|left))?\)?|\(?l-r\)?|pictured)"
    r"\s*[:,]\s*(?P<items>.+)$",
    re.IGNORECASE | re.DOTALL,
)
# A caption naming someone (two capitalised words) doing something (a verb in the present or past).
TELLING = re.compile(r"[A-Z][a-z]+ [A-Z][a-z]+.*\b[a-z]+(?:s|ed)\b")
# Signs before a paragraph's first word ("📍 Phnom Penh"), and the number of a numbered point ("1. ").
SYMBOLS = re.compile(r"^[^\w\"'“‘(]+(?=\w)")
NUMBERED = re.compile(r"^\d{1,2}[.)]\s+(?=[A-Z])")
# A post of a numbered thread ("2/4 ..."), and the signs and hashtags a post ends with ("... 🧵",
# "#demining #Ukraine"): the post's sentences are read without them.
THREAD_NUMBER = re.compile(r"^\d{1,2}/\d{1,2}\s+(?=\S)")
TRAILING_SIGNS = re.compile(r"(?<=[.!?])(?:\s+#\w+|\s*[^\w\s.!?\"'”’)\]]+)+\s*$")


def heading_block(paragraph: str, is_place) -> list[str]:
    """A block of short lines without full stops ("Committee on ...\nZagreb, 12 April 2024") is a
    heading: its dateline is kept, on a line of its own, and its labels are left out."""
    lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
    if len(lines) < 2 or any(line.endswith(".") or len(line.split()) > 12 for line in lines):
        return [paragraph]
    datelines = [line for line in lines if find_dateline(line, is_place)[0] is not None]
    return datelines or [paragraph]


# A line of a list ("- Name, Title", "• Name") or a label's line ("Date: 14-15 May 2025").
LIST_LINE = re.compile(r"^(?:[-•*–]\s+|[A-Z][a-z]+(?: [a-z]+)?:\s)")


def listed_lines(paragraph: str) -> list[str]:
    """A paragraph of listed or labelled lines: each line is a sentence of its own (a bullet's sign left out).

    "Participants:" on the first line, ending with a colon, is a label for the list; the lines after it
    are its items even without bullets ("Prum Suonpraseth – Executive Director, ARMAC")."""
    lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
    labelled = lines[0].endswith(":")  # "Participants:" then one line each, whatever their form
    if len(lines) < 2 or not (labelled or all(LIST_LINE.match(line) or line.endswith(":") for line in lines)):
        return [paragraph]
    # "Supported by: X", "Organised by: X": the label's words say X's part, as in a sentence; so do the
    # label of minutes' chair ("Chair: X" presides). ("Venue:" stays: the place is read from it.)
    return [
        LABEL_AS_WORDS.sub(
            lambda m: LABEL_WORDS.get(m.group(1).casefold(), m.group(1)) + " ",
            re.sub(r"^[-•*–]\s+", "", line),
        )
        for line in lines
        if not line.endswith(":")
    ]


LABEL_AS_WORDS = re.compile(r"^([A-Z][a-z]+ by|Chair|Chairperson|Host):\s")
LABEL_WORDS = {
    "chair": "Presided over by",
    "chairperson": "Presided over by",
    "host": "Hosted by",
}


# Words a translation may capitalise in every sentence ("Received A Delegation Of The ... Led By"): in a
# paragraph written in title case they are read in lower case, as prose, so that titles and roles end
# where they would.
TITLE_CASE_WORDS = frozenset(
    {
        "a", "an", "the", "of", "at", "in", "on", "by", "to", "for", "with", "and", "or", "as", "from",
        "into", "along", "before", "after", "during", "between", "within", "under", "over", "about",
        "against", "this", "that", "these", "those", "its", "their", "both", "two", "sides", "side", "led",
        "headed", "received", "receives", "welcomed", "welcomes", "discussed", "discuss", "agreed", "agree",
        "hold", "holds", "held", "met", "meet", "meets", "visited", "visit", "visits", "signed", "sign",
        "said", "says", "will", "would", "was", "were", "is", "are", "be", "been", "has", "have", "had",
        "which", "who", "whose", "where", "when", "also", "further", "together", "morning", "afternoon",
        "evening", "end", "year", "day", "month", "week", "charge", "behalf", "other", "each", "all",
    }
)  # fmt: skip


def title_case_to_prose(paragraph: str) -> str:
    """A paragraph with nearly every word capitalised ("On The Morning Of 24 June, His Excellency ...
    Received A Delegation Of ..."): its small words in lower case. Names and acronyms stay."""
    words = re.findall(r"[^\W\d_][\w'’-]*", paragraph)
    if len(words) < 12 or sum(w[:1].isupper() for w in words) < 0.85 * len(words):
        return paragraph

    def small(match: re.Match) -> str:
        word = match.group(1)
        opens = not paragraph[: match.start()].strip() or paragraph[: match.start()].rstrip()[-1] in ".!?:"
        return word.lower() if word.lower() in TITLE_CASE_WORDS and not opens else word

    return re.sub(r"(?<![\w'’.-])([A-Z][a-z]*)(?![\w'’.-])", small, paragraph)


MASTHEAD = re.compile(r"\s\|\s")


def is_headline(paragraph: str, following: int) -> bool:
    """A first line without a closing full stop, short, with more text below it."""
    return (
        following > 0
        and "\n" not in paragraph
        and len(paragraph.split()) <= 25
        and not paragraph.endswith(".")
    )


def read_report(text: str, *, is_place=lambda name: False) -> Report:
    """Split a report into headline, dateline and sentences, each marked event or background."""
    paragraphs = [tidy(p) for p in re.split(r"\n\s*\n|\r\n\s*\r\n", text.strip())]
    if len(paragraphs) == 1:
        paragraphs = [tidy(p) for p in text.strip().splitlines()]
    paragraphs = [
        TRAILING_SIGNS.sub("", THREAD_NUMBER.sub("", NUMBERED.sub("", SYMBOLS.sub("", p))))
        for p in paragraphs
    ]
    # A caption that tells who did what ("PHOTO: X (left) shakes hands with Y ... on Monday") is read
    # after the text, as part of it; a caption that only labels the picture is left out.
    captions = [CAPTION.match(p) or PICTURED.match(p) for p in paragraphs]
    told = []
    for caption in captions:
        if caption is None:
            continue
        pictured = caption if caption.re is PICTURED else PICTURED.match(caption.group("text"))
        if pictured is not None:  # each person in the picture on a line of their own, as a list's items
            told += [item.strip(" .") for item in pictured.group("items").split(";") if item.strip(" .")]
        elif TELLING.search(caption.group("text")):
            told.append(caption.group("text"))
    paragraphs = [p for p, m in zip(paragraphs, captions, strict=True) if m is None]
    paragraphs = [p for p in paragraphs if p and not BOILERPLATE.match(p)] + told
    paragraphs = [line for p in paragraphs for line in heading_block(p, is_place)]
    paragraphs = [line for p in paragraphs for line in listed_lines(p)]
    headline = ""
    dateline = None
    # A masthead or section label above the headline ("UNDP Azerbaijan | Press summary") is no headline.
    if (
        len(paragraphs) > 2
        and MASTHEAD.search(paragraphs[0])
        and is_headline(paragraphs[0], len(paragraphs) - 1)
        and is_headline(paragraphs[1], len(paragraphs) - 2)
    ):
        paragraphs.pop(0)
    if paragraphs:
        found, rest = find_dateline(paragraphs[0], is_place)
        if found is not None and not rest.strip():  # "BAKU, Azerbaijan, Dec. 16" on a line of its own
            dateline = found
            paragraphs.pop(0)
    if paragraphs and dateline is None and is_headline(paragraphs[0], len(paragraphs) - 1):
        headline = paragraphs.pop(0)
        found, rest = find_dateline(headline, is_place)
        if (
            found is not None
            and found.date_text == ""
            and headline[len(found.text) - 1 : len(found.text)] == ":"
        ):
            dateline, headline = found, rest
    if paragraphs and dateline is None:
        found, rest = find_dateline(paragraphs[0], is_place)
        if found is not None:
            dateline = found
            paragraphs[0] = rest
            if not rest.strip():
                paragraphs.pop(0)
    # A dated dateline opening the second or third paragraph, after a quotation the report opens with
    # ('"...," said the Minister.' then 'Brussels, 4 July 2024 – ...'): its date is the report's, not
    # the event's.
    for number in range(1, min(3, len(paragraphs))) if dateline is None else ():
        found, rest = find_dateline(paragraphs[number], is_place)
        if found is not None and found.date_text and rest.strip():
            dateline = found
            paragraphs[number] = rest
            break
    paragraphs = [title_case_to_prose(p) for p in paragraphs]
    report = Report(headline=headline, dateline=dateline)
    for number, paragraph in enumerate(paragraphs):
        for sentence in split_sentences(paragraph):
            report.sentences.append(Sentence(sentence, number, len(report.sentences)))
    return report


# Cues of a time to come: about another event, unless the report's own is still to come.
TO_COME_CUES = re.compile(
    r"\b(?:(?:is|are) (?:due|scheduled|set) to|later this (?:week|month)|"
    r"(?:is|are) to (?:visit|meet|hold|travel|attend|take part))\b",
    re.IGNORECASE,
)


def mark_background(report: Report, *, dated_elsewhere, to_come: bool = False) -> None:
    """Mark the sentences that are background rather than the event being reported.

    A sentence is background when it says so ("earlier", "it should be noted"),
    or when ``dated_elsewhere(sentence)`` says it carries a date far from the
    event's. A paragraph that opens as background stays background, unless a
    sentence in it speaks of the event again ("during the visit", "at the meeting").
    The lead is never background.
    """
    back_to_event = re.compile(
        r"\b(?:during|at|on the sidelines of|in the course of) the (?:visit|meeting|talks|conference|event|"
        r"seminar|workshop|ceremony|summit|signing)\b|\b(?:the|both|two) sides\b",
        re.IGNORECASE,
    )
    # After a background paragraph, a new paragraph is about the event only when it says so.
    about_event = re.compile(
        r"\b(?:the|both|two) (?:sides|parties|delegations?|guests|visitors|participants|directors|"
        r"ministers|organi[sz]ations|agencies|centres|centers|ministries|bodies)\b|"
        r"\bthe [\w-]+ (?:team|mission|delegation)\b|"
        r"\b(?:the|this|that) (?:visit|meeting|talks|conference|event|seminar|workshop|ceremony|summit|"
        r"signing|symposium|forum|consultations?|session|course|training|round[- ]?table|study visit|"
        r"courtesy call)\b|"
        # someone who came with the event's people: "X accompanied the Chairman", "Y also attended"
        r"\b(?:accompanied|was accompanied by|also (?:attended|took part|joined|present))\b",
        re.IGNORECASE,
    )
    paragraph_background: dict[int, bool] = {}
    after_background = False
    for sentence in report.sentences[report.opening_quotes : report.lead_index]:
        sentence.background = True  # the story a feature opens with, before its news
    lead_paragraph = report.sentences[report.lead_index].paragraph if report.sentences else 0
    for sentence in report.after_lead:
        # A date inside what the sides discussed or said ("the memorandum signed in 2021") is theirs.
        # A relative clause may be about another time: "X, who met Y last year, told the guests ...".
        main = Sentence(sentence.outside_clauses, sentence.paragraph, sentence.index)
        told = TO_COME_CUES.sub(" ", main.text) if to_come else main.text
        # "presented the results of the survey carried out last year": the cue dates the survey.
        told = REDUCED_RELATIVE.sub(" ", told)
        cue = bool(BACKGROUND_CUES.search(told)) or (
            dated_elsewhere(main) and not back_to_event.search(sentence.text)
        )
        opens = sentence.paragraph not in paragraph_background
        if opens and after_background and not about_event.search(sentence.text):
            cue = True
        if cue or paragraph_background.get(sentence.paragraph) and not back_to_event.search(sentence.text):
            sentence.background = True
        if opens and sentence.background and sentence.paragraph != lead_paragraph:
            after_background = True
        if sentence.background and sentence.paragraph not in paragraph_background:
            paragraph_background[sentence.paragraph] = True
        paragraph_background.setdefault(sentence.paragraph, False)
    mark_host_event(report)


# "On the margins of the Second International Conference ..., X met Y": the lead reports a meeting held
# within a larger event. Sentences that are then about that larger event ("The conference, organised by
# A, was opened by B") tell its story, not the meeting's.
WITHIN_EVENT = re.compile(
    r"\b(?:on the (?:margins|sidelines|side-lines|fringes)|in the margins) of (?:the |a |an )?"
    r"[^,;]{0,120}?\b(conference|forum|summit|congress|symposium|meeting of the states parties|"
    r"review conference)\b",
    re.IGNORECASE,
)


def mark_host_event(report: Report) -> None:
    lead = report.lead
    framing = WITHIN_EVENT.search(lead.text) if lead is not None else None
    if framing is None:
        return
    noun = framing.group(1).split()[-1].casefold()
    # The larger event as the subject: "The conference in Aghdam, organised by ...", "That forum ...".
    subject = re.compile(
        rf"^(?:The|That|This|Its) (?:[\w-]+ ){{0,3}}{re.escape(noun)}\b(?! (?:participants|delegates) "
        r"(?:agreed|met))",
        re.IGNORECASE,
    )
    for sentence in report.after_lead:
        if subject.match(sentence.text) and not re.search(
            r"\b(?:the|this|that) (?:meeting|talks|side event|consultations?)\b", sentence.text, re.I
        ):
            sentence.background = True
