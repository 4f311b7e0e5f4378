"""Every record's history in the admin: one whole version per save, the changes listed, and restore."""

from __future__ import annotations

import itertools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.shortcuts import get_object_or_404
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange, ModelDelta
from simple_history.utils import get_m2m_reverse_field_name

from ..history import record_version
from ..models import Status
from .conflicts import EditConflictAdmin, Versioned, VersionedForm


class HistoryAdmin(EditConflictAdmin, SimpleHistoryAdmin):
    """Every record's admin: its history page lists who changed what and when, and restores.

    Its change form refuses a save against a version older than the
    record's newest (``conflicts``).
    """

    form = VersionedForm
    change_form_template = "admin/events/change_form.html"
    history_list_display = ["Why"]
    # Django 6 assumes https for a typed address without a scheme; so do we, now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def Why(self, record) -> str:  # noqa: N802 - the column heading on the history page
        return record.history_change_reason or ""


class VersionedAdmin(HistoryAdmin):
    """One history entry per save, taken once the inline rows and relations are saved.

    django-simple-history records a record when it is saved and again at each
    change of a many-to-many relation, and the inline rows after that; so by
    default no single entry is a whole version. Here the record is saved
    without history, then its relations and rows, then one entry is taken.
    Restoring an entry (the history page's "Revert") brings back the
    record's fields, its many-to-many relations and its inline rows
    (``version_rows``: model and foreign key) as they were at that entry.
    """

    version_rows: list[tuple[Versioned, str]] = []
    # Restoring brings back content, not the workflow: these keep their current values.
    kept_on_restore = ["status", "published_at", "published_by", "merged_into"]
    object_history_template = "admin/events/object_history.html"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(
            self.model.history.model, **{self.opts.pk.attname: object_id, "history_id": version_id}
        )
        request.restoring_version = version
        if request.method == "POST":
            # django-simple-history checks only the right to view history before saving.
            current = self.model.objects.filter(pk=version.instance.pk).first()
            allowed = (
                self.has_change_permission(request, current)
                if current is not None
                else self.has_add_permission(request)
            )
            if not allowed:
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        """The record's versions, then the changes to its inline rows (participants, names…)."""
        changes = []
        for model, fk_name in self.version_rows:
            related = [f.name for f in model._meta.fields if f.is_relation and f.name != fk_name]
            rows = (
                model.history.filter(**{f"{fk_name}_id": object_id})
                .select_related("history_user", *related)
                .order_by("-history_date")[:200]
            )
            changes += [(model._meta.verbose_name, row) for row in rows]
        changes.sort(key=lambda change: change[1].history_date, reverse=True)
        extra_context = {**(extra_context or {}), "row_changes": changes}
        return super().history_view(request, object_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """As django-simple-history's, but reads the many-to-many values in one query per relation.

        The library asks the database twice per relation for every pair of
        versions; this keeps the history page's queries from growing with it.
        """
        records = list(historical_records)
        m2m = self.model.history.model._history_m2m_fields
        values: dict[str, dict[int, list]] = {}
        for field in m2m:
            target = get_m2m_reverse_field_name(field)
            values[field.name] = {record.history_id: [] for record in records}
            if not records:
                continue
            rows = getattr(records[0], field.name).model.objects.filter(
                history_id__in=[record.history_id for record in records]
            )
            for row in rows.select_related(target):
                values[field.name][row.history_id].append(getattr(row, target))
        for newer, older in itertools.pairwise(records):
            delta = newer.diff_against(
                older, excluded_fields=[f.name for f in m2m], foreign_keys_are_objs=foreign_keys_are_objs
            )
            changes = list(delta.changes)
            for field in m2m:
                target = get_m2m_reverse_field_name(field)
                old = sorted(values[field.name][older.history_id], key=str)
                new = sorted(values[field.name][newer.history_id], key=str)
                if {o.pk for o in old} != {n.pk for n in new}:
                    changes.append(
                        ModelChange(field.name, [{target: o} for o in old], [{target: n} for n in new])
                    )
            delta = ModelDelta(changes, [change.field for change in changes], older, newer)
            helper = self.get_historical_record_context_helper(request, newer)
            newer.history_delta_changes = helper.context_for_delta_changes(delta)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if getattr(request, "restoring_version", None) is None:
            return fieldsets
        return [
            (name, dict(options, fields=without(options["fields"], self.kept_on_restore)))
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        version = getattr(request, "restoring_version", None)
        if version is None:
            return form
        # The version's many-to-many values: the form would otherwise show today's.
        initial = {}
        for field in version._history_m2m_fields:
            target = field.remote_field.model._meta.model_name
            initial[field.name] = [getattr(row, f"{target}_id") for row in getattr(version, field.name).all()]
        return type("RestoringForm", (VersionInitial, form), {"version_initial": initial})

    def save_model(self, request, obj, form, change):
        obj.skip_history_when_saving = True
        if getattr(request, "restoring_version", None) is not None:
            current = self.model.objects.filter(pk=obj.pk).first()
            for name in self.kept_on_restore:
                if not hasattr(obj, name):
                    continue
                if current is not None:
                    setattr(obj, name, getattr(current, name))
                elif name == "status":  # a deleted record comes back as a draft
                    obj.status = Status.DRAFT
                else:
                    setattr(obj, name, None)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.take_version(request, form.instance, "+" if not change else "~")

    def response_change(self, request, obj):
        version = getattr(request, "restoring_version", None)
        if version is not None and request.method == "POST":
            restored, skipped = self.restore_rows(request, obj, version.history_date)
            reason = f"Restored the version of {version.history_date:%Y-%m-%d %H:%M:%S}"
            self.take_version(request, obj, "~", reason)
            if skipped:
                self.message_user(
                    request,
                    f"{skipped} row(s) could not be restored: what they refer to is gone.",
                    messages.WARNING,
                )
        return super().response_change(request, obj)

    def take_version(self, request, obj, history_type: str, reason: str = "") -> None:
        record_version(obj, request.user, reason=reason, created=history_type == "+")

    def restore_rows(self, request, obj, when) -> tuple[int, int]:
        """Put the inline rows back as they were at ``when``; each change is itself in the history."""
        restored = skipped = 0
        for model, fk_name in self.version_rows:
            then = {row.pk: row for row in model.history.as_of(when).filter(**{f"{fk_name}_id": obj.pk})}
            for row in model.objects.filter(**{fk_name: obj}):
                if row.pk not in then:
                    row._history_user = request.user
                    row.delete()
            for row in then.values():
                row._history_user = request.user
                try:
                    with transaction.atomic():
                        row.save()
                except IntegrityError:  # what it refers to was deleted since
                    skipped += 1
                else:
                    restored += 1
        return restored, skipped


class VersionInitial:
    """A change form mixin (see ``VersionedAdmin.get_form``): start from the version's many-to-many values."""

    version_initial: dict[str, list[int]] = {}

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {**self.version_initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


def without(fields, names) -> list:
    """A fieldset's fields less ``names`` (fields may be grouped in tuples on one line)."""
    kept = []
    for field in fields:
        if isinstance(field, (list, tuple)):
            group = tuple(f for f in field if f not in names)
            if group:
                kept.append(group)
        elif field not in names:
            kept.append(field)
    return kept
