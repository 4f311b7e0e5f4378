"""The meetings' and the people's list rows read as plain values, written as their serializers write them.

A page of the list is up to 200 meetings with their organisations, participants, topics and
sources: making each as a model instance and serializing it field by field cost several times what
its queries did. Here each relation is one query of just the values shown, and each row a dict in
MeetingSerializer's order; links reverse their route once per page. Outcomes are rare and nested
deeper, so the meetings that have them still go through OutcomeSerializer. A test holds every row
to what the meeting's own URL (MeetingSerializer) gives. The people's and delegations' lists
(PersonRows, DelegationRows) are read the same way: a page of 50 people holds every published
meeting each attended.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable

from django.db.models import F, OuterRef, Subquery
from django.urls import reverse
from rest_framework import serializers

from ..geo import country_name
from ..models import (
    Delegation,
    Meeting,
    MeetingOrganisation,
    Outcome,
    ParticipantReport,
    Participation,
    Person,
    PersonName,
    Position,
    Status,
)
from ..wording import describe_date, describe_held, describe_place
from .serializers import PLACEHOLDER, PLAIN_SLUG, OutcomeSerializer, reverse_by_slug

# The fields' own conversions, so that dates and times read exactly as the serializers write them.
DATE = serializers.DateField()
DATE_TIME = serializers.DateTimeField()

MEETING_FIELDS = (
    "pk",
    "slug",
    "title",
    "kind",
    "subtype__slug",
    "subtype__label",
    "start_date",
    "end_date",
    "date_precision",
    "date_as_reported",
    "mode",
    "country",
    "city_id",
    "city__name",
    "city__country",
    "city__latitude",
    "city__longitude",
    "city__geonames_id",
    "venue",
    "visiting_country",
    "country_codes",
    "delegation__slug",
    "delegation__title",
    "delegation__status",
    "summary",
    "editorial_note",
    "follow_up_of__slug",
    "follow_up_of__title",
    "follow_up_of__start_date",
    "follow_up_of__end_date",
    "follow_up_of__date_precision",
    "follow_up_of__status",
    "updated_at",
)


def date_text(value: datetime.date | None) -> str | None:
    """As DateField."""
    return None if value is None else DATE.to_representation(value)


def country(code: str) -> dict | None:
    """As CountryField."""
    return {"code": code, "name": country_name(code)} if code else None


class Links:
    """A request's links to records by slug, each route reversed once (as reverse_by_slug() and
    PageURLField give them)."""

    def __init__(self, request):
        self.request = request
        self.parts: dict[tuple[str, bool], list[str]] = {}

    def _parts(self, viewname: str, page: bool) -> list[str]:
        key = (viewname, page)
        parts = self.parts.get(key)
        if parts is None:
            if page:
                url = self.request.build_absolute_uri(reverse(viewname, args=[PLACEHOLDER]))
            else:
                url = reverse_by_slug(viewname, kwargs={"slug": PLACEHOLDER}, request=self.request)
            parts = self.parts[key] = url.split(PLACEHOLDER)
        return parts

    def maker(self, viewname: str, *, page: bool = False) -> Callable[[str], str]:
        """slug -> the API URL of the record (``page``: the absolute URL of its page on the site)."""
        parts = self._parts(viewname, page)
        if len(parts) != 2:
            return lambda slug: self._slow(viewname, page, slug)
        before, after = parts

        def link(slug: str) -> str:
            if PLAIN_SLUG.fullmatch(slug):
                return f"{before}{slug}{after}"
            return self._slow(viewname, page, slug)

        return link

    def _slow(self, viewname: str, page: bool, slug: str) -> str:
        if page:
            return self.request.build_absolute_uri(reverse(viewname, args=[slug]))
        return reverse_by_slug(viewname, kwargs={"slug": slug}, request=self.request)


class MeetingRows:
    """Reads pages of the API's meetings list for one request, by ids (listed()) or ranked (read())."""

    def __init__(self, context: dict, using: str = "default"):
        self.context = context
        self.using = using
        links = Links(context["request"])
        self.meeting_url = links.maker("events:api-meeting-detail")
        self.meeting_page = links.maker("events:meeting-detail", page=True)
        self.organisation_url = links.maker("events:api-organisation-detail")
        self.person_url = links.maker("events:api-person-detail")
        self.topic_url = links.maker("events:api-topic-detail")
        self.delegation_url = links.maker("events:api-delegation-detail")

    def listed(self, ids: list[int]) -> dict[int, dict]:
        """The published meetings among ``ids``, by id, each as MeetingSerializer gives it: seven
        queries whatever the number of rows (two more when some have outcomes, one fewer when none
        has participants)."""
        meetings = Meeting.objects.using(self.using).published().with_countries_taking_part()
        return self.read(meetings.filter(pk__in=ids).order_by())

    def read(self, meetings) -> dict[int, dict]:
        """The rows of ``meetings`` (a queryset read with with_countries_taking_part(), perhaps sliced),
        by id in their order, as listed() gives them: one query for the meetings, then their
        relations."""
        rows: dict[int, dict] = {}
        for values in meetings.values_list(*MEETING_FIELDS):
            rows[values[0]] = self.meeting(values)
        if not rows:
            return rows
        found = list(rows)
        organisations = self.organisations(found)
        participants = self.participants(found)
        topics = self.topics(found)
        outcomes = self.outcomes(found)
        sources = self.sources(found)
        for pk, row in rows.items():
            row["organisations"] = organisations.get(pk, [])
            row["participants"] = participants.get(pk, [])
            row["topics"] = topics.get(pk, [])
            row["outcomes"] = outcomes.get(pk, [])
            row["sources"] = sources.get(pk, [])
        return rows

    def meeting(self, values: tuple) -> dict:
        (
            _pk, slug, title, kind, subtype_slug, subtype_label, start, end, precision, as_reported,
            mode, code, city_id, city_name, city_country, latitude, longitude, geonames_id, venue,
            visiting, codes, trip_slug, trip_title, trip_status, summary, note,
            earlier_slug, earlier_title, earlier_start, earlier_end, earlier_precision, earlier_status,
            updated,
        ) = values  # fmt: skip
        taking_part = sorted(set(filter(None, (codes or "").split(","))), key=country_name)
        city = None
        if city_id is not None:
            city = {
                "name": city_name,
                "country": country(city_country),
                "latitude": float(latitude),
                "longitude": float(longitude),
                "geonames_id": int(geonames_id),
            }
        delegation = None
        if trip_slug is not None and trip_status == Status.PUBLISHED:
            delegation = {"slug": trip_slug, "title": trip_title, "url": self.delegation_url(trip_slug)}
        follow_up_of = None
        if earlier_slug is not None and earlier_status == Status.PUBLISHED:
            follow_up_of = {
                "slug": earlier_slug,
                "title": earlier_title,
                "start_date": date_text(earlier_start),
                "date_display": describe_date(earlier_start, earlier_end, earlier_precision),
                "url": self.meeting_url(earlier_slug),
                "html_url": self.meeting_page(earlier_slug),
            }
        return {
            "slug": slug,
            "url": self.meeting_url(slug),
            "html_url": self.meeting_page(slug),
            "title": title,
            "kind": kind,
            "subtype": subtype_slug,
            "subtype_label": subtype_label,
            "start_date": date_text(start),
            "end_date": date_text(end),
            "date_precision": precision,
            "date_display": describe_date(start, end, precision),
            "date_as_reported": as_reported,
            "mode": mode,
            "country": country(code),
            "city": city,
            "venue": venue,
            "place": describe_held(
                describe_place(city_name or "", country_name(code) if code else "", venue=venue), mode
            ),
            "visiting_country": country(visiting),
            "countries_taking_part": [{"code": code, "name": country_name(code)} for code in taking_part],
            "delegation": delegation,
            "organisations": [],
            "participants": [],
            "topics": [],
            "summary": summary,
            "outcomes": [],
            "editorial_note": note,
            "sources": [],
            "follow_up_of": follow_up_of,
            "updated_at": DATE_TIME.to_representation(updated),
        }

    def organisation_ref(self, slug: str | None, name: str, acronym: str) -> dict | None:
        if slug is None:
            return None
        return {"slug": slug, "name": name, "acronym": acronym, "url": self.organisation_url(slug)}

    def organisations(self, ids: list[int]) -> dict[int, list[dict]]:
        """As MeetingOrganisationSerializer, in organisation_roles_prefetch()'s order."""
        grouped: dict[int, list[dict]] = defaultdict(list)
        links = (
            MeetingOrganisation.objects.using(self.using)
            .filter(meeting_id__in=ids)
            .order_by("role__order", "organisation__name", "pk")
            .values_list(
                "meeting_id",
                "organisation__slug",
                "organisation__name",
                "organisation__acronym",
                "role_id",
                "role__label",
                "role__present",
            )
        )
        for meeting_id, slug, name, acronym, role, label, present in links:
            grouped[meeting_id].append(
                {
                    "slug": slug,
                    "name": name,
                    "acronym": acronym,
                    "role": role,
                    "role_label": label,
                    "present": bool(present),
                    "url": self.organisation_url(slug),
                }
            )
        return grouped

    def participants(self, ids: list[int]) -> dict[int, list[dict]]:
        """As ParticipantSerializer, in Participation's order, with how each source reported them
        (participant_reports_prefetch()'s order): two queries (one when there are none)."""
        # The person's slug and name by subqueries: joined, PostgreSQL hashes every person for a
        # page's few.
        person = Person.objects.using(self.using).filter(pk=OuterRef("person_id")).order_by()
        people = list(
            Participation.objects.using(self.using)
            .filter(meeting_id__in=ids)
            .annotate(
                person_slug=Subquery(person.values("slug")[:1]),
                person_name=Subquery(person.values("name")[:1]),
            )
            .order_by("order", "pk")
            .values_list(
                "pk",
                "meeting_id",
                "name_as_written",
                "title_as_stated",
                "role_id",
                "role__label",
                "role__present",
                "person_slug",
                "person_name",
                "organisation__slug",
                "organisation__name",
                "organisation__acronym",
            )
        )
        reports: dict[int, list[tuple]] = defaultdict(list)
        if people:
            reported = (
                ParticipantReport.objects.using(self.using)
                .filter(participation__meeting_id__in=ids)
                .order_by("source__publisher", "pk")
                .values_list(
                    "participation_id",
                    "source__url",
                    "source__publisher",
                    "name_as_written",
                    "title_as_stated",
                )
            )
            for participation_id, *report in reported:
                reports[participation_id].append(tuple(report))
        grouped: dict[int, list[dict]] = defaultdict(list)
        for values in people:
            (pk, meeting_id, name, title, role, label, present, person_slug, person_name) = values[:9]
            organisation_slug, organisation_name, acronym = values[9:]
            own = reports.get(pk, [])
            titled = [(publisher, stated) for _url, publisher, _name, stated in own if stated]
            grouped[meeting_id].append(
                {
                    "name_as_written": name,
                    "title_as_stated": title,
                    # As Participation.titles_display.
                    "titles": "; ".join(f"{stated} ({publisher})" for publisher, stated in titled)
                    if titled
                    else title,
                    "as_reported": [
                        {
                            "url": url,
                            "publisher": publisher,
                            "name_as_written": written,
                            "title_as_stated": stated,
                        }
                        for url, publisher, written, stated in own
                    ],
                    "role": role,
                    "role_label": label,
                    "present": bool(present),
                    "person": (
                        None
                        if person_slug is None
                        else {"slug": person_slug, "name": person_name, "url": self.person_url(person_slug)}
                    ),
                    "organisation": self.organisation_ref(organisation_slug, organisation_name, acronym),
                }
            )
        return grouped

    def topics(self, ids: list[int]) -> dict[int, list[dict]]:
        """As TopicRefSerializer: the approved topics, in Topic's order (public_topics_prefetch())."""
        grouped: dict[int, list[dict]] = defaultdict(list)
        tagged = (
            Meeting.topics.through.objects.using(self.using)
            .filter(meeting_id__in=ids, topic__approved=True)
            .order_by("topic__name", "topic__pk")
            .values_list("meeting_id", "topic__slug", "topic__name")
        )
        for meeting_id, slug, name in tagged:
            grouped[meeting_id].append({"slug": slug, "name": name, "url": self.topic_url(slug)})
        return grouped

    def outcomes(self, ids: list[int]) -> dict[int, list]:
        """By OutcomeSerializer, as for_api() reads them: one query, and two more when there are any."""
        outcomes = list(Outcome.objects.using(self.using).for_meeting_page().filter(meeting_id__in=ids))
        grouped: dict[int, list] = defaultdict(list)
        if outcomes:
            written = OutcomeSerializer(outcomes, many=True, context=self.context).data
            for outcome, row in zip(outcomes, written, strict=True):
                grouped[outcome.meeting_id].append(row)
        return grouped

    def sources(self, ids: list[int]) -> dict[int, list[dict]]:
        """As SourceSerializer, in Source's order."""
        return cited_sources(
            Meeting.sources.through.objects.using(self.using).filter(meeting_id__in=ids), "meeting_id"
        )


