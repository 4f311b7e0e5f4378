"""The words searched for, each with the bitmap of the published meetings matching it (the facet index's).

A search (``q``) is answered from these bitmaps as MeetingQuerySet.search()
answers it, without reading the matching meetings: on PostgreSQL a word is
a lexeme of ``websearch_to_tsquery('english', q)`` and the query's ``&``,
``|`` and ``!`` are intersections, unions and differences of bitmaps (a
phrase, whose words must follow each other, is left to the database); on
SQLite a word is one of the first MAX_SEARCH_WORDS words of ``q``, and a
meeting matches it when its search document holds it, ASCII letters in
either case, as SQLite's LIKE compares them.

A word's bitmap is read from the database the first time a process is asked
for it (on PostgreSQL from ``events_searchlexeme``, the published meetings'
lexemes kept by triggers, migration 0024; on SQLite from the trigram index of
migration 0023, or a scan for a word shorter than a trigram), then kept
exact as the facet index is: the meetings it re-reads from the change log
are looked at again for every word kept (``changed()``). The least recently
asked words are let go beyond MAX_WORDS.
"""

from __future__ import annotations

import re
import sys
from array import array
from collections import OrderedDict

from django.db import connections
from pyroaring import BitMap

from .models import MAX_SEARCH_WORDS, Status

MAX_WORDS = 2000
SEARCH_VECTOR = "to_tsvector('english'::regconfig, COALESCE(search_document, ''))"
# A lexeme as PostgreSQL writes a tsquery: in single quotes, a quote doubled and a backslash escaped.
TSQUERY_TOKEN = re.compile(r"\s*(?:(?P<lexeme>'(?:[^'\\]|''|\\.)*')|(?P<operator>[&|!()]))")
# On SQLite, the trigram index holds each document's runs of three characters (migration 0023).
WORD_INDEX = "events_meeting_words"
TRIGRAM = 3
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def unpacked(data: bytes | None) -> BitMap:
    """The ids of one bytea of 4-byte big-endian integers (``string_agg(int4send(id::int4), '')``).

    One value instead of a row per meeting: Python reads the 88 000 ids of a common word in a few
    milliseconds rather than the 100 or more it takes to make a row of each.
    """
    ids = array("I")
    if data:
        ids.frombytes(data)
        if sys.byteorder == "little":
            ids.byteswap()
    return BitMap(ids)


def folded(text: str) -> str:
    """``text`` with ASCII letters in lower case: what SQLite's LIKE ignores (and nothing more)."""
    return text.translate(ASCII_LOWER)


def unquoted(token: str) -> str:
    return re.sub(r"''|\\(.)", lambda match: match.group(1) or "'", token[1:-1])


