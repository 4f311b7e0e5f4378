"""People in a report: names with the titles written beside them, matched to known people in any script."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..models import Person
from .dates import MONTHS, WEEKDAYS
from .gazetteer import DEMONYMS, is_place
from .organisations import ORGANISATION_WORDS, PORTFOLIOS
from .text import fold_variants

TITLE_WORDS = {
    "adviser", "advisor", "ambassador", "analyst", "assistant", "attache", "chair", "chairman",
    "chairperson", "chairwoman", "chancellor", "chief", "resident", "commander", "commissioner", "consul",
    "consultant",
    "coordinator", "counsellor", "counselor", "delegate", "deputy", "director", "envoy", "executive",
    "expert", "founder", "governor", "head", "leader", "manager", "mayor", "member", "minister",
    "moderator", "ombudsman", "officer", "president", "professor", "rector", "representative", "secretary",
    "specialist", "spokesman", "spokesperson", "staff", "supervisor", "instructor", "inspector",
    "administrator", "commandant", "undersecretary", "under-secretary",
}  # fmt: skip
# Courtesy words before a name: not part of any title.
COURTESY = [
    "His Excellency", "Her Excellency", "H.E.", "HE", "Excellency", "Mr.", "Mr", "Mrs.", "Mrs", "Ms.",
    "Ms", "Dr.", "Dr", "Prof.", "Professor", "Sir", "Madam", "Lok Chumteav", "Lok", "Samdech", "Oknha",
    "Thipadei", "Khun", "Datuk Seri", "Dato' Sri", "Datuk", "Dato'", "Dato", "Tan Sri", "Sri", "Seri",
    "comrade", "Comrade", "Engineer", "Eng.", "Okhna", "Moha Borvor",
]  # fmt: skip
# Ranks and posts that can stand before a name; when nothing else is said, they are the title.
RANKS = [
    "General-Lieutenant", "Lieutenant-General", "Lieutenant General", "Lt. Gen.", "Lt Gen", "Lt.-Gen.",
    "Major-General", "Major General", "Maj. Gen.", "Maj Gen", "Brigadier General", "Brigadier-General",
    "Brigadier", "Lieutenant Colonel", "Lt. Col.", "Lt Col", "Colonel", "Col.", "Major", "Captain",
    "Capt.", "Rear Admiral", "Vice Admiral", "Admiral", "General", "Gen.", "Ambassador",
]  # fmt: skip
HONORIFIC = re.compile(
    r"(?:(?:" + "|".join(re.escape(w) for w in sorted(COURTESY + RANKS, key=len, reverse=True)) + r")"
    r"(?:\s*\((?:ret|retd|retired)\.?\))?\s+)+$"  # "Colonel (ret.) Oleksandr Kravets"
)
PREFIXES = {w for w in COURTESY + RANKS if " " in w}
NOT_A_NAME = {
    "a", "about", "after", "also", "among", "an", "and", "as", "at", "before", "both", "by", "during",
    "for", "from", "he", "her", "his", "in", "it", "its", "mine", "action", "news", "of", "on", "read",
    "more", "our", "she", "that", "the", "their", "these", "they", "this", "those", "to", "under", "we",
    "with", "regional", "national", "international", "humanitarian", "republic", "kingdom", "state",
    "states", "government", "royal", "united", "nations", "according", "meanwhile", "however", "today",
    "yesterday", "speaking", "opening", "following", "within", "representatives", "participants",
    "press", "release", "photo", "source", "general", "lieutenant", "board", "affairs", "foreign",
    "cooperation", "development", "programme", "conference", "forum", "summit", "workshop", "seminar",
    "meeting", "goals", "sustainable", "world", "landmine", "landmines", "free", "towards", "case",
    "declaration", "intent", "memorandum", "understanding", "agreement", "project", "support", "safe",
    "return", "capacity", "building", "partnership", "council", "working", "group", "social",
    "secretariat", "member", "members", "high", "level", "dialogue", "event", "wrap", "up", "review",
    "fifth", "second", "third", "first", "convention", "treaty", "anti", "personnel", "ban", "human",
    "rights", "excellency", "lok", "samdech", "oknha", "chumteav", "thipadei",
    "khun", "datuk", "dato", "mr", "mrs", "ms", "dr", "sir", "madam", "comrade", "okhna", "engineer",
    "moha", "borvor",
    "promoting", "equality", "inclusion", "center", "centre",
    "section", "division", "unit", "arms", "control", "disarmament", "non-proliferation", "proliferation",
}  # fmt: skip
# Ministries' portfolios, written in capitals between a title and a name
# ("Deputy Minister of Emergency Situations Etibar Mirzayev"): never part of the name.
NOT_A_NAME |= PORTFOLIOS
RANK_WORDS = {part.casefold() for rank in RANKS for part in re.split(r"[\s\-.]+", rank) if part}
WORD = r"[^\W\d_][\w'’.\-]*"
PARTICLES = ("bin", "binti", "van", "de", "al", "el")


@dataclass
class NameSpan:
    """One mention of a person in one sentence: the name, and the title and rank written beside it."""

    name: str
    start: int
    end: int
    title: str = ""
    title_start: int = -1
    title_end: int = -1
    rank: str = ""
    courtesy: str = ""
    leads_delegation: bool = False
    surname_only: bool = False


@dataclass
class PersonFinding:
    """Someone the report names, with every mention; the draft decides whether they took part."""

    name: str
    title: str = ""
    rank: str = ""
    person: Person | None = None
    leads_delegation: bool = False
    sentences: list[int] = field(default_factory=list)
    spans: list[tuple[int, NameSpan]] = field(default_factory=list)  # (sentence index, mention)
    evidence: str = ""

    @property
    def title_as_stated(self) -> str:
        return self.title or (self.rank if self.rank in POSTS else "")


# Words that may open a title in lower case ("the newly appointed Executive Director of ARMAC").
TITLE_QUALIFIERS = r"newly[- ]appointed|newly[- ]elected|new|incoming|outgoing|acting|interim"
POSTS = {"Ambassador"}
# Words of a title written in lower case just before a name ("chief executive", "vice president").
LOWER_TITLE_WORDS = TITLE_WORDS | {
    "vice",
    "general",
    "senior",
    "country",
    "programme",
    "regional",
}  # ranks that are also the only title a report may give


def _is_name_word(word: str) -> bool:
    bare = word.strip(".'’")
    if not bare or not bare[0].isupper() or bare.isupper() and len(bare) > 1:
        return False
    lowered = bare.casefold()
    if all(part in RANK_WORDS or part in NOT_A_NAME for part in re.split(r"[-.]", lowered) if part):
        return False
    return not (
        lowered in NOT_A_NAME
        or lowered in TITLE_WORDS
        or lowered in ORGANISATION_WORDS
        or lowered in MONTHS
        or lowered in WEEKDAYS
        or bare in DEMONYMS
        or is_place(bare)
    )


def courtesy_before(text: str) -> bool:
    """Whether the text ends with a courtesy word or rank as a word of its own ("H.E. ", not "THE ")."""
    found = HONORIFIC.search(text)
    return found is not None and (found.start() == 0 or not text[found.start() - 1].isalnum())


def name_runs(sentence: str) -> list[tuple[int, int, list[str]]]:
    """Runs of words that can make a name: "Vüqar Süleymanov", "Lee Jang-keun", "Shaharuddin bin Onn"."""
    runs = []
    tokens = list(re.finditer(WORD, sentence))
    i = 0
    while i < len(tokens):
        words: list[re.Match] = []
        j = i
        while j < len(tokens):
            word = tokens[j].group(0).rstrip(",;:")
            gap = sentence[tokens[j - 1].end() : tokens[j].start()] if words else " "
            if words and gap.strip():
                break
            initial = re.fullmatch(r"[A-ZÀ-Þ]\.", word) and not words
            particle = words and word in PARTICLES and j + 1 < len(tokens)
            # "Mr. TAKAHASHI Kenji": a surname in capitals first, after a courtesy word, before a given name
            capitals = (
                not words
                and len(word) >= 3
                and word.isupper()
                and j + 1 < len(tokens)
                and _is_name_word(tokens[j + 1].group(0).rstrip(",;:"))
                and sentence[tokens[j].end() : tokens[j + 1].start()] == " "
                and HONORIFIC.search(sentence[: tokens[j].start()]) is not None
            )
            # "His Excellency HENG RATANA, Delegate ...": a whole name in capitals after a courtesy word
            # "His Excellency HENG RATANA, Delegate ...", a transcript's "VUGAR SULEYMANOV, CHAIRMAN ...: ":
            # a whole name in capitals after a courtesy word, or as the label a line opens with
            shouted = (
                len(word) >= 2
                and word.isalpha()
                and word.isupper()
                and (
                    words
                    and all(w.group(0).rstrip(",;:").isupper() for w in words)
                    or not words
                    and j + 1 < len(tokens)
                    and tokens[j + 1].group(0).rstrip(",;:").isupper()
                    and tokens[j + 1].group(0).rstrip(",;:").isalpha()
                    and sentence[tokens[j].end() : tokens[j + 1].start()] == " "
                    and (
                        courtesy_before(sentence[: tokens[j].start()])
                        or not sentence[: tokens[j].start()].strip()
                        and re.match(r"[A-Z' -]{4,40}[,:]", sentence[tokens[j].start() :]) is not None
                    )
                )
            )
            # "Mr. Elnur MAMMADOV": a given name, then the surname in capitals (an acronym has no place here:
            # organisations' names are left out before names are read)
            surname_in_capitals = (
                len(words) == 1
                and not words[0].group(0).rstrip(",;:.").isupper()
                and len(word) >= 4
                and word.isalpha()
                and word.isupper()
                and len(re.findall(r"[AEIOUY]", word)) >= 2
            )
            if _is_name_word(word) or initial or particle or capitals or shouted or surname_in_capitals:
                words.append(tokens[j])
            else:
                break
            j += 1
        while words and words[-1].group(0) in PARTICLES:
            words.pop()
        if words:
            text = [
                w.group(0).rstrip(".,;:") if not re.fullmatch(r"[A-Z]\.", w.group(0)) else w.group(0)
                for w in words
            ]
            runs.append(
                (
                    words[0].start(),
                    words[0].start() + len(" ".join(w.group(0) for w in words).rstrip(",;:")),
                    text,
                )
            )
            i = j
        else:
            i += 1
    return runs


LOWER_POST = re.compile(r"(?:[a-z]+ ){1,3}([a-z]+) (?:at|of|with|for|in) (?:the )?[A-Z]")


def lower_post_at(text: str) -> bool:
    """Whether the text opens with a post written in lower case and the body it is held at."""
    match = LOWER_POST.match(text)
    return match is not None and match.group(1) in TITLE_WORDS


def title_after(sentence: str, end: int) -> tuple[str, int, int]:
    """The title after "Name, ": up to the clause's end, across commas inside it
    ("Head of the Arms Control, Disarmament and Non-Proliferation Section of NATO")."""
    # "X (left), Chairman of ...": where someone stands in a picture is no title
    placed = re.match(
        r"\s*\((?:left|right|centre|center|middle|[\w ]{0,20}from (?:left|right))\)", sentence[end:]
    )
    if placed:
        end += placed.end()
    bracketed = re.match(r"\s*\(([^()]{2,160})\)", sentence[end:])
    if bracketed:  # "Eirini Lemos Maniati (Head, Arms Control, ... Section)"
        inner = bracketed.group(1).strip()
        if {w.casefold() for w in re.findall(r"[A-Za-z]+", inner)} & TITLE_WORDS:
            return inner, end + bracketed.start(1), end + bracketed.end(1)
    # "Hoàng Văn Nam, then Vice Chairman of ...": the post held at the time spoken of
    match = re.match(
        r"\s*(?:,|\s[–—]|\s-\s)\s*"
        r"(?:who is\s+|who was\s+|then\s+|the\s+|a\s+|an\s+|its\s+|his\s+|her\s+|their\s+)?"
        r"(?:then\s+)?",
        sentence[end:],
    )
    if not match:
        return "", -1, -1
    start = end + match.end()
    rest = sentence[start:]
    first = re.match(r"[a-z]+", rest)
    if not (
        rest[:1].isupper()
        or re.match(rf"(?:{TITLE_QUALIFIERS})\s+[A-Z]", rest)
        or (first and first.group(0) in TITLE_WORDS)  # "Liu Zhijie, counsellor at the Ministry ..."
        # "X, senior instructor of ...": a qualifier before a title word in lower case
        or re.match(r"(?:senior|chief|deputy|acting|principal|lead) ([a-z]+)", rest)
        and re.match(r"[a-z]+ ([a-z]+)", rest).group(1) in TITLE_WORDS  # type: ignore[union-attr]
        or re.match(r"[a-z]+(?: [a-z]+)? ([a-z]+)(?=[.,;]|$)", rest)  # "Sok Pisey, project officer."
        and re.match(r"[a-z]+(?: [a-z]+)? ([a-z]+)", rest).group(1) in TITLE_WORDS  # type: ignore[union-attr]
        # "X, information management adviser at the GICHD": a post in lower case, then its body
        or lower_post_at(rest)
    ):
        return "", -1, -1
    stop = len(rest)
    for found in re.finditer(
        r",\s*|\.(?=\s|$)|;|:\s|\s+[–—]\s*|\s+-\s+|\s+(?:who|which|said|says|stated|noted|added|told|expressed)\b",
        rest,
    ):
        piece = found.group(0)
        if piece.startswith(","):
            following = rest[found.end() :]
            next_words = re.match(r"[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)+(?=\s*,)", following)
            another_name = bool(
                next_words
                and not re.match(r"[A-Z][a-z]+ (?:and|of)\b", following)
                # "head, Operations Support Unit, NSPA": a unit's name, not the next person's
                and all(_is_name_word(word) for word in next_words.group(0).split())
                # "represented by A, Chairman, UNDP by B, ...": the next item of a list, its verb left out
                or re.match(r"(?:the\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?\s+by\b", following)
            )
            # "..., Deputy Director of ANAMA, Azerbaijan's mine action agency": a second apposition
            # describing the body ("Country's ..." in lower case after it) belongs to the body.
            describes_body = bool(re.match(r"[A-Z][\w-]*['’]s\s+[a-z]", following))
            if (
                following[:1].isupper()
                and not re.match(r"(?:and|who|which|said)\b", following)
                # "..., At the CMAC Headquarters": where, not a part of the title
                and not re.match(r"(?i:at|in|on|during|for|with|from|after|before|to)\s", following)
                and not another_name
                and not describes_body
            ):
                continue
        if piece.startswith(".") and re.search(r"\b(?:a\.i|H\.E|[A-Z])$", rest[: found.start()]):
            continue
        stop = found.start()
        break
    title = rest[:stop].strip()
    words = {w.casefold() for w in re.findall(r"[A-Za-z]+", title)}
    if not words & TITLE_WORDS or len(title.split()) > 25:
        return "", -1, -1
    return title, start, start + stop


def title_before(sentence: str, start: int, names: list[tuple[int, int]]) -> tuple[str, int, int]:
    """The title just before a name: "IEPF President Umud Mirzayev", "the Secretary General of ... (CICA)
    Kairat Sarıbay", "Chief of the Royal Malaysian Air Force (RMAF), General ...", "the Commissioner ... is
    Səbinə Əliyeva"."""
    text = sentence[:start]
    linked = re.search(r"(?:,|\b(?:is|was|are|were))\s*$", text)
    if linked:
        title, t_start, t_end = _title_ending(text[: linked.start()], names)
        if (
            title
            and (
                linked.group(0).strip() != ","
                or t_start == 0
                or re.search(r"(?:^|[,;:])\s*(?:the\s+)?$", text[:t_start], re.I)
                # "received by the Chairman of the Board, Vugar Suleymanov": a title the article opens
                or re.search(r"\b[a-z]+\s+the\s+$", text[:t_start])
                # "represented by its Director General, Lt. Gen. X", "whose Deputy Chairman, X"
                or re.search(r"\b(?:its|his|her|their|whose|our)\s+$", text[:t_start], re.I)
                # "met CMAC's Director General, Heng Ratana": a body's possessive opens the title
                or re.match(r"[A-Z][\w-]*['’]s\s", title)
            )
        ):
            return title, t_start, t_end
    found = _title_ending(text, names)
    long_title = _title_opening_the_clause(text, names)
    if long_title[0] and (not found[0] or long_title[1] < found[1]):
        return long_title
    return found


