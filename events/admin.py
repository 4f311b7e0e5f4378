"""The editors' admin: fast, correct entry of meetings with their sources.

Beyond Django's admin it gives editors: the publishing workflow (actions and
buttons, limited by role), the full history of every record with restore
(django-simple-history), a warning before saving a likely duplicate meeting,
merging duplicates, drafting a meeting from a news article (``intake``), and
CSV import with a preview (django-import-export, see ``imports``).
"""

from __future__ import annotations

import itertools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NestedObjects, quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, router, transaction
from django.db.models import Count
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django_countries.filters import CountryFilter
from import_export.admin import ImportMixin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange, ModelDelta
from simple_history.utils import get_m2m_reverse_field_name

from . import intake
from .deletion import links_to
from .history import record_version
from .imports import MeetingResource
from .merging import merge_meeting
from .models import (
    TRANSITIONS,
    Delegation,
    Meeting,
    MeetingOrganisation,
    Organisation,
    OrganisationName,
    Outcome,
    Participation,
    Person,
    PersonName,
    Position,
    Source,
    Status,
    Topic,
)

admin.site.site_header = "Mine Action Cooperation Timeline"
admin.site.site_title = "Mine Action Cooperation Timeline admin"
admin.site.index_title = "Records"


def admin_change_url(obj) -> str:
    return reverse(f"admin:events_{obj._meta.model_name}_change", args=[quote(obj.pk)])


class ExplainWhatBlocksDeletion:
    """The delete page lists every record that stands in the way, each with a link to where it is edited.

    Django lists the records a PROTECT foreign key guards, but an inline row
    such as "ANAMA (participant)" without its meeting; the models also refuse
    to drop records that others list in a many-to-many field (``links_to``),
    which Django would not list at all.
    """

    # Rows edited on another record's form, and the field that leads to it.
    edited_on = {
        MeetingOrganisation: "meeting",
        Participation: "meeting",
        Outcome: "meeting",
        Position: "person",
    }

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        links = [link for obj in objs for link in links_to(obj)]
        if protected or links:
            collector = NestedObjects(using=router.db_for_write(self.model))
            collector.collect(objs)
            blocking = sorted(collector.protected, key=str)
            protected = [self.blocking_record_html(record) for record in blocking]
            protected += [self.blocking_record_html(other, field) for other, field in links]
        return deleted, model_count, perms_needed, protected

    def blocking_record_html(self, record, listed_in=None) -> str:
        field = self.edited_on.get(type(record))
        page = getattr(record, field) if field else record
        url = reverse(f"admin:{page._meta.app_label}_{page._meta.model_name}_change", args=[quote(page.pk)])
        listing = format_html(" lists it under “{}”", listed_in.verbose_name) if listed_in else ""
        link = format_html('{} <a href="{}">{}</a>', capfirst(page._meta.verbose_name), url, page)
        if page is record:
            return format_html("{}{}", link, listing)
        return format_html("{}: {} “{}”{}", link, record._meta.verbose_name, record, listing)


class DateHierarchyChangeList(ChangeList):
    """A change list that treats an impossible year in the address as a bad filter, not a crash.

    Django 5.2 fails with a server error on ``?start_date__year=9999`` or a
    year too large for a number (ticket #37357, fixed in a later Django).
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class SafeDateHierarchy:
    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList


class HistoryAdmin(SimpleHistoryAdmin):
    """Every record's admin: its history page lists who changed what and when, and restores."""

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

    version_rows: list[tuple[type, str]] = []
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

        class RestoringForm(form):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
                super().__init__(*args, **kwargs)

        return RestoringForm

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


class RefusedDeletionsMixin:
    """Bulk deletes obey the same per-record rule as the delete button.

    Django's "delete selected" action asks ``has_delete_permission`` without
    a record; we list each record that may not go as "protected", which makes
    the confirmation page refuse the whole deletion and say why.
    """

    def deletion_refused(self, request, obj) -> str:
        """Why ``obj`` may not be deleted by this user, or an empty string."""
        return ""

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj is not None and self.deletion_refused(request, obj)
        )

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        refused = [(obj, self.deletion_refused(request, obj)) for obj in objs]
        refused = [(obj, reason) for obj, reason in refused if reason]
        if refused and super().has_delete_permission(request):
            # Say why each one may not go, rather than "no permission to delete meetings".
            perms_needed.discard(self.opts.verbose_name)
        protected.extend(format_html("{}: {}", obj, reason) for obj, reason in refused)
        return to_delete, model_count, perms_needed, protected


