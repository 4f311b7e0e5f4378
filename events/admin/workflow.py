"""The publishing workflow in the admin: the status field, the actions and the buttons, by role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from ..models import TRANSITIONS, Status
from .base import RefusedDeletionsMixin, admin_change_url
from .conflicts import VersionedForm

# The mixin relies on the edit-conflict checks of the admins it is mixed into (``locked``, ``stale``).
if TYPE_CHECKING:
    from .conflicts import EditConflictAdmin as WorkflowBase
else:
    WorkflowBase = object


class WorkflowForm(VersionedForm):
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


class WorkflowAdminMixin(RefusedDeletionsMixin, WorkflowBase):
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

    def move_refused(self, record, status: str) -> str:
        """Why a button or an action may not make this move, beyond the workflow's rules ("" if none)."""
        return ""

    def move(self, request, records, status: str) -> None:
        done, verb = [], Status(status).label.lower()
        for record in records:
            refused = self.move_refused(record, status)
            if refused:
                self.message_user(
                    request, format_html("“{}” was not made {}: {}", record, verb, refused), messages.ERROR
                )
                continue
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
        """A button's move, refused if the record changed since the page with the button was read."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        with transaction.atomic():
            self.locked(object_id)
            record = get_object_or_404(self.get_queryset(request), pk=object_id)
            if status not in Status.values or not self.has_view_permission(request, record):
                raise PermissionDenied
            conflict = self.stale(request, record)
            if conflict is not None:
                self.refuse_stale_move(request, conflict)
            else:
                self.move(request, [record], status)
        return HttpResponseRedirect(admin_change_url(record))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        moves = []
        if obj is not None:
            labels: dict[str, str] = {
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
