"""Backups: every record as one versioned JSON file, and back into an empty database.

The file is an envelope around Django's serialization of every record, in
primary-key order, with the counts it holds and the migration the database
was at::

    {"format": "mineaction-backup", "version": 1, "created": "2025-01-31T02:00:00+00:00",
     "django_migration": "0002_database_rules_and_topics", "includes_users": false,
     "counts": {"events.meeting": 30, "events.meeting_sources": 41, ...},
     "records": [{"model": "events.topic", "pk": 1, "fields": {...}}, ...]}

Primary keys are kept, so every relation comes back exactly as it was.
The commands are ``manage.py backup`` and ``manage.py restore``.
"""

from __future__ import annotations

import datetime
import gzip
import importlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader

FORMAT = "mineaction-backup"
VERSION = 1

# Migration 0002 seeds these topics into every new database; a restore replaces them.
SEEDED_TOPICS = {
    slug for slug, *_ in importlib.import_module("events.migrations.0002_database_rules_and_topics").TOPICS
}


class Encoder(DjangoJSONEncoder):
    """Django's JSON encoder, but times keep their microseconds (it rounds them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A backup cannot be restored here; the message says why and what to do."""


def backed_up_models(include_users: bool) -> list[type[models.Model]]:
    """Every model in the file: the app's in declaration order, then groups and users.

    That order does not load each record after what it points to, and need
    not: a restore is one transaction and foreign keys are checked when it
    ends (``check_constraints`` in ``restore``).
    """
    found = list(apps.get_app_config("events").get_models())
    if include_users:
        found += [Group, apps.get_model("auth", "User")]
    return found


def link_model(field: models.ManyToManyField) -> type[models.Model]:
    """The model of a many-to-many field's table of links (Django's own, or one of ours)."""
    through = field.remote_field.through
    if through is None:  # only before the app registry is ready
        raise BackupError(f"{field} has no table of links yet.")
    return through


def many_to_many_fields(model: type[models.Model]) -> list[models.ManyToManyField]:
    """The many-to-many fields whose links are stored with the record (not through a model of ours)."""
    return [field for field in model._meta.many_to_many if link_model(field)._meta.auto_created]


def counts_in_database(include_users: bool) -> dict[str, int]:
    """Rows of every backed-up model and links of every many-to-many field, by label."""
    counts = {}
    for model in backed_up_models(include_users):
        counts[model._meta.label_lower] = model._default_manager.count()
        for field in many_to_many_fields(model):
            through = link_model(field)
            counts[through._meta.label_lower] = through._default_manager.count()
    return counts


def counts_in_records(records: list[dict], include_users: bool) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for model in backed_up_models(include_users):
        counts[model._meta.label_lower] = 0
        for field in many_to_many_fields(model):
            counts[link_model(field)._meta.label_lower] = 0
    for record in records:
        counts[record["model"]] += 1
        model = apps.get_model(record["model"])
        for field in many_to_many_fields(model):
            counts[link_model(field)._meta.label_lower] += len(record["fields"].get(field.name, []))
    return dict(counts)


def current_migration() -> str | None:
    """The latest events migration applied to the database."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = [name for app, name in loader.applied_migrations if app == "events"]
    if not applied:
        return None
    return max(applied, key=lambda name: len(loader.graph.forwards_plan(("events", name))))


def set_sqlite_transaction_mode(mode: str | None) -> None:
    """How SQLite begins the next transaction: None (deferred), "IMMEDIATE" or "EXCLUSIVE"."""
    # The SQLite backend's transaction_mode is new in Django 5.1; django-stubs 5.2 does not declare it.
    connection.transaction_mode = mode  # type: ignore[attr-defined]


@contextmanager
def consistent_snapshot() -> Iterator[None]:
    """Read every table as of one moment, even while editors keep saving."""
    outermost = not connection.in_atomic_block
    # SQLite: a deferred transaction, so that a long backup takes no write lock
    # and editors keep saving (settings make other transactions take it at once).
    sqlite_mode = getattr(connection, "transaction_mode", None)
    if outermost and connection.vendor == "sqlite":
        set_sqlite_transaction_mode(None)
    try:
        with transaction.atomic():
            if outermost and connection.vendor == "sqlite":
                set_sqlite_transaction_mode(sqlite_mode)
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    finally:
        if connection.vendor == "sqlite":
            set_sqlite_transaction_mode(sqlite_mode)


def export(include_users: bool = False) -> dict:
    """The whole envelope, ready for ``json.dump``."""
    with consistent_snapshot():
        records = []
        for model in backed_up_models(include_users):
            records += serializers.serialize(
                "python",
                model._default_manager.order_by("pk"),
                use_natural_foreign_keys=True,  # permissions by name: their ids differ between databases
            )
        migration = current_migration()
    return {
        "format": FORMAT,
        "version": VERSION,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "django_migration": migration,
        "includes_users": include_users,
        "counts": counts_in_records(records, include_users),
        "records": records,
    }


def write(envelope: dict, path: Path) -> None:
    """Write the file whole or not at all: a failed backup never leaves half a file at ``path``."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(temporary, "wt", encoding="utf-8") as file:
            json.dump(envelope, file, cls=Encoder, ensure_ascii=False, indent=1)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read(path: Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    with path.open("rb") as file:
        compressed = file.read(2) == b"\x1f\x8b"
    try:
        with (gzip.open if compressed else open)(path, "rt", encoding="utf-8") as file:
            envelope = json.load(file)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} is not a backup file: it cannot be read as JSON ({error}).") from None
    check_envelope(envelope, path)
    return envelope


