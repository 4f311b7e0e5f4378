"""The editors' admin: fast, correct entry of meetings with their sources."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NestedObjects, quote
from django.contrib.admin.views.main import ChangeList
from django.db import models, router
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django_countries.filters import CountryFilter

from .models import (
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
    Topic,
    links_to,
)

admin.site.site_header = "Mine Action Cooperation Timeline"
admin.site.site_title = "Mine Action Cooperation Timeline admin"
admin.site.index_title = "Records"


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


class OrganisationNameInline(admin.TabularInline):
    model = OrganisationName
    extra = 1
    verbose_name = "other name"
    verbose_name_plural = "other names (aliases, former names, transliterations, variant spellings)"


@admin.register(Organisation)
class OrganisationAdmin(ExplainWhatBlocksDeletion, admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "country", "parent"]
    list_filter = ["kind", ("country", CountryFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "acronym", "other_names__name"]
    prepopulated_fields = {"slug": ["acronym", "name"]}
    autocomplete_fields = ["parent"]
    inlines = [OrganisationNameInline]
    show_facets = admin.ShowFacets.ALWAYS
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "kind", "country", "parent"]}),
        ("More", {"fields": ["website", "description"]}),
    ]


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
class PersonAdmin(ExplainWhatBlocksDeletion, admin.ModelAdmin):
    list_display = ["name", "honorific", "current_position"]
    search_fields = ["name", "other_names__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PersonNameInline, PositionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("positions__organisation")

    @admin.display(description="position")
    def current_position(self, person: Person) -> str:
        positions = list(person.positions.all())
        return str(positions[0]) if positions else ""


@admin.register(Topic)
class TopicAdmin(ExplainWhatBlocksDeletion, admin.ModelAdmin):
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
class SourceAdmin(ExplainWhatBlocksDeletion, SafeDateHierarchy, admin.ModelAdmin):
    list_display = ["publisher", "title", "published_on", "language", "url"]
    list_filter = ["language"]
    search_fields = ["url", "title", "publisher", "republished_by", "author"]
    date_hierarchy = "published_on"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["url", "title", "publisher", "republished_by", "author", "language"]}),
        ("Dates", {"fields": [("published_on", "published_precision"), "accessed_on"]}),
        (None, {"fields": ["note"]}),
    ]


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
class DelegationAdmin(SafeDateHierarchy, admin.ModelAdmin):
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


@admin.register(Meeting)
class MeetingAdmin(SafeDateHierarchy, admin.ModelAdmin):
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
    show_facets = admin.ShowFacets.ALWAYS
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status"]}),
        (
            "When",
            {"fields": [("start_date", "end_date"), "date_precision", "date_as_reported"]},
        ),
        ("Where", {"fields": [("country", "city")]}),
        ("Context", {"fields": ["delegation", "follow_up_of", "topics"]}),
        ("What happened", {"fields": ["summary", "editorial_note"]}),
        ("Sources", {"fields": ["sources"]}),
    ]

    @admin.display(description="date", ordering="start_date")
    def date_display(self, meeting: Meeting) -> str:
        return meeting.date_display

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_search_document()
