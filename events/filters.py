"""The timeline's filters: one FilterSet shared by pages, exports, feeds and the API.

Parameter names are short and stable because they are public URLs. Filters
are lenient: a bad value is dropped with a notice that says why, and the
other filters still apply. Several values of one filter combine with OR,
different filters with AND. Each bad value is also recorded under its
parameter in ``problems``, for outputs that refuse bad input (the API).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.http import QueryDict
from django_countries import countries
from django_countries.fields import Country

from .models import Meeting, MeetingKind, Organisation, Topic

MAX_VALUES = 20
MAX_QUERY_LENGTH = 200
YEARS = range(1900, 2101)


class ValueListField(forms.Field):
    """A repeatable GET parameter: keeps the well-formed values and notes the rest."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, normalise=str.strip, max_length=100, **kwargs):
        self.normalise = normalise
        self.max_length = max_length
        self.rejected: list[str] = []
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        values = [value] if isinstance(value, str) else list(value or [])
        kept: list[str] = []
        for raw in values:
            item = self.normalise(raw) if len(raw) <= self.max_length else ""
            if item and item not in kept:
                kept.append(item)
            elif raw.strip() and not item:
                self.rejected.append(raw[:40])
        if len(kept) > MAX_VALUES:
            self.rejected.append(f"{len(kept) - MAX_VALUES} values beyond the first {MAX_VALUES}")
            kept = kept[:MAX_VALUES]
        return kept


def country_code(raw: str) -> str:
    code = raw.strip().upper()
    return code if code in dict(countries) else ""


def slug_text(raw: str) -> str:
    slug = raw.strip().lower()
    return slug if slug and all(c.isascii() and (c.isalnum() or c in "-_") for c in slug) else ""


def kind_value(raw: str) -> str:
    return raw.strip() if raw.strip() in MeetingKind.values else ""


class ValueListFilter(django_filters.Filter):
    field_class = ValueListField


class LenientDateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("error_messages", {"invalid": "Use a date in the form YYYY-MM-DD."})
        super().__init__(**kwargs)


