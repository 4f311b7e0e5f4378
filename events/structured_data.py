"""schema.org JSON-LD for every page: what search engines and link previews read.

One builder per kind of page, each returning plain dicts; base.html writes
them with the ``json_ld`` tag (events.templatetags.readers) as one
``@graph``. Builders read only what the page's queryset already fetched, so
structured data adds no query. Only published meetings and delegations are
ever passed in: a draft never appears here either.

``absolute`` is the request's ``build_absolute_uri``: schema.org wants full
addresses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse

from .templatetags.timeline import slug_url
from .wording import describe_place

CONTEXT = "https://schema.org"
SITE_NAME = "Mine Action Cooperation Timeline"

Absolute = Callable[[str], str]


def graph(*nodes: dict | None) -> dict:
    return {"@context": CONTEXT, "@graph": [node for node in nodes if node]}


def breadcrumbs(absolute: Absolute, trail: Iterable[tuple[str, str]]) -> dict:
    """A BreadcrumbList from the home page down: ``trail`` holds (name, path) pairs."""
    home = [("Timeline", "/")]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": name, "item": absolute(path)}
            for number, (name, path) in enumerate([*home, *trail], start=1)
        ],
    }


def collection(absolute: Absolute, name: str, description: str = "", about: list[dict] | None = None) -> dict:
    """A list page (an index, the timeline, a pair's shared meetings)."""
    node: dict[str, Any] = {
        "@type": "CollectionPage",
        "name": name,
        "url": absolute(""),
        "isPartOf": {"@type": "WebSite", "name": SITE_NAME, "url": absolute("/")},
    }
    if description:
        node["description"] = description
    if about:
        node["about"] = about
    return node


ATTENDANCE_MODES = {
    "in_person": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}


def attendance_and_location(meeting, absolute: Absolute) -> dict:
    """eventAttendanceMode from the meeting's mode, and its location: a Place with the venue, the
    city (with its coordinates) and the country; a VirtualLocation when online (and when hybrid, too)."""
    node: dict = {"eventAttendanceMode": ATTENDANCE_MODES.get(meeting.mode, ATTENDANCE_MODES["in_person"])}
    city = meeting.city if meeting.city_id else None
    locations: list[dict] = []
    if meeting.mode != "online" and (meeting.country or city is not None or meeting.venue):
        place: dict = {
            "@type": "Place",
            "name": describe_place(
                city.name if city else "",
                meeting.country.name if meeting.country else "",
                venue=meeting.venue,
            ),
        }
        found = address(meeting.country.code if meeting.country else "", city.name if city else "")
        if found:
            place["address"] = found
        if city is not None:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": city.latitude, "longitude": city.longitude}
        locations.append(place)
    if meeting.mode in ("online", "hybrid"):
        locations.append({"@type": "VirtualLocation", "url": absolute(meeting.get_absolute_url())})
    if locations:
        node["location"] = locations[0] if len(locations) == 1 else locations
    return node


def address(country_code: str = "", city: str = "") -> dict | None:
    if not (country_code or city):
        return None
    node = {"@type": "PostalAddress"}
    if city:
        node["addressLocality"] = city
    if country_code:
        node["addressCountry"] = country_code
    return node


def organisation_ref(organisation, absolute: Absolute) -> dict:
    """A short Organization: enough to name and link it from another record."""
    url = absolute(slug_url("events:organisation-detail", organisation.slug))
    node = {"@type": "Organization", "@id": url, "name": organisation.name, "url": url}
    if organisation.acronym and organisation.acronym != organisation.name:
        node["alternateName"] = organisation.acronym
    return node


def organisation(organisation, absolute: Absolute) -> dict:
    node = organisation_ref(organisation, absolute)
    other_names = [organisation.acronym] if organisation.acronym else []
    other_names += [other.name for other in organisation.other_names.all()]
    if other_names:
        node["alternateName"] = other_names
    if organisation.description:
        node["description"] = organisation.description
    if organisation.website:
        node["sameAs"] = organisation.website
    if organisation.country:
        node["address"] = address(organisation.country.code)
    if organisation.parent_id:
        node["parentOrganization"] = organisation_ref(organisation.parent, absolute)
    children = [organisation_ref(child, absolute) for child in organisation.children.all()]
    if children:
        node["subOrganization"] = children
    return node


def person_ref(person, absolute: Absolute) -> dict:
    url = absolute(slug_url("events:person-detail", person.slug))
    return {"@type": "Person", "@id": url, "name": person.name, "url": url}


def person(person, absolute: Absolute) -> dict:
    node = person_ref(person, absolute)
    if person.honorific:
        node["honorificPrefix"] = person.honorific
    other_names = [other.name for other in person.other_names.all()]
    if other_names:
        node["alternateName"] = other_names
    positions = list(person.positions.all())
    if positions:
        node["jobTitle"] = positions[0].title
        organisations = {p.organisation_id: p.organisation for p in positions if p.organisation_id}
        if organisations:
            node["affiliation"] = [organisation_ref(o, absolute) for o in organisations.values()]
    return node


def place(country, absolute: Absolute | None = None) -> dict:
    """A country as a Place."""
    node = {"@type": "Place", "name": country.name, "address": address(country.code)}
    if absolute is not None:
        node["@id"] = node["url"] = absolute(reverse("events:country-detail", args=[country.code]))
    return node


# Dates as precisely as they are known: ISO 8601 allows a month ("2024-08") or a year alone.
_DATE_FORMATS = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def meeting(meeting, absolute: Absolute) -> dict:
    url = absolute(meeting.get_absolute_url())
    node = {"@type": "Event", "@id": url, "name": meeting.title, "url": url}
    date_format = _DATE_FORMATS.get(meeting.date_precision)
    if date_format:  # "on or before the report" is no start date
        node["startDate"] = meeting.start_date.strftime(date_format)
        if meeting.end_date and meeting.date_precision == "day":
            node["endDate"] = meeting.end_date.isoformat()
    if meeting.summary:
        node["description"] = meeting.summary
    node.update(attendance_and_location(meeting, absolute))
    roles = list(meeting.organisation_roles.all())
    organisers = [link.organisation for link in roles if link.role in ("organiser", "host")]
    if organisers:
        node["organizer"] = [organisation_ref(o, absolute) for o in dict.fromkeys(organisers)]
    attendees = []
    for participation in meeting.participants_present:
        attendee = (
            person_ref(participation.person, absolute)
            if participation.person_id
            else {"@type": "Person", "name": participation.name_as_written}
        )
        if participation.organisation_id:
            attendee["affiliation"] = organisation_ref(participation.organisation, absolute)
        attendees.append(attendee)
    attendees += [
        organisation_ref(o, absolute) for o in meeting.distinct_organisations if o not in organisers
    ]
    if attendees:
        node["attendee"] = attendees
    topics = [
        {"@type": "Thing", "name": topic.name, "url": absolute(slug_url("events:topic-detail", topic.slug))}
        for topic in meeting.topics.all()
    ]
    if topics:
        node["about"] = topics
    if meeting.delegation_id and meeting.delegation.is_published:
        delegation = meeting.delegation
        node["superEvent"] = {
            "@type": "Event",
            "name": delegation.title,
            "url": absolute(delegation.get_absolute_url()),
        }
    return node


def delegation(delegation, meetings, absolute: Absolute) -> dict:
    """A delegation's trip as an Event whose sub-events are its published meetings."""
    url = absolute(delegation.get_absolute_url())
    node = {"@type": "Event", "@id": url, "name": delegation.title, "url": url}
    if delegation.start_date:
        node["startDate"] = delegation.start_date.isoformat()
    if delegation.end_date:
        node["endDate"] = delegation.end_date.isoformat()
    if delegation.purpose:
        node["description"] = delegation.purpose
    organisers = [organisation_ref(o, absolute) for o in delegation.sending_organisations.all()]
    if organisers:
        node["organizer"] = organisers
    members = [person_ref(p, absolute) for p in delegation.members.all()]
    if members:
        node["attendee"] = members
    if meetings:
        node["subEvent"] = [
            {"@type": "Event", "name": m.title, "url": absolute(m.get_absolute_url())} for m in meetings
        ]
    return node
