"""Readers' pages: thin views over the FilterSets and the page-shaped querysets.

Only published meetings and delegations are ever shown; a draft's page is a 404.
"""

import difflib

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import DatabaseError
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django_countries import countries
from django_countries.fields import Country

from . import citations
from . import structured_data as ld
from .cache import cached, public_page
from .facets import (
    commitment_facets,
    facets_from_index,
    indexed_country_counts,
    stacked_year_chart,
    topic_grid,
)
from .filters import CommitmentFilter, MeetingFilter, OrganisationFilter, PersonFilter
from .geo import choropleth, city_marks, place_map, route_map
from .meeting_index import (
    OrderedMeetings,
    Selection,
    all_published,
    both,
    related_and_follow_ups,
    select,
    select_by,
)
from .models import (
    CountryPair,
    Delegation,
    FormerSlug,
    Meeting,
    Organisation,
    OrganisationPair,
    Outcome,
    OutcomeStatus,
    Participation,
    Person,
    Topic,
    participant_reports_prefetch,
)
from .network import partner_network
from .outages import dependencies


@never_cache
def healthz(request):
    """Each dependency "ok" or "down", for load balancers: 503 only when the site cannot serve."""
    report, status = dependencies()
    return JsonResponse(report, status=status)


def robots_txt(request):
    """Crawl every reader's page; not the admin, nor the CSV downloads (the pages hold the same)."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /export/",
        f"Sitemap: {request.build_absolute_uri(reverse('events:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# The 404 page's suggestions: at most this many, from records whose slug shares a word with the address.
NEAREST_MATCHES = 6


def nearest_matches(path: str) -> list[tuple[str, str, str]]:
    """(kind, name, address) of the published records whose slugs are most like the address's last part.

    A query per kind of record, each for slugs holding one of the address's
    words; ranked by how alike the slugs are. None when the database is down.
    """
    last = next((part for part in reversed(path.split("/")) if part), "")
    wanted = slugify(last)[:140]
    words = sorted({word for word in wanted.split("-") if len(word) >= 3}, key=len, reverse=True)[:4]
    if not words:
        return []
    any_word = Q()
    for word in words:
        any_word |= Q(slug__icontains=word)
    found = []
    try:
        kinds = [
            ("Meeting", Meeting.objects.published(), "title"),
            ("Organisation", Organisation.objects.all(), "name"),
            ("Person", Person.objects.all(), "name"),
            ("Topic", Topic.objects.public(), "name"),
            ("Delegation", Delegation.objects.published(), "title"),
        ]
        for label, queryset, name in kinds:
            for record in queryset.filter(any_word).only("slug", name).order_by("pk")[:50]:
                likeness = difflib.SequenceMatcher(None, wanted, record.slug).ratio()
                found.append((likeness, label, getattr(record, name), record.get_absolute_url()))
    except DatabaseError:
        return []
    found.sort(key=lambda row: (-row[0], row[2]))
    return [(label, name, url) for _, label, name, url in found[:NEAREST_MATCHES]]


def page_not_found(request, exception=None):
    """handler404: a search box and the records whose addresses are nearest to the one asked for."""
    last = next((part for part in reversed(request.path.split("/")) if part), "")
    context = {"matches": nearest_matches(request.path), "words": " ".join(slugify(last).split("-"))[:100]}
    return render(request, "404.html", context, status=404)


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


def to_current_address(request, **current) -> HttpResponsePermanentRedirect:
    """A 301 to the same view with the records' current slugs (and the same query)."""
    match = request.resolver_match
    url = reverse(match.view_name, kwargs={**match.kwargs, **current})
    if request.GET:
        url += "?" + request.GET.urlencode()
    return HttpResponsePermanentRedirect(url)


def current_or_former(queryset, slug: str):
    """The record of ``queryset`` with ``slug``, else the one that once had it, else a 404."""
    record = queryset.filter(slug=slug).first() or FormerSlug.record_for(queryset, slug)
    if record is None:
        raise Http404("No record has this address.")
    return record


def citation(request, item: dict) -> dict:
    """What the page's "Cite this" block shows: the reference, and each format to download."""
    match = request.resolver_match
    labels = {"bib": "BibTeX", "ris": "RIS", "json": "CSL-JSON"}
    return {
        "item": item,
        "reference": citations.reference(item),
        "accessed": citations.accessed(item),
        "downloads": [
            (labels[fmt], reverse(f"{match.view_name}-cite", kwargs={**match.kwargs, "fmt": fmt}))
            for fmt in citations.FORMATS
        ],
    }


