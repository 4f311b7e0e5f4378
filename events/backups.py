"""Backups: every record as one versioned JSON file, and back into a new database on either engine.

The file is an envelope around Django's serialization of the records, with
the counts it holds and the migration the database was at::

    {"format": "mineaction-backup", "version": 1, "created": "2025-01-31T02:00:00+00:00",
     "django_migration": "0005_data_version", "includes_users": false,
     "counts": {"events.meeting": 30, "events.meeting_sources": 41, ...},
     "records": [{"model": "events.topic", "pk": 1, "fields": {...}}, ...]}

Order of the records, which is the order they are loaded in: with
``--include-users``, the groups, then the user accounts; then every model of
the events app in the order the app defines them (records, their history
tables beside them); within a model, by primary key. Primary keys are kept,
so every relation comes back exactly as it was. Records may point at records
later in the file (a meeting that follows up a later one, an organisation
whose parent was added after it): those foreign keys are checked once
everything is loaded, at the end of the one transaction. References by
*natural key* are looked up as each record is read, so what they name comes
first: permissions (which every migrated database has, under ids of its
own) by app, model and code name, groups by name before the accounts in
them, accounts by user name before the history entries and
publications that name them, and cities (which every migrated database
loads from the gazetteer, and which the file does not carry) by their
GeoNames number.

Restoring goes into a new, migrated database. Migrations seed some tables
(SEEDED_BY_MIGRATIONS: the Editor and Publisher groups, the topics, the
organisation and person roles, the meeting subtypes); where
the file carries such a table, the seeded rows are removed before loading,
in the same transaction, and the file's rows replace them. Every other
table the file carries must be empty. The commands are ``manage.py backup``
and ``manage.py restore``.
"""

from __future__ import annotations

import datetime
import gzip
import json
import os
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader

from . import versions
from .history import hold_version
from .models import MeetingCountry

FORMAT = "mineaction-backup"
VERSION = 1

# Tables a freshly migrated database already fills (migrations 0002 and 0004 of events).
# A restore empties those the file carries before loading it. tests/test_backup.py
# migrates a new database and checks this list against what it holds.
SEEDED_BY_MIGRATIONS = {
    "auth.group",
    "events.topic",
    "events.organisationrole",
    "events.personrole",
    "events.meetingsubtype",
}

# Bookkeeping, not records: the data version (a restore gives the data a new one), the
# countries taking part in each meeting and the pair counts, which follow from the records (a
# restore rebuilds them: MeetingCountry.rebuild() counts the pairs of the meetings it rebuilds),
# and the log of changed meetings that the facet index follows (the rebuild logs every meeting).
# Nor the gazetteer, which every migrated database loads whole: meetings name their city by its
# GeoNames number (City.natural_key), found again in the database restored into.
NOT_BACKED_UP = {
    "events.dataversion",
    "events.meetingcountry",
    "events.meetingchange",
    "events.pairedmeeting",
    "events.organisationpair",
    "events.countrypair",
    "events.city",
}


class Encoder(DjangoJSONEncoder):
    """Django's JSON encoder, but times keep their microseconds (it rounds them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A backup cannot be restored here; the message (one line) says why and what to do."""


def backed_up_models(include_users: bool) -> list[type[models.Model]]:
    """Every model in the file, in the order its records are written and loaded (see the module)."""
    found: list[type[models.Model]] = (
        [Group, apps.get_model(settings.AUTH_USER_MODEL)] if include_users else []
    )
    found += [
        model
        for model in apps.get_app_config("events").get_models()
        if model._meta.label_lower not in NOT_BACKED_UP
    ]
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


