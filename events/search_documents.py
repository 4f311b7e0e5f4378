"""Meetings are found by the names of the records they refer to: when such a name changes, so do
their search documents (``Meeting.build_search_document()`` says what goes in).

Connected in EventsConfig.ready(). Works wherever the record is saved: its admin form, a
publisher approving a proposed change, a restore of an old version, the shell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save

if TYPE_CHECKING:
    from .models.meetings import MeetingQuerySet

# The records whose words are in their meetings' documents, and the fields holding them.
# (A topic's words are there only once it is approved.)
WORDS: dict[str, tuple[str, ...]] = {
    "events.Organisation": ("name", "acronym"),
    "events.Person": ("name",),
    "events.Delegation": ("title",),
    "events.Topic": ("name", "approved"),
    "events.MeetingSubtype": ("label",),
}
# Other names: each is in the documents of its record's meetings.
OTHER_NAMES: dict[str, str] = {"events.OrganisationName": "organisation", "events.PersonName": "person"}


def meetings_naming(label: str, pk: int, using: str) -> MeetingQuerySet:
    """The meetings whose documents hold the words of record ``pk`` of model ``label``."""
    meetings = apps.get_model("events", "Meeting").objects.using(using)
    lookup = {
        "events.Organisation": Q(organisations=pk) | Q(participations__organisation=pk),
        "events.Person": Q(participations__person=pk),
        "events.Delegation": Q(delegation=pk),
        "events.Topic": Q(topics=pk),
        "events.MeetingSubtype": Q(subtype=pk),
    }[label]
    return meetings.filter(pk__in=meetings.filter(lookup).values("pk"))


def remember_words(sender, instance, raw=False, update_fields=None, using=None, **kwargs) -> None:
    fields = _fields_with_words(sender)
    instance._words_as_stored = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {*fields, *(name.removesuffix("_id") for name in fields)} & set(
        update_fields
    ):
        return
    instance._words_as_stored = (
        sender._default_manager.using(using).filter(pk=instance.pk).values_list(*fields).first()
    )


def _fields_with_words(sender) -> tuple[str, ...]:
    """The fields (attribute names) whose change changes meetings' documents: an other name's owner is
    one of its own."""
    label = sender._meta.label
    if label in OTHER_NAMES:
        return (f"{OTHER_NAMES[label]}_id", "name")
    return WORDS[label]


def follow_words(sender, instance, created=False, raw=False, using=None, **kwargs) -> None:
    label = sender._meta.label
    as_stored = getattr(instance, "_words_as_stored", None)
    instance._words_as_stored = None
    if raw or (as_stored is None and not created):
        return
    now = tuple(getattr(instance, name) for name in _fields_with_words(sender))
    if as_stored == now:
        return
    if label in OTHER_NAMES:
        owner_label = f"events.{OTHER_NAMES[label].capitalize()}"
        # Moved to another record: the old owner's meetings lose the name, the new one's gain it.
        owners = dict.fromkeys([now[0], *([as_stored[0]] if as_stored else [])])
        for owner in owners:
            meetings_naming(owner_label, owner, using).refresh_search_documents()
    elif not created:
        meetings_naming(label, instance.pk, using).refresh_search_documents()


def other_name_deleted(sender, instance, using=None, origin=None, **kwargs) -> None:
    owner_field = OTHER_NAMES[sender._meta.label]
    owner_id = getattr(instance, f"{owner_field}_id")
    owner_model = apps.get_model("events", owner_field.capitalize())
    if isinstance(origin, owner_model) and origin.pk == owner_id:
        return  # the record goes with all its names
    meetings_naming(owner_model._meta.label, owner_id, using).refresh_search_documents()


def connect() -> None:
    for label in [*WORDS, *OTHER_NAMES]:
        pre_save.connect(remember_words, sender=label, dispatch_uid=f"events-search-words-pre-{label}")
    for label in [*WORDS, *OTHER_NAMES]:
        post_save.connect(follow_words, sender=label, dispatch_uid=f"events-search-words-post-{label}")
    for label in OTHER_NAMES:
        post_delete.connect(other_name_deleted, sender=label, dispatch_uid=f"events-search-words-del-{label}")