class OrganisationNameInline(admin.TabularInline):
    model = OrganisationName
    extra = 1
    verbose_name = "other name"
    verbose_name_plural = "other names (aliases, former names, transliterations, variant spellings)"


class AttachToMeetingMixin:
    """Records created from an article's "create" links attach themselves to the draft.

    Intake links to the add form with ``?for_meeting=<id>`` (organisations) or
    ``?for_participation=<id>`` (people); the admin keeps the query string
    when it posts the form, so after saving we link the new record and go
    back to the meeting.
    """

    def attach(self, request, obj) -> Meeting | None:
        raise NotImplementedError

    def response_add(self, request, obj, post_url_continue=None):
        if "_popup" not in request.POST and "_continue" not in request.POST:
            meeting = self.attach(request, obj)
            if meeting is not None:
                meeting.refresh_search_document()
                self.message_user(
                    request,
                    format_html("Added “{}” to the draft “{}”.", obj, meeting.title),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(admin_change_url(meeting))
        return super().response_add(request, obj, post_url_continue)

    def editable_meeting(self, request, meeting_id: str | None) -> Meeting | None:
        if not meeting_id or not meeting_id.isdigit():
            return None
        meeting = Meeting.objects.filter(pk=meeting_id).first()
        meeting_admin = self.admin_site.get_model_admin(Meeting)
        if meeting is None or not meeting_admin.has_change_permission(request, meeting):
            return None
        return meeting


@admin.register(Organisation)
class OrganisationAdmin(AttachToMeetingMixin, ExplainWhatBlocksDeletion, VersionedAdmin):
    list_display = ["name", "acronym", "kind", "country", "parent"]
    list_filter = ["kind", ("country", CountryFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "acronym", "other_names__name"]
    prepopulated_fields = {"slug": ["acronym", "name"]}
    autocomplete_fields = ["parent"]
    inlines = [OrganisationNameInline]
    version_rows = [(OrganisationName, "organisation")]
    show_facets = admin.ShowFacets.ALWAYS
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "kind", "country", "parent"]}),
        ("More", {"fields": ["website", "description"]}),
    ]

    def attach(self, request, organisation):
        meeting = self.editable_meeting(request, request.GET.get("for_meeting"))
        if meeting is None:
            return None
        role = request.GET.get("role")
        role = role if role in MeetingOrganisation.Role.values else MeetingOrganisation.Role.PARTICIPANT
        MeetingOrganisation.objects.get_or_create(
            meeting=meeting, organisation=organisation, defaults={"role": role}
        )
        return meeting


class PersonNameInline(admin.TabularInline):
    model = PersonName
    extra = 1
    verbose_name = "other name"
    verbose_name_plural = "other names (transliterations and variant spellings)"


class PositionInline(admin.TabularInline):
    model = Position
    extra = 1
    autocomplete_fields = ["organisation"]


@admin.register(Person)
class PersonAdmin(AttachToMeetingMixin, ExplainWhatBlocksDeletion, VersionedAdmin):
    list_display = ["name", "honorific", "current_position"]
    search_fields = ["name", "other_names__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PersonNameInline, PositionInline]
    version_rows = [(PersonName, "person"), (Position, "person")]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("positions__organisation")

    @admin.display(description="position")
    def current_position(self, person: Person) -> str:
        positions = list(person.positions.all())
        return str(positions[0]) if positions else ""

    def attach(self, request, person):
        participation_id = request.GET.get("for_participation", "")
        participation = (
            Participation.objects.filter(pk=participation_id).first() if participation_id else None
        )
        if participation is None or participation.person_id is not None:
            return None
        meeting = self.editable_meeting(request, str(participation.meeting_id))
        if meeting is None:
            return None
        participation.person = person
        participation.save(update_fields=["person"])
        return meeting


@admin.register(Topic)
class TopicAdmin(ExplainWhatBlocksDeletion, HistoryAdmin):
    list_display = ["name", "parent", "meeting_count"]
    list_select_related = ["parent"]
    search_fields = ["name", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(meeting_count=Count("meetings"))

    @admin.display(description="meetings", ordering="meeting_count")
    def meeting_count(self, topic: Topic) -> int:
        return topic.meeting_count


@admin.register(Source)
class SourceAdmin(ExplainWhatBlocksDeletion, SafeDateHierarchy, HistoryAdmin):
    list_display = ["publisher", "title", "published_on", "language", "url"]
    list_filter = ["language"]
    search_fields = ["url", "title", "publisher", "republished_by", "author"]
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["url", "title", "publisher", "republished_by", "author", "language"]}),
        ("Dates", {"fields": [("published_on", "published_precision"), "accessed_on"]}),
        (None, {"fields": ["note"]}),
    ]