def carried_tables(include_users: bool) -> list[str]:
    """The database tables a backup holds: one per model, one per many-to-many field."""
    tables = []
    for model in backed_up_models(include_users):
        tables.append(model._meta.db_table)
        tables += [link_model(field)._meta.db_table for field in many_to_many_fields(model)]
    return tables


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
            links = record["fields"].get(field.name)
            counts[link_model(field)._meta.label_lower] += len(links) if isinstance(links, list) else 0
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
                use_natural_foreign_keys=True,  # permissions, groups, accounts by name (see the module)
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


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def read(path: Path) -> dict:
    """The envelope in the file at ``path``, checked; BackupError when it is not a whole backup."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    with path.open("rb") as file:
        compressed = file.read(2) == b"\x1f\x8b"
    try:
        with (gzip.open if compressed else open)(path, "rt", encoding="utf-8") as file:
            envelope = json.load(file)
    except EOFError:
        raise BackupError(f"{path} is truncated: its compressed data ends too soon.") from None
    except (OSError, zlib.error) as error:
        raise BackupError(f"{path} cannot be read: it is damaged ({one_line(error)}).") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        # json.JSONDecodeError is a ValueError.
        raise BackupError(
            f"{path} is not a backup file: it cannot be read as JSON ({one_line(error)})."
        ) from None
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
    if not isinstance(envelope["includes_users"], bool) or not isinstance(envelope["counts"], dict):
        raise BackupError(f"{path} is damaged: its includes_users or counts is not what a backup holds.")
    if not isinstance(envelope["records"], list):
        raise BackupError(f"{path} is damaged: its records are not a list.")
    check_records(envelope["records"], envelope["includes_users"], path)
    held = counts_in_records(envelope["records"], envelope["includes_users"])
    if held != envelope["counts"]:
        raise BackupError(f"{path} is damaged: {describe_difference(envelope['counts'], held, 'it holds')}.")


def stored_fields(model: type[models.Model]) -> set[str]:
    """The names the serializer writes in a record's "fields": every one must be there."""
    names = {field.name for field in model._meta.local_fields if getattr(field, "serialize", True)}
    return names | {field.name for field in many_to_many_fields(model)}


def check_records(records: list, include_users: bool, path: Path) -> None:
    """Each record names a model the file may hold, has a primary key and every field of its model.

    A record without a field would otherwise be loaded with the field's
    default (a required text as ""), silently.
    """
    allowed = {model._meta.label_lower: model for model in backed_up_models(include_users)}
    expected: dict[str, set[str]] = {}
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict) or "pk" not in record:
            raise BackupError(f"{path} is damaged: record {number} is not a record (model, pk and fields).")
        label = record.get("model")
        if label not in allowed:
            raise BackupError(f"{path} holds records this app does not restore: {one_line(label)!r}.")
        if label not in expected:
            expected[label] = stored_fields(allowed[label])
        missing = expected[label] - record["fields"].keys()
        if missing:
            raise BackupError(
                f"{path} is damaged: record {number} ({label} {record['pk']}) has no "
                f"{', '.join(sorted(missing))}."
            )


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
    """Rows a restore would have to overwrite, by label; rows of the tables migrations seed do not count."""
    in_the_way = {}
    for model in backed_up_models(include_users):
        if model._meta.label_lower in SEEDED_BY_MIGRATIONS:
            continue
        if count := model._default_manager.count():
            in_the_way[model._meta.label_lower] = count
    return in_the_way


def remove_seeded_rows(include_users: bool) -> None:
    """Empty the seeded tables the file carries, and their links, without signals (so without history)."""
    seeded = [m for m in backed_up_models(include_users) if m._meta.label_lower in SEEDED_BY_MIGRATIONS]
    tables = [link_model(field)._meta.db_table for model in seeded for field in model._meta.many_to_many]
    tables += [model._meta.db_table for model in seeded]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def without_missing_accounts(records: list[dict]) -> tuple[list[dict], int]:
    """``records`` with each reference to an account this database lacks made empty; and how many.

    A backup without accounts names them by user name (who published a
    meeting, who made each history entry). Accounts of the same name here
    take their place; the others are left out rather than failing the restore.
    """
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    references: dict[str, list[str]] = {}
    for record in records:
        model = apps.get_model(record["model"])
        if record["model"] not in references:
            references[record["model"]] = [
                field.name
                for field in model._meta.local_fields
                if field.is_relation and field.related_model is user_model and field.null
            ]
    named = {
        tuple(value)
        for record in records
        for name in references[record["model"]]
        if isinstance(value := record["fields"].get(name), list)
    }
    existing = {(username,) for username in user_model._default_manager.values_list("username", flat=True)}
    missing, cleared = named - existing, 0
    if not missing:
        return records, 0
    result = []
    for record in records:
        fields = record["fields"]
        gone = [
            n
            for n in references[record["model"]]
            if isinstance(fields.get(n), list) and tuple(fields[n]) in missing
        ]
        if gone:
            record = {**record, "fields": {**fields, **dict.fromkeys(gone)}}
            cleared += 1
        result.append(record)
    return result, cleared


