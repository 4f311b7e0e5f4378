"""The one-row table whose token names the current version of what readers see."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .. import versions


class DataVersion(models.Model):
    """The one row whose token names the current version of what readers see (events.versions).

    Not a record: backups leave it out, and a restore gives the data a new version.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=32)

    class Meta:
        db_table = versions.TABLE
        constraints = [models.CheckConstraint(condition=Q(id=1), name="data_version_is_one_row")]

    def __str__(self) -> str:
        return self.token


class MeetingChange(models.Model):
    """A meeting readers could see changed: each worker's facet index re-reads it (events.meeting_index).

    Written by events.versions.meetings_changed() in the writing transaction,
    after the data version's row is locked, so the ids grow in the order the
    writes commit. A worker reads the rows after the last one it has seen.
    """

    id = models.BigAutoField(primary_key=True)
    # Not a foreign key: a deleted meeting's change is read after the meeting has gone.
    meeting_id = models.BigIntegerField()

    class Meta:
        db_table = versions.CHANGES_TABLE
        ordering = ["id"]

    def __str__(self) -> str:
        return f"change {self.pk} to meeting {self.meeting_id}"
