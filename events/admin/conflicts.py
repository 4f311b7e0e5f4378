"""Edit conflicts: each change form carries the version it was read at; a save against a newer one is refused.

The version is the id of the record's newest history entry when the form was
rendered. Every save of a record takes a history entry (the admin, workflow
moves, merging, restoring), so "a newer entry exists" means exactly "someone
saved since", with no counter column to keep in step; and the entries in
between say who changed what and when, which the refusal shows. The check runs
inside the save's transaction under a lock on the record's row, so of two
saves of the same version only the first passes.

A refused form comes back with the editor's values. Fields they left alone
that someone else changed now show the new value; fields they changed keep
theirs (flagged when both changed); inline rows likewise. The form then
carries the newest version, so saving again applies their changes over it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db import models, router, transaction
from django.forms.formsets import BaseFormSet
from django.http import HttpRequest, HttpResponseRedirect, QueryDict
from django.utils import timezone
from django.utils.dateformat import format as format_date

from .base import AdminBase

# A model with django-simple-history's ``history`` manager, or one of its entries:
# the library ships no types, so to mypy these are Any.
Versioned = Any
HistoryEntry = Any

READ_VERSION = "read_version"
# Bookkeeping that every save changes: not worth showing as a change.
UNSHOWN = {"created_at", "updated_at"}


class VersionedForm(forms.ModelForm):
    """A change form that knows the version it was read at (``read_version``, hidden).

    ``edit_conflict`` is set by ``EditConflictAdmin.get_form`` when the record
    changed since; the form is then refused with one error at the top.
    """

    read_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    edit_conflict: EditConflict | None = None

    def clean(self):
        cleaned = super().clean()
        if self.edit_conflict is not None:
            self.add_error(None, self.edit_conflict.message())
        return cleaned


@dataclass
class FieldChange:
    """One field someone else changed since the form was read."""

    label: str
    then: str
    now: str
    by: str
    at: datetime.datetime
    yours: str | None = None  # the editor's value, when they changed it too


@dataclass
class EditConflict:
    """What changed in a record between the version a form was read at and now."""

    noun: str
    read: HistoryEntry | None  # the history entry read; None when the form did not say
    newer: list = field(default_factory=list)  # the entries since, oldest first
    fields: list[FieldChange] = field(default_factory=list)
    rows: list[tuple[str, HistoryEntry]] = field(default_factory=list)  # inline rows changed since
    latest_version: int = 0

    @property
    def authors(self) -> str:
        names = dict.fromkeys(str(entry.history_user or "someone") for entry in self.newer)
        return ", ".join(names) or "someone"

    @property
    def last_saved(self) -> datetime.datetime | None:
        return self.newer[-1].history_date if self.newer else None

    def summary(self) -> str:
        """One line: who saved it since, when, and which fields."""
        if self.read is None:
            return f"This form does not say which version of the {self.noun} it shows."
        when = format_date(timezone.localtime(self.last_saved), "j F Y, H:i:s") if self.last_saved else ""
        changed = ", ".join(change.label for change in self.fields)
        what = f" (changed: {changed})" if changed else ""
        return f"{self.authors} saved this {self.noun} since you opened it, last at {when}{what}."

    def message(self) -> str:
        both = [change.label for change in self.fields if change.yours is not None]
        kept = (
            f" You and they both changed {', '.join(both)}: the form keeps your value; check it."
            if both
            else ""
        )
        return (
            f"Not saved: {self.summary()} Your changes are still in the form below, and fields you "
            f"left alone now show their new values.{kept} Save again to apply your changes to the "
            "newest version."
        )


def latest_version(model: Versioned, pk) -> int:
    """The id of the record's newest history entry, 0 if it has none."""
    entries = model.history.filter(**{model._meta.pk.attname: pk})
    return entries.aggregate(latest=models.Max("history_id"))["latest"] or 0


