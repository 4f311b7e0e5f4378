"""The readers' FilterSets: the timeline's meetings and the organisation index, shared by every output.

Parameter names are short and stable because they are public URLs. Filters
are lenient: a bad value is dropped with a notice that says why, and the
other filters still apply. Several values of one filter combine with OR,
different filters with AND. Each bad value is also recorded under its
parameter in ``problems``, for outputs that refuse bad input (the API).
Ordering is a filter too (``sort``), so ``qs`` is always in the chosen order.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.functional import cached_property
from django_countries import countries
from django_countries.fields import Country

from .models import (
    NEWEST_FIRST,
    Meeting,
    MeetingKind,
    MeetingSubtype,
    Organisation,
    Outcome,
    OutcomeStatus,
    Person,
    Topic,
)

MAX_VALUES = 20
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


def choice_of(choices):
    """A normaliser that keeps a value only if it is one of ``choices``' values."""

    def normalise(raw: str) -> str:
        return raw.strip() if raw.strip() in choices.values else ""

    return normalise


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


class SortFilter(django_filters.ChoiceFilter):
    """Puts the records in the chosen order: each value names a whole ordering.

    ``orderings`` maps each value to (label, fields); the fields end in a
    unique tiebreaker, so pages are stable. With no value, a dropped one, or
    one whose parameter in ``needs`` is absent (relevance without a search),
    the first ordering applies: the FilterSet's ``qs`` is always ordered.
    """

    def __init__(self, *, orderings: dict[str, tuple[str, tuple[str, ...]]], needs=None, **kwargs):
        self.orderings = orderings
        self.needs = needs or {}
        super().__init__(choices=self.options, empty_label=None, **kwargs)

    @property
    def options(self) -> list[tuple[str, str]]:
        """(value, label) for each ordering, in the order given."""
        return [(value, label) for value, (label, _) in self.orderings.items()]

    def chosen(self, data: dict) -> str:
        """The ordering in force for this cleaned data."""
        value = data.get(self.field_name)
        if value not in self.orderings or (value in self.needs and not data.get(self.needs[value])):
            return next(iter(self.orderings))
        return value

    def filter(self, qs, value):
        _, fields = self.orderings[self.chosen(self.parent.form.cleaned_data)]
        return qs.order_by(*fields)


class ReviewedFilterSet(django_filters.FilterSet):
    """A FilterSet that drops each bad value with a notice and records it under its parameter.

    Pages show ``notices`` and apply the rest (lenient); the API refuses any
    request that has ``problems`` (strict). Both are complete once ``qs`` has
    been read. Subclasses add their own checks in ``review()``.
    """

    max_query_length = 200

    def __init__(self, data=None, queryset=None, **kwargs):
        data = data.copy() if data is not None else None
        self.notices: list[str] = []
        self.problems: dict[str, list[str]] = {}
        if data is not None:
            self._tidy(data)
        super().__init__(data, queryset=queryset, **kwargs)

    def _tidy(self, data) -> None:
        """Trim an over-long search and drop empty values before validation."""
        text = " ".join(data.get("q", "").split())
        if len(text) > self.max_query_length:
            self._note(
                "q",
                f"The search text was shortened to its first {self.max_query_length} characters.",
                f"Use at most {self.max_query_length} characters.",
            )
            text = text[: self.max_query_length]
        data["q"] = text.replace("\x00", "")
        for key in list(data):
            values = [value for value in data.getlist(key) if value.strip()]
            if values:
                data.setlist(key, values)
            else:
                del data[key]

    @property
    def cleaned(self) -> dict:
        """The validated values, each dropped one as None (empty for an unbound FilterSet).

        A dropped value is as if it were absent, so every filter (the sort too) still runs.
        """
        if not self.is_bound:
            return {}
        self.form.is_valid()  # cleans the form, once
        data = self.form.cleaned_data
        for name in self.form.errors:
            if name in self.filters:
                data.setdefault(name, None)
        return data

    def filter_queryset(self, queryset):
        self._explain_errors()
        self.review(self.cleaned)
        return super().filter_queryset(queryset)

    def review(self, data: dict) -> None:
        """Note further problems in ``data`` and drop what cannot apply; by default, nothing."""

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

    @property
    def active(self) -> dict:
        """The filters in force, for chips and headings (the order is not a filter)."""
        return {
            key: value
            for key, value in self.cleaned.items()
            if value not in (None, "", []) and not isinstance(self.filters[key], SortFilter)
        }

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value else queryset


