"""Records for the data-out tests (API, CSV, feeds), and helpers to read what they return."""

import datetime

import pytest

from events.models import Participation, Position, Status

from .factories import (
    make_delegation,
    make_meeting,
    make_organisation,
    make_person,
    make_source,
    make_topic,
)


@pytest.fixture
def records():
    """A delegation from Azerbaijan meets TMAC, organised by ARMAC; with drafts around it."""
    anama = make_organisation(
        name="Mine Action Agency of Azerbaijan", acronym="ANAMA", slug="anama", country="AZ"
    )
    anama.other_names.create(name="Azerbaijan National Agency for Mine Action")
    tmac = make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    armac = make_organisation(
        name="ASEAN Regional Mine Action Center", acronym="ARMAC", slug="armac", country="KH", parent=None
    )
    suleymanov = make_person(name="Vugar Suleymanov", slug="vugar-suleymanov", honorific="Mr")
    Position.objects.create(person=suleymanov, organisation=anama, title="Chairman of the Board")
    training = make_topic(name="Joint training", slug="joint-training")
    trip = make_delegation(
        title="Trip to Southeast Asia", slug="trip", head=suleymanov, destination_countries=["TH", "KH"]
    )
    trip.sending_organisations.add(anama)
    draft_trip = make_delegation(title="Unpublished trip", slug="unpublished-trip", status=Status.DRAFT)
    draft_earlier = make_meeting(title="Draft contact", slug="draft-contact", status=Status.DRAFT)
    meeting = make_meeting(
        title="ANAMA meets TMAC",
        slug="anama-meets-tmac",
        city="Bangkok",
        venue="TMAC headquarters",
        start_date=datetime.date(2024, 8, 22),
        end_date=datetime.date(2024, 8, 23),
        delegation=trip,
        follow_up_of=draft_earlier,
        organisations=[(anama, "delegation"), (tmac, "host"), (armac, "organiser")],
        topics=[training],
        sources=[
            make_source(publisher="AzerNews", author="Fatima Latifova", url="https://news.example.org/x")
        ],
        participants=[
            {
                "name_as_written": "V. Suleymanov",
                "person": suleymanov,
                "organisation": anama,
                "title_as_stated": "Chair",
                "role": "head_of_delegation",
            },
            {"name_as_written": "Rotna But", "organisation": armac, "title_as_stated": "Executive Director"},
        ],
    )
    meeting.outcomes.create(kind="invitation", text="ANAMA invited TMAC to a conference.").parties.set(
        [anama, tmac]
    )
    later = make_meeting(
        title="Second round",
        slug="second-round",
        start_date=datetime.date(2025, 2, 1),
        follow_up_of=meeting,
        organisations=[anama, tmac],
        delegation=draft_trip,
    )
    older = make_meeting(
        title="Border talks", slug="border-talks", country="KH", start_date=datetime.date(2018, 12, 7)
    )
    draft = make_meeting(
        title="Draft visit", slug="draft-visit", status=Status.DRAFT, organisations=[anama], delegation=trip
    )
    Participation.objects.create(meeting=draft, name_as_written="Vugar", person=suleymanov)
    return locals()


def all_pages(client, url: str) -> list[dict]:
    """Every result of a paginated list, following ``next``."""
    results = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        results += body["results"]
        url = body["next"]
    return results
