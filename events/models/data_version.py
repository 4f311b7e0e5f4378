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