class SortedFilterSet(ReviewedFilterSet):
    """A reviewed FilterSet with a ``sort`` SortFilter: the order in force and the orders offered."""

    @property
    def chosen_sort(self) -> str:
        """The order in force: what ``sort`` asked for, if it could apply, else the default."""
        return self.filters["sort"].chosen(self.cleaned)

    @property
    def sort_options(self) -> list[tuple[str, str]]:
        """(value, label) for each order a reader can choose."""
        return self.filters["sort"].options


class MeetingFilter(SortedFilterSet):
    """Filters over published meetings, and their order; see the module docstring for the rules."""

    country = ValueListFilter(label="Country", method="filter_country", normalise=country_code, max_length=10)
    org = ValueListFilter(label="Organisation", method="filter_org", normalise=slug_text)
    topic = ValueListFilter(label="Topic", method="filter_topic", normalise=slug_text)
    kind = ValueListFilter(
        label="Kind", field_name="kind", lookup_expr="in", normalise=choice_of(MeetingKind), max_length=30
    )
    subtype = ValueListFilter(label="Subtype", method="filter_subtype", normalise=slug_text)
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
    sort = SortFilter(
        label="Sort",
        orderings={
            "newest": ("Newest first", NEWEST_FIRST),
            "oldest": ("Oldest first", ("start_date", "pk")),
            "relevance": ("Best match (with a search)", ("-rank", *NEWEST_FIRST)),
        },
        needs={"relevance": "q"},
    )

    class Meta:
        model = Meeting
        fields: list[str] = []

    @classmethod
    def for_request(cls, request) -> MeetingFilter:
        """The timeline's filter for a request's parameters, over the published meetings."""
        return cls(request.GET, queryset=Meeting.objects.published(), request=request)

    @cached_property
    def selected_organisations(self) -> list[Organisation]:
        """The organisations ``org`` names that exist, in the order given (one query)."""
        return self._named(Organisation.objects.all(), "org")

    @cached_property
    def selected_topics(self) -> list[Topic]:
        """The topics ``topic`` names that exist, in the order given (one query)."""
        return self._named(Topic.objects.public(), "topic")

    @cached_property
    def selected_subtypes(self) -> list[MeetingSubtype]:
        """The subtypes ``subtype`` names that exist, in the order given (one query)."""
        return self._named(MeetingSubtype.objects.all(), "subtype")

    def _named(self, records, param: str) -> list:
        slugs = self.cleaned.get(param) or []
        if not slugs:
            return []
        found = {record.slug: record for record in records.filter(slug__in=slugs)}
        return [found[slug] for slug in slugs if slug in found]

    def review(self, data: dict) -> None:
        for param, noun, known in (
            ("org", "organisation", self.selected_organisations),
            ("topic", "topic", self.selected_topics),
            ("subtype", "subtype", self.selected_subtypes),
        ):
            slugs = {record.slug for record in known}
            for slug in data.get(param) or []:
                if slug not in slugs:
                    self._note(
                        param,
                        f"There is no {noun} “{slug}”; that filter was ignored.",
                        f"There is no {noun} “{slug}”.",
                    )
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self._note(
                "date_from", "“From” is after “To”, so the date range was ignored.", "“From” is after “To”."
            )
            data["date_from"] = data["date_to"] = None

    # The methods below call the filters that live on MeetingQuerySet.

    def filter_country(self, queryset, name, codes):
        return queryset.involving_countries(codes)

    def filter_org(self, queryset, name, slugs):
        organisations = self.selected_organisations
        return queryset.involving_organisations(organisations) if organisations else queryset

    def filter_subtype(self, queryset, name, slugs):
        subtypes = self.selected_subtypes
        return queryset.filter(subtype__in=subtypes) if subtypes else queryset

    def filter_topic(self, queryset, name, slugs):
        topics = self.selected_topics
        return queryset.about_topics(topics) if topics else queryset

    def chips(self) -> list[tuple[str, str, str]]:
        """(parameter, value, label) for each filter value in force, to show as removable chips."""
        active = self.active
        chips = [("country", code, Country(code).name) for code in active.get("country", [])]
        chips += [("org", org.slug, org.short_name) for org in self.selected_organisations]
        chips += [("topic", topic.slug, topic.name) for topic in self.selected_topics]
        kinds = dict(MeetingKind.choices)
        chips += [("kind", kind, kinds[kind]) for kind in active.get("kind", [])]
        chips += [("subtype", subtype.slug, subtype.label) for subtype in self.selected_subtypes]
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
        sort = self.cleaned.get("sort")
        if sort:
            query["sort"] = sort
        return query.urlencode()


