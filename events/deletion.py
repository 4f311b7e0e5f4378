"""Refusing to delete a record that others list in a many-to-many field, and saying which."""

from __future__ import annotations

from django.db import models
from django.db.models.signals import pre_delete

from .models import Organisation, Person, Source, Topic

# The records that other records list in a many-to-many field.
LINKED_MODELS = (Organisation, Person, Source, Topic)


def links_to(record: models.Model) -> list[tuple[models.Model, models.Field]]:
    """The records that list ``record`` in a many-to-many field, with that field; queries once per field.

    Django deletes such links silently with the record. An editor deleting
    a source that meetings cite, or an organisation that delegations name,
    would lose those facts without a word, so deletion is refused instead,
    as ``on_delete=PROTECT`` refuses it for foreign keys. (The refusal comes
    from a ``pre_delete`` receiver, inside Django's delete transaction: code
    that catches it and goes on using the database wraps the delete in its
    own ``transaction.atomic()``.)
    """
    links: list[tuple[models.Model, models.Field]] = []
    for relation in record._meta.related_objects:
        through = relation.through if isinstance(relation, models.ManyToManyRel) else None
        accessor = relation.get_accessor_name()  # None for a relation hidden with "+"
        if through is not None and through._meta.auto_created and accessor is not None:
            links += [(other, relation.field) for other in getattr(record, accessor).all()]
    return links


def refuse_deleting_a_linked_record(sender, instance: models.Model, **kwargs) -> None:
    links = links_to(instance)
    if links:
        listed = "; ".join(
            f"{other._meta.verbose_name} “{other}” ({field.verbose_name})" for other, field in links[:5]
        )
        more = f" and {len(links) - 5} more" if len(links) > 5 else ""
        raise models.ProtectedError(
            f"Cannot delete the {sender._meta.verbose_name} “{instance}”: it is still listed in "
            f"{listed}{more}. Remove it there first.",
            {other for other, field in links},
        )


def connect_signals() -> None:
    for model in LINKED_MODELS:
        pre_delete.connect(
            refuse_deleting_a_linked_record, sender=model, dispatch_uid="refuse_deleting_a_linked_record"
        )