# --- The publishing workflow -------------------------------------------------


class WorkflowForm(forms.ModelForm):
    """Status moves in the change form follow the same rules as the actions.

    ``user`` is set by ``WorkflowAdminMixin.get_form``. The status choices
    offered are only the moves this user may make; publishing also needs at
    least one source among the sources being saved.
    """

    user = None

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status is None or "status" not in self.fields:
            return cleaned
        before = self.instance.status if self.instance.pk else Status.DRAFT
        if status != before and (
            status not in TRANSITIONS.get(before, set()) or not self.instance.can_move_to(self.user, status)
        ):
            self.add_error("status", f"You may not make this record {Status(status).label.lower()}.")
        if status == Status.PUBLISHED and "sources" in cleaned and not cleaned["sources"]:
            noun = self._meta.model._meta.verbose_name
            self.add_error("sources", f"A {noun} cannot be published without at least one source.")
        if status == Status.PUBLISHED and getattr(self.instance, "merged_into_id", None):
            self.add_error("status", "This meeting was merged into another; publish that one instead.")
        return cleaned


class WorkflowAdminMixin(RefusedDeletionsMixin):
    """Draft → in review → published (→ withdrawn), for meetings and delegations.

    Editors create and change drafts and records in review, submit them and
    take them back; published and withdrawn records are read-only to them.
    Publishers may also publish, withdraw and reopen. Nobody deletes a
    published record (withdraw it), and editors delete only drafts.
    """

    form = WorkflowForm
    change_form_template = "admin/events/workflow_change_form.html"
    actions = ["submit_for_review", "return_to_draft", "publish", "withdraw"]
    publication_fields = ["published_at", "published_by"]

    def may_publish(self, request) -> bool:
        return request.user.has_perm(f"events.publish_{self.opts.model_name}")

    def has_publish_permission(self, request) -> bool:
        return self.may_publish(request)

    def has_withdraw_permission(self, request) -> bool:
        return request.user.has_perm(f"events.withdraw_{self.opts.model_name}")

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is not None and obj.status in (Status.PUBLISHED, Status.WITHDRAWN):
            return self.may_publish(request)
        return True

    def deletion_refused(self, request, obj):
        if obj.status == Status.PUBLISHED:
            return "published: withdraw it first"
        if obj.status != Status.DRAFT and not self.may_publish(request):
            return "editors may delete drafts only"
        return ""

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.publication_fields]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:  # nothing to say about publication before the record exists
            fieldsets = [(name, options) for name, options in fieldsets if name != "Publication"]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        status = form.base_fields.get("status")
        if status is not None:
            record = obj if obj is not None else self.model()
            status.choices = [
                (value, label) for value, label in Status.choices if record.can_move_to(request.user, value)
            ]
        return form

    def save_model(self, request, obj, form, change):
        before = form.initial.get("status", Status.DRAFT) if change else Status.DRAFT
        if obj.status == Status.PUBLISHED and before != Status.PUBLISHED:
            obj.published_at, obj.published_by = timezone.now(), request.user
        super().save_model(request, obj, form, change)

    def move(self, request, records, status: str) -> None:
        done, verb = [], Status(status).label.lower()
        for record in records:
            try:
                with transaction.atomic():
                    record.move_to(status, request.user)
            except (ValidationError, PermissionDenied) as error:
                reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"“{record}” was not made {verb}: {reason}", messages.ERROR)
            else:
                done.append(record)
        if done:
            noun = self.opts.verbose_name if len(done) == 1 else self.opts.verbose_name_plural
            self.message_user(request, f"{len(done)} {noun} now {verb}.", messages.SUCCESS)

    @admin.action(description="Submit for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self.move(request, queryset, Status.IN_REVIEW)

    @admin.action(description="Return to draft", permissions=["change"])
    def return_to_draft(self, request, queryset):
        self.move(request, queryset, Status.DRAFT)

    @admin.action(description="Publish", permissions=["publish"])
    def publish(self, request, queryset):
        self.move(request, queryset, Status.PUBLISHED)

    @admin.action(description="Withdraw (keep, but hide from readers)", permissions=["withdraw"])
    def withdraw(self, request, queryset):
        self.move(request, queryset, Status.WITHDRAWN)

    # The buttons on the change form post here, one move at a time.
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/move/<str:status>/",
                self.admin_site.admin_view(self.move_view),
                name="{}_{}_move".format(*info),
            ),
            *super().get_urls(),
        ]

    def move_view(self, request, object_id, status):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        record = get_object_or_404(self.get_queryset(request), pk=object_id)
        if status not in Status.values or not self.has_view_permission(request, record):
            raise PermissionDenied
        self.move(request, [record], status)
        return HttpResponseRedirect(admin_change_url(record))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        moves = []
        if obj is not None:
            labels = {
                Status.IN_REVIEW: "Submit for review",
                Status.DRAFT: "Return to draft",
                Status.PUBLISHED: "Publish",
                Status.WITHDRAWN: "Withdraw",
            }
            for status in sorted(TRANSITIONS.get(obj.status, ()), key=list(Status.values).index):
                if obj.can_move_to(request.user, status):
                    url = reverse(f"admin:events_{self.opts.model_name}_move", args=[quote(obj.pk), status])
                    moves.append({"url": url, "label": labels[status]})
        context["workflow_moves"] = moves
        return super().render_change_form(request, context, add, change, form_url, obj)


