"""`manage.py backup` and `restore`: every record and relation survives the round trip, or nothing changes."""

import datetime
import gzip
import importlib
import json
import os
import re
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from pyroaring import BitMap

from events.backups import SEEDED_BY_MIGRATIONS, backed_up_models
from events.models import (
    CountryPair,
    Meeting,
    MeetingCountry,
    Organisation,
    OrganisationPair,
    Outcome,
    PairedMeeting,
    Participation,
    Position,
    ProposedChange,
    Status,
    Topic,
)
from events.search_words import SearchWords

from .backup_tables import dump
from .conftest import ensure_roles
from .factories import make_delegation, make_meeting, make_organisation, make_person, make_source, make_topic
from .services import run_python, subprocess_environment

# The newest migration on disk, which the test database is at.
LATEST_MIGRATION = max(
    name for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations if app == "events"
)
pytestmark = pytest.mark.django_db

# The events tables a backup carries (the data version is bookkeeping, not a record).
EVENTS_MODELS = backed_up_models(include_users=False)


def build_rich_records() -> None:
    """Every kind of record and relation, including references to records with higher ids."""
    branch = make_organisation(name="ANAMA Regional Branch", acronym="ANAMA-R", country="AZ")
    anama = make_organisation(
        name="Mine Action Agency of Azerbaijan", acronym="ANAMA", website="https://anama.gov.az"
    )
    branch.parent = anama  # a parent created after its child
    branch.save()
    anama.other_names.create(name="ANAMA Agency", kind="former")
    tmac = make_organisation(
        name="Thailand Mine Action Centre", acronym="TMAC", country="TH", kind="national_authority"
    )
    cmac = make_organisation(
        name="Cambodian Mine Action Centre", acronym="CMAC", country="", kind="international"
    )
    tmac.other_names.create(name="ศูนย์ปฏิบัติการทุ่นระเบิดแห่งชาติ", kind="translation")

    head = make_person(name="Vugar Suleymanov", honorific="Mr")
    head.other_names.create(name="Vüqar Süleymanov", kind="transliteration")
    Position.objects.create(
        person=head,
        organisation=anama,
        title="Chairman of the Board",
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2024, 12, 31),
    )
    Position.objects.create(person=head, title="Adviser")
    member = make_person(name="Nattavut Sabyeroop")

    report = make_source(url="https://news.example.org/anama-tmac", publisher="AzerNews", language="en")
    wire = make_source(
        url="https://wire.example.org/1", publisher="MENAFN", published_on=None, note="Ünïcödé\nnote"
    )
    trip = make_delegation(
        title="ANAMA delegation to Thailand and Cambodia",
        head=head,
        destination_countries=["TH", "KH"],
        start_date=datetime.date(2024, 8, 18),
        end_date=datetime.date(2024, 8, 25),
        status=Status.DRAFT,
    )
    trip.sending_organisations.add(anama, branch)
    trip.members.add(head, member)
    trip.sources.add(report)

    training, land = make_topic(name="Training (test)"), Topic.objects.get(slug="land-release")
    first = make_meeting(
        title="ANAMA meets TMAC",
        delegation=trip,
        city="Bangkok",
        venue="TMAC headquarters",
        start_date=datetime.date(2024, 8, 20),
        end_date=datetime.date(2024, 8, 21),
        organisations=[(tmac, "host"), (anama, "delegation"), (anama, "signatory")],
        topics=[training, land],
        sources=[report, wire],
        participants=[
            {
                "name_as_written": "V. Suleymanov",
                "person": head,
                "organisation": anama,
                "role": "head_of_delegation",
            },
            {"name_as_written": "Unknown officer", "organisation": tmac},
        ],
    )
    outcome = Outcome.objects.create(meeting=first, kind="invitation", text="ANAMA invited TMAC.")
    outcome.parties.add(anama, tmac)
    later = make_meeting(
        title="ANAMA meets CMAC",
        start_date=datetime.date(2024, 9, 1),
        date_precision="month",
        organisations=[cmac],
        country="",
        status=Status.DRAFT,
    )
    first.follow_up_of = later  # points at a meeting with a higher id
    first.save()
    later.follow_up_of = None
    first.refresh_search_document()
    ProposedChange.objects.create(  # a change to a cited record, waiting for approval
        organisation=tmac,
        fields={"name": ["Thailand Mine Action Centre", "Thailand Mine Action Center"]},
        rows=[{"model": "organisationname", "action": "add", "values": {"name": "TMAC"}, "label": "TMAC"}],
    )


