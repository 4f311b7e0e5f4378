"""The countries taking part in each meeting, and why: one table every country filter and count reads.

A meeting involves a country when it is held there (the venue), when an
organisation of that country takes part (not one only mentioned), when its
delegation was sent from there, when the visiting side came from there
without a trip on record, or when the editor states it (an online meeting,
a regional body's meeting). The rule is written once, in rebuild(); the
records that decide it call rebuild() from their save() (or, for a removed
organisation role, from the receiver below) inside the same transaction, and
bulk writers (imports, restores, merges, the demo and synthetic data) call it
for the meetings they wrote. It also brings the kept pair counts of the
meetings it rebuilds up to date (events.models.pairs).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, cast

from django.db import connections, models, router, transaction
from django.db.models.signals import post_delete
from django_countries.fields import CountryField

from .. import versions
from .pairs import PairedMeeting

# How many meetings rebuild() reads and writes at a time.
CHUNK = 1000


class Reason(models.TextChoices):
    VENUE = "venue", "Venue"
    ORGANISATION = "organisation", "Organisation taking part"
    DELEGATION = "delegation", "Delegation's sending country"
    VISITING = "visiting", "Visiting country"
    STATED = "stated", "Stated by the editor"


# The rule, in SQL: (meeting, country, reason) for the meetings whose ids are
# the %s placeholders. Stated countries are a list in one column, split in Python.
RULE_SQL = """
    SELECT m.id, m.country, 'venue' FROM events_meeting m
     WHERE m.id IN ({ids}) AND m.country <> ''
    UNION
    SELECT mo.meeting_id, o.country, 'organisation'
      FROM events_meetingorganisation mo
      JOIN events_organisationrole r ON r.slug = mo.role AND r.present
      JOIN events_organisation o ON o.id = mo.organisation_id
     WHERE mo.meeting_id IN ({ids}) AND o.country <> ''
    UNION
    SELECT m.id, d.sending_country, 'delegation'
      FROM events_meeting m JOIN events_delegation d ON d.id = m.delegation_id
     WHERE m.id IN ({ids}) AND d.sending_country <> ''
    UNION
    SELECT m.id, m.visiting_country, 'visiting' FROM events_meeting m
     WHERE m.id IN ({ids}) AND m.visiting_country <> ''
"""
STATED_SQL = """
    SELECT m.id, m.stated_countries FROM events_meeting m WHERE m.id IN ({ids}) AND m.stated_countries <> ''