def tracked_fields(model: Versioned) -> list[models.Field]:
    """The fields the record's history keeps, many-to-many ones included."""
    history = model.history.model
    kept = {f.name for f in history._meta.fields}
    m2m = {f.name for f in getattr(history, "_history_m2m_fields", [])}
    return [
        f
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if (f.name in kept or f.name in m2m) and f.name not in UNSHOWN and not f.primary_key
    ]


def entry_value(entry: HistoryEntry, model_field: models.Field):
    """A field's value in a history entry, as a form's initial data holds it (pks for relations)."""
    if model_field.many_to_many:
        target = related_model(model_field)._meta.model_name
        return sorted(getattr(row, f"{target}_id") for row in getattr(entry, model_field.name).all())
    return model_field.value_from_object(entry.instance)


def related_model(model_field: models.Field) -> Any:
    """The model a relation field points at."""
    return model_field.related_model


def comparable(value):
    """A value reduced to what equality should see (a Country is its code, objects their pk)."""
    if isinstance(value, list | tuple | models.QuerySet):
        return sorted((comparable(item) for item in value), key=str)
    if isinstance(value, models.Model):
        return value.pk
    return getattr(value, "code", value)


def shown(model_field: models.Field, value) -> str:
    """A value as an editor reads it: names, not ids; labels, not codes."""
    many = isinstance(value, list | tuple | models.QuerySet)
    if value is None or value == "" or (many and not len(value)):
        return "—"
    if model_field.is_relation:
        ids = [comparable(item) for item in value] if many else [comparable(value)]
        names = {o.pk: str(o) for o in related_model(model_field)._default_manager.filter(pk__in=ids)}
        return ", ".join(sorted(names.get(pk, f"a deleted record (#{pk})") for pk in ids))
    if many:
        return ", ".join(shown(model_field, item) for item in value)
    if hasattr(value, "code") and hasattr(value, "name"):  # a country
        return str(value.name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return format_date(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return format_date(value, "j F Y")
    return str(value)


def field_data(form: forms.BaseForm, name: str, value) -> dict[str, list[str]]:
    """What a browser would submit for ``form``'s field ``name`` showing ``value`` (initial data)."""
    form_field = form.fields[name]
    widget = form_field.widget
    while isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    html_name = form.add_prefix(name)
    prepared = form_field.prepare_value(value)
    if isinstance(widget, forms.CheckboxInput):
        return {html_name: ["on"] if widget.check_test(prepared) else []}
    if getattr(widget, "allow_multiple_selected", False):
        return {html_name: [str(comparable(item)) for item in prepared or []]}
    formatted = widget.format_value(prepared)
    if isinstance(formatted, list):  # a select's chosen values
        formatted = formatted[0] if formatted else ""
    return {html_name: ["" if formatted is None else str(formatted)]}


def editor_changed(form: forms.BaseForm, name: str, then) -> bool:
    """Whether the submitted value of ``name`` differs from ``then``, the value the editor was shown."""
    bound = form[name]
    return bound.field.has_changed(then, bound.data)


def submitted(form: forms.BaseForm, name: str):
    """The editor's value of ``name`` as a Python value, or the raw text if it is not valid."""
    bound = form[name]
    try:
        return bound.field.clean(bound.data)
    except forms.ValidationError:
        return bound.data


class EditConflictAdmin(AdminBase):
    """For a ModelAdmin of a record with history: the version check on its change form and workflow moves."""

    version_rows: list[tuple[Versioned, str]] = []

    def checks_versions(self, request, obj) -> bool:
        return (
            obj is not None
            and getattr(request, "restoring_version", None) is None
            and self.has_change_permission(request, obj)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets: list[tuple[Any, dict[str, Any]]] = [
            (name, dict(options, fields=[f for f in options["fields"] if f != READ_VERSION]))
            for name, options in super().get_fieldsets(request, obj)
        ]
        if self.checks_versions(request, obj):
            name, options = fieldsets[0]
            fieldsets[0] = (name, dict(options, fields=list(options["fields"]) + [READ_VERSION]))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = cast(type[VersionedForm], super().get_form(request, obj, change, **kwargs))
        form.edit_conflict = getattr(request, "edit_conflict", None)
        if obj is not None and READ_VERSION in form.base_fields:
            form.base_fields[READ_VERSION].initial = latest_version(self.model, obj.pk)
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST" or object_id is None or getattr(request, "restoring_version", None):
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic(using=router.db_for_write(self.model)):
            obj = self.locked(object_id)
            if obj is not None and self.lost_the_right_to_change(request, obj):
                return self.refuse_read_only(request, obj)
            if obj is not None and self.checks_versions(request, obj):
                conflict = self.edit_conflict(request, obj, request.POST.get(READ_VERSION))
                if conflict is not None:
                    request.edit_conflict = conflict
                    request.POST = self.merged_data(request, obj, conflict)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def lost_the_right_to_change(self, request, obj) -> bool:
        """Whether the record changed since the form was read so that this user may no longer change it."""
        return (
            not self.has_change_permission(request, obj)
            and self.has_view_permission(request, obj)
            and READ_VERSION in request.POST
            and self.edit_conflict(request, obj, request.POST.get(READ_VERSION)) is not None
        )

    def refuse_read_only(self, request, obj) -> HttpResponseRedirect:
        """Say what changed, and give the editor back what they typed, in a message they can copy."""
        conflict = self.edit_conflict(request, obj, request.POST[READ_VERSION])
        if conflict is None:  # saved back meanwhile: nothing to say
            return HttpResponseRedirect(request.path)
        # The form as it was when they could still change the record.
        editable = {f.name for f in self.model._meta.get_fields() if getattr(f, "editable", False)}
        names = [name for name in flatten_fieldsets(self.get_fieldsets(request, obj)) if name in editable]
        callback: Any = partial(self.formfield_for_dbfield, request=request)
        form_class = forms.modelform_factory(self.model, fields=names, formfield_callback=callback)
        form = form_class(request.POST, instance=obj)
        theirs = [
            f"{form[name].label}: “{shown(f, submitted(form, name))}”"
            for f in tracked_fields(self.model)
            for name in [f.name]
            if name in form.fields and conflict.read is not None
            and editor_changed(form, name, entry_value(conflict.read, f))
        ]  # fmt: skip
        kept = f" What you had typed: {'; '.join(theirs)}." if theirs else ""
        self.message_user(
            request,
            f"Not saved: {conflict.summary()} You may no longer change it.{kept}",
            messages.ERROR,
        )
        return HttpResponseRedirect(request.path)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["edit_conflict"] = getattr(request, "edit_conflict", None)
        if obj is not None:
            context["read_version"] = latest_version(self.model, obj.pk)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def locked(self, object_id):
        """The record, its row locked until the transaction ends (None if it is gone)."""
        return self.model._default_manager.select_for_update().filter(pk=unquote(object_id)).first()

    def stale(self, request, obj) -> EditConflict | None:
        """For a workflow button: what changed since the page was read, if anything (call under lock)."""
        return self.edit_conflict(request, obj, request.POST.get(READ_VERSION))

    def refuse_stale_move(self, request, conflict: EditConflict) -> None:
        self.message_user(
            request,
            f"Nothing was done: {conflict.summary()} The form below shows it as it is now.",
            messages.ERROR,
        )

    def edit_conflict(self, request, obj, read_version: str | None) -> EditConflict | None:
        """What changed since ``read_version``; None when nothing did."""
        latest = latest_version(self.model, obj.pk)
        read_id = int(read_version) if read_version and read_version.isdigit() else None
        if read_id == latest:
            return None
        history = self.model.history.filter(**{self.opts.pk.attname: obj.pk}).select_related("history_user")
        read = history.filter(history_id=read_id).first() if read_id is not None else None
        conflict = EditConflict(str(self.opts.verbose_name), read, latest_version=latest)
        if read is None:
            return conflict
        conflict.newer = list(history.filter(history_id__gt=read.history_id).order_by("history_id"))
        if not conflict.newer:  # a version from the future: not one this record had
            conflict.read = None
            return conflict
        form = self.submitted_form(request, obj)
        tracked = tracked_fields(self.model)
        before = {f.name: entry_value(read, f) for f in tracked}
        last_change: dict[str, HistoryEntry] = {}
        values = before
        for entry in conflict.newer:
            newer = {f.name: entry_value(entry, f) for f in tracked}
            for name, value in newer.items():
                if comparable(value) != comparable(values[name]):
                    last_change[name] = entry
            values = newer
        for model_field in tracked:
            name = model_field.name
            if comparable(values[name]) == comparable(before[name]):
                continue
            entry = last_change[name]
            change = FieldChange(
                label=str(model_field.verbose_name),
                then=shown(model_field, before[name]),
                now=shown(model_field, values[name]),
                by=str(entry.history_user or "someone"),
                at=entry.history_date,
            )
            if form is not None and name in form.fields and editor_changed(form, name, before[name]):
                change.yours = shown(model_field, submitted(form, name))
            conflict.fields.append(change)
        for model, fk_name in self.version_rows:
            # A row is called what its inline calls it ("participant", not "participation").
            names = [inline.verbose_name for inline in self.inlines if inline.model is model]
            noun = str(names[0] if names and names[0] else model._meta.verbose_name)
            rows = model.history.filter(**{f"{fk_name}_id": obj.pk, "history_date__gt": read.history_date})
            conflict.rows += [
                (noun, row) for row in rows.select_related("history_user").order_by("history_date")
            ]
        return conflict

    def submitted_form(self, request, obj) -> forms.BaseForm:
        form_class = self.get_form(request, obj, change=True)
        return form_class(request.POST, request.FILES, instance=obj)

    def merged_data(self, request, obj, conflict: EditConflict) -> QueryDict:
        """The submitted data, with the newer values of what the editor left alone, and the newest version."""
        data = request.POST.copy()
        data[READ_VERSION] = str(conflict.latest_version)
        if conflict.read is None:
            return data
        form = self.submitted_form(request, obj)
        for model_field in tracked_fields(self.model):
            name = model_field.name
            if name not in form.fields or not model_field.editable:
                continue
            then, now = entry_value(conflict.read, model_field), form.initial.get(name)
            if comparable(then) != comparable(now) and not editor_changed(form, name, then):
                data.setlist(name, [])
                for key, values in field_data(form, name, now).items():
                    data.setlist(key, values)
        for formset in self.submitted_formsets(request, obj):
            self.merge_rows(formset, data, conflict.read.history_date)
        return data

    def submitted_formsets(self, request: HttpRequest, obj) -> list[BaseFormSet]:
        # ModelAdmin._create_formsets is private, so django-stubs does not declare it.
        formsets, _ = self._create_formsets(request, obj, change=True)  # type: ignore[attr-defined]
        return formsets

    def merge_rows(self, formset: Any, data: QueryDict, read_at: datetime.datetime) -> None:
        """In each inline row the editor left alone, the row's newer values."""
        model: Versioned = formset.model
        if not hasattr(model, "history"):
            return
        fields = {f.name: f for f in tracked_fields(model)}
        for row_form in formset.initial_forms:
            row = row_form.instance
            if row.pk is None or row_form[formset.model._meta.pk.name].data in (None, ""):
                continue
            then = (
                model.history.filter(**{model._meta.pk.attname: row.pk, "history_date__lte": read_at})
                .order_by("-history_date", "-history_id")
                .first()
            )
            if then is None:
                continue
            for name, model_field in fields.items():
                if name not in row_form.fields or name == formset.fk.name or not model_field.editable:
                    continue
                before, now = entry_value(then, model_field), row_form.initial.get(name)
                if comparable(before) != comparable(now) and not editor_changed(row_form, name, before):
                    for key, values in field_data(row_form, name, now).items():
                        data.setlist(key, values)