# Where a clause opens: the sentence's start, or after "where"/"when" or a semicolon.
CLAUSE_OPENING = re.compile(r"(?:^|;\s*|,\s*(?:where|when|while)\s+)(?=[A-Z])")
NOT_IN_A_TITLE = {
    "is", "was", "were", "are", "has", "have", "had", "will", "would", "said", "says", "met", "who",
    "which", "that", "told", "noted", "made", "spoke", "by", "with", "from", "after", "before", "during",
}  # fmt: skip


def _title_opening_the_clause(text: str, names: list[tuple[int, int]]) -> tuple[str, int, int]:
    """A long title that opens its clause and runs to the name, across lower-case words and commas:
    "Special Representative of the President in the A, B and C districts Vahid Hacıyev", "Assistant to
    the President, Head of the Department X", "..., where Representative of the President on special
    assignments X will speak"."""
    openings = [m.end() for m in CLAUSE_OPENING.finditer(text)]
    if not openings or not text.endswith(" "):
        return "", -1, -1
    start = openings[-1]
    article = re.match(r"(?:The|A|An|Its|Their|Our)\s+", text[start:])
    if article:  # "The Chief of Staff of ...": the article is no part of the title
        start += article.end()
    title = text[start:].strip()
    words = re.findall(r"[^\s,;:]+", title)
    if not 2 <= len(words) <= 30 or any(a < len(text) and b > start for a, b in names):
        return "", -1, -1
    # It opens with a post ("Special Representative", "Deputy Head"), every comma opens another capitalised
    # part, and no word of it is a verb or a link to another clause.
    opening = [w.casefold() for w in words[:3]]
    if not any(w in TITLE_WORDS for w in opening) or not words[0][:1].isupper():
        return "", -1, -1
    if any(not part.strip()[:1].isupper() for part in title.split(",")[1:]):
        return "", -1, -1
    if any(w.casefold() in NOT_IN_A_TITLE for w in words):
        return "", -1, -1
    return title, start, start + len(title)


