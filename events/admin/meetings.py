"""Meetings and delegations in the admin: their forms, inline rows and lists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db.models import Count
from django_countries.filters import CountryFilter

from ..models import (
    Delegation,
    Meeting,
    MeetingOrganisation,
    Outcome,
    OutcomeStatusChange,
    ParticipantReport,
    Participation,
    Status,
)
from .article import ArticleIntakeMixin
from .base import (
    ExplainWhatBlocksDeletion,
    LabelledTabularInline,
    MeetingCount,
    RankedAutocomplete,
    SafeDateHierarchy,
)
from .duplicates import MeetingForm, move_refused_as_duplicate
from .entry import MeetingOrganisationForm, ParticipationForm, TypedRecords
from .history import VersionedAdmin
from .imports import MeetingImportMixin
from .merge import MergeMeetingsMixin
from .workflow import WorkflowAdminMixin

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class MeetingInDelegationInline(LabelledTabularInline):
    """The delegation's meetings, listed in date order, each linking to its form."""

    model = Meeting
    fields = readonly_fields = ("start_date", "title", "kind", "country", "status")
    extra = 0
    show_change_link = True
    can_delete = False
    ordering = ["start_date", "pk"]
    verbose_name_plural = "meetings on this trip (add them from the meeting form)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delegation)
class DelegationAdmin(RankedAutocomplete, WorkflowAdminMixin, SafeDateHierarchy, VersionedAdmin):
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
    def meeting_count(self, delegation: WithAnnotations[Delegation, MeetingCount]) -> int:
        return delegation.meeting_count