def load(records: list[dict]) -> None:
    """Save every record as it is (raw: no signals' side effects, no history); BackupError on a bad one."""
    foreign_keys: dict[type[models.Model], list[str]] = {}
    objects = serializers.deserialize("python", records, handle_forward_references=False)
    number = 0
    while True:
        number += 1
        try:
            record = next(objects)
        except StopIteration:
            break
        except (
            DeserializationError,
            FieldDoesNotExist,
            ValidationError,
            LookupError,
            TypeError,
            ValueError,
        ) as error:
            where = records[number - 1]
            raise BackupError(
                f"Record {number} ({where['model']} {where['pk']}) cannot be restored: {one_line(error)}"
            ) from None
        instance = record.object
        model = type(instance)
        if model not in foreign_keys:
            # Checked by the database at the end instead: a query per record would be slow.
            foreign_keys[model] = [field.name for field in model._meta.fields if field.is_relation]
        # A null the database accepts passes too (history's change reasons are null, not blank).
        unset = [f.name for f in model._meta.fields if f.null and getattr(instance, f.attname) is None]
        try:
            instance.clean_fields(exclude=[*foreign_keys[model], *unset])
        except ValidationError as error:
            problems = "; ".join(
                f"{field}: {' '.join(errors)}" for field, errors in error.message_dict.items()
            )
            label = model._meta.label_lower
            raise BackupError(
                f"Record {number} ({label} {instance.pk}) fails validation: {one_line(problems)}"
            ) from None
        # No new version: django-simple-history looks for the marker with hasattr(), also when
        # the record's many-to-many links are set.
        hold_version(instance)
        try:
            record.save()
        except IntegrityError as error:
            raise BackupError(
                f"Record {number} ({model._meta.label_lower} {instance.pk}) breaks a rule of the "
                f"database: {one_line(error)}"
            ) from None


def restore(envelope: dict) -> tuple[dict[str, int], int]:
    """Load every record of ``envelope`` into this new database, in one transaction.

    Returns the counts loaded, and how many records named accounts this
    database lacks (see without_missing_accounts). Refuses, changing
    nothing, when the database holds records other than the seeded ones or
    is at another migration, and rolls everything back when a record fails
    or what was loaded does not match the file's counts.
    """
    include_users = envelope["includes_users"]
    migration = current_migration()
    if envelope["django_migration"] != migration:
        raise BackupError(
            f"The backup was made at events migration {envelope['django_migration']}, but this database "
            f"is at {migration}. Run `manage.py migrate events {envelope['django_migration']}`, restore, "
            "then `manage.py migrate` to bring the restored records up to date."
        )
    records, missing_accounts = envelope["records"], 0
    with transaction.atomic():
        in_the_way = records_in_the_way(include_users)
        if in_the_way:
            held = describe_records(in_the_way, include_users)
            raise BackupError(
                f"The database is not empty: it holds {held}. A restore never overwrites or merges "
                "records: restore into a new database (create it, run `manage.py migrate`, then restore)."
            )
        if not include_users:
            records, missing_accounts = without_missing_accounts(records)
        remove_seeded_rows(include_users)
        load(records)

        try:
            connection.check_constraints(table_names=sorted(carried_tables(include_users)))
        except IntegrityError as error:
            raise BackupError(f"The records do not fit together: {one_line(error)}") from None
        # Records came with their ids; new ones must be numbered after them.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), backed_up_models(include_users)):
                cursor.execute(statement)

        MeetingCountry.objects.rebuild()
        counts = counts_in_database(include_users)
        if counts != envelope["counts"]:
            raise BackupError(
                "The restore did not bring back what the file holds: "
                f"{describe_difference(envelope['counts'], counts, 'in the database')}."
            )
        # Pages kept for whatever this database held before retire with the commit.
        versions.data_changed()
    return counts, missing_accounts