class MeetingInDelegationInline(admin.TabularInline):
    """The delegation's meetings, listed in date order, each linking to its form."""

    model = Meeting
    fields = ["start_date", "title", "kind", "country", "status"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False
    ordering = ["start_date", "pk"]
    verbose_name_plural = "meetings on this trip (add them from the meeting form)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delegation)
class DelegationAdmin(WorkflowAdminMixin, SafeDateHierarchy, VersionedAdmin):
    list_display = ["title", "sending_country", "start_date", "end_date", "status", "meeting_count"]
    list_filter = ["status", ("sending_country", CountryFilter)]
    search_fields = [
        "title",
        "purpose",
        "head__name",
        "sending_organisations__name",
        "sending_organisations__acronym",
    ]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["head", "members", "sending_organisations", "sources"]
    date_hierarchy = "start_date"
    inlines = [MeetingInDelegationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status"]}),
        ("Who", {"fields": ["sending_country", "sending_organisations", "head", "members"]}),
        ("Where and when", {"fields": ["destination_countries", ("start_date", "end_date")]}),
        (None, {"fields": ["purpose", "sources"]}),
        ("Publication", {"fields": [("published_at", "published_by")]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(meeting_count=Count("meetings"))

    @admin.display(description="meetings", ordering="meeting_count")
    def meeting_count(self, delegation: Delegation) -> int:
        return delegation.meeting_count


class MeetingOrganisationInline(admin.TabularInline):
    model = MeetingOrganisation
    extra = 3
    autocomplete_fields = ["organisation"]
    verbose_name = "organisation"
    verbose_name_plural = "organisations (host, organiser, visiting delegation, participants…)"


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 2
    fields = ["name_as_written", "person", "organisation", "title_as_stated", "role", "order"]
    autocomplete_fields = ["person", "organisation"]
    verbose_name = "participant"
    verbose_name_plural = "participants (as the source names them; link a known person when sure)"


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 1
    autocomplete_fields = ["parties"]


class MeetingForm(WorkflowForm):
    """The meeting form, which asks before saving a likely duplicate (it never refuses one)."""

    not_a_duplicate = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="I have checked: this is not a duplicate",
        help_text="Tick this only after opening the meetings listed above.",
    )

    class Meta:
        model = Meeting
        fields = [
            "title", "slug", "kind", "status", "start_date", "end_date", "date_precision",
            "date_as_reported", "country", "city", "delegation", "follow_up_of", "topics", "summary",
            "editorial_note", "sources",
        ]  # fmt: skip

    def submitted_organisation_ids(self) -> set[int]:
        """The organisations in the submitted inline rows (not saved yet when the form is cleaned)."""
        prefix = "organisation_roles"
        if f"{prefix}-TOTAL_FORMS" not in self.data:
            # A form without the inline (restoring an old version): the saved ones.
            if self.instance.pk is None:
                return set()
            return set(self.instance.organisation_roles.values_list("organisation_id", flat=True))
        ids = set()
        try:
            total = int(self.data[f"{prefix}-TOTAL_FORMS"])
        except ValueError:
            return ids
        for number in range(min(total, 1000)):
            value = self.data.get(f"{prefix}-{number}-organisation", "")
            if value.isdigit() and not self.data.get(f"{prefix}-{number}-DELETE"):
                ids.add(int(value))
        return ids

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("not_a_duplicate") or not cleaned.get("start_date"):
            return cleaned
        organisation_ids = self.submitted_organisation_ids()
        sources = list(cleaned.get("sources") or [])
        if self.instance.pk and not self.has_changed_for_duplicates(organisation_ids, sources):
            return cleaned
        country = cleaned.get("country")
        candidates = Meeting.objects.likely_duplicates(
            start_date=cleaned["start_date"],
            end_date=cleaned.get("end_date"),
            country=str(country) if country else "",
            organisation_ids=organisation_ids,
            source_ids=[source.pk for source in sources],
            delegation_id=cleaned["delegation"].pk if cleaned.get("delegation") else None,
            exclude_pk=self.instance.pk,
        )
        if candidates:
            self.fields["not_a_duplicate"].widget = forms.CheckboxInput()
            raise ValidationError(duplicate_warning(candidates), code="likely_duplicate")
        return cleaned

    def has_changed_for_duplicates(self, organisation_ids: set[int], sources: list[Source]) -> bool:
        """Whether anything the duplicate check looks at differs from the saved meeting (queries)."""
        fields = {"start_date", "end_date", "country", "delegation"}
        if fields & set(self.changed_data):
            return True
        saved_organisations = set(self.instance.organisation_roles.values_list("organisation_id", flat=True))
        saved_sources = set(self.instance.sources.values_list("pk", flat=True))
        return saved_organisations != organisation_ids or saved_sources != {s.pk for s in sources}


def duplicate_warning(candidates) -> str:
    items = format_html_join(
        "",
        '<li><a href="{}" target="_blank">{}</a> ({}, {}) — {}</li>',
        (
            (
                admin_change_url(c.meeting),
                c.meeting.title,
                c.meeting.date_display,
                c.meeting.get_status_display().lower(),
                "; ".join(c.reasons),
            )
            for c in candidates
        ),
    )
    return format_html(
        "This may be a meeting that is already recorded:<ul>{}</ul>Open them to check. If it is the same "
        "meeting, add what is new to that one (or save this and merge it with “Merge into…”). If it is "
        "not, tick “I have checked: this is not a duplicate” and save again.",
        items,
    )


@admin.register(Meeting)
class MeetingAdmin(ImportMixin, WorkflowAdminMixin, SafeDateHierarchy, VersionedAdmin):
    form = MeetingForm
    resource_classes = [MeetingResource]
    change_list_template = "admin/events/meeting/change_list.html"
    list_display = ["title", "date_display", "kind", "country", "status", "delegation"]
    list_filter = ["status", "kind", ("country", CountryFilter), "topics", "date_precision"]
    list_select_related = ["delegation"]
    search_fields = [
        "title",
        "summary",
        "city",
        "organisations__name",
        "organisations__acronym",
        "organisations__other_names__name",
        "participations__name_as_written",
    ]
    search_help_text = "Search titles, summaries, places, organisations (by any name) and participants."
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["delegation", "topics", "sources", "follow_up_of"]
    inlines = [MeetingOrganisationInline, ParticipationInline, OutcomeInline]
    version_rows = [(MeetingOrganisation, "meeting"), (Participation, "meeting"), (Outcome, "meeting")]
    show_facets = admin.ShowFacets.ALWAYS
    save_on_top = True
    actions = [*WorkflowAdminMixin.actions, "merge_meetings"]
    publication_fields = ["published_at", "published_by", "merged_into"]
    fieldsets = [
        (None, {"fields": ["not_a_duplicate", "title", "slug", "kind", "status"]}),
        (
            "When",
            {"fields": [("start_date", "end_date"), "date_precision", "date_as_reported"]},
        ),
        ("Where", {"fields": [("country", "city")]}),
        ("Context", {"fields": ["delegation", "follow_up_of", "topics"]}),
        ("What happened", {"fields": ["summary", "editorial_note"]}),
        ("Sources", {"fields": ["sources"]}),
        ("Publication", {"fields": [("published_at", "published_by"), "merged_into"]}),
    ]

    @admin.display(description="date", ordering="start_date")
    def date_display(self, meeting: Meeting) -> str:
        return meeting.date_display

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # A read-only view has no duplicate question to ask.
            first = dict(
                fieldsets[0][1], fields=[f for f in fieldsets[0][1]["fields"] if f != "not_a_duplicate"]
            )
            fieldsets = [(fieldsets[0][0], first), *fieldsets[1:]]
        return fieldsets

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_search_document()

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if getattr(request, "restoring_version", None) is not None:
            obj.refresh_search_document()
        return response

    def has_merge_permission(self, request) -> bool:
        return request.user.has_perm("events.merge_meeting")

    @admin.action(description="Merge into… (choose the meeting to keep)", permissions=["merge"])
    def merge_meetings(self, request, queryset):
        meetings = list(
            queryset.filter(merged_into__isnull=True)
            .annotate(participant_count=Count("participations", distinct=True))
            .prefetch_related("sources", "organisation_roles__organisation")
        )
        if len(meetings) < 2:
            self.message_user(request, "Select two or more meetings to merge.", messages.WARNING)
            return None
        keep_id = request.POST.get("keep", "")
        if "confirm" in request.POST and keep_id.isdigit():
            target = next((m for m in meetings if m.pk == int(keep_id)), None)
            if target is None:
                raise PermissionDenied
            merged = []
            for meeting in meetings:
                if meeting.pk == target.pk:
                    continue
                try:
                    merge_meeting(meeting, target, request.user)
                except (ValidationError, PermissionDenied) as error:
                    self.message_user(request, f"“{meeting.title}” was not merged: {error}", messages.ERROR)
                else:
                    merged.append(meeting)
            if merged:
                note = (
                    ""
                    if target.is_published
                    else " It is not published yet: the old addresses redirect once it is."
                )
                self.message_user(
                    request,
                    format_html(
                        'Merged {} into <a href="{}">{}</a>; the old addresses now redirect to it.{}',
                        ", ".join(f"“{m.title}”" for m in merged),
                        admin_change_url(target),
                        target.title,
                        note,
                    ),
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge duplicate meetings",
            "opts": self.opts,
            "meetings": meetings,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/events/meeting/merge.html", context)

    # --- CSV import: a preview first, then all rows or none ----------------

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.setdefault("rollback_on_validation_errors", True)
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between the preview and the confirmation.
            self.message_user(
                request,
                "Nothing was imported: some rows have errors. Upload the file again to see them.",
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:events_meeting_import"))
        return super().process_result(result, request)

    # --- New meeting from an article --------------------------------------

    def get_urls(self):
        return [
            path(
                "from-article/",
                self.admin_site.admin_view(self.intake_view),
                name="events_meeting_from_article",
            ),
            *super().get_urls(),
        ]

    def intake_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArticleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            article = intake.Article(**form.cleaned_data)
            with transaction.atomic():
                draft = intake.draft_meeting(article, request.user)
            for level, message in draft_messages(draft):
                self.message_user(request, message, level)
            return HttpResponseRedirect(admin_change_url(draft.meeting))
        context = {
            **self.admin_site.each_context(request),
            "title": "New meeting from an article",
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/events/meeting/from_article.html", context)


class ArticleForm(forms.Form):
    url = forms.URLField(label="Address of the article", max_length=1000, assume_scheme="https")
    publisher = forms.CharField(max_length=200, help_text="The outlet that published it, e.g. AzerNews.")
    republished_by = forms.CharField(
        max_length=200, required=False, help_text="A wire service or aggregator that carried it, e.g. MENAFN."
    )
    published_on = forms.DateField(
        label="Publication date",
        help_text="As YYYY-MM-DD. Used for the meeting's date when the text gives none.",
    )
    title = forms.CharField(label="Headline", max_length=500, required=False)
    language = forms.CharField(max_length=10, initial="en", help_text="ISO 639-1 code, e.g. en, az, km.")
    text = forms.CharField(
        label="Text of the article",
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100}),
        help_text="Paste the article's text. It is read to draft the meeting and is not stored.",
    )


def draft_messages(draft: intake.Draft) -> list[tuple[int, str]]:
    """What the intake found, for the editor: matched, created, and left to do."""
    meeting = draft.meeting
    result: list[tuple[int, str]] = []
    source_text = (
        "Found the article among the sources" if draft.source_existed else "Added the article as a source"
    )
    result.append(
        (
            messages.SUCCESS,
            format_html(
                "Drafted “{}” from the article. {}. Check every field against the article, correct what is "
                "wrong, then submit it for review.",
                meeting.title,
                source_text,
            ),
        )
    )
    found = []
    if draft.organisations:
        found.append(
            format_html(
                "organisations: {}",
                ", ".join(
                    f"{m.organisation.short_name} ({m.role_label}, as “{m.as_written}”)"
                    for m in draft.organisations
                ),
            )
        )
    if draft.participants:
        found.append(
            format_html(
                "people: {}",
                "; ".join(
                    p.name
                    + (f" = {p.person.name}" if p.person and p.person.name != p.name else "")
                    + (f" ({p.title})" if p.title else "")
                    for p in draft.participants
                ),
            )
        )
    if draft.countries:
        found.append(format_html("countries: {}", ", ".join(country.name for country in draft.countries)))
    found.append(format_html("date: {} ({})", meeting.date_display, draft.date_evidence))
    if draft.topics:
        found.append(
            format_html(
                "topics: {}",
                ", ".join(f"{t.topic.name} (“{'”, “'.join(t.keywords)}”)" for t in draft.topics),
            )
        )
    if draft.weak_topics:
        found.append(
            format_html(
                "mentioned once, not added: {}",
                ", ".join(f"{t.topic.name} (“{'”, “'.join(t.keywords)}”)" for t in draft.weak_topics),
            )
        )
    if draft.delegation is not None:
        verb = "linked the existing" if draft.delegation_existed else "drafted the"
        found.append(
            format_html(
                '{} delegation <a href="{}">{}</a>',
                verb,
                admin_change_url(draft.delegation),
                draft.delegation,
            )
        )
    result.append(
        (
            messages.INFO,
            format_html(
                "Found:<br>{}", format_html_join(mark_safe("<br>"), "{}", ((item,) for item in found))
            ),
        )
    )
    if draft.unmatched_organisations:
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (
                    reverse("admin:events_organisation_add")
                    + "?"
                    + candidate.query_string(meeting_id=meeting.pk),
                    candidate.label,
                )
                for candidate in draft.unmatched_organisations
            ),
        )
        result.append(
            (
                messages.WARNING,
                format_html(
                    "Not known yet, so not added: {}. Click one to create it; it is then added to the draft.",
                    links,
                ),
            )
        )
    unlinked = [p for p in draft.participants if p.person is None and p.participation is not None]
    if unlinked:
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:events_person_add") + "?" + p.query_string(), p.name) for p in unlinked),
        )
        result.append(
            (
                messages.WARNING,
                format_html(
                    "Participants not matched to a known person: {}. If one is known under another spelling, "
                    "link them in the participants below (and add the spelling to the person's other names); "
                    "otherwise click to create the person.",
                    links,
                ),
            )
        )
    duplicates = meeting.likely_duplicates()
    if duplicates:
        result.append((messages.WARNING, duplicate_warning(duplicates)))
    return result
