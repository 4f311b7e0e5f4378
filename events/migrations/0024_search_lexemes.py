"""On PostgreSQL, a table of each published meeting's search lexemes, kept by the database.

``events_searchlexeme`` holds one row (lexeme, meeting_id) for every lexeme of
``to_tsvector('english', COALESCE(search_document, ''))`` of every published
meeting: the rows of ``status = 'published' AND <that vector> @@ '<lexeme>'``.
Its primary key (lexeme, meeting_id) gives a word's meetings by an index-only
scan (events.search_words), without visiting the meetings' rows as the GIN
index's bitmap heap scan does (181 → 7 ms for ``train`` at 100 000 meetings).

Triggers on the meetings keep it: a row's insert, delete, change of status or
of search document (whatever writes it: the admin, a bulk update, a restore)
and a TRUNCATE. The table is derived: backups neither carry nor need it, since a
restore's inserts fill it. SQLite has no such table.
"""

from django.db import migrations, transaction

LEXEMES = "tsvector_to_array(to_tsvector('english'::regconfig, COALESCE({row}.search_document, '')))"

CREATE = [
    'CREATE TABLE events_searchlexeme (lexeme text COLLATE "C" NOT NULL, meeting_id integer NOT NULL)',
    "INSERT INTO events_searchlexeme (lexeme, meeting_id) "
    f"SELECT lexeme, id FROM events_meeting AS m, unnest({LEXEMES.format(row='m')}) AS lexeme "
    "WHERE status = 'published'",
    # Built after the rows, in one sorted pass (several times faster than growing it row by row).
    "SET LOCAL maintenance_work_mem = '256MB'",
    "ALTER TABLE events_searchlexeme ADD CONSTRAINT events_searchlexeme_pkey PRIMARY KEY (lexeme, meeting_id)",
    f"""
    CREATE FUNCTION events_searchlexeme_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        old_lexemes text[] := '{{}}';
        new_lexemes text[] := '{{}}';
        removed text[];
        added text[];
    BEGIN
        IF TG_OP <> 'INSERT' AND OLD.status = 'published' THEN
            old_lexemes := {LEXEMES.format(row="OLD")};
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
            new_lexemes := {LEXEMES.format(row="NEW")};
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.id = NEW.id THEN
            -- An edit moves only the lexemes it changes.
            removed := ARRAY(SELECT unnest(old_lexemes) EXCEPT SELECT unnest(new_lexemes));
            added := ARRAY(SELECT unnest(new_lexemes) EXCEPT SELECT unnest(old_lexemes));
        ELSE
            removed := old_lexemes;
            added := new_lexemes;
        END IF;
        IF TG_OP <> 'INSERT' AND cardinality(removed) > 0 THEN
            DELETE FROM events_searchlexeme WHERE lexeme = ANY (removed) AND meeting_id = OLD.id;
        END IF;
        IF TG_OP <> 'DELETE' AND cardinality(added) > 0 THEN
            INSERT INTO events_searchlexeme (lexeme, meeting_id) SELECT unnest(added), NEW.id;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER meeting_search_lexemes AFTER INSERT OR DELETE ON events_meeting "
    "FOR EACH ROW EXECUTE FUNCTION events_searchlexeme_follow()",
    # Django's save() writes every column: only a change of what the table holds calls the function.
    "CREATE TRIGGER meeting_search_lexemes_change AFTER UPDATE ON events_meeting FOR EACH ROW "
    "WHEN (OLD.id <> NEW.id OR OLD.status IS DISTINCT FROM NEW.status "
    "OR OLD.search_document IS DISTINCT FROM NEW.search_document) "
    "EXECUTE FUNCTION events_searchlexeme_follow()",
    """
    CREATE FUNCTION events_searchlexeme_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE events_searchlexeme;
        RETURN NULL;
    END
    $$
    """,
    # Emptying the meetings (a test database's flush) empties the lexemes.
    "CREATE TRIGGER meeting_search_lexemes_truncate AFTER TRUNCATE ON events_meeting "
    "FOR EACH STATEMENT EXECUTE FUNCTION events_searchlexeme_truncate()",
]

DROP = [
    "DROP TRIGGER IF EXISTS meeting_search_lexemes_truncate ON events_meeting",
    "DROP TRIGGER IF EXISTS meeting_search_lexemes_change ON events_meeting",
    "DROP TRIGGER IF EXISTS meeting_search_lexemes ON events_meeting",
    "DROP FUNCTION IF EXISTS events_searchlexeme_truncate()",
    "DROP FUNCTION IF EXISTS events_searchlexeme_follow()",
    "DROP TABLE IF EXISTS events_searchlexeme",
]


def create_search_lexemes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=connection.alias):
        for statement in CREATE:
            schema_editor.execute(statement)
    # Marks the new rows visible to all, so that reads are index-only from the first one; VACUUM
    # cannot run inside a transaction (a migrate called inside one leaves it to autovacuum).
    if not connection.in_atomic_block:
        schema_editor.execute("VACUUM (ANALYZE) events_searchlexeme")


def drop_search_lexemes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    # Not atomic, for the VACUUM; the table, its rows and its triggers are made in one transaction.
    atomic = False

    dependencies = [
        ("events", "0023_meeting_words_sqlite"),
    ]

    operations = [
        migrations.RunPython(create_search_lexemes, drop_search_lexemes),
    ]