def _title_ending(text: str, names: list[tuple[int, int]]) -> tuple[str, int, int]:
    tokens = list(re.finditer(r"\([^()]{1,60}\)|[^\s,;:]+", text))
    kept: list[re.Match] = []
    for token in reversed(tokens):
        word = token.group(0)
        gap = text[token.end() : kept[0].start() if kept else len(text)]
        if "," in gap and _continues_list(text, token, kept):
            pass
        elif "," in gap or ";" in gap or ":" in gap:
            break
        if any(a <= token.start() < b for a, b in names):
            break
        small = word.casefold() in {"of", "the", "for", "on", "in", "at", "to", "a.i.", "and", "de"} or (
            word in {"newly", "new", "incoming", "outgoing", "acting", "interim"}
            or (word in {"appointed", "elected"} and re.search(r"\bnewly[- ]$", text[: token.start()]))
        )
        if word in TITLE_WORDS and kept and re.search(r"(?:^|\bthe\s+)$", text[: token.start()], re.I):
            kept.insert(0, token)  # "the chairman of the Board of ...": a title in lower case opens here
            break
        # "APOPO chief executive Christophe Cox", "vice president Ly Thuch": a title in lower case
        # written right before the name, after a body's name or alone.
        lower_title = word in LOWER_TITLE_WORDS and all(k.group(0) in LOWER_TITLE_WORDS for k in kept)
        if word.startswith("(") or word[:1].isupper() or small or "/" in word or lower_title:
            if word.casefold() == "and" and not (kept and kept[0].group(0)[:1].isupper()):
                break
            kept.insert(0, token)
            continue
        break
    while kept and kept[0].group(0).casefold() in {
        "of",
        "the",
        "for",
        "on",
        "in",
        "at",
        "to",
        "and",
        "a",
        "an",
        "our",
        "its",
        "their",
        "his",
        "her",
    }:
        kept.pop(0)
    if not kept:
        return "", -1, -1
    title = text[kept[0].start() : kept[-1].end()]
    words = {w.casefold() for w in re.findall(r"[A-Za-z]+", title)}
    if not words & TITLE_WORDS:
        return "", -1, -1
    return title, kept[0].start(), kept[-1].end()


