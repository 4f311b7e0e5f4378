"""A new word's meetings, read from the table of lexemes the database keeps (PostgreSQL, migration 0024),
are exactly those of the plain full-text query, after any write."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from pyroaring import BitMap

from events.models import Meeting, Status
from events.search_words import SearchWords

from .factories import make_meeting

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's table of lexemes"),
]

VOCABULARY = [
    *("training", "survey", "clearance", "demining", "mines", "mining", "victims", "assistance", "donors"),
    *("conference", "workshop", "stockpile", "destruction", "gender", "risk", "education", "café"),
    *("Genève", "non-technical", "trains", "trained", "talks"),
]
VECTOR = "to_tsvector('english', COALESCE(search_document, ''))"


def phrase(chance: random.Random) -> str:
    return " ".join(chance.choice(VOCABULARY) for _ in range(chance.randint(0, 6)))


def new_meeting(chance: random.Random) -> Meeting:
    return make_meeting(
        title=phrase(chance) or "Meeting",
        summary=phrase(chance),
        status=chance.choice([Status.PUBLISHED, Status.PUBLISHED, Status.DRAFT]),
    )


def plain_search(lexeme: str) -> BitMap:
    """The published meetings matching ``lexeme`` by the full-text query itself."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM events_meeting WHERE status = %s AND {VECTOR} @@ quote_literal(%s)::tsquery",
            [Status.PUBLISHED.value, lexeme],
        )
        return BitMap(meeting_id for (meeting_id,) in cursor)


def every_lexeme() -> list[str]:
    """Every lexeme of any meeting's document, published or not, and a few no meeting holds."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT unnest(tsvector_to_array({VECTOR})) FROM events_meeting")
        return [lexeme for (lexeme,) in cursor] + ["zebra", "o'brien", "the"]


def assert_lexemes_agree() -> None:
    words = SearchWords(connection.alias)  # nothing kept: every word is read afresh
    lexemes = every_lexeme()
    assert len(lexemes) > 10
    for lexeme in lexemes:
        assert words._bitmap(lexeme, "", BitMap()) == plain_search(lexeme), lexeme


def test_a_new_words_meetings_match_the_full_text_query_after_random_writes():
    chance = random.Random(15)
    for _ in range(25):
        new_meeting(chance)
    assert_lexemes_agree()
    for step in range(40):
        meetings = list(Meeting.objects.order_by("pk"))
        meeting = chance.choice(meetings)
        action = chance.choice(["edit", "bulk edit", "withdraw", "publish", "bulk status", "delete", "add"])
        if action == "edit":
            meeting.summary = phrase(chance)
            meeting.save()
            meeting.refresh_search_document()
        elif action == "bulk edit":
            chosen = [m.pk for m in chance.sample(meetings, 3)]
            Meeting.objects.filter(pk__in=chosen).update(search_document=phrase(chance))
        elif action == "withdraw":
            meeting.status = Status.WITHDRAWN
            meeting.save()
        elif action == "publish":
            meeting.status = Status.PUBLISHED
            meeting.save()
        elif action == "bulk status":
            Meeting.objects.filter(pk__in=[m.pk for m in chance.sample(meetings, 4)]).update(
                status=chance.choice([Status.PUBLISHED, Status.DRAFT])
            )
        elif action == "delete":
            meeting.delete()
        else:
            new_meeting(chance)
        if step % 8 == 7:
            assert_lexemes_agree()
    assert_lexemes_agree()


def rows_of(meeting: Meeting) -> dict[str, str]:
    """Where each of the meeting's lexemes is stored: a row written again moves."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme, ctid FROM events_searchlexeme WHERE meeting_id = %s", [meeting.pk])
        return dict(cursor.fetchall())


def test_a_saved_meeting_that_changes_nothing_searched_moves_no_lexeme():
    meeting = make_meeting(title="Training on survey")
    before = rows_of(meeting)
    meeting.venue = "Geneva"
    meeting.save()
    assert rows_of(meeting) == before
    meeting.summary = "Clearance."
    meeting.save()
    meeting.refresh_search_document()
    after = rows_of(meeting)
    assert "clearanc" in after and "train" in after
    assert {lexeme: row for lexeme, row in after.items() if lexeme in before} == {
        lexeme: row for lexeme, row in before.items() if lexeme in after
    }
    assert SearchWords(connection.alias)._bitmap("train", "", BitMap()) == BitMap([meeting.pk])