def canonical_dump() -> dict[str, list]:
    """Every row of every events table and many-to-many link, read straight from the database."""
    dump = {}
    for model in EVENTS_MODELS:
        dump[model._meta.label] = list(model.objects.order_by("pk").values())
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                columns = [f.attname for f in through._meta.fields if f.name != "id"]
                dump[through._meta.label] = sorted(through.objects.values_list(*columns))
    return dump


def empty_the_events_tables() -> None:
    """What a new database looks like before its first migration seeds topics: no events rows at all."""
    tables = [
        field.remote_field.through._meta.db_table
        for model in EVENTS_MODELS
        for field in model._meta.many_to_many
    ]
    tables += [model._meta.db_table for model in reversed(EVENTS_MODELS)]
    # Not carried but derived: a restore rebuilds the countries taking part and the pair counts.
    tables[:0] = [
        model._meta.db_table for model in (MeetingCountry, PairedMeeting, OrganisationPair, CountryPair)
    ]
    with connection.cursor() as cursor:
        for table in dict.fromkeys(tables):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def search_lexemes() -> list[tuple[str, int]]:
    """On PostgreSQL, the published meetings' lexemes its triggers keep (derived: no backup carries them)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme, meeting_id FROM events_searchlexeme ORDER BY 1, 2")
        return cursor.fetchall()


def seed_topics_as_migrate_does() -> None:
    """Through the migration's own models, which (unlike the app's) keep no history."""
    state = MigrationLoader(connection).project_state(("events", "0002_database_rules_and_topics"))
    importlib.import_module("events.migrations.0002_database_rules_and_topics").seed_topics(state.apps, None)


def test_backup_then_restore_brings_back_every_record_and_relation(tmp_path):
    build_rich_records()
    before = canonical_dump()
    path = tmp_path / "backup.json"

    countries_before = sorted(MeetingCountry.objects.values_list("meeting_id", "country", "reason"))
    assert countries_before
    lexemes_before = search_lexemes()
    assert lexemes_before or connection.vendor != "postgresql"

    call_command("backup", path)
    empty_the_events_tables()
    assert not Meeting.objects.exists()
    call_command("restore", path)
    assert sorted(MeetingCountry.objects.values_list("meeting_id", "country", "reason")) == countries_before
    assert OrganisationPair.objects.exists() and CountryPair.objects.exists()
    assert PairedMeeting.objects.differences() == {"organisations": [], "countries": []}
    assert search_lexemes() == lexemes_before

    assert canonical_dump() == before
    meeting = Meeting.objects.get(title="ANAMA meets TMAC")
    assert meeting.follow_up_of.title == "ANAMA meets CMAC"
    assert meeting.delegation.destination_countries == ["KH", "TH"]
    assert "Unknown officer" in meeting.search_document
    # The search's own index (on SQLite kept by triggers) has the restored documents' words.
    published = BitMap(Meeting.objects.published().values_list("pk", flat=True))
    searched = BitMap(Meeting.objects.published().search("officer").values_list("pk", flat=True))
    assert searched and SearchWords(connection.alias).matching("officer", published) == searched


def test_a_backup_names_cities_by_their_geonames_number_and_carries_no_gazetteer(tmp_path):
    meeting = make_meeting(country="KH", city="Siem Reap", venue="Sokha Hotel")
    meeting.venue = "Sokha Siem Reap Resort"
    meeting.save()  # a second history entry, naming the city too
    path = tmp_path / "backup.json"
    call_command("backup", path)
    envelope = json.loads(path.read_text(encoding="utf-8"))
    assert "events.city" not in envelope["counts"]
    assert not [record for record in envelope["records"] if record["model"] == "events.city"]
    cited = [record["fields"]["city"] for record in envelope["records"] if "city" in record["fields"]]
    assert cited == [[meeting.city.geonames_id]] * 3  # the meeting and its two history entries

    empty_the_events_tables()
    call_command("restore", path)
    restored = Meeting.objects.get()
    assert (restored.city.name, restored.venue) == ("Siem Reap", "Sokha Siem Reap Resort")
    assert [entry.city.name for entry in restored.history.all()] == ["Siem Reap", "Siem Reap"]


def test_restore_into_a_freshly_migrated_database_replaces_its_seeded_topics(tmp_path):
    build_rich_records()
    before = canonical_dump()
    path = tmp_path / "backup.json.gz"
    call_command("backup", path)
    empty_the_events_tables()
    seed_topics_as_migrate_does()

    call_command("restore", path)

    assert canonical_dump() == before


def test_restored_database_numbers_new_records_after_the_restored_ones(tmp_path):
    build_rich_records()
    highest = Organisation.objects.order_by("-pk").first().pk
    call_command("backup", tmp_path / "backup.json")
    empty_the_events_tables()
    call_command("restore", tmp_path / "backup.json")

    assert make_organisation().pk > highest


def test_backup_is_a_versioned_envelope_with_counts(tmp_path, capsys):
    build_rich_records()
    call_command("backup", tmp_path / "backup.json.gz")

    with gzip.open(tmp_path / "backup.json.gz", "rt", encoding="utf-8") as file:
        envelope = json.load(file)
    assert envelope["format"] == "mineaction-backup"
    assert envelope["version"] == 1
    assert datetime.datetime.fromisoformat(envelope["created"]).tzinfo is not None
    assert envelope["django_migration"] == LATEST_MIGRATION
    assert envelope["includes_users"] is False
    assert envelope["counts"]["events.meeting"] == 2
    assert envelope["counts"]["events.meeting_sources"] == 2
    assert envelope["counts"]["events.outcome_parties"] == 2
    assert [r["model"] for r in envelope["records"]].count("events.participation") == 2
    assert not any(record["model"].startswith("auth.") for record in envelope["records"])
    assert (
        "search_document" in next(r for r in envelope["records"] if r["model"] == "events.meeting")["fields"]
    )
    assert "Backed up 13 topics, 4 organisations, 2 organisation names, 2 people" in capsys.readouterr().out


def test_user_accounts_are_included_only_when_asked(tmp_path, django_user_model):
    editors = Group.objects.create(name="Editors")
    user = django_user_model.objects.create_user("editor", "editor@example.org", "a-long-test-password")
    user.groups.add(editors)
    editors.permissions.add(
        *apps.get_model("auth", "Permission").objects.filter(codename__endswith="_meeting")
    )
    password_hash = user.password
    call_command("backup", tmp_path / "with-users.json", include_users=True)

    django_user_model.objects.all().delete()
    Group.objects.all().delete()
    empty_the_events_tables()
    call_command("restore", tmp_path / "with-users.json")

    restored = django_user_model.objects.get(username="editor")
    assert restored.password == password_hash
    assert restored.has_perm("events.change_meeting")


def test_restore_refuses_a_database_that_holds_records_and_changes_nothing(tmp_path):
    build_rich_records()
    call_command("backup", tmp_path / "backup.json")
    make_organisation(name="Added after the backup")
    before = canonical_dump()

    with pytest.raises(
        CommandError, match=r"The database is not empty: it holds 5 organisations, 2 organisation names"
    ) as error:
        call_command("restore", tmp_path / "backup.json")

    assert "restore into a new database" in str(error.value)
    assert canonical_dump() == before


def rewrite(path, **changes) -> None:
    envelope = json.loads(path.read_text(encoding="utf-8"))
    envelope.update(changes)
    path.write_text(json.dumps(envelope), encoding="utf-8")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": "something-else"}, "is not a Mine Action Cooperation Timeline backup"),
        ({"version": 2}, "is a version 2 backup; this version of the app reads version 1"),
        (
            {"django_migration": "0001_initial"},
            f"made at events migration 0001_initial, but this database is at {LATEST_MIGRATION}",
        ),
    ],
)
def test_restore_refuses_a_file_it_cannot_trust(tmp_path, changes, message):
    build_rich_records()
    path = tmp_path / "backup.json"
    call_command("backup", path)
    rewrite(path, **changes)
    empty_the_events_tables()

    with pytest.raises(CommandError, match=message):
        call_command("restore", path)
    assert not Organisation.objects.exists()


def test_restore_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "backup.json"
    path.write_text("<html>not a backup</html>", encoding="utf-8")
    with pytest.raises(CommandError, match="is not a backup file: it cannot be read as JSON"):
        call_command("restore", path)


def test_restore_refuses_a_file_whose_counts_do_not_match_its_records(tmp_path):
    build_rich_records()
    path = tmp_path / "backup.json"
    call_command("backup", path)
    envelope = json.loads(path.read_text(encoding="utf-8"))
    envelope["records"] = [r for r in envelope["records"] if r["model"] != "events.participation"]
    path.write_text(json.dumps(envelope), encoding="utf-8")
    empty_the_events_tables()

    with pytest.raises(
        CommandError, match="is damaged: 2 events.participation in the file's counts, 0 it holds"
    ):
        call_command("restore", path)


def test_restore_rolls_everything_back_when_the_database_ends_up_different_from_the_file(tmp_path):
    build_rich_records()
    path = tmp_path / "backup.json"
    call_command("backup", path)
    envelope = json.loads(path.read_text(encoding="utf-8"))
    # A damaged file: the second participant carries the first one's id, so it overwrites it.
    participants = [r for r in envelope["records"] if r["model"] == "events.participation"]
    participants[1]["pk"] = participants[0]["pk"]
    path.write_text(json.dumps(envelope), encoding="utf-8")
    empty_the_events_tables()

    with pytest.raises(
        CommandError,
        match="did not bring back what the file holds: 2 events.participation in the file.s counts, 1 in",
    ):
        call_command("restore", path)
    assert not Organisation.objects.exists()
    assert not Participation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_backup_outside_a_transaction_reads_one_consistent_snapshot(tmp_path):
    # Outside the test's own transaction, the backup opens its own (REPEATABLE READ on PostgreSQL).
    make_meeting(title="Committed meeting")
    call_command("backup", tmp_path / "backup.json")
    envelope = json.loads((tmp_path / "backup.json").read_text(encoding="utf-8"))
    assert envelope["counts"]["events.meeting"] == 1


# --- Into a new database of its own, on either engine, through the commands ---------------


def postgres_server_url() -> str:
    """The PostgreSQL server to make scratch databases on: the suite's own, else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else "postgres://postgres@127.0.0.1:5432/postgres"


