"""The data version: one token in the database, replaced by every write that readers could see.

Kept pages and results are filed under the version they were computed at
(events.cache). The token lives in a one-row table, not in the cache, and is
replaced inside the writing transaction; so it changes exactly when the
write commits, for every worker and every app server sharing the database,
and the cache never has to be told anything. A cache that is down, slow or
restarted costs speed, never freshness: a reader takes the version first
(one primary-key read) and so can only find pages made since the last
committed write.

Nothing here imports the models, so that they can call data_changed().
"""

from __future__ import annotations

import contextvars
import uuid

from django.db import DEFAULT_DB_ALIAS, connections, transaction

# The table of events.models.DataVersion, made by migration 0005.
TABLE = "events_dataversion"
# The table of events.models.MeetingChange: which meetings changed, for each worker's facet index.
CHANGES_TABLE = "events_meetingchange"
# How many meeting ids one INSERT into it carries.
CHANGES_BATCH = 1000
# Read when the row is missing (the tables were just flushed); the next write inserts it.
NO_VERSION = "none"

# The version a page being computed was filed under, taken before it read
# anything: every count and row it uses is filed under the same one.
page_version: contextvars.ContextVar[str | None] = contextvars.ContextVar("page_version", default=None)


class _NewVersion:
    """Marks, in the transaction's on-commit list, that this transaction has replaced the token.

    Django drops the mark when the transaction (or the savepoint that made
    it) rolls back, as it does the token itself, so it is exactly as long-lived
    as the change it stands for. Until something reads the new token, further
    writes in the same transaction need not replace it again: a 40 000-row
    import replaces it once, not 40 000 times.
    """

    def __init__(self) -> None:
        self.read = False

    def __call__(self) -> None:
        """Nothing to do on commit: the commit itself publishes the token."""


def _mark(using: str) -> _NewVersion | None:
    connection = connections[using]
    if not connection.in_atomic_block:
        return None
    for entry in connection.run_on_commit:
        if isinstance(entry[1], _NewVersion):
            return entry[1]
    return None


def data_version(using: str = DEFAULT_DB_ALIAS) -> str:
    """The current version: the one of the page being computed, else the database's (one query)."""
    version = page_version.get()
    if version is not None:
        return version
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    if mark := _mark(using):
        mark.read = True
    return row[0] if row else NO_VERSION


def data_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Replace the version as part of the current transaction: kept results retire when it commits.

    Call it after writes that send no signal (``update()``, ``bulk_create()``,
    raw SQL); the receivers in events.version_signals call it for the rest.
    """
    mark = _mark(using)
    if mark is not None and not mark.read:
        return
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (id, token) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET token = excluded.token",
            [uuid.uuid4().hex],
        )
    if mark is not None:
        mark.read = False
    elif connections[using].in_atomic_block:
        transaction.on_commit(_NewVersion(), using=using)


def meetings_changed(meeting_ids, using: str = DEFAULT_DB_ALIAS) -> None:
    """Log, in the current transaction, that the meetings ``meeting_ids`` changed; replaces the version too.

    The version's row is written first, and stays locked until the commit;
    so the log's ids are handed out in the order the writes commit, and a
    reader that has seen one id has seen every smaller one (events.meeting_index).
    """
    ids = sorted({int(meeting_id) for meeting_id in meeting_ids})
    if not ids:
        return
    with transaction.atomic(using=using):
        data_changed(using)
        with connections[using].cursor() as cursor:
            for start in range(0, len(ids), CHANGES_BATCH):
                batch = ids[start : start + CHANGES_BATCH]
                values = ", ".join(["(%s)"] * len(batch))
                cursor.execute(f"INSERT INTO {CHANGES_TABLE} (meeting_id) VALUES {values}", batch)
