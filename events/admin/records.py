"""The records meetings refer to: organisations, people, topics and sources, with their other names.

Once a published meeting cites one, an editor's change to it waits for a
publisher's approval (``proposals``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import Count
from django_countries.filters import CountryFilter

from ..models import (
    MeetingOrganisation,
    Organisation,
    OrganisationName,
    OrganisationRole,
    Participation,
    Person,
    PersonName,
    Position,
    Source,
    Topic,
)
from .article import AttachToMeetingMixin
from .base import (
    ExplainWhatBlocksDeletion,
    LabelledTabularInline,
    MeetingCount,
    RankedAutocomplete,
    SafeDateHierarchy,
)
from .history import HistoryAdmin, VersionedAdmin
from .proposals import ReviewedChangesAdmin

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class OrganisationNameInline(LabelledTabularInline):
    model = OrganisationName
    extra = 1
    verbose_name = "other name"
    verbose_name_plural = "other names (aliases, former names, transliterations, variant spellings)"


@admin.register(Organisation)
class OrganisationAdmin(
    RankedAutocomplete, ReviewedChangesAdmin, AttachToMeetingMixin, ExplainWhatBlocksDeletion, VersionedAdmin
):
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
        role = request.GET.get("role", "")
        if not OrganisationRole.objects.filter(slug=role).exists():
            role = MeetingOrganisation.Role.PARTICIPANT
        MeetingOrganisation.objects.get_or_create(
            meeting=meeting, organisation=organisation, defaults={"role": role}
        )
        return meeting


class PersonNameInline(LabelledTabularInline):
    model = PersonName
    extra = 1
    verbose_name = "other name"
    verbose_name_plural = "other names (transliterations and variant spellings)"


class PositionInline(LabelledTabularInline):
    model = Position
    extra = 1
    autocomplete_fields = ["organisation"]


@admin.register(Person)
class PersonAdmin(
    RankedAutocomplete, ReviewedChangesAdmin, AttachToMeetingMixin, ExplainWhatBlocksDeletion, VersionedAdmin
):
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
class TopicAdmin(RankedAutocomplete, ReviewedChangesAdmin, ExplainWhatBlocksDeletion, HistoryAdmin):
    """Topics in two levels. An editor proposes a specific topic; a publisher approves it (the action,
    or "approved" on its form), and only then do readers see it."""

    list_display = ["name", "parent", "approved", "meeting_count"]
    list_filter = ["approved"]
    list_select_related = ["parent"]
    search_fields = ["name", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    actions = ["approve_topics"]
    fields = ["name", "slug", "parent", "description", "keywords", "approved"]

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("events.approve_topic")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.has_approve_permission(request):
            fields = [name for name in fields if name != "approved"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and not self.has_approve_permission(request):
            form.base_fields["parent"].required = True
            form.base_fields["parent"].help_text = (
                "The broad topic it belongs to. A new topic is proposed: readers see it once a publisher "
                "approves it."
            )
        return form

    def save_model(self, request, obj, form, change):
        if not change and not self.has_approve_permission(request):
            obj.approved = False
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(meeting_count=Count("meetings"))

    @admin.display(description="meetings", ordering="meeting_count")
    def meeting_count(self, topic: WithAnnotations[Topic, MeetingCount]) -> int:
        return topic.meeting_count

    @admin.action(description="Approve the proposed topics (readers see them)", permissions=["approve"])
    def approve_topics(self, request, queryset):
        proposed = list(queryset.filter(approved=False))
        for topic in proposed:
            topic.approve(request.user)
        self.message_user(request, f"{len(proposed)} topic{'s' if len(proposed) != 1 else ''} approved.")


@admin.register(Source)
class SourceAdmin(
    RankedAutocomplete, ReviewedChangesAdmin, ExplainWhatBlocksDeletion, SafeDateHierarchy, HistoryAdmin
):
    list_display = ["publisher", "title", "published_on", "language", "url"]
    list_filter = ["language"]
    search_fields = ["url", "title", "publisher", "republished_by", "author"]
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["url", "title", "publisher", "republished_by", "author", "language"]}),
        ("Dates", {"fields": [("published_on", "published_precision"), "accessed_on"]}),
        (None, {"fields": ["note"]}),
    ]