@contextmanager
def new_database(engine: str, folder: Path) -> Iterator[str]:
    """The address of a database that does not exist yet: a SQLite file, or a PostgreSQL database."""
    if engine == "sqlite":
        yield f"sqlite:///{folder / 'restored.sqlite3'}"
        return
    import psycopg

    server = dj_database_url.parse(postgres_server_url())
    name = f"restore_test_{secrets.token_hex(6)}"
    address = {key: server[key] for key in ("HOST", "PORT", "USER", "PASSWORD") if server.get(key)}
    conninfo = " ".join(f"{k.lower()}={v}" for k, v in address.items()).replace("user=", "user=", 1)
    try:
        admin = psycopg.connect(f"{conninfo} dbname=postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL server to make a database on: {error}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            user = f"{server['USER']}{':' + server['PASSWORD'] if server.get('PASSWORD') else ''}"
            yield f"postgres://{user}@{server['HOST']}:{server.get('PORT') or 5432}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return run_python(subprocess_environment(database_url), "manage.py", *args)


def in_database(database_url: str, *args: str):
    """What tests.backup_tables prints, run against ``database_url``."""
    finished = run_python(subprocess_environment(database_url), "-m", "tests.backup_tables", *args)
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(finished.stdout)


def build_accounts_and_their_history(django_user_model):
    """An editor in the seeded Editor group, with a permission of their own, whose edits are in the
    history and who published a meeting; and a group added by an operator."""
    ensure_roles()
    editor = django_user_model.objects.create_user("eve", "eve@example.org", "a-long-test-password")
    editor.is_staff = True
    editor.save()
    editor.groups.add(Group.objects.get(name="Editor"))
    editor.user_permissions.add(Permission.objects.get(codename="publish_meeting"))
    reviewers = Group.objects.create(name="Reviewers")
    reviewers.permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    meeting = Meeting.objects.get(title="ANAMA meets TMAC")
    meeting.published_by = editor
    meeting._history_user = editor
    meeting.summary = "Edited by Eve."
    meeting.save()
    assert meeting.history.filter(history_user=editor).exists()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_backup_restores_into_a_new_database_on_either_engine_table_by_table(
    tmp_path, engine, django_user_model
):
    build_rich_records()
    build_accounts_and_their_history(django_user_model)
    before = json.loads(json.dumps(dump()))
    path = tmp_path / "backup.json.gz"
    call_command("backup", path, include_users=True)

    with new_database(engine, tmp_path) as database_url:
        migrated = manage(database_url, "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        # A new database holds rows only where migrations seed them; those the file replaces.
        seeded = in_database(database_url, "--seeded")
        models_carried = {model._meta.label_lower for model in backed_up_models(include_users=True)}
        assert models_carried & set(seeded) == SEEDED_BY_MIGRATIONS

        restored = manage(database_url, "restore", str(path))
        assert restored.returncode == 0, restored.stderr[-3000:]
        assert "Restored 3 groups, 1 user, 13 topics, 4 organisations" in restored.stdout
        after = in_database(database_url)

    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    rows = sum(len(table) for table in before.values())
    print(f"{connection.vendor} → {engine}: {len(before)} tables, {rows} rows equal")


# --- Files that cannot be restored: one line, a failure status, nothing written -------------


def damaged(envelope: dict, change) -> dict:
    copy = json.loads(json.dumps(envelope))
    change(copy)
    return copy


def first(envelope: dict, model: str) -> dict:
    return next(record for record in envelope["records"] if record["model"] == model)


BAD_FILES = {
    "truncated.json.gz": ("truncated", "is truncated: its compressed data ends too soon"),
    "corrupt.json": ("corrupt JSON", "is not a backup file: it cannot be read as JSON"),
    "other-format.json": (
        lambda e: e.update(format="something-else"),
        "is not a Mine Action Cooperation Timeline backup",
    ),
    "other-version.json": (lambda e: e.update(version=2), "is a version 2 backup"),
    "no-records.json": (lambda e: e.pop("records"), "is damaged: it has no records"),
    "records-not-a-list.json": (lambda e: e.update(records={"a": 1}), "its records are not a list"),
    "missing-title.json": (
        lambda e: first(e, "events.meeting")["fields"].pop("title"),
        r"record \d+ \(events.meeting \d+\) has no title",
    ),
    "blank-title.json": (
        lambda e: first(e, "events.meeting")["fields"].update(title=""),
        r"\(events.meeting \d+\) fails validation: title: This field cannot be blank",
    ),
    "bad-date.json": (
        lambda e: first(e, "events.meeting")["fields"].update(start_date="31 August"),
        r"\(events.meeting \d+\) cannot be restored: .*invalid date format",
    ),
    "unknown-choice.json": (
        lambda e: first(e, "events.meeting")["fields"].update(kind="picnic"),
        r"fails validation: kind: Value .picnic. is not a valid choice",
    ),
    "unknown-field.json": (
        lambda e: first(e, "events.organisation")["fields"].update(colour="red"),
        r"\(events.organisation \d+\) cannot be restored: .*colour",
    ),
    "dangling-link.json": (
        lambda e: first(e, "events.participation")["fields"].update(meeting=987654),
        "The records do not fit together",
    ),
}


def write_bad_files(folder: Path, envelope: dict) -> None:
    for name, (change, _) in BAD_FILES.items():
        path = folder / name
        if change == "truncated":
            whole = gzip.compress(json.dumps(envelope).encode())
            path.write_bytes(whole[: len(whole) // 2])
        elif change == "corrupt JSON":
            path.write_text(json.dumps(envelope)[:-200], encoding="utf-8")
        else:
            path.write_text(json.dumps(damaged(envelope, change)), encoding="utf-8")


def test_restore_answers_every_bad_file_with_one_line_and_writes_nothing(tmp_path):
    build_rich_records()
    call_command("backup", tmp_path / "good.json")
    write_bad_files(tmp_path, json.loads((tmp_path / "good.json").read_text(encoding="utf-8")))

    with new_database("sqlite", tmp_path) as database_url:
        assert manage(database_url, "migrate", "--noinput").returncode == 0
        fresh = in_database(database_url)
        for name, (_, message) in BAD_FILES.items():
            finished = manage(database_url, "restore", str(tmp_path / name))
            assert finished.returncode != 0, name
            lines = finished.stderr.strip().splitlines()
            assert len(lines) == 1, (name, finished.stderr)
            assert re.search(message, lines[0]), (name, lines[0])
            assert lines[0].endswith("Nothing was restored."), lines[0]
            assert "Traceback" not in finished.stderr
        assert in_database(database_url) == fresh
        # The good file still restores into it: nothing was left behind.
        assert manage(database_url, "restore", str(tmp_path / "good.json")).returncode == 0


def test_a_backup_without_accounts_restores_the_history_without_the_accounts_it_lacks(
    tmp_path, django_user_model, capsys
):
    build_rich_records()
    build_accounts_and_their_history(django_user_model)
    call_command("backup", tmp_path / "backup.json")
    empty_the_events_tables()
    django_user_model.objects.all().delete()

    call_command("restore", tmp_path / "backup.json")

    meeting = Meeting.objects.get(title="ANAMA meets TMAC")
    assert meeting.published_by is None
    assert not meeting.history.filter(history_user__isnull=False).exists()
    assert meeting.history.filter(summary="Edited by Eve.").exists()
    assert "2 records named user accounts this database does not have" in capsys.readouterr().out


def test_a_backup_without_accounts_keeps_the_accounts_of_the_same_name(tmp_path, django_user_model):
    build_rich_records()
    build_accounts_and_their_history(django_user_model)
    call_command("backup", tmp_path / "backup.json")
    empty_the_events_tables()
    django_user_model.objects.all().delete()
    eve = django_user_model.objects.create_user("eve")

    call_command("restore", tmp_path / "backup.json")

    assert Meeting.objects.get(title="ANAMA meets TMAC").published_by == eve
