"""Reviewed changes to shared records: what an editor proposes, and what approving or rejecting it does.

Organisations, people, sources and topics are shared: one change shows on
every published meeting that cites them. So once a published meeting (or
delegation) cites one, an editor's save of it is kept as a ``ProposedChange``
instead of being applied, and a publisher approves or rejects it. Proposals
are rows of their own, written in the same transaction as the editor's save
would have been, and never deleted, so none can be lost or overwritten by
another; approving applies only the fields and rows the editor changed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date

from .history import attribute, change_reason, hold_version, record_version
from .models import Organisation, Person, ProposedChange, Source, Topic, cited_publicly

REVIEWED = (Organisation, Person, Source, Topic)
PENDING = ProposedChange.Decision.PENDING


def may_approve(user) -> bool:
    return user.has_perm("events.approve_proposedchange")


def needs_review(user, record: models.Model) -> bool:
    """Whether ``user``'s change to ``record`` must wait for a publisher's approval; queries."""
    return (
        isinstance(record, REVIEWED)
        and record.pk is not None
        and not may_approve(user)
        and cited_publicly(record)
    )


def stored(value):
    """A field's value as a proposal keeps it in JSON: ids for records, ISO dates, country codes."""
    if isinstance(value, list | tuple):
        return [stored(item) for item in value]
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return getattr(value, "code", value)


def editable_fields(model: type[models.Model], parent: str | None = None) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable
        and not f.primary_key
        and f.name != parent
        and f.name not in ("created_at", "updated_at")
    ]


def propose(record: models.Model, form, formsets, user, read_version: int | None) -> ProposedChange | None:
    """Keep what the submitted ``form`` and inline ``formsets`` would change in ``record``; None if nothing.

    ``record`` holds the submitted values (the form's instance); the saved
    record is read again for the values being replaced. Nothing is saved but
    the proposal.
    """
    current = type(record)._default_manager.get(pk=record.pk)
    fields = {}
    for name in form.changed_data:
        try:
            model_field = field_named(type(record), name)
        except FieldDoesNotExist:
            continue
        if model_field.concrete and model_field.editable and not model_field.many_to_many:
            before, after = (stored(model_field.value_from_object(r)) for r in (current, record))
            if before != after:
                fields[name] = [before, after]
    rows = []
    for formset in formsets:
        formset.save(commit=False)  # sorts the rows into new, changed and deleted; saves nothing
        model, parent = formset.model, formset.fk.name
        names = {f.name: f for f in editable_fields(model, parent)}
        for row in formset.new_objects:
            values = {name: stored(f.value_from_object(row)) for name, f in names.items()}
            rows.append(
                {"model": model._meta.model_name, "action": "add", "values": values, "label": str(row)}
            )
        for row, changed in formset.changed_objects:
            old = model._default_manager.get(pk=row.pk)
            values = {
                name: [stored(names[name].value_from_object(old)), stored(names[name].value_from_object(row))]
                for name in changed
                if name in names
            }
            rows.append(
                {"model": model._meta.model_name, "action": "change", "id": row.pk, "values": values,
                 "label": str(old)}
            )  # fmt: skip
        for row in formset.deleted_objects:
            rows.append(
                {"model": model._meta.model_name, "action": "delete", "id": row.pk, "label": str(row)}
            )
    if not fields and not rows:
        return None
    proposal = ProposedChange.for_record(current)
    proposal.fields, proposal.rows = fields, rows
    proposal.read_version, proposal.proposed_by = read_version, user
    proposal.save()
    return proposal


def field_named(model: type[models.Model], name: str) -> models.Field:
    """A concrete field of ``model`` (proposals keep only those)."""
    return cast(models.Field, model._meta.get_field(name))


def restored(model_field: models.Field, value):
    """A kept value back as the field takes it (``attname``: an id for a relation)."""
    return None if value is None and model_field.null else model_field.to_python(value)


def parent_field(row_model: type[models.Model], record_model: type[models.Model]) -> models.Field:
    return next(f for f in row_model._meta.fields if f.is_relation and f.related_model is record_model)


def approval_reason(proposal: ProposedChange, user) -> str:
    when = format_date(timezone.localtime(proposal.proposed_at), "j M Y")
    return change_reason(
        f"Proposed by {proposal.proposed_by or 'a deleted user'} on {when}, approved by {user}"
    )


@transaction.atomic
def approve(proposal: ProposedChange, user) -> list[str]:
    """Apply the proposed change as ``user``, who approves it; returns what could not be applied.

    Only the proposed fields and rows change; the record's other fields keep
    their current values. The record's history entry names both people.
    Raises PermissionDenied, or ValidationError (nothing is then changed and
    the proposal stays pending), e.g. when a proposed name is now taken.
    """
    if not may_approve(user):
        raise PermissionDenied("You may not approve changes.")
    proposal = ProposedChange.objects.select_for_update().get(pk=proposal.pk)
    if proposal.decision != PENDING:
        raise ValidationError(f"This change was already {proposal.get_decision_display().lower()}.")
    model = type(proposal.record)
    record = model._default_manager.select_for_update().get(pk=proposal.record.pk)
    for name, (_, after) in proposal.fields.items():
        model_field = field_named(model, name)
        setattr(record, model_field.attname, restored(model_field, after))
    record.full_clean()
    reason = approval_reason(proposal, user)
    hold_version(record)  # one entry, once its rows are in
    record.save()
    skipped = apply_rows(proposal, record, user, reason)
    record_version(record, user, reason=reason)
    proposal.decide(ProposedChange.Decision.APPROVED, user)
    return skipped


def apply_rows(proposal: ProposedChange, record: models.Model, user, reason: str) -> list[str]:
    skipped = []
    for row in proposal.rows:
        row_model = apps.get_model("events", row["model"])
        parent = parent_field(row_model, type(record))
        target: Any = row_model(**{parent.name: record})
        if row["action"] != "add":
            target = row_model._default_manager.filter(pk=row["id"], **{parent.name: record}).first()
            if target is None:
                skipped.append(f"{row_model._meta.verbose_name} “{row['label']}” was deleted meanwhile")
                continue
        if row["action"] == "delete":
            attribute(target, user, reason)
            target.delete()
            continue
        for name, value in row["values"].items():
            after = value[1] if row["action"] == "change" else value
            model_field = field_named(row_model, name)
            setattr(target, model_field.attname, restored(model_field, after))
        target.full_clean()
        attribute(target, user, reason)
        target.save()
    return skipped


@transaction.atomic
def reject(proposal: ProposedChange, user, note: str = "") -> None:
    """Turn the change down as ``user``; the record stays as it is and the proposal is kept."""
    if not may_approve(user):
        raise PermissionDenied("You may not reject changes.")
    proposal = ProposedChange.objects.select_for_update().get(pk=proposal.pk)
    if proposal.decision != PENDING:
        raise ValidationError(f"This change was already {proposal.get_decision_display().lower()}.")
    proposal.decide(ProposedChange.Decision.REJECTED, user, note)


@dataclass
class Difference:
    """One proposed change to a field, as a publisher reviews it."""

    label: str
    before: object  # what the editor was shown (stored form)
    proposed: object
    now: object  # what readers see today
    model_field: models.Field

    @property
    def changed_since(self) -> bool:
        """Whether the record's value changed after the editor proposed."""
        return self.now != self.before


def differences(proposal: ProposedChange) -> list[Difference]:
    record = proposal.record
    found = []
    for name, (before, after) in proposal.fields.items():
        model_field = field_named(type(record), name)
        now = stored(model_field.value_from_object(record))
        found.append(Difference(str(model_field.verbose_name), before, after, now, model_field))
    return found
