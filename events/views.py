"""Readers' pages: thin views over the FilterSets and the page-shaped querysets.

Only published meetings and delegations are ever shown; a draft's page is a 404.
"""

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django_countries import countries
from django_countries.fields import Country

from .cache import cached, public_page
from .facets import facets_for, stacked_year_chart, topic_grid
from .filters import CommitmentFilter, MeetingFilter, OrganisationFilter, PersonFilter
from .geo import choropleth, route_map
from .models import (
    NEWEST_FIRST,
    Delegation,
    Meeting,
    Organisation,
    Outcome,
    OutcomeStatus,
    Participation,
    Person,
    Topic,
)
from .network import partner_network
from .outages import dependencies


@never_cache
def healthz(request):
    """Each dependency "ok" or "down", for load balancers: 503 only when the site cannot serve."""
    report, status = dependencies()
    return JsonResponse(report, status=status)


class TimelinePaginator(Paginator):
    """A paginator that can be told the count, and reads deep pages from the far end.

    A page past the middle is read in reverse order with a small offset and
    turned back around, so the last page costs what the first does.
    """

    def __init__(self, object_list, per_page, count: int | None = None):
        super().__init__(object_list, per_page)
        if count is not None:
            self.count = count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        queryset = self.object_list
        if bottom > self.count // 2 and isinstance(queryset, QuerySet) and queryset.ordered:
            return Page(list(queryset.reverse()[self.count - top : self.count - bottom])[::-1], number, self)
        return Page(queryset[bottom:top], number, self)


def paginate(request, queryset, per_page: int | None = None, count: int | None = None):
    """A page of ``queryset``; a bad or out-of-range ``page`` gives the nearest page and a notice."""
    paginator = TimelinePaginator(queryset, per_page or settings.TIMELINE_PAGE_SIZE, count=count)
    raw = request.GET.get("page", "1")
    notice = ""
    try:
        page = paginator.page(raw)
    except PageNotAnInteger:
        page, notice = paginator.page(1), f"“{raw[:20]}” is not a page number; showing the first page."
    except EmptyPage:
        last = paginator.num_pages
        page = paginator.page(last)
        if raw.strip().lstrip("-").isdigit() and int(raw) > last:
            notice = f"There are only {last} pages; showing the last one."
        else:
            notice = "Page numbers start at 1; showing the first page."
            page = paginator.page(1)
    return page, notice


@public_page
def timeline(request):
    meeting_filter = MeetingFilter.for_request(request)
    meetings = meeting_filter.qs
    expanded = request.GET.get("more", "")
    # The count and the facets cost most of the page: keep them until the data changes.
    total, facets = cached(
        "timeline",
        {"filters": meeting_filter.form.cleaned_data, "more": expanded[:20]},
        lambda: (meetings.count(), facets_for(meetings, meeting_filter, expanded=expanded)),
    )
    page, page_notice = paginate(request, meetings.for_timeline(), count=total)
    context = {
        "filter": meeting_filter,
        "page": page,
        "notices": [*meeting_filter.notices, *([page_notice] if page_notice else [])],
        "facets": facets,
        "chart": stacked_year_chart(facets.year_kinds),
        "world_map": choropleth(facets.country_totals, selected=meeting_filter.active.get("country", [])),
        "grouped_by_month": meeting_filter.chosen_sort != "relevance",
    }
    return render(request, "events/timeline.html", context)


@public_page
def meeting_detail(request, slug):
    try:
        meeting = Meeting.objects.published().for_detail().get(slug=slug)
    except Meeting.DoesNotExist:
        # A duplicate merged into another meeting: its address moved for good.
        target = Meeting.objects.redirect_target_for_slug(slug)
        if target is None:
            raise Http404("No published meeting has this address.") from None
        return redirect(target, permanent=True)
    organisation_ids = {link.organisation_id for link in meeting.organisation_roles.all()}
    related = (
        Meeting.objects.published()
        .exclude(pk=meeting.pk)
        .involving_organisations(organisation_ids)
        .annotate(
            shared=Count(
                "organisation_roles__organisation",
                filter=Q(organisation_roles__organisation__in=organisation_ids),
                distinct=True,
            )
        )
        .order_by("-shared", *NEWEST_FIRST)
        .only("title", "slug", "start_date", "end_date", "date_precision", "kind")[:6]
    )
    follows = meeting.follow_up_of if meeting.follow_up_of and meeting.follow_up_of.is_published else None
    context = {"meeting": meeting, "related": related, "follows": follows}
    return render(request, "events/meeting_detail.html", context)