def _continues_list(text: str, token: re.Match, kept: list[re.Match]) -> bool:
    """Whether a comma joins a list inside a title: "Arms Control, Disarmament and Non-Proliferation"."""
    if not kept or not token.group(0)[:1].isupper() or token.group(0).casefold() in TITLE_WORDS:
        return False
    words = [k.group(0) for k in kept]
    if words[0].casefold() in TITLE_WORDS or not words[0][:1].isupper():
        return False
    return (
        "and" in words[1:3]
        and re.search(r"\bof the\s+(?:[A-Z][\w-]*\s+){0,3}$", text[: token.start()]) is not None
    )


def find_names(sentence: str, *, exclude: Sequence[tuple[int, int]] = ()) -> list[NameSpan]:
    """Everyone a sentence names with a title, rank or courtesy word, and bare two-word names.

    ``exclude`` holds spans already taken by organisations' names.
    """
    spans: list[NameSpan] = []
    runs = [
        r
        for r in name_runs(sentence)
        if not any(a <= r[0] < b for a, b in exclude)
        and not is_place(" ".join(r[2]))
        # "Vice Chairman of the Provincial People's Committee": words after "of the" name a body
        and not re.search(r"\bof the\s+$", sentence[: r[0]])
    ]
    taken = [(start, end) for start, end, words in runs if len(words) > 1]
    for start, end, words in runs:
        # "General Tan Sri Dato' Sri Muhamad Norazlan Aris": courtesy words are no name, nor its start.
        if " ".join(words) in COURTESY:
            continue
        # "General Tan Sri Muhamad Norazlan Aris": ranks and courtesy words of two words are no name either.
        while len(words) > 2 and (
            words[0] in COURTESY or words[0] in RANKS or " ".join(words[:2]) in PREFIXES
        ):
            skip = 2 if " ".join(words[:2]) in PREFIXES and len(words) > 3 else 1
            start = sentence.index(words[skip], start + len(words[skip - 1]))
            words = words[skip:]
        before = sentence[:start]
        honorific = HONORIFIC.search(before)
        rank = courtesy = ""
        title_limit = start
        if honorific:
            found = honorific.group(0).strip()
            preceding = before[: honorific.start()].split()
            offset = honorific.start()
            first = found.split()[0]
            if (
                first in ("General", "Gen.")
                and preceding
                and preceding[-1].casefold().strip(",") in TITLE_WORDS
            ):
                # "Director General Heng Ratana", "Director General Lt. Gen. X": part of the title
                offset = before.index(first, honorific.start()) + len(first)
                found = found[len(first) :].strip()
            if found:
                title_limit = offset
                for part in re.findall(
                    "|".join(re.escape(w) for w in sorted(COURTESY + RANKS, key=len, reverse=True)), found
                ):
                    if part in RANKS:
                        rank = part
                    else:
                        courtesy = part
        single = len(words) == 1 or (len(words) == 2 and re.fullmatch(r"[A-Z]\.", words[0]))
        if single and not (rank or courtesy or re.fullmatch(r"[A-Z]\.", words[0])):
            continue
        if len(words) > 4:
            continue
        span = NameSpan(" ".join(words), start, end, rank=rank, courtesy=courtesy, surname_only=bool(single))
        title, t_start, t_end = title_after(sentence, end)
        if not title:
            title, t_start, t_end = title_before(sentence, title_limit, taken)
        span.title, span.title_start, span.title_end = title, t_start, t_end
        lead_in = sentence[: (t_start if 0 <= t_start < start else title_limit)]
        # "The Thai side, led by X, hosted ...": a side may be the host's.
        span.leads_delegation = bool(
            re.search(r"\b(?:(?:led|headed)\s+by|delegation\s+by)\s*(?:the\s+)?$", lead_in)
        ) and not re.search(r"\bside,?\s+(?:(?:was|is|were)\s+)?(?:led|headed)\s+by\s*(?:the\s+)?$", lead_in)
        # "X, Secretary of State, led the Cambodian delegation to ...": the active voice
        tail = sentence[t_end if t_start > start else end :]
        span.leads_delegation = span.leads_delegation or bool(
            re.match(
                r"\s*,?\s*(?:led|headed|leads|heads)\s+(?:the|a|an|his|her|its)\s+(?:[\w-]+\s+){0,2}delegation\b",
                tail,
            )
        )
        spans.append(span)
    return spans


