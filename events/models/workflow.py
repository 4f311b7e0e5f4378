"""The workflow every published record follows, and the fields and rules records share.

Draft → in review → published (→ withdrawn): the moves are methods of
``Publishable``, so every path (admin, intake, imports) obeys the same rules.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import capfirst, slugify

from ..text import control_character_message

if TYPE_CHECKING:
    from .records import Source


def unique_slug(
    model: type[models.Model], text: str, *, exclude_pk=None, max_length=120, taken: Collection[str] = ()
) -> str:
    """A slug for ``text`` that no other row of ``model`` uses yet, nor any of ``taken``."""
    base = slugify(text)[: max_length - 8].strip("-") or "record"
    slug, number = base, 2
    others = model._default_manager.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    while slug in taken or others.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


class Status(models.TextChoices):
    """Where a record is in the editors' workflow; only PUBLISHED is public."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The moves the workflow allows, and who may make each: an editor moves a record
# between draft and review; publishing and withdrawing need the model's
# publish_* or withdraw_* permission (see Publishable).
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.IN_REVIEW, Status.PUBLISHED},
    Status.IN_REVIEW: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.WITHDRAWN},
    Status.WITHDRAWN: {Status.DRAFT, Status.PUBLISHED},
}


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    ON_OR_BEFORE = "on_or_before", "Not stated: on or before the date of the first report"


class OtherNameKind(models.TextChoices):
    ALIAS = "alias", "Alias"
    FORMER = "former", "Former name"
    TRANSLITERATION = "transliteration", "Transliteration"
    TRANSLATION = "translation", "Translation"
    MISSPELLING = "misspelling", "Variant spelling in a report"


class CheckedText(models.Model):
    """A record whose every text field refuses control characters other than tab and newline.

    Checked in model validation (``full_clean``), which the admin's forms and
    the CSV import run, so the message appears beside the field. Multi-line
    fields also accept the carriage return browsers send before a newline.
    """

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None) -> None:
        errors: dict[str, list] = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for text_field in self._meta.concrete_fields:
            if not isinstance(text_field, models.CharField | models.TextField) or text_field.choices:
                continue
            value = getattr(self, text_field.attname)
            if (exclude and text_field.name in exclude) or not isinstance(value, str):
                continue
            label = str(capfirst(text_field.verbose_name))
            multi_line = isinstance(text_field, models.TextField)
            message = control_character_message(value, label, multi_line=multi_line)
            if message:
                errors.setdefault(text_field.name, []).append(
                    ValidationError(message, code="control_character")
                )
        if errors:
            raise ValidationError(errors)


class TimeStamped(CheckedText):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Publishable(models.Model):
    """A record that goes draft → in review → published (→ withdrawn).

    The moves are methods so that every path (admin actions, the change form,
    article intake, imports) obeys the same rules: who may make the move, and
    that a published record rests on at least one source. The source rule
    cannot be a database constraint: sources are a many-to-many relation, and
    a CHECK constraint sees one row only.
    """

    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published records are shown to readers. Editors submit drafts for review; "
        "a publisher publishes them.",
    )
    if TYPE_CHECKING:  # each publishable model declares its own, with its related name
        sources: models.ManyToManyField[Source, Any]
    published_at = models.DateTimeField("published at", null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who last published it.",
    )

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    def publication_problems(self) -> list[str]:
        """Why this record may not be published yet (empty when it may); queries its sources."""
        if self.pk is None or not self.sources.exists():
            return [f"A {self._meta.verbose_name} cannot be published without at least one source."]
        return []

    def can_move_to(self, user, status: str) -> bool:
        """Whether ``user`` may move this record from its current status to ``status``."""
        if status == self.status:
            return True
        if status not in TRANSITIONS.get(self.status, set()):
            return False
        name = self._meta.model_name
        if status == Status.PUBLISHED:
            return user.has_perm(f"events.publish_{name}")
        if status == Status.WITHDRAWN:
            return user.has_perm(f"events.withdraw_{name}")
        if self.status == Status.WITHDRAWN:  # reopening a withdrawn record is a publisher's call
            return user.has_perm(f"events.withdraw_{name}")
        return user.has_perm(f"events.change_{name}")

    def move_to(self, status: str, user, *, save: bool = True) -> None:
        """Move to ``status`` as ``user``; raises PermissionDenied or ValidationError."""
        if status == self.status:
            return
        if status not in TRANSITIONS.get(self.status, set()):
            raise ValidationError(
                f"A {Status(self.status).label.lower()} {self._meta.verbose_name} cannot become "
                f"{Status(status).label.lower()}."
            )
        if not self.can_move_to(user, status):
            raise PermissionDenied(
                f"You may not make a {self._meta.verbose_name} {Status(status).label.lower()}."
            )
        if status == Status.PUBLISHED:
            problems = self.publication_problems()
            if problems:
                raise ValidationError(problems)
            self.published_at, self.published_by = timezone.now(), user
        self.status = status
        if save:
            self._history_user = user
            self.save(update_fields=["status", "published_at", "published_by", "updated_at"])

    def submit_for_review(self, user) -> None:
        self.move_to(Status.IN_REVIEW, user)

    def publish(self, user) -> None:
        self.move_to(Status.PUBLISHED, user)

    def withdraw(self, user) -> None:
        self.move_to(Status.WITHDRAWN, user)

    def return_to_draft(self, user) -> None:
        self.move_to(Status.DRAFT, user)


def end_not_before_start(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
        name=f"{prefix}_end_not_before_start",
        violation_error_message="The end date cannot be before the start date.",
    )