@public_page
def commitments(request):
    """What was promised, and what happened: published meetings' outcomes with the timeline's filters."""
    commitment_filter = CommitmentFilter.for_request(request)
    page, page_notice = paginate(request, commitment_filter.qs.for_commitments())
    context = {
        "filter": commitment_filter,
        "page": page,
        "notices": [*commitment_filter.notices, *([page_notice] if page_notice else [])],
        "statuses": OutcomeStatus.choices,
        "outcome_kinds": Outcome.Kind.choices,
        "countries": sorted(countries, key=lambda country: country.name),
    }
    return render(request, "events/commitments.html", context)


@public_page
def delegation_index(request):
    delegations = (
        Delegation.objects.published()
        .for_index()
        .with_meeting_counts()
        .order_by(F("start_date").desc(nulls_last=True), "title", "pk")
    )
    page, notice = paginate(request, delegations)
    return render(
        request, "events/delegation_index.html", {"page": page, "notices": [notice] if notice else []}
    )


@public_page
def delegation_detail(request, slug):
    delegation = get_object_or_404(
        Delegation.objects.published()
        .select_related("head")
        .prefetch_related("sending_organisations", "members", "sources"),
        slug=slug,
    )
    meetings = list(delegation.meetings.published().for_timeline().order_by("start_date", "pk"))
    context = {"delegation": delegation, "meetings": meetings, "route": route_map(delegation, meetings)}
    return render(request, "events/delegation_detail.html", context)


@public_page
def organisation_index(request):
    organisation_filter = OrganisationFilter(
        request.GET, queryset=Organisation.objects.for_index().with_meeting_counts().order_by("name", "pk")
    )
    page, notice = paginate(request, organisation_filter.qs, per_page=50)
    based = Organisation.objects.country_counts()
    context = {
        "filter": organisation_filter,
        "page": page,
        "notices": [*organisation_filter.notices, *([notice] if notice else [])],
        "kinds": Organisation.Kind.choices,
        "countries": sorted((Country(code) for code in based), key=lambda country: country.name),
    }
    return render(request, "events/organisation_index.html", context)


@public_page
def organisation_detail(request, slug):
    organisation = get_object_or_404(
        Organisation.objects.select_related("parent").prefetch_related("other_names", "children"), slug=slug
    )
    meetings = Meeting.objects.published().involving_organisations([organisation])

    def figures() -> dict:
        representatives = (
            Participation.objects.filter(organisation=organisation, meeting__status="published")
            .values("person__slug", "person__name", "name_as_written")
            .annotate(meetings=Count("meeting", distinct=True))
            .order_by("-meetings", "person__name", "name_as_written")[:30]
        )
        partners = meetings.organisation_counts(limit=21)
        return {
            "count": meetings.count(),
            "partners": [row for row in partners if row["organisation_id"] != organisation.pk][:20],
            "representatives": list(representatives),
            "year_kinds": meetings.year_kind_counts(),
            "network": partner_network(meetings, links=40, focus=organisation),
        }

    # The aggregates cost most of the page: keep them until the data changes.
    profile = cached("organisation-profile", organisation.pk, figures)
    page, notice = paginate(request, meetings.for_timeline().newest_first(), count=profile["count"])
    context = {
        "organisation": organisation,
        "page": page,
        "notices": [notice] if notice else [],
        "partners": profile["partners"],
        "representatives": profile["representatives"],
        "chart": stacked_year_chart(profile["year_kinds"]),
        "network": profile["network"],
    }
    return render(request, "events/organisation_detail.html", context)


@public_page
def organisation_pair(request, slug, other):
    first = get_object_or_404(Organisation, slug=slug)
    second = get_object_or_404(Organisation, slug=other)
    if first == second:
        raise Http404("Choose two different organisations.")
    meetings = Meeting.objects.published().involving_organisations([first]).involving_organisations([second])
    page, notice = paginate(request, meetings.for_timeline().newest_first())
    context = {
        "first": first,
        "second": second,
        "page": page,
        "notices": [notice] if notice else [],
        "chart": stacked_year_chart(meetings.year_kind_counts()),
    }
    return render(request, "events/organisation_pair.html", context)


def country_or_404(code: str) -> Country:
    code = code.upper()
    if code not in dict(countries):
        raise Http404("No such country.")
    return Country(code)


