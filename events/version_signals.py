"""Signal receivers that give the data a new version when a write can change what readers see.

Connected in EventsConfig.ready(). The version itself is kept by events.versions.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save

from . import versions
from .models import Meeting, OrganisationRole, OutcomeStatusChange, PairedMeeting, Status
from .models.countries import meetings_with_role


def _meeting_id(instance) -> int | None:
    """The meeting a record is, or is part of; None for any other record."""
    if isinstance(instance, Meeting):
        return instance.pk
    return getattr(instance, "meeting_id", None)


def remember_publication(sender, instance, raw=False, **kwargs) -> None:
    if sender is Meeting and not raw:
        stored = Meeting.objects.filter(pk=instance.pk, status=Status.PUBLISHED)
        if transaction.get_connection().in_atomic_block:
            # Wait for a concurrent publication to commit rather than read past it.
            stored = stored.select_for_update()
        instance._was_published = bool(instance.pk and stored.exists())


def readers_can_see(sender, instance) -> bool:
    """Whether a write to ``instance`` can change anything a reader is shown.

    Editors spend most of their saves on drafts; those (a meeting that is not
    and was not published, and its organisations, participants, outcomes,
    topics and sources) leave the kept pages alone. So do history records.
    Any other write may show somewhere, so it counts.
    """
    if getattr(sender, "instance_type", None) is not None:  # django-simple-history's records
        return False
    if sender is Meeting:
        return instance.status == Status.PUBLISHED or getattr(instance, "_was_published", True)
    if isinstance(instance, OutcomeStatusChange):
        # A step is part of its outcome's meeting (its own ``meeting`` is the one that shows it).
        return Meeting.objects.filter(outcomes=instance.outcome_id, status=Status.PUBLISHED).exists()
    meeting_id = _meeting_id(instance)
    if meeting_id is None:
        return True
    return Meeting.objects.filter(pk=meeting_id, status=Status.PUBLISHED).exists()


def publication_changed(meeting: Meeting, signal) -> bool:
    """Whether a meeting's write published, withdrew or deleted it (its pairs count or stop counting)."""
    if signal is post_delete:
        return True
    return (meeting.status == Status.PUBLISHED) != getattr(meeting, "_was_published", True)


def on_write(sender, instance=None, using=None, **kwargs) -> None:
    # Migrations write through models of their own (not the registered ones): after_migrate counts those.
    if sender._meta.app_label != "events" or sender._meta.apps is not apps:
        return
    # A many-to-many change is sent by the link table; what matters is the record changed.
    changed = type(instance) if kwargs.get("action") else sender
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    # A restore (raw) writes many records: no lookup per record, it simply counts.
    if instance is not None and not kwargs.get("raw") and not readers_can_see(changed, instance):
        return
    versions.data_changed(using or "default")
    if changed is Meeting and not kwargs.get("raw") and publication_changed(instance, kwargs.get("signal")):
        # Its pairs count now, or no longer count. (A change of its organisations or countries is
        # counted by MeetingCountry.rebuild(); a restore rebuilds everything.)
        PairedMeeting.objects.using(using or "default").recount([instance.pk])
    versions.meetings_changed(meetings_changed_by(changed, instance, kwargs), using or "default")


def meetings_changed_by(sender, instance, kwargs: dict) -> list[int]:
    """The meetings whose facets a write may change (the facet index re-reads them); may query."""
    if instance is None or kwargs.get("raw"):  # a restore logs every meeting once it is done
        return []
    if isinstance(instance, Meeting):
        return [instance.pk]
    if kwargs.get("model") is Meeting:  # a many-to-many change sent from the other side
        return list(kwargs.get("pk_set") or [])
    if isinstance(instance, OrganisationRole):
        if getattr(instance, "_countries_as_read", None) == instance.countries_key():
            return []  # ``present`` is as it was
        # Whether a role's holders were there decides which organisations take part.
        return meetings_with_role(instance._state.db or "default", instance.slug)
    meeting_id = _meeting_id(instance)
    return [meeting_id] if meeting_id is not None else []


def after_migrate(sender, using="default", **kwargs) -> None:
    # A deploy runs migrate: pages kept by the previous release's templates retire with it.
    # (Unless events is being migrated back past the migration that makes the table.)
    if versions.TABLE in connections[using].introspection.table_names():
        versions.data_changed(using)


def connect(app_config) -> None:
    post_migrate.connect(after_migrate, sender=app_config, dispatch_uid="events-version-post-migrate")
    pre_save.connect(remember_publication, dispatch_uid="events-version-pre-save")
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(on_write, dispatch_uid=f"events-version-{signal!r}")
