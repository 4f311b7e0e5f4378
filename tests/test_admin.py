"""Editors record a meeting through the real admin forms."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import City, Meeting, Participation, Topic

from .factories import make_delegation, make_meeting, make_organisation, make_person, make_source, make_topic
from .forms import form_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_records():
    return {
        "tmac": make_organisation(
            name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH"
        ),
        "anama": make_organisation(name="Mine Action Agency of Azerbaijan", acronym="ANAMA", slug="anama"),
        "person": make_person(name="Vugar Suleymanov", slug="vugar-suleymanov"),
        "topic": Topic.objects.get(slug="capacity-building"),  # seeded by a migration
        "source": make_source(url="https://news.example.org/anama-tmac", publisher="AzerNews"),
    }


def filled_add_form(client, records, **changes) -> dict[str, list[str]]:
    response = client.get(reverse("admin:events_meeting_add"))
    assert response.status_code == 200
    data = form_values(response.content.decode(), form_id="meeting_form")
    data.update(
        {
            "title": ["ANAMA delegation meets TMAC"],
            "slug": ["anama-delegation-meets-tmac"],
            "kind": ["bilateral"],
            "status": ["published"],
            "start_date": ["2024-08-22"],
            "date_precision": ["on_or_before"],
            "country": ["TH"],
            "topics": [str(records["topic"].pk)],
            "sources": [str(records["source"].pk)],
            "summary": ["The two agencies discussed joint training."],
            "organisation_roles-0-organisation": [str(records["tmac"].pk)],
            "organisation_roles-0-role": ["host"],
            "organisation_roles-1-organisation": [str(records["anama"].pk)],
            "organisation_roles-1-role": ["delegation"],
            "participations-0-name_as_written": ["V. Suleymanov"],
            "participations-0-person": [str(records["person"].pk)],
            "participations-0-organisation": [str(records["anama"].pk)],
            "participations-0-title_as_stated": ["Chairman of the Board"],
            "participations-0-role": ["delegation_member"],
            "participations-1-name_as_written": ["Nattavut Sabyeroop"],
            "participations-1-organisation": [str(records["tmac"].pk)],
            "participations-1-title_as_stated": ["Director General"],
            "participations-1-role": ["host"],
            "outcomes-0-kind": ["invitation"],
            "outcomes-0-text": ["ANAMA invited TMAC to a conference in Azerbaijan."],
            "outcomes-0-parties": [str(records["anama"].pk), str(records["tmac"].pk)],
        }
    )
    data.update(changes)
    return data


def test_editor_adds_a_complete_meeting_through_the_add_form(editor_client, seed_records):
    data = filled_add_form(editor_client, seed_records)
    response = editor_client.post(reverse("admin:events_meeting_add"), data)
    assert response.status_code == 302, BeautifulSoup(response.content, "html.parser").select(".errorlist")

    meeting = Meeting.objects.get(slug="anama-delegation-meets-tmac")
    assert meeting.date_display == "On or before 22 August 2024"
    assert {(link.organisation.acronym, link.role) for link in meeting.organisation_roles.all()} == {
        ("TMAC", "host"),
        ("ANAMA", "delegation"),
    }
    participants = {p.name_as_written: p for p in meeting.participations.all()}
    assert participants["V. Suleymanov"].person == seed_records["person"]
    assert participants["Nattavut Sabyeroop"].person is None  # unresolved, still recorded
    assert list(meeting.topics.all()) == [seed_records["topic"]]
    assert list(meeting.sources.all()) == [seed_records["source"]]
    outcome = meeting.outcomes.get()
    assert outcome.kind == "invitation"
    assert set(outcome.parties.values_list("acronym", flat=True)) == {"ANAMA", "TMAC"}
    # Saving refreshed the search document with names from the inlines.
    assert "Nattavut Sabyeroop" in meeting.search_document
    assert "TMAC" in meeting.search_document


def test_end_date_before_start_date_shows_the_error_and_saves_nothing(editor_client, seed_records):
    data = filled_add_form(editor_client, seed_records, end_date=["2024-08-01"])
    response = editor_client.post(reverse("admin:events_meeting_add"), data)
    assert response.status_code == 200
    errors = " ".join(
        e.get_text(" ") for e in BeautifulSoup(response.content, "html.parser").select(".errorlist")
    )
    assert "The end date cannot be before the start date." in errors
    assert not Meeting.objects.exists()
    assert not Participation.objects.exists()


def test_meeting_outside_its_delegations_trip_gets_a_form_error(editor_client, seed_records):
    import datetime

    trip = make_delegation(start_date=datetime.date(2024, 9, 1), end_date=datetime.date(2024, 9, 5))
    data = filled_add_form(editor_client, seed_records, delegation=[str(trip.pk)], date_precision=["day"])
    response = editor_client.post(reverse("admin:events_meeting_add"), data)
    assert response.status_code == 200
    assert "before the delegation" in response.content.decode()
    assert not Meeting.objects.exists()


def test_unknown_participant_row_without_a_name_is_an_error(editor_client, seed_records):
    data = filled_add_form(editor_client, seed_records, **{"participations-1-name_as_written": [""]})
    response = editor_client.post(reverse("admin:events_meeting_add"), data)
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_autocomplete_finds_organisations_by_other_names(editor_client):
    cmac = make_organisation(name="Cambodian Mine Action Centre", acronym="CMAC", slug="cmac")
    cmac.other_names.create(name="Cambodia Mine Clearance Center")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "clearance",
            "app_label": "events",
            "model_name": "meetingorganisation",
            "field_name": "organisation",
        },
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Cambodian Mine Action Centre (CMAC)"]


def add_related_rows() -> None:
    organisation = make_organisation()
    make_meeting(organisations=[organisation], delegation=make_delegation(), topics=[make_topic()])
    make_person().positions.create(title="Director", organisation=organisation)
    make_source()


@pytest.mark.parametrize("model", ["meeting", "organisation", "person", "delegation", "source", "topic"])
@pytest.mark.parametrize("query", ["", "?q=a"])
def test_change_lists_do_not_grow_queries_with_rows(editor_client, django_assert_num_queries, model, query):
    url = reverse(f"admin:events_{model}_changelist") + query
    add_related_rows()
    with CaptureQueriesContext(connection) as one_row:
        assert editor_client.get(url).status_code == 200
    for _ in range(4):
        add_related_rows()
    with django_assert_num_queries(len(one_row)):
        assert editor_client.get(url).status_code == 200


def city_autocomplete(client, term: str) -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "events", "model_name": "meeting", "field_name": "city"},
    )
    assert response.status_code == 200
    return [item["text"] for item in response.json()["results"]]


def test_an_editor_finds_a_city_by_name_the_biggest_first(as_editor):
    found = city_autocomplete(as_editor, "Geneva")
    assert found[0] == "Geneva, Switzerland"
    assert "Geneva, United States of America" in found
    assert city_autocomplete(as_editor, "Genf")[0] == "Geneva, Switzerland"
    assert city_autocomplete(as_editor, "zangilan") == ["Zangilan, Azerbaijan"]


def test_editor_adds_a_meeting_with_its_city_and_venue(editor_client, seed_records):
    bangkok = City.objects.named("Bangkok", "TH")
    data = filled_add_form(
        editor_client, seed_records, city=[str(bangkok.pk)], venue=["TMAC headquarters"], mode=["hybrid"]
    )
    response = editor_client.post(reverse("admin:events_meeting_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get()
    assert (meeting.city, meeting.venue, meeting.mode) == (bangkok, "TMAC headquarters", "hybrid")
    entry = meeting.history.first()
    assert (entry.city_id, entry.venue) == (bangkok.pk, "TMAC headquarters")


def test_the_form_refuses_a_city_of_another_country(editor_client, seed_records):
    baku = City.objects.named("Baku", "AZ")
    data = filled_add_form(editor_client, seed_records, city=[str(baku.pk)])
    response = editor_client.post(reverse("admin:events_meeting_add"), data)
    assert response.status_code == 200
    assert "Baku is in Azerbaijan, not Thailand" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_place_fieldset_groups_mode_country_city_and_venue(editor_client):
    soup = BeautifulSoup(editor_client.get(reverse("admin:events_meeting_add")).content, "html.parser")
    place = next(fs for fs in soup.select("fieldset") if fs.find(["h2", "legend"], string="Place"))
    names = [field["name"] for field in place.select("[name]")]
    for name in ("mode", "country", "city", "venue", "visiting_country", "stated_countries"):
        assert name in names


def test_the_gazetteer_is_read_only_in_the_admin(editor_client):
    city = City.objects.named("Siem Reap", "KH")
    assert editor_client.get(reverse("admin:events_city_changelist") + "?q=Siem").status_code == 200
    assert editor_client.get(reverse("admin:events_city_add")).status_code == 403
    assert (
        editor_client.post(reverse("admin:events_city_delete", args=[city.pk]), {"post": "yes"}).status_code
        == 403
    )