class DateParamFilter(django_filters.DateFilter):
    field_class = LenientDateField


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class MeetingFilter(django_filters.FilterSet):
    """Filters over published meetings; see the module docstring for the rules."""

    country = ValueListFilter(label="Country", method="filter_country", normalise=country_code, max_length=10)
    org = ValueListFilter(label="Organisation", method="filter_org", normalise=slug_text)
    topic = ValueListFilter(label="Topic", method="filter_topic", normalise=slug_text)
    kind = ValueListFilter(
        label="Kind", field_name="kind", lookup_expr="in", normalise=kind_value, max_length=30
    )
    date_from = DateParamFilter(field_name="start_date", lookup_expr="gte", label="From")
    date_to = DateParamFilter(field_name="start_date", lookup_expr="lte", label="To")
    year = YearFilter(
        field_name="start_date",
        lookup_expr="year",
        label="Year",
        min_value=YEARS.start,
        max_value=YEARS.stop - 1,
    )
    q = django_filters.CharFilter(method="filter_search", label="Search")
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label="Sort",
        empty_label=None,
        choices=[("newest", "Newest first"), ("oldest", "Oldest first"), ("relevance", "Best match")],
    )

    class Meta:
        model = Meeting
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        data = data.copy() if data is not None else None
        self.notices: list[str] = []
        self.problems: dict[str, list[str]] = {}
        if data is not None:
            self._tidy(data)
        self.selected_organisations: list[Organisation] = []
        self.selected_topics: list[Topic] = []
        super().__init__(data, queryset=queryset, **kwargs)

    def _tidy(self, data) -> None:
        """Trim an over-long search and drop empty values before validation."""
        text = " ".join(data.get("q", "").split())
        if len(text) > MAX_QUERY_LENGTH:
            self._note(
                "q",
                f"The search text was shortened to its first {MAX_QUERY_LENGTH} characters.",
                f"Use at most {MAX_QUERY_LENGTH} characters.",
            )
            text = text[:MAX_QUERY_LENGTH]
        data["q"] = text.replace("\x00", "")
        for key in list(data):
            values = [value for value in data.getlist(key) if value.strip()]
            if values:
                data.setlist(key, values)
            else:
                del data[key]

    def filter_queryset(self, queryset):
        self._explain_errors()
        self._check_date_range(self.form.cleaned_data)
        return super().filter_queryset(queryset)

    # The methods below call the filters that live on MeetingQuerySet.

    def filter_country(self, queryset, name, codes):
        return queryset.involving_countries(codes)

    def filter_org(self, queryset, name, slugs):
        self.selected_organisations = self._known(Organisation, slugs, "organisation", name)
        if not self.selected_organisations:
            return queryset
        return queryset.involving_organisations(self.selected_organisations)

    def filter_topic(self, queryset, name, slugs):
        self.selected_topics = self._known(Topic, slugs, "topic", name)
        if not self.selected_topics:
            return queryset
        return queryset.about_topics(self.selected_topics)

    def _known(self, model, slugs, noun: str, param: str) -> list:
        """The records named by ``slugs``, in the order given; unknown ones get a notice."""
        if not slugs:
            return []
        found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
        for slug in slugs:
            if slug not in found:
                self._note(
                    param,
                    f"There is no {noun} “{slug}”; that filter was ignored.",
                    f"There is no {noun} “{slug}”.",
                )
        return [found[slug] for slug in slugs if slug in found]

    def _note(self, param: str, notice: str, problem: str) -> None:
        """Record a bad parameter: ``notice`` tells a reader what the page did, ``problem`` what is wrong."""
        self.notices.append(notice)
        self.problems.setdefault(param, []).append(problem)

    def _explain_errors(self) -> None:
        for name, field in self.form.fields.items():
            for value in getattr(field, "rejected", []):
                label = field.label.lower()
                invalid = f"“{value}” is not a valid {label} value"
                self._note(name, f"{invalid} and was ignored.", f"{invalid}.")
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else name
            for error in errors:
                self._note(name, f"{label}: {error} The filter was ignored.", error)

    def _check_date_range(self, data) -> None:
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self._note(
                "date_from", "“From” is after “To”, so the date range was ignored.", "“From” is after “To”."
            )
            data["date_from"] = data["date_to"] = None

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value else queryset

    def filter_sort(self, queryset, name, value):
        # Ordering is applied by ordered(); see there.
        return queryset

    @property
    def chosen_sort(self) -> str:
        data = self.form.cleaned_data if self.is_bound and hasattr(self.form, "cleaned_data") else {}
        sort = data.get("sort") or "newest"
        if sort == "relevance" and not data.get("q"):
            return "newest"
        return sort

    def ordered(self, queryset):
        """The filtered meetings in the chosen order, with a tiebreaker for stable pages."""
        if self.chosen_sort == "oldest":
            return queryset.order_by("start_date", "pk")
        if self.chosen_sort == "relevance":
            return queryset.order_by("-rank", "-start_date", "-pk")
        return queryset.order_by("-start_date", "-pk")

    @property
    def active(self) -> dict:
        """The filters in force, for chips and headings."""
        data = self.form.cleaned_data if hasattr(self.form, "cleaned_data") else {}
        return {key: value for key, value in data.items() if value not in (None, "", []) and key != "sort"}

    def chips(self) -> list[tuple[str, str, str]]:
        """(parameter, value, label) for each filter value in force, to show as removable chips."""
        active = self.active
        chips = [("country", code, Country(code).name) for code in active.get("country", [])]
        chips += [("org", org.slug, org.short_name) for org in self.selected_organisations]
        chips += [("topic", topic.slug, topic.name) for topic in self.selected_topics]
        kinds = dict(MeetingKind.choices)
        chips += [("kind", kind, kinds[kind]) for kind in active.get("kind", [])]
        if active.get("date_from"):
            chips.append(
                ("date_from", active["date_from"].isoformat(), f"From {active['date_from']:%Y-%m-%d}")
            )
        if active.get("date_to"):
            chips.append(("date_to", active["date_to"].isoformat(), f"To {active['date_to']:%Y-%m-%d}"))
        if active.get("year"):
            chips.append(("year", str(active["year"]), f"Year {active['year']}"))
        if active.get("q"):
            chips.append(("q", active["q"], f"“{active['q']}”"))
        return chips

    def query_string(self) -> str:
        """The filters in force and a chosen sort, URL-encoded: what links to outputs carry.

        Only values that were applied: a link never passes on what the page dropped.
        """
        query = QueryDict(mutable=True)
        for param, value, _ in self.chips():
            query.appendlist(param, value)
        sort = self.form.cleaned_data.get("sort") if hasattr(self.form, "cleaned_data") else ""
        if sort:
            query["sort"] = sort
        return query.urlencode()