"""
PUBLISHED_SQL = "SELECT m.id FROM events_meeting m WHERE m.id IN ({ids}) AND m.status = 'published'"
LOCK_SQL = "SELECT m.id FROM events_meeting m WHERE m.id IN ({ids}) ORDER BY m.id FOR UPDATE"


def rows_by_rule(cursor, ids: list[int]) -> set[tuple[int, str, str]]:
    """(meeting id, country, reason) for the meetings ``ids``, as the rule gives them; two queries."""
    placeholders = ", ".join(["%s"] * len(ids))
    cursor.execute(RULE_SQL.format(ids=placeholders), ids * 4)
    rows = {(meeting_id, code, reason) for meeting_id, code, reason in cursor.fetchall()}
    cursor.execute(STATED_SQL.format(ids=placeholders), ids)
    for meeting_id, stated in cursor.fetchall():
        rows |= {(meeting_id, code, Reason.STATED.value) for code in stated.split(",") if code}
    return rows


class MeetingCountryQuerySet(models.QuerySet):
    def rebuild(self, meeting_ids: Iterable[int] | models.QuerySet | None = None) -> None:
        """Make the rows of the meetings ``meeting_ids`` (all meetings when None) what the rule says.

        Writes only what differs. Runs in a transaction and, on PostgreSQL,
        locks the meetings first, so two writers to one meeting rebuild it one
        after the other, the second reading what the first committed. The
        published ones among them are logged as changed (bulk writers call this
        for the meetings they wrote, so the facet index hears of those too).
        """
        connection = connections[self.db]
        if meeting_ids is None:
            meeting_ids = meeting_model()._default_manager.using(self.db).values_list("pk", flat=True)
        ids = sorted(set(meeting_ids))
        if not ids:
            return
        with transaction.atomic(using=self.db), connection.cursor() as cursor:
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                if connection.features.has_select_for_update:
                    cursor.execute(LOCK_SQL.format(ids=", ".join(["%s"] * len(chunk))), chunk)
                wanted = rows_by_rule(cursor, chunk)
                held = {
                    (meeting_id, code, reason): pk
                    for pk, meeting_id, code, reason in self.filter(meeting_id__in=chunk).values_list(
                        "pk", "meeting_id", "country", "reason"
                    )
                }
                stale = [pk for row, pk in held.items() if row not in wanted]
                if stale:
                    self.filter(pk__in=stale).delete()
                missing = sorted(wanted - held.keys())
                if missing:
                    self.bulk_create(
                        [self.model(meeting_id=m, country=c, reason=r) for m, c, r in missing],
                        ignore_conflicts=True,
                    )
                cursor.execute(PUBLISHED_SQL.format(ids=", ".join(["%s"] * len(chunk))), chunk)
                versions.meetings_changed([meeting_id for (meeting_id,) in cursor.fetchall()], using=self.db)
            # The pair counts read these rows and the meetings' organisations: count them again,
            # once for all the chunks (a pair many of them share is written once).
            PairedMeeting.objects.using(self.db).recount(ids)

    def differences(self) -> list[tuple[int, str, str]]:
        """Rows the rule gives and the table lacks, or holds and the rule does not: empty when exact."""
        ids = list(meeting_model()._default_manager.using(self.db).values_list("pk", flat=True))
        wanted: set[tuple[int, str, str]] = set()
        with connections[self.db].cursor() as cursor:
            for start in range(0, len(ids), CHUNK):
                wanted |= rows_by_rule(cursor, ids[start : start + CHUNK])
        held = set(self.values_list("meeting_id", "country", "reason"))
        return sorted(wanted ^ held)


class MeetingCountry(models.Model):
    """A country taking part in a meeting, and why; kept by rebuild(), never edited by hand."""

    Reason = Reason

    meeting = models.ForeignKey("events.Meeting", on_delete=models.CASCADE, related_name="country_links")
    country = CountryField()
    reason = models.CharField(max_length=20, choices=Reason.choices)

    objects = MeetingCountryQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "country", "reason"]
        verbose_name = "country taking part"
        verbose_name_plural = "countries taking part"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "country", "reason"], name="meeting_country_unique"),
        ]
        indexes = [
            # The country filter, facet, pair pages and map: meetings of a country.
            models.Index(fields=["country", "meeting"], name="meetingcountry_country_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.country.name} ({self.get_reason_display().lower()})"


class DecidesCountries(models.Model):
    """A record with fields that decide which countries take part in meetings (``country_fields``).

    When one of them changes, save() rebuilds the meetings concerned in the
    same transaction. Each record remembers the values it was read with, so a
    save that changes none of them costs nothing more. A bulk writer that
    rebuilds its meetings itself, once, sets ``rebuild_countries_later``.
    """

    country_fields: ClassVar[tuple[str, ...]] = ()
    rebuild_countries_later = False

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self))):
            super().save(*args, **kwargs)
            as_read = getattr(self, "_countries_as_read", None)
            if self.countries_key() != as_read and not self.rebuild_countries_later:
                MeetingCountry.objects.using(self._state.db).rebuild(self.meetings_deciding(as_read))
                self._countries_as_read = self.countries_key()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._countries_as_read = instance.countries_key()
        return instance

    def countries_key(self) -> tuple:
        # Deferred fields read as None before and after, and save() does not write them.
        return tuple(self.__dict__.get(name) for name in self.country_fields)

    def meetings_deciding(self, as_read: tuple | None) -> Iterable[int] | models.QuerySet:
        """The ids of the meetings whose countries this record's fields decide (now, and ``as_read``)."""
        raise NotImplementedError


def meeting_model() -> type[models.Model]:
    """Meeting, which this module may not import (events.models.meetings imports it)."""
    return cast(type[models.Model], MeetingCountry._meta.get_field("meeting").related_model)


def meetings_with_role(using: str, role: str) -> list[int]:
    """The meetings where an organisation holds ``role`` (a slug); one query."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT DISTINCT meeting_id FROM events_meetingorganisation WHERE role = %s", [role])
        return [meeting_id for (meeting_id,) in cursor.fetchall()]


def on_organisation_role_deleted(sender, instance, using, origin=None, **kwargs) -> None:
    """An organisation's role removed from a meeting: its country may no longer take part.

    Sent inside the deletion's transaction. When the meeting itself is being
    deleted, its rows go with it and nothing is rebuilt.
    """
    meetings = meeting_model()
    if isinstance(origin, meetings) or getattr(origin, "model", None) is meetings:
        return
    MeetingCountry.objects.using(using).rebuild([instance.meeting_id])


def connect() -> None:
    post_delete.connect(
        on_organisation_role_deleted,
        sender="events.MeetingOrganisation",
        dispatch_uid="events-meeting-countries-role-deleted",
    )
