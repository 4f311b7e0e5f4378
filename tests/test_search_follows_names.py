"""A meeting is found by the current names of the organisations, people and trip it refers to."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Meeting, OrganisationName, PersonName, ProposedChange

from .factories import make_delegation, make_meeting, make_organisation, make_outcome, make_person, make_topic
from .forms import form_values
from .pages import meeting_titles
from .test_proposals import decide, publishers_client  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def found(client, words: str) -> list[str]:
    return meeting_titles(client.get("/", {"q": words}))


def save_in_admin(client, record, **changes):
    url = reverse(f"admin:events_{record._meta.model_name}_change", args=[record.pk])
    values = form_values(client.get(url).content.decode(), form_id=f"{record._meta.model_name}_form")
    values.update({name: [value] for name, value in changes.items()})
    response = client.post(url, values)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_a_renamed_organisation_finds_its_meetings_by_the_new_name_only(client, editor_client):
    organisation = make_organisation(name="Mine Action Office", acronym="MAO")
    make_meeting(title="Talks in Bangkok", organisations=[organisation])
    make_meeting(title="A visit elsewhere")
    assert found(client, "Office") == ["Talks in Bangkok"]

    save_in_admin(editor_client, organisation, name="Demining Authority", acronym="DMA")

    assert found(client, "Authority") == ["Talks in Bangkok"]
    assert found(client, "DMA") == ["Talks in Bangkok"]
    assert found(client, "Office") == []


def test_an_organisation_named_only_by_a_participant_is_followed_too(client, editor_client):
    organisation = make_organisation(name="Survey Institute")
    person = make_person(name="Dara Chan")
    make_meeting(
        title="Field visit",
        participants=[{"name_as_written": "Dara Chan", "person": person, "organisation": organisation}],
    )
    save_in_admin(editor_client, organisation, name="Survey College")
    assert found(client, "College") == ["Field visit"]


def test_other_names_added_and_removed_in_the_admin(client, editor_client):
    organisation = make_organisation(name="Mine Action Office")
    make_meeting(title="Talks in Bangkok", organisations=[organisation])

    save_in_admin(editor_client, organisation, **{"other_names-0-name": "Kontor Minen"})
    assert found(client, "Kontor") == ["Talks in Bangkok"]

    other = OrganisationName.objects.get()
    save_in_admin(
        editor_client, organisation, **{"other_names-0-id": str(other.pk), "other_names-0-DELETE": "on"}
    )
    assert not OrganisationName.objects.exists()
    assert found(client, "Kontor") == []


def test_a_person_renamed_or_given_another_spelling(client, editor_client):
    person = make_person(name="Vugar Suleymanov")
    make_meeting(title="Talks in Baku", participants=[{"name_as_written": "V. Suleymanov", "person": person}])

    save_in_admin(editor_client, person, name="Vugar Suleimanov")
    assert found(client, "Suleimanov") == ["Talks in Baku"]

    PersonName.objects.create(person=person, name="Vüqar Süleymanov")
    assert found(client, "Vüqar") == ["Talks in Baku"]
    PersonName.objects.get().delete()
    assert found(client, "Vüqar") == []


def test_a_renamed_trip_finds_its_meetings(client):
    trip = make_delegation(title="Azerbaijani delegation to Thailand")
    make_meeting(title="Talks in Bangkok", delegation=trip)
    trip.title = "Azerbaijani delegation to South-East Asia"
    trip.save()
    assert found(client, "South-East") == ["Talks in Bangkok"]


def test_a_proposed_rename_is_found_only_once_approved(client, as_editor, publishers_client):  # noqa: F811
    organisation = make_organisation(name="Mine Action Office", slug="mao")
    make_meeting(title="Talks in Bangkok", organisations=[organisation])

    save_in_admin(as_editor, organisation, name="Demining Authority")
    assert found(client, "Authority") == []

    decide(publishers_client, ProposedChange.objects.get(), "_approve")
    assert found(client, "Authority") == ["Talks in Bangkok"]


def test_a_save_that_changes_no_name_reads_no_meeting():
    organisation = make_organisation(name="Mine Action Office")
    make_meeting(title="Talks in Bangkok", organisations=[organisation])
    organisation.website = "https://example.org"
    with CaptureQueriesContext(connection) as queries:
        organisation.save()
    assert [query["sql"] for query in queries if "events_meeting" in query["sql"]] == []


def test_every_document_equals_a_fresh_build_after_many_meetings_are_refreshed():
    organisation = make_organisation(name="Mine Action Office")
    others = [make_organisation(name=name) for name in ("zeta Body", "Alpha Body", "Éclair Agency")]
    OrganisationName.objects.create(organisation=others[1], name="First Body")
    person = make_person(name="Dara Chan")
    PersonName.objects.create(person=person, name="Chan Dara")
    approved = make_topic(name="Land release")
    proposed = make_topic(name="Proposed", parent=approved, approved=False)
    trip = make_delegation(title="A trip")
    for number in range(7):
        meeting = make_meeting(
            title=f"Talks {number}",
            organisations=[organisation, *others[: number % 4]],
            topics=[approved, proposed][: number % 3],
            participants=[
                {"name_as_written": "D. Chan", "person": person, "organisation": others[number % 3]},
                {"name_as_written": "Someone else"},
            ][: number % 3],
            delegation=trip if number % 2 else None,
            city="Bangkok" if number == 3 else None,
        )
        if number % 2:
            make_outcome(meeting, text=f"An invitation {number}")
    organisation.name = "Demining Authority"
    with CaptureQueriesContext(connection) as queries:
        organisation.save()
    assert len(queries) < 30  # a batch of meetings in a few queries, not a few for each meeting
    for meeting in Meeting.objects.all():
        assert meeting.search_document == meeting.build_search_document()
        assert "Demining Authority" in meeting.search_document