def citation_file(item: dict, fmt: str) -> HttpResponse:
    if fmt not in citations.FORMATS:
        raise Http404("No such citation format.")
    body, content_type, filename = citations.download(item, fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@public_page
def timeline(request):
    meeting_filter = MeetingFilter.for_request(request)
    expanded = request.GET.get("more", "")
    # The total, the facets and the page's ids come from the facet index; only the page's rows are read.
    selection = select(meeting_filter)
    facets = facets_from_index(selection, meeting_filter, expanded=expanded)
    sort = meeting_filter.chosen_sort
    if sort == "relevance":
        listing = meeting_filter.qs.for_timeline()
    else:
        listing = OrderedMeetings(
            selection, Meeting.objects.published(), newest=sort == "newest", listed=True
        )
    page, page_notice = paginate(request, listing, count=selection.count)
    context = {
        "filter": meeting_filter,
        "page": page,
        "notices": [*meeting_filter.notices, *([page_notice] if page_notice else [])],
        "facets": facets,
        "chart": stacked_year_chart(facets.year_kinds),
        "world_map": choropleth(facets.country_totals, selected=meeting_filter.active.get("country", [])),
        "grouped_by_month": meeting_filter.chosen_sort != "relevance",
        "structured_data": ld.graph(
            ld.collection(request.build_absolute_uri, "Timeline of mine-action cooperation"),
            ld.breadcrumbs(request.build_absolute_uri, []),
        ),
    }
    return render(request, "events/timeline.html", context)


@public_page
def meeting_detail(request, slug, fmt: str | None = None):
    try:
        meeting = Meeting.objects.get_published_for_detail(slug)
    except Meeting.DoesNotExist:
        # A duplicate merged into another meeting, or a renamed one: its address moved for good.
        target = Meeting.objects.redirect_target_for_slug(slug) or FormerSlug.record_for(
            Meeting.objects.published(), slug
        )
        if target is None:
            raise Http404("No published meeting has this address.") from None
        return to_current_address(request, slug=target.slug)
    item = citations.for_meeting(meeting, request.build_absolute_uri(meeting.get_absolute_url()))
    if fmt:
        return citation_file(item, fmt)
    related, follows, follow_ups = related_and_follow_ups(meeting)
    absolute = request.build_absolute_uri
    city = meeting.city if meeting.city_id else None
    marks = city_marks([(city.name, city.country, city.latitude, city.longitude, 0)] if city else [])
    context = {
        "meeting": meeting,
        "place_map": place_map(meeting.country.code, marks) if meeting.country else None,
        "related": related,
        "follows": follows,
        "follow_ups": follow_ups,
        "citation": citation(request, item),
        "structured_data": ld.graph(
            ld.meeting(meeting, absolute),
            ld.breadcrumbs(absolute, [(meeting.title, meeting.get_absolute_url())]),
        ),
    }
    return render(request, "events/meeting_detail.html", context)


@public_page
def commitments(request):
    """What was promised, and what happened: published meetings' outcomes with the timeline's filters."""
    commitment_filter = CommitmentFilter.for_request(request)
    outcomes = commitment_filter.qs
    expanded = request.GET.get("more", "")
    # As on the timeline, the count and the facets are kept until the data changes.
    total, facets = cached(
        "commitments",
        {
            "filters": commitment_filter.form.cleaned_data,
            "meetings": commitment_filter.meeting_filter.form.cleaned_data,
            "more": expanded[:20],
        },
        lambda: (outcomes.count(), commitment_facets(outcomes, commitment_filter, expanded=expanded)),
    )
    page, page_notice = paginate(request, outcomes.for_commitments(), count=total)
    context = {
        "filter": commitment_filter,
        "page": page,
        "facets": facets,
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
    absolute = request.build_absolute_uri
    context = {
        "page": page,
        "notices": [notice] if notice else [],
        "structured_data": ld.graph(
            ld.collection(absolute, "Delegations"),
            ld.breadcrumbs(absolute, [("Delegations", reverse("events:delegation-index"))]),
        ),
    }
    return render(request, "events/delegation_index.html", context)


@public_page
def delegation_detail(request, slug):
    delegation = get_object_or_404(
        Delegation.objects.published()
        .select_related("head")
        .prefetch_related("sending_organisations", "members", "sources"),
        slug=slug,
    )
    meetings = list(delegation.meetings.published().for_timeline().order_by("start_date", "pk"))
    absolute = request.build_absolute_uri
    context = {
        "delegation": delegation,
        "meetings": meetings,
        "route": route_map(delegation, meetings),
        "structured_data": ld.graph(
            ld.delegation(delegation, meetings, absolute),
            ld.breadcrumbs(
                absolute,
                [
                    ("Delegations", reverse("events:delegation-index")),
                    (delegation.title, delegation.get_absolute_url()),
                ],
            ),
        ),
    }
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
        "structured_data": ld.graph(
            ld.collection(request.build_absolute_uri, "Organisations"),
            ld.breadcrumbs(
                request.build_absolute_uri, [("Organisations", reverse("events:organisation-index"))]
            ),
        ),
    }
    return render(request, "events/organisation_index.html", context)


@public_page
def organisation_detail(request, slug, fmt: str | None = None):
    organisation = current_or_former(
        Organisation.objects.select_related("parent").prefetch_related("other_names", "children"), slug
    )
    if organisation.slug != slug:
        return to_current_address(request, slug=organisation.slug)
    item = citations.for_organisation(
        organisation, request.build_absolute_uri(organisation.get_absolute_url())
    )
    if fmt:
        return citation_file(item, fmt)
    selection = select_by("org", [organisation.pk])

    def figures() -> dict:
        # Its partners are kept pair counts: no count over the joined meetings.
        return {
            "partners": OrganisationPair.objects.partners_of(organisation.pk, limit=20),
            "representatives": Participation.objects.representatives_of(organisation.pk, limit=30),
            "year_kinds": selection.index.year_kind_counts(selection.ids),
            # Its meetings are the selection's: the network reads them from the facet index alone.
            "network": partner_network(None, links=40, focus=organisation, selection=selection),
        }

    # The aggregates cost most of the page: keep them until the data changes.
    profile = cached("organisation-profile", organisation.pk, figures)
    page, notice = paginate(request, newest_first(selection), count=selection.count)
    context = {
        "organisation": organisation,
        "page": page,
        "notices": [notice] if notice else [],
        "partners": profile["partners"],
        "representatives": profile["representatives"],
        "chart": stacked_year_chart(profile["year_kinds"]),
        "network": profile["network"],
        "citation": citation(request, item),
        "structured_data": ld.graph(
            ld.organisation(organisation, request.build_absolute_uri),
            ld.breadcrumbs(
                request.build_absolute_uri,
                [
                    ("Organisations", reverse("events:organisation-index")),
                    (organisation.name, organisation.get_absolute_url()),
                ],
            ),
        ),
    }
    return render(request, "events/organisation_detail.html", context)


@public_page
def organisation_pair(request, slug, other, fmt: str | None = None):
    first = current_or_former(Organisation.objects.all(), slug)
    second = current_or_former(Organisation.objects.all(), other)
    if first == second:
        raise Http404("Choose two different organisations.")
    if (first.slug, second.slug) != (slug, other):
        return to_current_address(request, slug=first.slug, other=second.slug)
    absolute = request.build_absolute_uri
    address = reverse("events:organisation-pair", args=[first.slug, second.slug])
    item = citations.for_organisation_pair(first, second, absolute(address))
    if fmt:
        return citation_file(item, fmt)
    selection = both(select_by("org", [first.pk]), select_by("org", [second.pk]))
    page, notice = paginate(request, newest_first(selection), count=selection.count)
    context = {
        "first": first,
        "second": second,
        "page": page,
        "notices": [notice] if notice else [],
        "chart": stacked_year_chart(selection.index.year_kind_counts(selection.ids)),
        "citation": citation(request, item),
        "structured_data": ld.graph(
            ld.collection(
                absolute,
                f"{first.name} and {second.name}",
                about=[ld.organisation_ref(first, absolute), ld.organisation_ref(second, absolute)],
            ),
            ld.breadcrumbs(
                absolute,
                [
                    ("Organisations", reverse("events:organisation-index")),
                    (first.name, first.get_absolute_url()),
                    (f"With {second.short_name}", address),
                ],
            ),
        ),
    }
    return render(request, "events/organisation_pair.html", context)


def newest_first(selection: Selection) -> OrderedMeetings:
    """A profile's meetings in the timeline's order, read a page at a time through the facet index, as
    the rows a list shows."""
    return OrderedMeetings(selection, Meeting.objects.published(), listed=True)


def country_or_404(code: str) -> Country:
    code = code.upper()
    if code not in dict(countries):
        raise Http404("No such country.")
    return Country(code)


@public_page
def country_index(request):
    """Every country with meetings or organisations; the timeline's filters narrow the meetings."""
    meeting_filter = MeetingFilter.for_request(request)
    # Under a filter, only the countries of the matching meetings are listed; counted by the facet index.
    counts = dict(indexed_country_counts(select(meeting_filter)))
    rows = meeting_filter.qs.country_index(with_organisations=not meeting_filter.active, counts=counts)
    context = {
        "filter": meeting_filter,
        "notices": meeting_filter.notices,
        "rows": rows,
        "world_map": choropleth(
            counts,
            selected=meeting_filter.active.get("country", []),
            cities=city_marks(meeting_filter.qs.city_counts()),
        ),
        "structured_data": ld.graph(
            ld.collection(request.build_absolute_uri, "Countries"),
            ld.breadcrumbs(request.build_absolute_uri, [("Countries", reverse("events:country-index"))]),
        ),
    }
    return render(request, "events/country_index.html", context)


@public_page
def country_detail(request, code, fmt: str | None = None):
    country = country_or_404(code)
    absolute = request.build_absolute_uri
    address = reverse("events:country-detail", args=[country.code])
    item = citations.for_country(country, absolute(address))
    if fmt:
        return citation_file(item, fmt)
    # One set of meetings for the count and the list: held here, or with an organisation
    # taking part or a delegation from here (a meeting held elsewhere is listed too).
    involving = select_by("country", [country.code])
    involving_count = involving.count
    page, notice = paginate(request, newest_first(involving), count=involving_count)
    # Its partners are kept pair counts: no count over the joined meetings.
    partners = [(Country(code), n) for code, n in CountryPair.objects.partners_of(country.code, limit=20)]
    # The lists name and link each record: read nothing else of them.
    delegations = Delegation.objects.published().only("slug", "title")
    context = {
        "country": country,
        "page": page,
        "notices": [notice] if notice else [],
        "involving_count": involving_count,
        "sent": delegations.filter(sending_country=country.code).order_by("-start_date", "title")[:50],
        "received": delegations.filter(destination_countries__contains=country.code).order_by(
            "-start_date", "title"
        )[:50],
        "organisations": Organisation.objects.filter(country=country.code)
        .only("slug", "name")
        .order_by("name")[:100],
        "partners": partners,
        "chart": stacked_year_chart(involving.index.year_kind_counts(involving.ids)),
        "place_map": place_map(
            country.code, city_marks(Meeting.objects.published().filter(country=country.code).city_counts())
        ),
        "citation": citation(request, item),
        "structured_data": ld.graph(
            ld.place(country, absolute),
            ld.breadcrumbs(
                absolute, [("Countries", reverse("events:country-index")), (country.name, address)]
            ),
        ),
    }
    return render(request, "events/country_detail.html", context)


@public_page
def country_pair(request, code, other, fmt: str | None = None):
    first, second = country_or_404(code), country_or_404(other)
    if first == second:
        raise Http404("Choose two different countries.")
    absolute = request.build_absolute_uri
    address = reverse("events:country-pair", args=[first.code, second.code])
    item = citations.for_country_pair(first, second, absolute(address))
    if fmt:
        return citation_file(item, fmt)
    selection = both(select_by("country", [first.code]), select_by("country", [second.code]))
    page, notice = paginate(request, newest_first(selection), count=selection.count)
    context = {
        "first": first,
        "second": second,
        "page": page,
        "notices": [notice] if notice else [],
        "chart": stacked_year_chart(selection.index.year_kind_counts(selection.ids)),
        "citation": citation(request, item),
        "structured_data": ld.graph(
            ld.collection(
                absolute,
                f"{first.name} and {second.name}",
                about=[ld.place(first, absolute), ld.place(second, absolute)],
            ),
            ld.breadcrumbs(
                absolute,
                [
                    ("Countries", reverse("events:country-index")),
                    (first.name, reverse("events:country-detail", args=[first.code])),
                    (f"With {second.name}", address),
                ],
            ),
        ),
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
        "structured_data": ld.graph(
            ld.collection(request.build_absolute_uri, "People"),
            ld.breadcrumbs(request.build_absolute_uri, [("People", reverse("events:person-index"))]),
        ),
    }
    return render(request, "events/person_index.html", context)


@public_page
def person_detail(request, slug, fmt: str | None = None):
    person = current_or_former(
        Person.objects.prefetch_related("other_names", "positions__organisation"), slug
    )
    if person.slug != slug:
        return to_current_address(request, slug=person.slug)
    item = citations.for_person(person, request.build_absolute_uri(person.get_absolute_url()))
    if fmt:
        return citation_file(item, fmt)
    participations = (
        Participation.objects.filter(person=person, meeting__status="published")
        .select_related("meeting", "organisation", "role")
        .prefetch_related(participant_reports_prefetch())
        .order_by("-meeting__start_date", "-meeting__pk")
    )
    attended = Meeting.objects.published().filter(
        pk__in=Participation.objects.taking_part().filter(person=person).values("meeting_id")
    )
    context = {
        "person": person,
        "participations": participations,
        "chart": stacked_year_chart(attended.year_kind_counts()),
        "citation": citation(request, item),
        "structured_data": ld.graph(
            ld.person(person, request.build_absolute_uri),
            ld.breadcrumbs(
                request.build_absolute_uri,
                [("People", reverse("events:person-index")), (person.name, person.get_absolute_url())],
            ),
        ),
    }
    return render(request, "events/person_detail.html", context)


@public_page
def topic_index(request):
    # Each topic's meetings (by the roll-up) and the grid, counted by the facet index.
    published = all_published()
    counts = {
        row["topic_id"]: row["meetings"]
        for row in published.index.topic_counts(published.ids, published.topics)
    }
    topics = list(Topic.objects.public().select_related("parent").order_by("name", "pk"))
    for topic in topics:
        topic.meeting_count = counts.get(topic.pk, 0)
    context = {
        "topics": topics,
        "grid": topic_grid(published.index.topic_year_counts(published.ids, published.topics), limit=30),
        "structured_data": ld.graph(
            ld.collection(request.build_absolute_uri, "Topics"),
            ld.breadcrumbs(request.build_absolute_uri, [("Topics", reverse("events:topic-index"))]),
        ),
    }
    return render(request, "events/topic_index.html", context)


@public_page
def topic_detail(request, slug):
    children = Prefetch("children", queryset=Topic.objects.public())
    topic = current_or_former(
        Topic.objects.public().select_related("parent").prefetch_related(children), slug
    )
    if topic.slug != slug:
        return to_current_address(request, slug=topic.slug)
    selection = select_by("topic", [topic.pk])
    index, ids = selection.index, selection.ids
    page, notice = paginate(request, newest_first(selection), count=selection.count)
    context = {
        "topic": topic,
        "page": page,
        "notices": [notice] if notice else [],
        "chart": stacked_year_chart(index.year_kind_counts(ids)),
        # Topics over time: this topic and the others its meetings were also about.
        "grid": topic_grid(index.topic_year_counts(ids, selection.topics), limit=10, first=topic.slug),
        "structured_data": ld.graph(
            ld.collection(
                request.build_absolute_uri,
                f"Meetings about {topic.name}",
                topic.description,
                about=[{"@type": "Thing", "name": topic.name}],
            ),
            ld.breadcrumbs(
                request.build_absolute_uri,
                [("Topics", reverse("events:topic-index")), (topic.name, topic.get_absolute_url())],
            ),
        ),
    }
    return render(request, "events/topic_detail.html", context)


@public_page
def network(request):
    """The partner network of the meetings that match the timeline's filters."""
    meeting_filter = MeetingFilter.for_request(request)
    meetings = meeting_filter.qs

    def compute() -> tuple[int, dict]:
        if not meeting_filter.active:
            # The kept pair counts of every published meeting: no join of them all.
            return all_published(meetings.db).count, partner_network(OrganisationPair.objects.all())
        # Filtered: the matching meetings and their links from the facet index.
        selection = select(meeting_filter)
        return selection.count, partner_network(meetings, selection=selection)

    # Laying out the graph of a large result is costly: keep it until the data changes.
    meeting_count, graph = cached("network", meeting_filter.form.cleaned_data, compute)
    context = {
        "filter": meeting_filter,
        "notices": meeting_filter.notices,
        "meeting_count": meeting_count,
        "network": graph,
        "structured_data": ld.graph(
            ld.collection(request.build_absolute_uri, "Who met whom: the partner network"),
            ld.breadcrumbs(request.build_absolute_uri, [("Network", reverse("events:network"))]),
        ),
    }
    return render(request, "events/network.html", context)