def cited_sources(links, owner: str) -> dict[int, list[dict]]:
    """``links`` (rows of a record's sources, through their many-to-many table) as SourceSerializer
    writes each source, by ``owner`` (the record's id field there), in Source's order."""
    grouped: dict[int, list[dict]] = defaultdict(list)
    cited = links.order_by(F("source__published_on").desc(nulls_last=True), "source__pk").values_list(
        owner,
        "source__url",
        "source__title",
        "source__publisher",
        "source__republished_by",
        "source__author",
        "source__language",
        "source__published_on",
        "source__published_precision",
    )
    for owner_id, url, title, publisher, republished_by, author, language, published, precision in cited:
        grouped[owner_id].append(
            {
                "url": url,
                "title": title,
                "publisher": publisher,
                "republished_by": republished_by,
                "author": author,
                "language": language,
                "published_on": date_text(published),
                "published_precision": precision,
            }
        )
    return grouped


class PersonRows:
    """Pages of the API's people list for one request, each person as PersonSerializer writes them:
    three queries for a page's other names, positions and published participations, whatever the
    number of rows. A test holds every row to what the person's own URL (PersonSerializer) gives."""

    def __init__(self, context: dict, using: str = "default"):
        self.using = using
        links = Links(context["request"])
        self.person_url = links.maker("events:api-person-detail")
        self.person_page = links.maker("events:person-detail", page=True)
        self.meeting_url = links.maker("events:api-meeting-detail")
        self.meeting_page = links.maker("events:meeting-detail", page=True)
        self.organisation_url = links.maker("events:api-organisation-detail")

    def organisation_ref(self, slug: str | None, name: str, acronym: str) -> dict | None:
        """As OrganisationRefSerializer."""
        if slug is None:
            return None
        return {"slug": slug, "name": name, "acronym": acronym, "url": self.organisation_url(slug)}

    def read(self, people) -> list[dict]:
        """``people`` (Person instances, in the list's order) as PersonSerializer gives them."""
        ids = [person.pk for person in people]
        names: dict[int, list[str]] = defaultdict(list)
        positions: dict[int, list[dict]] = defaultdict(list)
        attended: dict[int, list[dict]] = defaultdict(list)
        if ids:
            names = self.other_names(ids)
            positions = self.positions(ids)
            attended = self.participations(ids)
        return [
            {
                "slug": person.slug,
                "url": self.person_url(person.slug),
                "html_url": self.person_page(person.slug),
                "name": person.name,
                "honorific": person.honorific,
                "other_names": names.get(person.pk, []),
                "positions": positions.get(person.pk, []),
                "participations": attended.get(person.pk, []),
                "updated_at": DATE_TIME.to_representation(person.updated_at),
            }
            for person in people
        ]

    def other_names(self, ids: list[int]) -> dict[int, list[str]]:
        """In PersonName's order."""
        grouped: dict[int, list[str]] = defaultdict(list)
        rows = PersonName.objects.using(self.using).filter(person_id__in=ids).values_list("person_id", "name")
        for person_id, name in rows:
            grouped[person_id].append(name)
        return grouped

    def positions(self, ids: list[int]) -> dict[int, list[dict]]:
        """As PositionSerializer, in Position's order."""
        grouped: dict[int, list[dict]] = defaultdict(list)
        rows = (
            Position.objects.using(self.using)
            .filter(person_id__in=ids)
            .values_list(
                "person_id",
                "title",
                "organisation__slug",
                "organisation__name",
                "organisation__acronym",
                "start_date",
                "end_date",
            )
        )
        for person_id, title, slug, name, acronym, start, end in rows:
            grouped[person_id].append(
                {
                    "title": title,
                    "organisation": self.organisation_ref(slug, name, acronym),
                    "start_date": date_text(start),
                    "end_date": date_text(end),
                }
            )
        return grouped

    def participations(self, ids: list[int]) -> dict[int, list[dict]]:
        """As PersonParticipationSerializer: published meetings only, newest first (PersonViewSet's)."""
        grouped: dict[int, list[dict]] = defaultdict(list)
        rows = (
            Participation.objects.using(self.using)
            .filter(person_id__in=ids, meeting__status=Status.PUBLISHED)
            .order_by("-meeting__start_date", "-meeting__pk", "pk")
            .values_list(
                "person_id",
                "meeting__slug",
                "meeting__title",
                "meeting__start_date",
                "meeting__end_date",
                "meeting__date_precision",
                "name_as_written",
                "title_as_stated",
                "role_id",
                "role__label",
                "role__present",
                "organisation__slug",
                "organisation__name",
                "organisation__acronym",
            )
        )
        for values in rows:
            person_id, slug, title, start, end, precision, name, stated, role, label, present = values[:11]
            organisation_slug, organisation_name, acronym = values[11:]
            grouped[person_id].append(
                {
                    "meeting": {
                        "slug": slug,
                        "title": title,
                        "start_date": date_text(start),
                        "date_display": describe_date(start, end, precision),
                        "url": self.meeting_url(slug),
                        "html_url": self.meeting_page(slug),
                    },
                    "name_as_written": name,
                    "title_as_stated": stated,
                    "role": role,
                    "role_label": label,
                    "present": bool(present),
                    "organisation": self.organisation_ref(organisation_slug, organisation_name, acronym),
                }
            )
        return grouped