class CompactPickers(LabelledTabularInline):
    """Inline rows whose pickers come without their edit and view icons, so a row fits 1,280 px.

    The "+" stays; a new record can also be typed in the row (``entry``).
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget.can_change_related = formfield.widget.can_view_related = False
            formfield.widget.can_delete_related = False
        return formfield


class MeetingOrganisationInline(CompactPickers):
    """Organisations with their part; one not recorded yet is typed in the row and created on save."""

    model = MeetingOrganisation
    form = MeetingOrganisationForm
    template = "admin/events/edit_inline/tabular_new_records.html"
    fields = ["organisation", "role"]
    extra = 3
    autocomplete_fields = ["organisation"]
    verbose_name = "organisation"
    verbose_name_plural = "organisations (host, organiser, visiting delegation, participants…)"


class ParticipationInline(CompactPickers):
    """Participants; a person or organisation not recorded yet is typed in the row and created on save."""

    model = Participation
    form = ParticipationForm
    template = "admin/events/edit_inline/tabular_new_records.html"
    extra = 3
    fields = ["name_as_written", "person", "organisation", "title_as_stated", "role", "order"]
    autocomplete_fields = ["person", "organisation"]
    # "Change" opens the participant's own form, where each source's spelling and title go.
    show_change_link = True
    verbose_name = "participant"
    verbose_name_plural = "participants (as the source names them; link a known person when sure)"


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 1
    fields = ["kind", "text", "parties", ("date", "date_precision"), "country", "status_at_meeting", "status"]
    readonly_fields = ["status"]
    autocomplete_fields = ["parties"]
    # What became of an outcome is recorded on its own form (an inline cannot hold an inline).
    show_change_link = True
    verbose_name_plural = "outcomes (save, then “Change” to record what became of one)"


class OutcomeStatusChangeInline(CompactPickers):
    model = OutcomeStatusChange
    extra = 1
    fields = ["status", "date", "date_precision", "meeting", "source", "note"]
    autocomplete_fields = ["meeting", "source"]


@admin.register(Outcome)
class OutcomeAdmin(ExplainWhatBlocksDeletion, VersionedAdmin):
    """An outcome with what became of it: each dated status change and the meeting or report showing it."""

    list_display = ["__str__", "meeting", "date_display", "country", "status"]
    list_filter = ["status", "kind", ("country", CountryFilter)]
    list_select_related = ["meeting"]
    search_fields = ["text", "meeting__title"]
    search_help_text = "Search outcomes' texts and their meetings' titles."
    autocomplete_fields = ["meeting", "parties"]
    readonly_fields = ["status"]
    inlines = [OutcomeStatusChangeInline]
    version_rows = [(OutcomeStatusChange, "outcome")]
    show_facets = admin.ShowFacets.ALWAYS
    fieldsets = [
        (None, {"fields": ["meeting", "kind", "text", "parties"]}),
        ("When and where it is to happen", {"fields": [("date", "date_precision"), "country"]}),
        (
            "Where it stands",
            {
                "fields": ["status_at_meeting", "status"],
                "description": "The status now is the latest change's below, else the status when promised.",
            },
        ),
    ]

    @admin.display(description="date", ordering="date")
    def date_display(self, outcome: Outcome) -> str:
        return outcome.date_display

    # An outcome is part of its meeting and follows the meeting's workflow: it is added on the
    # meeting's form, and once the meeting is published (or withdrawn) only a publisher changes it.

    def has_add_permission(self, request):
        return False

    def may_edit(self, request, outcome: Outcome | None) -> bool:
        if outcome is None or outcome.meeting.status not in (Status.PUBLISHED, Status.WITHDRAWN):
            return True
        return request.user.has_perm("events.publish_meeting")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_edit(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # An outcome stays with the meeting that promised it: moved, it would escape that meeting's workflow.
        return [*super().get_readonly_fields(request, obj), "meeting"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        outcome = self.get_object(request, object_id)
        if (
            request.method == "GET"
            and outcome is not None
            and self.has_view_permission(request, outcome)
            and not self.may_edit(request, outcome)
        ):
            self.message_user(
                request,
                f"Its meeting is {outcome.meeting.get_status_display().lower()}, so what became of this "
                "outcome is recorded by a publisher, as with the meeting's other fields: ask a publisher to "
                "record the step, with the meeting or report that shows it.",
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Meeting)
class MeetingAdmin(
    RankedAutocomplete,
    ArticleIntakeMixin,
    MergeMeetingsMixin,
    MeetingImportMixin,
    WorkflowAdminMixin,
    SafeDateHierarchy,
    VersionedAdmin,
):
    form = MeetingForm
    change_form_template = "admin/events/meeting/change_form.html"
    change_list_template = "admin/events/meeting/change_list.html"
    list_display = ["title", "date_display", "kind", "country", "status", "delegation"]
    list_filter = [
        "status",
        "kind",
        "subtype",
        "mode",
        ("country", CountryFilter),
        "topics",
        "date_precision",
    ]
    list_select_related = ["delegation"]
    search_fields = [
        "title",
        "summary",
        "venue",
        "city__name",
        "organisations__name",
        "organisations__acronym",
        "organisations__other_names__name",
        "participations__name_as_written",
    ]
    search_help_text = "Search titles, summaries, places, organisations (by any name) and participants."
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["city", "delegation", "topics", "sources", "follow_up_of"]
    inlines = [MeetingOrganisationInline, ParticipationInline, OutcomeInline]
    version_rows = [(MeetingOrganisation, "meeting"), (Participation, "meeting"), (Outcome, "meeting")]
    show_facets = admin.ShowFacets.ALWAYS
    save_on_top = True
    actions = [*WorkflowAdminMixin.actions, "merge_meetings"]
    publication_fields = ["published_at", "published_by", "merged_into"]
    fieldsets = [
        (None, {"fields": ["not_a_duplicate", "title", "slug", ("kind", "subtype"), "status"]}),
        (
            "When",
            {"fields": [("start_date", "end_date"), "date_precision", "date_as_reported"]},
        ),
        (
            "Place",
            {
                "fields": ["mode", ("country", "city"), "venue", "visiting_country", "stated_countries"],
                "description": "The country, the organisations taking part and the delegation give their "
                "countries already. An online meeting has no country, city or venue: state the "
                "countries on the link.",
            },
        ),
        ("Context", {"fields": ["delegation", "follow_up_of", "topics"]}),
        ("What happened", {"fields": ["summary", "editorial_note"]}),
        ("Sources", {"fields": ["sources"]}),
        ("Publication", {"fields": [("published_at", "published_by"), "merged_into"]}),
    ]

    def move_refused(self, meeting, status):
        return move_refused_as_duplicate(meeting, status)

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
        request.typed_records = TypedRecords(request.user)
        request.typed_records.create(formsets)
        super().save_related(request, form, formsets, change)
        form.instance.refresh_search_document()

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        typed = getattr(request, "typed_records", None)
        if typed is not None and formset.model is Participation:
            typed.list_on_meeting(form.instance)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if getattr(request, "restoring_version", None) is not None:
            obj.refresh_search_document()
        return response


class ParticipantReportInline(admin.TabularInline):
    model = ParticipantReport
    extra = 2
    autocomplete_fields = ["source"]
    verbose_name = "as a source reported them"
    verbose_name_plural = (
        "as each source reported them (where sources spell the name or give the title differently)"
    )


@admin.register(Participation)
class ParticipationAdmin(VersionedAdmin):
    """A participant's own form, opened from their meeting: the name and title as each source has them.

    Whoever may change the meeting may change its participants here, and nobody else.
    """

    fields = ["meeting", "name_as_written", "person", "organisation", "title_as_stated", "role", "order"]
    readonly_fields = ["meeting"]
    autocomplete_fields = ["person", "organisation"]
    inlines = [ParticipantReportInline]
    version_rows = [(ParticipantReport, "participation")]
    list_display = ["name_as_written", "title_as_stated", "meeting"]
    list_select_related = ["meeting"]
    search_fields = [
        "name_as_written",
        "title_as_stated",
        "reports__title_as_stated",
        "reports__name_as_written",
    ]

    def has_module_permission(self, request):
        return False  # reached from the meeting's form, not the index

    def has_add_permission(self, request):
        return False  # participants are added on the meeting's form

    def meeting_admin(self):
        return self.admin_site._registry[Meeting]

    def has_change_permission(self, request, obj=None):
        if obj is not None:
            return self.meeting_admin().has_change_permission(request, obj.meeting)
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Asked too when a meeting's deletion takes its participants with it.
        if obj is not None and not self.meeting_admin().has_change_permission(request, obj.meeting):
            return False
        return super().has_delete_permission(request, obj)
