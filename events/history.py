"""Taking a record's history entries by hand: one whole version per save, and reasons that fit."""

from __future__ import annotations

from typing import Any, Protocol, cast

from django.db import models

# django-simple-history stores a change's reason in 100 characters (PostgreSQL enforces it).
CHANGE_REASON_LENGTH = 100


def change_reason(text: str) -> str:
    """``text`` cut to fit the history's reason column."""
    return text if len(text) <= CHANGE_REASON_LENGTH else text[: CHANGE_REASON_LENGTH - 1] + "…"


class Tracked(Protocol):
    """What django-simple-history reads on a record it tracks (the library ships no types)."""

    _history_user: Any
    _change_reason: str
    skip_history_when_saving: bool
    history: Any


def attribute(record: models.Model, user, reason: str = "") -> None:
    """Name who makes the next save of ``record``, and why, in the history entry it takes."""
    tracked = cast(Tracked, record)
    tracked._history_user = user
    if reason:
        tracked._change_reason = change_reason(reason)


def hold_version(record: models.Model) -> None:
    """Save ``record`` without a history entry until ``record_version`` takes one, rows and all."""
    cast(Tracked, record).skip_history_when_saving = True


def record_version(record: models.Model, user, *, reason: str = "", created: bool = False) -> None:
    """Take one history entry of ``record`` now that its relations and rows are saved.

    Whoever saved it with ``skip_history_when_saving`` set (the admin, the
    article intake, an approved change) calls this last, so that the entry is a whole version,
    which restoring brings back with its rows.
    """
    if hasattr(record, "skip_history_when_saving"):
        del record.skip_history_when_saving
    attribute(record, user, reason)
    # A save that changes nothing but the time stamp (a record without one is saved whole).
    stamped = any(f.name == "updated_at" for f in record._meta.concrete_fields)
    record.save(update_fields=["updated_at"] if stamped else None)
    if created:
        history = cast(Tracked, record).history
        history.filter(pk=history.latest().pk).update(history_type="+")
