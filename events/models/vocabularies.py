"""Vocabularies Publishers edit: the roles organisations and people have in a meeting.

A role is a row, not a code constant, so a new fact in a report ("a
prospective partner", "mentioned, not present") gets its own role without a
release. Rows are referred to by slug: the role columns held these slugs
before roles were data, and code that writes ``role="host"`` still works
(see accept_slugs()), and a role equals its slug. A role whose holder was not ``present`` never
counts as taking part (see ``taking_part()`` on the roles' querysets).

The kinds of meeting, by contrast, are fixed in code (MeetingKind), with their wording.
"""

from __future__ import annotations

from django.db import models
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from simple_history.models import HistoricalRecords

from .countries import DecidesCountries, meetings_with_role
from .workflow import CheckedText


class SlugOrRecordDescriptor(ForwardManyToOneDescriptor):
    """Sets a vocabulary foreign key from a row or from the row's slug."""

    def __set__(self, instance, value):
        if isinstance(value, str):
            # A slug: keep it as the column's value; the row is read when asked for.
            if self.field.is_cached(instance) and self.field.get_cached_value(instance).slug != value:
                self.field.delete_cached_value(instance)
            instance.__dict__[self.field.attname] = value
            return
        super().__set__(instance, value)


def accept_slugs(model: type[models.Model], field_name: str) -> None:
    """Let ``model.<field_name>``, a foreign key to a vocabulary by slug, be set from the slug too.

    ``link.role`` is the row (its label, description, whether present);
    ``link.role_id`` the slug. ``MeetingOrganisation(role="host")`` works as
    it did when the column was a plain choice. (Typed code sets ``role_id``.)
    """
    setattr(model, field_name, SlugOrRecordDescriptor(model._meta.get_field(field_name)))


class VocabularyQuerySet(models.QuerySet):
    def present(self):
        """The roles whose holders were there."""
        return self.filter(present=True)


class Vocabulary(CheckedText):
    """A term editors choose from: a label, the slug stored in records, and its place in lists."""

    label = models.CharField(max_length=100, unique=True, help_text="As readers see it, e.g. “Host”.")
    slug = models.SlugField(
        max_length=30,
        unique=True,
        help_text="Stored in every record with this role and used in the API and CSV; "
        "lowercase letters, digits and underscores. Do not change it once in use.",
    )
    description = models.TextField(blank=True, help_text="When editors should choose it.")
    present = models.BooleanField(
        "holder was present",
        default=True,
        help_text="Untick for roles whose holder was named in a report but not there, e.g. “mentioned”. "
        "Such organisations and people are listed under “Also mentioned” and never count "
        "as taking part: not in filters, counts, pairs or the partner network.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lists show lower numbers first.")

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "label", "pk"]

    def __str__(self) -> str:
        return self.label

    def __eq__(self, other) -> bool:
        # A role equals its slug, as the plain value the column held before: code
        # comparing ``link.role == "host"`` reads the same as it always did.
        if isinstance(other, str):
            return self.slug == other
        return super().__eq__(other)

    def __hash__(self) -> int:
        return hash(self.slug)


class OrganisationRole(DecidesCountries, Vocabulary):
    """What an organisation did in a meeting: host, funder, mentioned, ..."""

    # Whether its holders were there decides whether their countries take part.
    country_fields = ("present",)

    history = HistoricalRecords()

    class Meta(Vocabulary.Meta):
        verbose_name = "organisation role"

    def meetings_deciding(self, as_read):
        return meetings_with_role(self._state.db or "default", self.slug)


class PersonRole(Vocabulary):
    """What a person did in a meeting: head of delegation, spokesperson, mentioned, ..."""

    history = HistoricalRecords()

    class Meta(Vocabulary.Meta):
        verbose_name = "person role"


class MeetingKind(models.TextChoices):
    BILATERAL = "bilateral", "Bilateral meeting"
    MULTILATERAL = "multilateral", "Multilateral meeting"
    CONFERENCE = "conference", "Conference"
    TRAINING = "training", "Training"
    AGREEMENT = "agreement", "Agreement signing"
    SITE_VISIT = "site_visit", "Site visit"
    OTHER = "other", "Other"


# Each kind's label by its value, as get_kind_display() gives it (which builds the mapping on every call).
KIND_LABELS: dict[str, str] = dict(MeetingKind.choices)


def describe_kind(kind: str, subtype_label: str = "") -> str:
    """The kind, and the subtype when there is one: "Bilateral meeting · Courtesy call"."""
    label = KIND_LABELS.get(kind, kind)
    return f"{label} · {subtype_label}" if subtype_label else label
