"""Addresses records had before their slug changed: an old address answers 301 with the new one."""

from __future__ import annotations

from django.db import models
from django.db.models.signals import post_save, pre_save

from .workflow import CheckedText


class FormerSlug(CheckedText):
    """A slug a meeting, organisation, person or topic used to have.

    Reports and other sites cite our pages by address, so a renamed record's
    old address must keep working: the page views look here when a slug is
    not (or no longer) in use and redirect for good to the record's current
    address. Written by the receivers below whenever a slug changes.
    """

    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        ORGANISATION = "organisation", "Organisation"
        PERSON = "person", "Person"
        TOPIC = "topic", "Topic"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    slug = models.SlugField(max_length=140, db_index=False)
    record_id = models.PositiveBigIntegerField(help_text="The primary key of the record that had this slug.")
    retired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "slug", "pk"]
        constraints = [
            # Also the index for the lookup a 404 makes: (kind, slug).
            models.UniqueConstraint(fields=["kind", "slug"], name="former_slug_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.slug} → #{self.record_id}"

    @classmethod
    def kind_of(cls, model: type[models.Model]) -> str | None:
        name = model._meta.model_name
        return name if name in cls.Kind.values else None

    @classmethod
    def record_for(cls, queryset: models.QuerySet, slug: str):
        """The record of ``queryset`` that once had ``slug``, or None (one or two queries)."""
        kind = cls.kind_of(queryset.model)
        record_id = (
            cls.objects.filter(kind=kind, slug=slug).values_list("record_id", flat=True).first()
            if kind
            else None
        )
        if record_id is None:
            return None
        return queryset.filter(pk=record_id).first()


def remember_old_slug(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None or FormerSlug.kind_of(sender) is None:
        return
    if update_fields is not None and "slug" not in update_fields:
        return
    old = sender._default_manager.filter(pk=instance.pk).values_list("slug", flat=True).first()
    instance._former_slug = old if old and old != instance.slug else None


def record_slug_change(sender, instance, raw=False, **kwargs) -> None:
    old = getattr(instance, "_former_slug", None)
    if raw or not old:
        return
    kind = FormerSlug.kind_of(sender)
    FormerSlug.objects.update_or_create(kind=kind, slug=old, defaults={"record_id": instance.pk})
    instance._former_slug = None


def connect() -> None:
    """Connected in EventsConfig.ready()."""
    pre_save.connect(remember_old_slug, dispatch_uid="events-former-slug-pre-save")
    post_save.connect(record_slug_change, dispatch_uid="events-former-slug-post-save")
