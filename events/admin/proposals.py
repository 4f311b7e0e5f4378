"""Reviewed changes in the admin: editors' saves of cited records become proposals; publishers' queue.

See ``events.proposals`` for the rule and what approving does. Here: the
records' admins turn an editor's save into a proposal (and refuse to restore
an old version, which would bypass it), their change forms list the changes
waiting, and publishers review each change as a diff and approve or reject it.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from ..models import ProposedChange
from ..proposals import approve, differences, field_named, may_approve, needs_review, propose, reject
from .base import admin_change_url
from .conflicts import READ_VERSION, shown

if TYPE_CHECKING:
    from simple_history.admin import SimpleHistoryAdmin as RecordAdminBase
else:
    RecordAdminBase = object


class ReviewedChangesAdmin(RecordAdminBase):
    """For organisations, people, sources and topics: an editor's change to one that published meetings
    cite is kept as a proposal for a publisher to approve, and readers see nothing of it until then."""

    def save_model(self, request, obj, form, change):
        if change and needs_review(request.user, obj):
            request.proposing = True  # save_related keeps the change as a proposal instead
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "proposing", False):
            read_version = form.cleaned_data.get(READ_VERSION)
            request.proposal = propose(form.instance, form, formsets, request.user, read_version)
            return
        super().save_related(request, form, formsets, change)

    def log_change(self, request, obj, message):
        if getattr(request, "proposing", False):
            return None  # nothing changed; the proposal is the record of it
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if not getattr(request, "proposing", False):
            return super().response_change(request, obj)
        proposal = request.proposal
        obj = type(obj)._default_manager.get(pk=obj.pk)  # as readers see it, not as proposed
        if proposal is None:
            self.message_user(request, f"Nothing was changed in “{obj}”.", messages.INFO)
        else:
            self.message_user(
                request,
                format_html(
                    "Your change to “{}” waits for a publisher's approval: published meetings cite it, so "
                    'readers will see it once approved. <a href="{}">See the proposed change</a>.',
                    obj,
                    admin_change_url(proposal),
                ),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(admin_change_url(obj))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            record = self.model._default_manager.filter(pk=object_id).first()
            if record is not None and needs_review(request.user, record):
                self.message_user(
                    request,
                    "Nothing was restored: published meetings cite this record, so ask a publisher to "
                    "restore an earlier version.",
                    messages.ERROR,
                )
                return HttpResponseRedirect(admin_change_url(record))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["pending_changes"] = list(
                ProposedChange.pending_for(obj).select_related("proposed_by").order_by("proposed_at")
            )
            context["changes_need_review"] = needs_review(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


class DecisionFilter(admin.SimpleListFilter):
    """The queue opens on the changes that wait; the others are a click away."""

    title = "decision"
    parameter_name = "decision"

    def lookups(self, request, model_admin):
        return [*ProposedChange.Decision.choices, ("all", "All")]

    def value(self):
        return super().value() or ProposedChange.Decision.PENDING

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value == "all" else queryset.filter(decision=value)

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


@admin.register(ProposedChange)
class ProposedChangeAdmin(admin.ModelAdmin):
    """The queue of proposed changes: each opens as a diff, with Approve and Reject for publishers."""

    list_display = ["record_link", "changed_fields", "proposed_by", "proposed_at", "decision", "decided_by"]
    list_filter = [DecisionFilter]
    list_select_related = ["organisation", "person", "source", "topic", "proposed_by", "decided_by"]
    date_hierarchy = "proposed_at"
    review_template = "admin/events/proposedchange/review.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.display(description="record")
    def record_link(self, proposal: ProposedChange) -> str:
        record = proposal.record
        return format_html("{}: {}", capfirst(record._meta.verbose_name), record)

    @admin.display(description="changes")
    def changed_fields(self, proposal: ProposedChange) -> str:
        names = [field_named(type(proposal.record), name).verbose_name for name in proposal.fields]
        rows = len(proposal.rows)
        if rows:
            names.append(f"{rows} row{'s' if rows != 1 else ''}")
        return ", ".join(str(name) for name in names)

    def has_add_permission(self, request):
        return False  # proposals come from saving a record

    def has_delete_permission(self, request, obj=None):
        return False  # kept: the trail of who proposed and who decided

    def has_change_permission(self, request, obj=None):
        return may_approve(request.user) and (obj is None or obj.decision == ProposedChange.Decision.PENDING)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The review page: the diff, what changed since, and the decision."""
        proposal = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_or_change_permission(request, proposal):
            raise PermissionDenied
        if request.method == "POST":
            return self.decide(request, proposal)
        record = proposal.record
        context = {
            **self.admin_site.each_context(request),
            "title": f"Proposed change to {record}",
            "opts": self.opts,
            "proposal": proposal,
            "record": record,
            "record_url": admin_change_url(record),
            "differences": [
                {
                    "label": difference.label,
                    "before": shown_stored(difference.model_field, difference.before),
                    "proposed": shown_stored(difference.model_field, difference.proposed),
                    "now": shown_stored(difference.model_field, difference.now),
                    "changed_since": difference.changed_since,
                }
                for difference in differences(proposal)
            ],
            "rows": proposal.rows,
            "may_decide": self.has_change_permission(request, proposal),
        }
        return TemplateResponse(request, self.review_template, context)

    def decide(self, request, proposal: ProposedChange) -> HttpResponseRedirect:
        record = proposal.record
        try:
            if "_approve" in request.POST:
                skipped = approve(proposal, request.user)
                self.message_user(
                    request, f"Approved: readers now see the change to “{record}”.", messages.SUCCESS
                )
                for note in skipped:
                    self.message_user(request, f"Not applied: {note}.", messages.WARNING)
            elif "_reject" in request.POST:
                reject(proposal, request.user, request.POST.get("note", ""))
                self.message_user(request, f"Rejected the change to “{record}”.", messages.SUCCESS)
            else:
                return HttpResponseRedirect(request.path)
        except ValidationError as error:
            self.message_user(request, f"Nothing was done: {' '.join(error.messages)}", messages.ERROR)
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(reverse("admin:events_proposedchange_changelist"))


def shown_stored(model_field, value) -> str:
    """A value as a proposal keeps it, shown as an editor reads it."""
    if value is not None and not model_field.is_relation:
        with contextlib.suppress(ValidationError):  # shown as kept
            value = model_field.to_python(value)
    return shown(model_field, value)