class DelegationRows:
    """Pages of the API's delegations list for one request, each as DelegationSerializer writes it: four
    queries for a page's sending organisations, members, published meetings and sources, whatever
    the number of rows. A test holds every row to what the delegation's own URL gives."""

    def __init__(self, context: dict, using: str = "default"):
        self.using = using
        links = Links(context["request"])
        self.delegation_url = links.maker("events:api-delegation-detail")
        self.delegation_page = links.maker("events:delegation-detail", page=True)
        self.person_url = links.maker("events:api-person-detail")
        self.meeting_url = links.maker("events:api-meeting-detail")
        self.meeting_page = links.maker("events:meeting-detail", page=True)
        self.organisation_url = links.maker("events:api-organisation-detail")

    def read(self, delegations) -> list[dict]:
        """``delegations`` (Delegation instances with their head, in the list's order) as
        DelegationSerializer gives them."""
        ids = [delegation.pk for delegation in delegations]
        sent: dict[int, list[dict]] = defaultdict(list)
        members: dict[int, list[dict]] = defaultdict(list)
        meetings: dict[int, list[dict]] = defaultdict(list)
        sources: dict[int, list[dict]] = defaultdict(list)
        if ids:
            sent = self.sending_organisations(ids)
            members = self.members(ids)
            meetings = self.meetings(ids)
            sources = cited_sources(
                Delegation.sources.through.objects.using(self.using).filter(delegation_id__in=ids),
                "delegation_id",
            )
        rows = []
        for delegation in delegations:
            head = delegation.head
            rows.append(
                {
                    "slug": delegation.slug,
                    "url": self.delegation_url(delegation.slug),
                    "html_url": self.delegation_page(delegation.slug),
                    "title": delegation.title,
                    "sending_country": country(delegation.sending_country.code or ""),
                    "sending_organisations": sent.get(delegation.pk, []),
                    "head": None if head is None else self.person_ref(head.slug, head.name),
                    "members": members.get(delegation.pk, []),
                    "destination_countries": [
                        {"code": place.code, "name": country_name(place.code)}
                        for place in delegation.destination_countries
                    ],
                    "start_date": date_text(delegation.start_date),
                    "end_date": date_text(delegation.end_date),
                    "purpose": delegation.purpose,
                    "meetings": meetings.get(delegation.pk, []),
                    "sources": sources.get(delegation.pk, []),
                    "updated_at": DATE_TIME.to_representation(delegation.updated_at),
                }
            )
        return rows

    def person_ref(self, slug: str, name: str) -> dict:
        """As PersonRefSerializer."""
        return {"slug": slug, "name": name, "url": self.person_url(slug)}

    def sending_organisations(self, ids: list[int]) -> dict[int, list[dict]]:
        """As OrganisationRefSerializer, by name (DelegationViewSet's order)."""
        grouped: dict[int, list[dict]] = defaultdict(list)
        rows = (
            Delegation.sending_organisations.through.objects.using(self.using)
            .filter(delegation_id__in=ids)
            .order_by("organisation__name", "organisation__pk")
            .values_list("delegation_id", "organisation__slug", "organisation__name", "organisation__acronym")
        )
        for delegation_id, slug, name, acronym in rows:
            grouped[delegation_id].append(
                {"slug": slug, "name": name, "acronym": acronym, "url": self.organisation_url(slug)}
            )
        return grouped

    def members(self, ids: list[int]) -> dict[int, list[dict]]:
        """As PersonRefSerializer, in Person's order."""
        grouped: dict[int, list[dict]] = defaultdict(list)
        rows = (
            Delegation.members.through.objects.using(self.using)
            .filter(delegation_id__in=ids)
            .order_by("person__name", "person__pk")
            .values_list("delegation_id", "person__slug", "person__name")
        )
        for delegation_id, slug, name in rows:
            grouped[delegation_id].append(self.person_ref(slug, name))
        return grouped

    def meetings(self, ids: list[int]) -> dict[int, list[dict]]:
        """As MeetingRefSerializer: published meetings only, in date order (DelegationViewSet's)."""
        grouped: dict[int, list[dict]] = defaultdict(list)
        rows = (
            Meeting.objects.using(self.using)
            .filter(delegation_id__in=ids, status=Status.PUBLISHED)
            .order_by("start_date", "pk")
            .values_list("delegation_id", "slug", "title", "start_date", "end_date", "date_precision")
        )
        for delegation_id, slug, title, start, end, precision in rows:
            grouped[delegation_id].append(
                {
                    "slug": slug,
                    "title": title,
                    "start_date": date_text(start),
                    "date_display": describe_date(start, end, precision),
                    "url": self.meeting_url(slug),
                    "html_url": self.meeting_page(slug),
                }
            )
        return grouped
