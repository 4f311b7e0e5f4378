"""Merging duplicate meetings from the meeting list: the action, and the page that asks which to keep."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.html import format_html

from ..merging import merge_meeting
from .base import AdminBase, admin_change_url


class MergeMeetingsMixin(AdminBase):
    """The "Merge into…" action, for those with the merge_meeting permission; see events.merging."""

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
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/events/meeting/merge.html", context)
