"""The vocabularies Publishers keep (organisation roles, person roles, meeting subtypes), and the cities."""

from __future__ import annotations

from django.contrib import admin
from django_countries.filters import CountryFilter

from ..models import City, MeetingSubtype, OrganisationRole, PersonRole
from .base import ExplainWhatBlocksDeletion, RankedAutocomplete
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


@admin.register(City)
class CityAdmin(RankedAutocomplete, admin.ModelAdmin):
    """The gazetteer, to look up and to choose from: it is loaded from GeoNames, never edited here."""

    list_display = ["name", "country", "population", "latitude", "longitude", "geonames_id"]
    list_filter = [("country", CountryFilter)]
    # The autocomplete ranks the exact name first, then names starting with the term; within
    # each, the biggest city first (Geneva, Switzerland before Geneva, New York).
    ordering = ["-population", "name", "pk"]
    search_fields = ["name", "ascii_name", "alternate_names"]
    search_help_text = "Search by the name, with or without accents, or another name (“Genf”)."
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