@public_page
def country_index(request):
    """Every country with meetings or organisations; the timeline's filters narrow the meetings."""
    meeting_filter = MeetingFilter.for_request(request)
    # Under a filter, only the countries of the matching meetings are listed.
    rows = meeting_filter.qs.country_index(with_organisations=not meeting_filter.active)
    counts = {row["code"]: row["meeting_count"] for row in rows if row["meeting_count"]}
    context = {
        "filter": meeting_filter,
        "notices": meeting_filter.notices,
        "rows": rows,
        "world_map": choropleth(counts, selected=meeting_filter.active.get("country", [])),
    }
    return render(request, "events/country_index.html", context)


@public_page
def country_detail(request, code):
    country = country_or_404(code)
    published = Meeting.objects.published()
    held_here = published.filter(country=country.code)
    page, notice = paginate(request, held_here.for_timeline().newest_first())
    involving = published.involving_countries([country.code])
    partners = [(Country(c), n) for c, n in involving.country_counts(limit=21) if c != country.code][:20]
    delegations = Delegation.objects.published()
    context = {
        "country": country,
        "page": page,
        "notices": [notice] if notice else [],
        "involving_count": involving.count(),
        "sent": delegations.filter(sending_country=country.code).order_by("-start_date", "title")[:50],
        "received": delegations.filter(destination_countries__contains=country.code).order_by(
            "-start_date", "title"
        )[:50],
        "organisations": Organisation.objects.filter(country=country.code).order_by("name")[:100],
        "partners": partners,
        "chart": stacked_year_chart(involving.year_kind_counts()),
    }
    return render(request, "events/country_detail.html", context)


@public_page
def country_pair(request, code, other):
    first, second = country_or_404(code), country_or_404(other)
    if first == second:
        raise Http404("Choose two different countries.")
    meetings = (
        Meeting.objects.published().involving_countries([first.code]).involving_countries([second.code])
    )
    page, notice = paginate(request, meetings.for_timeline().newest_first())
    context = {
        "first": first,
        "second": second,
        "page": page,
        "notices": [notice] if notice else [],
        "chart": stacked_year_chart(meetings.year_kind_counts()),
    }
    return render(request, "events/country_pair.html", context)


@public_page
def person_index(request):
    person_filter = PersonFilter(
        request.GET, queryset=Person.objects.with_meeting_counts().order_by("name", "pk")
    )
    page, notice = paginate(request, person_filter.qs, per_page=50)
    context = {
        "filter": person_filter,
        "page": page,
        "notices": [*person_filter.notices, *([notice] if notice else [])],
    }
    return render(request, "events/person_index.html", context)


@public_page
def person_detail(request, slug):
    person = get_object_or_404(
        Person.objects.prefetch_related("other_names", "positions__organisation"), slug=slug
    )
    participations = (
        Participation.objects.filter(person=person, meeting__status="published")
        .select_related("meeting", "organisation")
        .order_by("-meeting__start_date", "-meeting__pk")
    )
    attended = Meeting.objects.published().filter(
        pk__in=Participation.objects.filter(person=person).values("meeting_id")
    )
    context = {
        "person": person,
        "participations": participations,
        "chart": stacked_year_chart(attended.year_kind_counts()),
    }
    return render(request, "events/person_detail.html", context)


@public_page
def topic_index(request):
    topics = Topic.objects.select_related("parent").with_meeting_counts()
    context = {
        "topics": topics.order_by("name", "pk"),
        "grid": topic_grid(Meeting.objects.published().topic_year_counts(), limit=30),
    }
    return render(request, "events/topic_index.html", context)


@public_page
def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.select_related("parent").prefetch_related("children"), slug=slug)
    meetings = Meeting.objects.published().about_topics([topic])
    page, notice = paginate(request, meetings.for_timeline().newest_first())
    context = {
        "topic": topic,
        "page": page,
        "notices": [notice] if notice else [],
        "chart": stacked_year_chart(meetings.year_kind_counts()),
        # Topics over time: this topic and the others its meetings were also about.
        "grid": topic_grid(meetings.topic_year_counts(), limit=10, first=topic.slug),
    }
    return render(request, "events/topic_detail.html", context)


@public_page
def network(request):
    """The partner network of the meetings that match the timeline's filters."""
    meeting_filter = MeetingFilter.for_request(request)
    meetings = meeting_filter.qs
    # Laying out the graph of a large result is costly: keep it until the data changes.
    meeting_count, graph = cached(
        "network",
        meeting_filter.form.cleaned_data,
        lambda: (meetings.count(), partner_network(meetings)),
    )
    context = {
        "filter": meeting_filter,
        "notices": meeting_filter.notices,
        "meeting_count": meeting_count,
        "network": graph,
    }
    return render(request, "events/network.html", context)