# --- Comparing names --------------------------------------------------------------

# Transliterations of one name differ in these ways (Sophak/Sofeak, Vuqar/Vugar, Safixanli/Safikhanli).
TRANSLITERATION = [
    ("ph", "f"), ("kh", "k"), ("th", "t"), ("dh", "d"), ("gh", "g"), ("sh", "s"), ("ch", "c"),
    ("zh", "z"), ("ck", "k"), ("ou", "u"), ("oo", "u"), ("ee", "i"), ("q", "g"), ("w", "v"), ("y", "i"),
    ("x", "k"), ("j", "dz"),
]  # fmt: skip


def word_key(word: str) -> str:
    key = re.sub(r"[^a-z]", "", word.casefold())
    for old, new in TRANSLITERATION:
        key = key.replace(old, new)
    if len(key) > 3 and key.endswith("h"):
        key = key[:-1]
    return re.sub(r"(.)\1+", r"\1", key)


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", name.replace(".", ". ")) if w.strip(".")]


def same_name(written: str, known: str) -> bool:
    """Whether two spellings probably name one person, in any script and either word order.

    Folds both to Latin (Ə as a and as e), then compares word by word with
    transliteration-tolerant keys scored by rapidfuzz; an initial matches the
    word it begins ("V. Suleymanov" is "Vugar Suleymanov").
    """
    for a_text in fold_variants(written):
        for b_text in fold_variants(known):
            a, b = _words(a_text), _words(b_text)
            if not a or not b or len(a) != len(b):
                continue
            matched = _words_match(a, b) or (len(a) == 2 and _words_match(a, list(reversed(b))))
            if matched and not all(w.endswith(".") or len(w) == 1 for w in a):
                return True
    return False