def check_envelope(envelope, path: Path) -> None:
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        found = envelope.get("format") if isinstance(envelope, dict) else None
        raise BackupError(
            f"{path} is not a Mine Action Cooperation Timeline backup (its format is {found!r}, "
            f"not {FORMAT!r})."
        )
    if envelope.get("version") != VERSION:
        raise BackupError(
            f"{path} is a version {envelope.get('version')!r} backup; this version of the app reads "
            f"version {VERSION}. Restore it with the version of the app that made it."
        )
    missing = {"created", "django_migration", "includes_users", "counts", "records"} - envelope.keys()
    if missing:
        raise BackupError(f"{path} is damaged: it has no {', '.join(sorted(missing))}.")
    allowed = {model._meta.label_lower for model in backed_up_models(envelope["includes_users"])}
    unexpected = sorted({record.get("model") for record in envelope["records"]} - allowed)
    if unexpected:
        raise BackupError(
            f"{path} holds records this app does not restore: {', '.join(map(str, unexpected))}."
        )
    held = counts_in_records(envelope["records"], envelope["includes_users"])
    if held != envelope["counts"]:
        raise BackupError(f"{path} is damaged: {describe_difference(envelope['counts'], held, 'it holds')}.")


def describe_difference(expected: dict[str, int], found: dict[str, int], verb: str) -> str:
    differences = [
        f"{expected.get(label, 0)} {label} in the file's counts, {found.get(label, 0)} {verb}"
        for label in sorted(expected.keys() | found.keys())
        if expected.get(label, 0) != found.get(label, 0)
    ]
    return "; ".join(differences)


def is_history(model: type[models.Model]) -> bool:
    """A table of django-simple-history's: earlier versions of the records, backed up with them."""
    return hasattr(model, "history_id") or (model._meta.model_name or "").startswith("historical")


def describe_records(counts: dict[str, int], include_users: bool) -> str:
    """ "2 organisations, 1 meeting and 5 history entries": ``counts`` by model, in words."""
    described, history = [], 0
    for model in backed_up_models(include_users):
        count = counts.get(model._meta.label_lower, 0)
        if count and is_history(model):
            history += count
        elif count:
            name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            described.append(f"{count} {name}")
    if history:
        described.append(f"{history} history entr{'y' if history == 1 else 'ies'}")
    return ", ".join(described) or "no records"


def records_in_the_way(include_users: bool) -> dict[str, int]:
    """Rows a restore would have to overwrite, by label; the topics migration 0002 seeds do not count."""
    in_the_way = {}
    for model in backed_up_models(include_users):
        rows = model._default_manager.all()
        if model._meta.label_lower in ("events.topic", "events.historicaltopic"):
            rows = rows.exclude(slug__in=SEEDED_TOPICS)
        if count := rows.count():
            in_the_way[model._meta.label_lower] = count
    return in_the_way


def restore(envelope: dict) -> dict[str, int]:
    """Load every record of ``envelope`` into this empty database, in one transaction; returns the counts.

    Refuses, changing nothing, when the database holds records or is at
    another migration, and rolls everything back when what was loaded does
    not match the file's counts.
    """
    include_users = envelope["includes_users"]
    migration = current_migration()
    if envelope["django_migration"] != migration:
        raise BackupError(
            f"The backup was made at events migration {envelope['django_migration']}, but this database "
            f"is at {migration}. Run `manage.py migrate events {envelope['django_migration']}`, restore, "
            "then `manage.py migrate` to bring the restored records up to date."
        )
    with transaction.atomic():
        in_the_way = records_in_the_way(include_users)
        if in_the_way:
            held = describe_records(in_the_way, include_users)
            raise BackupError(
                f"The database is not empty: it holds {held}. A restore never overwrites or merges "
                "records: restore into a new database (create it, run `manage.py migrate`, then restore)."
            )
        seeded = apps.get_model("events", "Topic").objects.filter(slug__in=SEEDED_TOPICS)
        seeded_ids = list(seeded.values_list("pk", flat=True))
        seeded.delete()
        # A restore is not an edit: the file holds the history, and nothing here adds to it.
        apps.get_model("events", "HistoricalTopic").objects.filter(id__in=seeded_ids).delete()
        for record in serializers.deserialize("python", envelope["records"]):
            # django-simple-history's marker for "save without a new version", which it looks for
            # with hasattr() (also when the record's many-to-many links are set); no model declares it.
            record.object.skip_history_when_saving = True  # type: ignore[attr-defined]
            record.save()

        restored = backed_up_models(include_users)
        tables = {model._meta.db_table for model in restored}
        tables |= {
            link_model(field)._meta.db_table for model in restored for field in many_to_many_fields(model)
        }
        connection.check_constraints(table_names=sorted(tables))
        # Records came with their ids; new ones must be numbered after them.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), restored):
                cursor.execute(statement)

        counts = counts_in_database(include_users)
        if counts != envelope["counts"]:
            raise BackupError(
                "The restore did not bring back what the file holds, so nothing was restored: "
                f"{describe_difference(envelope['counts'], counts, 'in the database')}."
            )
    return counts