class CommitmentFilter(SortedFilterSet):
    """Filters over the outcomes of published meetings: the timeline's filters, status and kind.

    The timeline's parameters (``country``, ``org``, ``topic``, ``kind``,
    ``date_from``, ``date_to``, ``year``, ``q``) pick the meetings, through a
    MeetingFilter of their own, which notes its bad values as on the timeline;
    ``status`` and ``outcome`` (the kind of outcome) pick among those meetings'
    outcomes, and ``sort`` orders them by when they were promised.
    """

    status = ValueListFilter(
        label="Status",
        field_name="status",
        lookup_expr="in",
        normalise=choice_of(OutcomeStatus),
        max_length=30,
    )
    outcome = ValueListFilter(
        label="Kind of outcome",
        field_name="kind",
        lookup_expr="in",
        normalise=choice_of(Outcome.Kind),
        max_length=30,
    )
    sort = SortFilter(
        label="Sort",
        orderings={
            "newest": ("Newest promise first", ("-meeting__start_date", "-meeting__pk", "pk")),
            "oldest": ("Oldest promise first", ("meeting__start_date", "meeting__pk", "pk")),
        },
    )

    class Meta:
        model = Outcome
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        own = set(self.base_filters)
        meeting_data = None
        if data is not None:
            meeting_data = data.copy()
            for key in own:
                meeting_data.pop(key, None)
            data = data.copy()
            for key in MeetingFilter.base_filters:
                if key not in own:
                    data.pop(key, None)
        self.meeting_filter = MeetingFilter(
            meeting_data, queryset=Meeting.objects.published(), request=request
        )
        super().__init__(data, queryset=queryset, request=request, **kwargs)

    @classmethod
    def for_request(cls, request) -> CommitmentFilter:
        """The commitments page's filter for a request's parameters, over published meetings' outcomes."""
        return cls(request.GET, queryset=Outcome.objects.public(), request=request)

    def filter_queryset(self, queryset):
        outcomes = super().filter_queryset(queryset)
        meetings = self.meeting_filter
        chosen = meetings.qs  # reading it completes the meeting filter's notices and problems
        self.notices[:0] = meetings.notices
        for param, problems in meetings.problems.items():
            self.problems.setdefault(param, []).extend(problems)
        if meetings.active:
            outcomes = outcomes.filter(meeting__in=chosen.order_by().values("pk"))
        return outcomes

    @property
    def active(self) -> dict:
        return {**self.meeting_filter.active, **super().active}

    def chips(self) -> list[tuple[str, str, str]]:
        """The meeting filters' chips, then each status and kind of outcome in force."""
        active = super().active
        statuses, kinds = dict(OutcomeStatus.choices), dict(Outcome.Kind.choices)
        return [
            *self.meeting_filter.chips(),
            *(("status", status, statuses[status]) for status in active.get("status", [])),
            *(("outcome", kind, kinds[kind]) for kind in active.get("outcome", [])),
        ]

    def query_string(self) -> str:
        """The filters in force and a chosen sort, URL-encoded: what links to outputs carry."""
        query = QueryDict(mutable=True)
        for param, value, _ in self.chips():
            query.appendlist(param, value)
        sort = self.cleaned.get("sort")
        if sort:
            query["sort"] = sort
        return query.urlencode()


class PersonFilter(ReviewedFilterSet):
    """Filters over the people index: a search of the names and other spellings."""

    q = django_filters.CharFilter(method="filter_search", label="Search")

    max_query_length = 100

    class Meta:
        model = Person
        fields: list[str] = []


class OrganisationFilter(ReviewedFilterSet):
    """Filters over the organisation index: kind, country and a search of the names."""

    kind = ValueListFilter(
        label="Kind",
        field_name="kind",
        lookup_expr="in",
        normalise=choice_of(Organisation.Kind),
        max_length=30,
    )
    country = ValueListFilter(
        label="Country", field_name="country", lookup_expr="in", normalise=country_code, max_length=10
    )
    q = django_filters.CharFilter(method="filter_search", label="Search")

    max_query_length = 100

    class Meta:
        model = Organisation
        fields: list[str] = []