def parse_tsquery(text: str):
    """A tsquery as PostgreSQL writes it, as a tree: ("word", lexeme), ("not", tree),
    ("and", left, right), ("or", left, right); or None for what the bitmaps cannot answer (a phrase,
    a prefix or a weight) and for an empty query."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text.rstrip()):
        match = TSQUERY_TOKEN.match(text, position)
        if match is None:
            return None
        tokens.append(("word", match["lexeme"]) if match["lexeme"] else ("op", match["operator"]))
        position = match.end()
    if not tokens:
        return None
    at = 0

    def peek() -> tuple[str, str] | None:
        return tokens[at] if at < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal at
        at += 1
        return tokens[at - 1]

    def either():
        tree = both()
        while peek() == ("op", "|"):
            take()
            tree = ("or", tree, both())
        return tree

    def both():
        tree = one()
        while peek() == ("op", "&"):
            take()
            tree = ("and", tree, one())
        return tree

    def one():
        token = take()
        if token == ("op", "!"):
            return ("not", one())
        if token == ("op", "("):
            tree = either()
            if take() != ("op", ")"):
                raise ValueError("unbalanced")
            return tree
        if token[0] == "word":
            return ("word", unquoted(token[1]))
        raise ValueError(f"unexpected {token[1]}")

    try:
        tree = either()
    except (IndexError, ValueError):
        return None
    return tree if at == len(tokens) else None


class SearchWords:
    """The kept words of one database, and their bitmaps of published meetings."""

    def __init__(self, using: str):
        self.using = using
        self.postgres = connections[using].vendor == "postgresql"
        self.bitmaps: OrderedDict[str, BitMap] = OrderedDict()

    def clear(self) -> None:
        self.bitmaps.clear()

    def changed(self, ids: list[int]) -> None:
        """Look again at the meetings ``ids`` (re-read by the facet index) for every kept word; one query."""
        if not self.bitmaps or not ids:
            return
        placeholders = ", ".join(["%s"] * len(ids))
        with connections[self.using].cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    f"SELECT id, tsvector_to_array({SEARCH_VECTOR}) FROM events_meeting "
                    f"WHERE status = %s AND id IN ({placeholders})",
                    [Status.PUBLISHED.value, *ids],
                )
                words_of: dict[int, set[str] | str] = {
                    meeting_id: set(lexemes) for meeting_id, lexemes in cursor
                }
            else:
                cursor.execute(
                    "SELECT id, search_document FROM events_meeting "
                    f"WHERE status = %s AND id IN ({placeholders})",
                    [Status.PUBLISHED.value, *ids],
                )
                words_of = {meeting_id: folded(document or "") for meeting_id, document in cursor}
        gone = BitMap(ids)
        for word, bitmap in self.bitmaps.items():
            bitmap -= gone
            bitmap.update(meeting_id for meeting_id, words in words_of.items() if word in words)

    def matching(self, text: str, published: BitMap) -> BitMap | None:
        """The published meetings whose search documents match ``text`` as MeetingQuerySet.search()
        matches them; None when only the database can tell. Queries: on PostgreSQL one to read the
        query's lexemes, then one for each word not kept yet."""
        if not self.postgres:
            found = published
            for word in text.split()[:MAX_SEARCH_WORDS]:
                found = found & self._bitmap(folded(word), word, published)
            return found
        with connections[self.using].cursor() as cursor:
            cursor.execute("SELECT websearch_to_tsquery('english', %s)::text", [text])
            tree = parse_tsquery(cursor.fetchone()[0])
        if tree is None:
            return None
        return published & self._evaluate(tree, published)

    def _evaluate(self, tree, published: BitMap) -> BitMap:
        if tree[0] == "word":
            return self._bitmap(tree[1], "", published)
        if tree[0] == "not":
            return published - self._evaluate(tree[1], published)
        left, right = self._evaluate(tree[1], published), self._evaluate(tree[2], published)
        return left & right if tree[0] == "and" else left | right

    def _bitmap(self, word: str, asked: str, published: BitMap) -> BitMap:
        """The kept bitmap of ``word``, read when new: a lexeme on PostgreSQL; on SQLite a word folded,
        ``asked`` as it was asked for.

        On SQLite the trigram index gives the meetings whose lowered document holds the lowered word:
        exactly those LIKE finds, read without the documents. It indexes every status, so its ids are
        narrowed to ``published``, the facet index's (the meetings that change later are looked at
        again by changed(), as they are on PostgreSQL)."""
        bitmap = self.bitmaps.get(word)
        if bitmap is not None:
            self.bitmaps.move_to_end(word)
            return bitmap
        with connections[self.using].cursor() as cursor:
            if self.postgres:
                # The rows of ``status = 'published' AND SEARCH_VECTOR @@ query``, by an index-only scan.
                cursor.execute(
                    "SELECT string_agg(int4send(meeting_id), ''::bytea) FROM events_searchlexeme "
                    "WHERE lexeme = %s",
                    [word],
                )
                bitmap = unpacked(cursor.fetchone()[0])
            elif len(word) >= TRIGRAM:
                cursor.execute(
                    f"SELECT rowid FROM {WORD_INDEX} WHERE {WORD_INDEX} MATCH %s",
                    ['"' + word.replace('"', '""') + '"'],  # a string: every character as it is
                )
                bitmap = published & BitMap(meeting_id for (meeting_id,) in cursor)
            else:
                escaped = asked.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                cursor.execute(
                    "SELECT id FROM events_meeting WHERE status = %s AND search_document LIKE %s ESCAPE '\\'",
                    [Status.PUBLISHED.value, f"%{escaped}%"],
                )
                bitmap = BitMap(meeting_id for (meeting_id,) in cursor)
        self.bitmaps[word] = bitmap
        while len(self.bitmaps) > MAX_WORDS:
            self.bitmaps.popitem(last=False)
        return bitmap
