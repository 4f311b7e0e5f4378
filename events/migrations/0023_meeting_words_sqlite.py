"""On SQLite, a trigram index of the meetings' search documents, kept by triggers (events.search_words).

An FTS5 table without content of its own: it holds lower(search_document)
(ASCII letters in lower case, as SQLite's LIKE ignores their case), cut into
every run of three characters, so a word of three or more characters is
found in it as LIKE '%word%' finds it, without reading every document.
Nothing on PostgreSQL, whose full-text index is migration 0002's.

Django alters a column on SQLite by copying the table into a new one, which
leaves these triggers behind with the old table: a later migration that does
so to events_meeting must create them again (tests/test_search_words.py
fails until it does).
"""

from django.db import migrations

CREATE = [
    "CREATE VIRTUAL TABLE events_meeting_words USING fts5("
    "search_document, content='', tokenize='trigram case_sensitive 1')",
    "INSERT INTO events_meeting_words(rowid, search_document) SELECT id, lower(search_document) FROM events_meeting",
    # A table without content forgets a row only when told what it indexed: the old document, lowered again.
    "CREATE TRIGGER events_meeting_words_insert AFTER INSERT ON events_meeting BEGIN "
    "INSERT INTO events_meeting_words(rowid, search_document) VALUES (new.id, lower(new.search_document)); END",
    "CREATE TRIGGER events_meeting_words_delete AFTER DELETE ON events_meeting BEGIN "
    "INSERT INTO events_meeting_words(events_meeting_words, rowid, search_document) "
    "VALUES ('delete', old.id, lower(old.search_document)); END",
    "CREATE TRIGGER events_meeting_words_update AFTER UPDATE OF id, search_document ON events_meeting "
    "WHEN old.id != new.id OR old.search_document IS NOT new.search_document BEGIN "
    "INSERT INTO events_meeting_words(events_meeting_words, rowid, search_document) "
    "VALUES ('delete', old.id, lower(old.search_document)); "
    "INSERT INTO events_meeting_words(rowid, search_document) VALUES (new.id, lower(new.search_document)); END",
]
DROP = [
    "DROP TRIGGER IF EXISTS events_meeting_words_update",
    "DROP TRIGGER IF EXISTS events_meeting_words_delete",
    "DROP TRIGGER IF EXISTS events_meeting_words_insert",
    "DROP TABLE IF EXISTS events_meeting_words",
]


def run(statements):
    def on_sqlite(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return on_sqlite


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0022_follow_ups_partial_index"),
    ]

    operations = [
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
