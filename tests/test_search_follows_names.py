"""A meeting is found by the current names of the organisations, people and trip it refers to."""

import random
import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import (
    Meeting,
    MeetingSubtype,
    Organisation,
    OrganisationName,
    PersonName,
    ProposedChange,
    Status,
)

from .factories import (
    make_city,
    make_delegation,
    make_meeting,
    make_organisation,
    make_outcome,
    make_person,
    make_topic,
)
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


def meeting_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if "events_meeting" in query["sql"]]


def test_a_save_that_changes_no_name_reads_no_meeting():
    organisation = make_organisation(name="Mine Action Office")
    meeting = make_meeting(title="Talks in Bangkok", organisations=[organisation])
    organisation.website = "https://example.org"
    with CaptureQueriesContext(connection) as queries:
        organisation.save()
    assert meeting_queries(queries) == []

    organisation.name = "Demining Authority"
    with CaptureQueriesContext(connection) as queries:
        organisation.save()
    assert meeting_queries(queries) != []
    meeting.refresh_from_db()
    assert "Demining Authority" in meeting.search_document


def test_an_other_name_saved_unchanged_reads_no_meeting():
    organisation = make_organisation(name="Mine Action Office")
    make_meeting(title="Talks in Bangkok", organisations=[organisation])
    other = OrganisationName.objects.create(organisation=organisation, name="Kontor Minen")
    with CaptureQueriesContext(connection) as queries:
        other.save()
    assert meeting_queries(queries) == []

    other.name = "Minenbüro"
    with CaptureQueriesContext(connection) as queries:
        other.save()
    assert meeting_queries(queries) != []


def test_an_other_name_moved_to_another_record_leaves_the_old_ones_meetings(client):
    office, authority = (
        make_organisation(name="Mine Action Office"),
        make_organisation(name="Demining Authority"),
    )
    make_meeting(title="Talks in Bangkok", organisations=[office])
    make_meeting(title="Talks in Phnom Penh", organisations=[authority])
    other = OrganisationName.objects.create(organisation=office, name="Kontor Minen")
    assert found(client, "Kontor") == ["Talks in Bangkok"]

    other.organisation = authority
    other.save()
    assert found(client, "Kontor") == ["Talks in Phnom Penh"]

    chan, dara = make_person(name="Dara Chan"), make_person(name="Sok Dara")
    make_meeting(title="Talks in Baku", participants=[{"name_as_written": "D. Chan", "person": chan}])
    make_meeting(title="Talks in Vienna", participants=[{"name_as_written": "S. Dara", "person": dara}])
    spelling = PersonName.objects.create(person=chan, name="Tchan Darha")
    assert found(client, "Tchan") == ["Talks in Baku"]
    spelling.person = dara
    spelling.save()
    assert found(client, "Tchan") == ["Talks in Vienna"]


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


def test_documents_rebuilt_many_at_a_time_equal_each_meeting_built_alone():
    """refresh_search_documents() reads rows, build_search_document() records: the same document."""
    rng = random.Random(7)
    names = ["zeta Body", "Alpha Body", "Éclair Agency", "alpha body", "Ökumene", "Mine Action Office"]
    organisations = [make_organisation(name=name, acronym=rng.choice(["", "AB", "MAO"])) for name in names]
    for organisation in organisations[::2]:
        OrganisationName.objects.create(organisation=organisation, name=f"Also {organisation.name}")
    people = [make_person(name=name) for name in ("Dara Chan", "Vugar Suleimanov", "Ana Lima")]
    PersonName.objects.create(person=people[0], name="Chan Dara")
    PersonName.objects.create(person=people[0], name="Ch. Dara")
    topics = [make_topic(name=name) for name in ("Land release", "capacity building", "Éducation")]
    topics.append(make_topic(name="Proposed", parent=topics[0], approved=False))
    subtype = MeetingSubtype.objects.create(kind="bilateral", label="Boat trip", slug="boat-trip")
    trips = [make_delegation(title="A trip"), None]
    for number in range(30):
        meeting = make_meeting(
            title=f"Talks {number}",
            summary=rng.choice(["", "Mine Action Office met Alpha Body.", f"Summary {number}"]),
            venue=rng.choice(["", "Koh Pich Centre"]),
            date_as_reported=rng.choice(["", "last week"]),
            country=rng.choice(["TH", "KH", ""]),
            organisations=rng.sample(organisations, rng.randint(0, 4)),
            topics=rng.sample(topics, rng.randint(0, 3)),
            participants=[
                {
                    "name_as_written": rng.choice(["D. Chan", "Someone", "Dara Chan"]),
                    "person": rng.choice([*people, None]),
                    "organisation": rng.choice([*organisations, None]),
                }
                for _ in range(rng.randint(0, 4))
            ],
            subtype=rng.choice([subtype, None]),
            delegation=rng.choice(trips),
        )
        if number % 5 == 0 and meeting.country == "TH":
            Meeting.objects.filter(pk=meeting.pk).update(city=make_city(f"City {number}", "TH"))
        for _ in range(rng.randint(0, 2)):
            make_outcome(meeting, text=rng.choice(["An invitation", "A donation", "Alpha Body"]))
    Meeting.objects.update(search_document="")

    assert Meeting.objects.all().refresh_search_documents() == 30
    for meeting in Meeting.objects.select_related("city", "subtype", "delegation"):
        assert meeting.search_document == meeting.build_search_document()


def concurrently(work) -> threading.Thread:
    """Run ``work`` in a thread with its own database connection."""

    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.DRAFT])
def test_a_meeting_saved_while_its_organisation_is_renamed_keeps_both_changes(status):
    if connection.vendor != "postgresql":
        pytest.skip("two writers at once need PostgreSQL")
    organisation = make_organisation(name="Mine Action Office")
    meeting = make_meeting(title="Talks in Bangkok", organisations=[organisation], status=status)
    saved = threading.Event()

    def save_meeting():  # as the admin does: the meeting, then its inlines, then its document
        with transaction.atomic():
            edited = Meeting.objects.get(pk=meeting.pk)
            edited.title = "Talks in Phnom Penh"
            edited.save()
            saved.set()
            time.sleep(1)  # meanwhile the rename reads the meeting as it was
            edited.refresh_search_document()

    thread = concurrently(save_meeting)
    assert saved.wait(10)
    with transaction.atomic():
        organisation.name = "Demining Authority"
        organisation.save()
    thread.join()

    meeting.refresh_from_db()
    assert meeting.search_document == meeting.build_search_document()
    assert "Talks in Phnom Penh" in meeting.search_document
    assert "Demining Authority" in meeting.search_document


@pytest.mark.django_db(transaction=True)
def test_a_document_rebuilt_while_its_organisation_is_renamed_holds_the_new_name():
    if connection.vendor != "postgresql":
        pytest.skip("two writers at once need PostgreSQL")
    organisation = make_organisation(name="Mine Action Office")
    meeting = make_meeting(title="Talks in Bangkok", organisations=[organisation])
    renamed = threading.Event()

    def rename():
        with transaction.atomic():
            renaming = Organisation.objects.get(pk=organisation.pk)
            renaming.name = "Demining Authority"
            renaming.save()
            renamed.set()
            time.sleep(1)  # meanwhile the meeting's document is rebuilt

    thread = concurrently(rename)
    assert renamed.wait(10)
    Meeting.objects.get(pk=meeting.pk).refresh_search_document()
    thread.join()

    meeting.refresh_from_db()
    assert "Demining Authority" in meeting.search_document
