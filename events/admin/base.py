"""Shared by the events admins: change-form links, deletions explained, safe dates, ranked autocomplete."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NestedObjects, quote
from django.contrib.admin.views.main import ChangeList
from django.db import router
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from ..deletion import links_to
from ..models import MeetingOrganisation, Outcome, OutcomeStatusChange, Participation, Position

# The base of the mixins below and of the other admin modules' mixins: to mypy a ModelAdmin, so
# that ``super()`` and ``self.opts`` are known; at run time ``object``, so the mixins stay mixins.
if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin as AdminBase
else:
    AdminBase = object


class MeetingCount(TypedDict):
    """What ``annotate(meeting_count=Count("meetings"))`` adds to a record in a change list."""

    meeting_count: int


def admin_change_url(obj) -> str:
    """The address of ``obj``'s change form in the admin."""
    return reverse(f"admin:events_{obj._meta.model_name}_change", args=[quote(obj.pk)])


class ExplainWhatBlocksDeletion(AdminBase):
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
        OutcomeStatusChange: "outcome",
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


class RefusedDeletionsMixin(AdminBase):
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
            perms_needed.discard(str(self.opts.verbose_name))
        protected.extend(format_html("{}: {}", obj, reason) for obj, reason in refused)
        return to_delete, model_count, perms_needed, protected


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
    """For an admin with a ``date_hierarchy``: a bad year in the address is a bad filter."""

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList


class RankedAutocomplete(AdminBase):
    """Autocomplete lists the exact name or acronym first, then names that start with the term, then the rest.

    Django's autocomplete keeps the list's ordering, so typing "ANAMA" listed
    "ANAMA-UNDP International Centre…" above ANAMA itself and Enter picked it.
    The rank is taken over the admin's ``search_fields`` (other names
    included), case-insensitively; only the autocomplete is ranked, not the
    change list's search, which has its own sorting.
    """

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        match = getattr(request, "resolver_match", None)
        if not term or match is None or match.url_name != "autocomplete":
            return queryset, may_have_duplicates
        fields = [field.lstrip("^=@") for field in self.get_search_fields(request)]
        rank = Case(
            When(self.any_field(fields, "iexact", term), then=Value(0)),
            When(self.any_field(fields, "istartswith", term), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        ordering = list(queryset.query.order_by or self.model._meta.ordering or ["pk"])
        return queryset.alias(autocomplete_rank=rank).order_by("autocomplete_rank", *ordering), (
            may_have_duplicates
        )

    def any_field(self, fields: list[str], lookup: str, term: str) -> Q:
        """Whether any of ``fields`` matches; across a relation as a subquery, so no row is repeated."""
        direct = [field for field in fields if "__" not in field]
        related = [field for field in fields if "__" in field]
        condition = Q()
        for field in direct:
            condition |= Q(**{f"{field}__{lookup}": term})
        if related:
            across = Q()
            for field in related:
                across |= Q(**{f"{field}__{lookup}": term})
            condition |= Q(Exists(self.model._default_manager.filter(across, pk=OuterRef("pk"))))
        return condition


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose fields carry their column's name (``aria-label``).

    A table's column headers do not label the fields under them, so without
    this a screen reader announces each row's fields with no name at all.
    """

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        def add_fields(self, form, index) -> None:
            formset.add_fields(self, form, index)
            for name, field in form.fields.items():
                # The widget itself, not the wrapper that adds the "+" and pencil links.
                widget = getattr(field.widget, "widget", field.widget)
                if not widget.is_hidden:
                    widget.attrs.setdefault("aria-label", str(field.label or capfirst(name.lower())))

        return type(formset.__name__, (formset,), {"add_fields": add_fields})