def _words_match(a: list[str], b: list[str]) -> bool:
    for x, y in zip(a, b, strict=True):
        if x.endswith(".") or len(x) == 1:
            if y[:1].casefold() != x[:1].casefold():
                return False
            continue
        kx, ky = word_key(x), word_key(y)
        if kx == ky:
            continue
        threshold = 80 if min(len(kx), len(ky)) > 5 else 86
        if kx[:1] != ky[:1] or fuzz.ratio(kx, ky) < threshold:
            return False
    return True


def same_surname(surname: str, full_name: str) -> bool:
    """ "Sabyeroop" in "Nattavut Sabyeroop", "Süleymanov" in "Vugar Suleymanov" (any word, folded)."""
    keys = {word_key(v) for v in fold_variants(surname)}
    return any(word_key(w) in keys for variant in fold_variants(full_name) for w in _words(variant))


def person_names(person: Person) -> list[str]:
    return [person.name, *(other.name for other in person.other_names.all())]


def known_person(name: str, people: Iterable[Person]) -> Person | None:
    return next((p for p in people if any(same_name(name, n) for n in person_names(p))), None)


def gather_people(mentions: list[tuple[int, NameSpan]], people: Iterable[Person]) -> list[PersonFinding]:
    """One finding per person: full names first, then surname-only mentions ("Mr Poladov") join them.

    A surname that names nobody already found in the text is dropped: a
    second mention is never a second person.
    """
    people = list(people)
    found: list[PersonFinding] = []
    full = [(i, m) for i, m in mentions if not m.surname_only]
    short = [(i, m) for i, m in mentions if m.surname_only]
    for index, mention in full:
        person = known_person(mention.name, people)
        finding = next(
            (
                f
                for f in found
                if (person is not None and f.person == person)
                or same_name(mention.name, f.name)
                or same_name(f.name, mention.name)
            ),
            None,
        )
        if finding is None:
            has_cue = mention.title or mention.rank or mention.courtesy or mention.leads_delegation or person
            if not has_cue:
                continue
            finding = PersonFinding(name=mention.name, person=person)
            found.append(finding)
        finding.person = finding.person or person
        finding.title = finding.title or mention.title
        finding.rank = finding.rank or mention.rank
        finding.leads_delegation = finding.leads_delegation or mention.leads_delegation
        finding.spans.append((index, mention))
        if index not in finding.sentences:
            finding.sentences.append(index)
    for index, mention in short:
        surname = mention.name.split()[-1]
        finding = next((f for f in found if same_surname(surname, f.name)), None)
        if finding is None:
            continue
        finding.rank = finding.rank or mention.rank
        finding.spans.append((index, mention))
        if index not in finding.sentences:
            finding.sentences.append(index)
    return found
