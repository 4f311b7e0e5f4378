"""The vocabularies Publishers keep: organisation roles, person roles and meeting subtypes."""

from __future__ import annotations

from django.contrib import admin

from ..models import MeetingSubtype, OrganisationRole, PersonRole
from .base import ExplainWhatBlocksDeletion
from .history import HistoryAdmin


class VocabularyAdmin(ExplainWhatBlocksDeletion, HistoryAdmin):
    list_display = ["label", "slug", "present", "order"]
    list_editable = ["order"]
    list_filter = ["present"]
    search_fields = ["label", "slug", "description"]
    prepopulated_fields = {"slug": ["label"]}
    fields = ["label", "slug", "description", "present", "order"]


@admin.register(OrganisationRole)
class OrganisationRoleAdmin(VocabularyAdmin):
    pass


@admin.register(PersonRole)
class PersonRoleAdmin(VocabularyAdmin):
    pass


@admin.register(MeetingSubtype)
class MeetingSubtypeAdmin(ExplainWhatBlocksDeletion, HistoryAdmin):
    list_display = ["label", "kind", "slug", "order"]
    list_editable = ["order"]
    list_filter = ["kind"]
    search_fields = ["label", "slug", "description"]
    prepopulated_fields = {"slug": ["label"]}
    fields = ["kind", "label", "slug", "description", "order"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "label" in form.changed_data:
            # The label is in its meetings' search documents.
            for meeting in obj.meetings.all():
                meeting.refresh_search_document()
