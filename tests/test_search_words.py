"""On SQLite a searched word's meetings come from the trigram index, exactly as LIKE finds them.

Random documents (letters in either case, accents, signs LIKE treats
specially, quotes, spaces of several kinds), random words cut from them or
made up, random writes (a document rewritten, emptied, a meeting added,
deleted, withdrawn, written by plain SQL): after each, every
word's meetings read from the index are those ``search_document LIKE
'%word%'`` finds.
"""

from __future__ import annotations

import random

import pytest
from django.db import connection
from pyroaring import BitMap

from events.models import Meeting, Status
from events.search_words import WORD_INDEX, SearchWords

from .factories import make_meeting

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's trigram index of search documents"),
]

# The characters LIKE folds (ASCII letters), and those it does not but a Unicode-aware fold would.
LETTERS = "aAbBeEiInNkKsS" + "éÉèÈäÄßẞİıK\u212a" + "%_\\\"'*-: " + "\u00a0\u3000\t"


def random_text(chance: random.Random, length: int) -> str:
    return "".join(chance.choice(LETTERS) for _ in range(length))


def random_word(chance: random.Random, documents: list[str]) -> str:
    """A run of a document with its ASCII letters' case changed at random, or made up."""
    source = chance.choice([text for text in documents if text] or ["abc"])
    if chance.random() < 0.7:
        start = chance.randrange(len(source))
        word = source[start : start + chance.randint(1, 8)]
        word = "".join(c.swapcase() if c.isascii() and chance.random() < 0.5 else c for c in word)
    else:
        word = random_text(chance, chance.randint(1, 6))
    return "".join(word.split()) or "a"


def liked(word: str) -> BitMap:
    found = Meeting.objects.published().filter(search_document__icontains=word)
    return BitMap(found.values_list("pk", flat=True))


def indexed(word: str) -> BitMap:
    published = BitMap(Meeting.objects.published().values_list("pk", flat=True))
    return SearchWords(connection.alias).matching(word, published)


def documents() -> list[str]:
    return list(Meeting.objects.values_list("search_document", flat=True))


def random_write(chance: random.Random) -> str:
    meetings = list(Meeting.objects.order_by("pk"))
    meeting = chance.choice(meetings)
    action = chance.choice(["rewrite", "rewrite", "empty", "add", "delete", "withdraw", "sql"])
    if action == "rewrite" or (action == "delete" and len(meetings) < 5):
        document = random_text(chance, chance.randint(0, 40))
        Meeting.objects.filter(pk=meeting.pk).update(search_document=document)
    elif action == "empty":
        Meeting.objects.filter(pk=meeting.pk).update(search_document="")
    elif action == "add":
        make_meeting(title=random_text(chance, 12), summary=random_text(chance, 30))
    elif action == "delete":
        meeting.delete()
    elif action == "withdraw":
        Meeting.objects.filter(pk=meeting.pk).update(status=Status.WITHDRAWN)
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE events_meeting SET search_document = search_document || %s WHERE id = %s",
                [random_text(chance, 9), meeting.pk],
            )
    return f"{action} {meeting.pk}"


def test_indexed_words_find_what_like_finds_after_random_writes():
    chance = random.Random(23)
    for _ in range(12):
        meeting = make_meeting(title=random_text(chance, 15), summary=random_text(chance, 40))
        Meeting.objects.filter(pk=meeting.pk).update(search_document=random_text(chance, 60))
    for step in range(40):
        action = random_write(chance) if step else "none"
        texts = documents()
        words = [random_word(chance, texts) for _ in range(25)]
        for word in words:
            assert indexed(word) == liked(word), f"after {action}: {word!r}"
    assert any(len(word) >= 3 and liked(word) for word in words)


def test_a_word_is_read_from_the_trigram_index_not_the_documents(django_assert_num_queries):
    make_meeting(title="Training of deminers")
    make_meeting(title="Survey", status=Status.DRAFT, summary="A survey of training needs.")
    published = BitMap(Meeting.objects.published().values_list("pk", flat=True))
    with django_assert_num_queries(1) as captured:
        assert len(SearchWords(connection.alias).matching("TRAINING", published)) == 1
    assert WORD_INDEX in captured[0]["sql"]
    assert "LIKE" not in captured[0]["sql"]


def test_a_word_shorter_than_a_trigram_is_found_by_a_scan():
    make_meeting(title="UN talks", summary="Held at the UN.")
    make_meeting(title="Bilateral talks", summary="Of 50% of it.")
    for word in ("un", "%", "0%", "_"):
        assert indexed(word) == liked(word), word
    assert len(indexed("un")) >= 1
    assert len(indexed("0%")) == 1
