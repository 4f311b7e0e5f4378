"""Taking a record's history entries by hand: one whole version per save, and reasons that fit."""

from __future__ import annotations

from django.db import models

# django-simple-history stores a change's reason in 100 characters (PostgreSQL enforces it).
CHANGE_REASON_LENGTH = 100


def change_reason(text: str) -> str:
    """``text`` cut to fit the history's reason column."""
    return text if len(text) <= CHANGE_REASON_LENGTH else text[: CHANGE_REASON_LENGTH - 1] + "…"


def record_version(record: models.Model, user, *, reason: str = "", created: bool = False) -> None:
    """Take one history entry of ``record`` now that its relations and rows are saved.

    Whoever saved it with ``skip_history_when_saving`` set (the admin, the
    article intake) calls this last, so that the entry is a whole version,
    which restoring brings back with its rows.
    """
    if hasattr(record, "skip_history_when_saving"):
        del record.skip_history_when_saving
    record._history_user = user
    if reason:
        record._change_reason = change_reason(reason)
    record.save(update_fields=["updated_at"])
    if created:
        record.history.filter(pk=record.history.latest().pk).update(history_type="+")
