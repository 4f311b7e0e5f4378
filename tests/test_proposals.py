"""Shared records: once a published meeting cites one, an editor's change waits for a publisher's approval."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from events.models import (
    Organisation,
    OrganisationName,
    Person,
    Position,
    ProposedChange,
    Source,
    Status,
    Topic,
    cited_publicly,
)

from .factories import (
    make_delegation,
    make_meeting,
    make_organisation,
    make_person,
    make_source,
    make_topic,
)
from .forms import form_values

pytestmark = pytest.mark.django_db


def change_url(record) -> str:
    return reverse(f"admin:events_{record._meta.model_name}_change", args=[record.pk])


def open_form(client, record) -> dict[str, list[str]]:
    response = client.get(change_url(record))
    assert response.status_code == 200
    return form_values(response.content.decode(), form_id=f"{record._meta.model_name}_form")


def save(client, record, **changes):
    data = open_form(client, record)
    data.update({name: [value] for name, value in changes.items()})
    return client.post(change_url(record), data)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def review(client, proposal):
    return client.get(reverse("admin:events_proposedchange_change", args=[proposal.pk]))


def decide(client, proposal, button: str, note: str = ""):
    url = reverse("admin:events_proposedchange_change", args=[proposal.pk])
    return client.post(url, {button: "1", "note": note})


def review_table(response) -> dict[str, list[str]]:
    """The review page's fields: label → [readers see now, proposed, when proposed it was]."""
    rows = BeautifulSoup(response.content, "html.parser").select("#proposal-fields tbody tr")
    found = {}
    for row in rows:
        cells = [" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"])]
        found[cells[0]] = cells[1:]
    return found


@pytest.fixture
def tmac():
    """An organisation a published meeting cites."""
    organisation = make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac")
    make_meeting(title="ANAMA meets TMAC", slug="anama-meets-tmac", organisations=[organisation])
    return organisation


@pytest.fixture
def publishers_client(publisher) -> Client:
    client = Client()
    client.force_login(publisher)
    return client


# --- Which records wait ----------------------------------------------------------------------


def test_a_record_is_reviewed_once_something_published_cites_it():
    organisation, person, source, topic = make_organisation(), make_person(), make_source(), make_topic()
    draft = make_meeting(status=Status.DRAFT, organisations=[organisation], sources=[source], topics=[topic])
    draft.participations.create(name_as_written="V. S.", person=person)
    assert not any(cited_publicly(record) for record in (organisation, person, source, topic))
    draft.status = Status.PUBLISHED
    draft.save()
    assert all(cited_publicly(record) for record in (organisation, person, source, topic))
    # A published delegation cites its sending organisations, head, members and sources too.
    sender, head = make_organisation(), make_person()
    trip = make_delegation(head=head)
    trip.sending_organisations.add(sender)
    assert cited_publicly(sender) and cited_publicly(head)


def test_an_uncited_record_changes_at_once(as_editor):
    organisation = make_organisation(name="Cambodian Mine Action Centre", acronym="CMAC")
    response = save(as_editor, organisation, name="Cambodian Mine Action and Victim Assistance Authority")
    assert response.status_code == 302
    assert Organisation.objects.get().name == "Cambodian Mine Action and Victim Assistance Authority"
    assert not ProposedChange.objects.exists()


def test_a_publishers_change_applies_at_once(publishers_client, tmac):
    assert save(publishers_client, tmac, acronym="TMAC-TH").status_code == 302
    assert Organisation.objects.get(pk=tmac.pk).acronym == "TMAC-TH"
    assert not ProposedChange.objects.exists()


# --- An editor proposes, a publisher approves -----------------------------------------------


def test_an_editors_change_waits_and_readers_see_the_approved_values(as_editor, editor, tmac, client):
    form = open_form(as_editor, tmac)
    assert "your changes will wait for a publisher's approval" in text(as_editor.get(change_url(tmac)))
    form.update({"name": ["Thailand Mine Action Center"], "other_names-0-name": ["TMAC Thailand"]})
    response = as_editor.post(change_url(tmac), form)
    assert (response.status_code, response["Location"]) == (302, change_url(tmac))
    [message] = messages_of(response)
    assert message.startswith(
        "Your change to “Thailand Mine Action Centre (TMAC)” waits for a publisher's approval"
    )

    tmac.refresh_from_db()
    assert tmac.name == "Thailand Mine Action Centre"
    assert not OrganisationName.objects.exists()
    proposal = ProposedChange.objects.get()
    assert (proposal.record, proposal.proposed_by, proposal.decision) == (tmac, editor, "pending")
    assert proposal.fields == {"name": ["Thailand Mine Action Centre", "Thailand Mine Action Center"]}
    assert [(row["action"], row["values"]["name"]) for row in proposal.rows] == [("add", "TMAC Thailand")]
    for page in ("/organisations/tmac/", "/meetings/anama-meets-tmac/"):
        body = client.get(page).content.decode()
        assert "Thailand Mine Action Centre" in body and "Thailand Mine Action Center" not in body
    assert "a change proposed by eve-editor" in text(as_editor.get(change_url(tmac)))


def test_a_publisher_reviews_the_diff_and_approves(as_editor, publishers_client, publisher, tmac, client):
    client.get("/organisations/tmac/")  # a reader's visit keeps the page
    save(as_editor, tmac, name="Thailand Mine Action Center", website="https://tmac.example.org")
    proposal = ProposedChange.objects.get()

    queue = publishers_client.get(reverse("admin:events_proposedchange_changelist"))
    assert "Organisation: Thailand Mine Action Centre (TMAC)" in text(queue)
    assert "name, website" in text(queue)
    page = review(publishers_client, proposal)
    assert review_table(page) == {
        "Name": ["Thailand Mine Action Centre", "Thailand Mine Action Center", "Thailand Mine Action Centre"],
        "Website": ["—", "https://tmac.example.org", "—"],
    }
    response = decide(publishers_client, proposal, "_approve")
    assert response.status_code == 302
    assert messages_of(response) == [
        "Approved: readers now see the change to “Thailand Mine Action Centre (TMAC)”."
    ]

    tmac.refresh_from_db()
    assert (tmac.name, tmac.website) == ("Thailand Mine Action Center", "https://tmac.example.org")
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.decided_by) == ("approved", publisher)
    entry = tmac.history.latest()
    assert entry.history_user == publisher
    assert entry.history_change_reason.startswith("Proposed by eve-editor on ")
    assert entry.history_change_reason.endswith(", approved by pat-publisher")
    assert "Thailand Mine Action Center" in client.get("/organisations/tmac/").content.decode()
    # The history page names both.
    history = publishers_client.get(reverse("admin:events_organisation_history", args=[tmac.pk]))
    assert "Proposed by eve-editor on" in text(history) and "approved by pat-publisher" in text(history)


def test_a_rejected_change_leaves_the_record_and_tells_why(as_editor, publishers_client, publisher):
    source = make_source(url="https://news.example.org/report", publisher="AzerNews", title="Report")
    make_meeting(sources=[source])
    save(as_editor, source, url="https://news.example.org/moved")
    proposal = ProposedChange.objects.get()
    response = decide(publishers_client, proposal, "_reject", note="The old address still works.")
    assert messages_of(response) == ["Rejected the change to “AzerNews: Report, 2024-08-22”."]
    assert Source.objects.get().url == "https://news.example.org/report"
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.decided_by, proposal.note) == (
        "rejected",
        publisher,
        "The old address still works.",
    )
    assert "Note: The old address still works." in text(review(as_editor, proposal))


def test_two_proposals_are_both_kept_and_each_applies_only_its_own_fields(
    as_editor, editor_two, publishers_client, tmac
):
    save(as_editor, tmac, website="https://tmac.example.org")
    save(editor_two, tmac, description="The national mine action centre.")
    first, second = ProposedChange.objects.order_by("proposed_at", "pk")
    decide(publishers_client, second, "_approve")
    decide(publishers_client, first, "_approve")
    tmac.refresh_from_db()
    assert tmac.website == "https://tmac.example.org"
    assert tmac.description == "The national mine action centre."


def test_a_change_made_since_is_flagged_and_kept(as_editor, publishers_client, tmac):
    save(as_editor, tmac, name="Thailand Mine Action Center")
    save(publishers_client, tmac, name="Thai Mine Action Centre", acronym="TMAC-TH")
    proposal = ProposedChange.objects.get()
    page = review(publishers_client, proposal)
    assert review_table(page)["Name"] == [
        "Thai Mine Action Centre",
        "Thailand Mine Action Center",
        "Thailand Mine Action Centre (changed since it was proposed)",
    ]
    decide(publishers_client, proposal, "_approve")
    tmac.refresh_from_db()
    assert (tmac.name, tmac.acronym) == ("Thailand Mine Action Center", "TMAC-TH")


def test_an_approval_that_no_longer_validates_changes_nothing(as_editor, publishers_client, tmac):
    save(as_editor, tmac, name="Cambodian Mine Action Centre")
    make_organisation(name="Cambodian Mine Action Centre", acronym="CMAC")  # the name is taken meanwhile
    proposal = ProposedChange.objects.get()
    response = decide(publishers_client, proposal, "_approve")
    assert messages_of(response) == ["Nothing was done: Organisation with this Name already exists."]
    assert Organisation.objects.get(pk=tmac.pk).name == "Thailand Mine Action Centre"
    assert ProposedChange.objects.get().decision == "pending"


def test_rows_of_a_cited_person_wait_too(as_editor, publishers_client):
    person = make_person(name="Vugar Suleymanov", slug="vugar")
    anama = make_organisation(acronym="ANAMA")
    position = Position.objects.create(person=person, organisation=anama, title="Chairman")
    make_meeting(participants=[{"name_as_written": "V. Suleymanov", "person": person}])
    data = open_form(as_editor, person)
    data["positions-0-title"] = ["Chairman of the Board"]
    data["positions-0-start_date"] = ["01/01/2020"]
    data["other_names-0-name"] = ["Vuqar Süleymanov"]
    assert as_editor.post(change_url(person), data).status_code == 302
    assert Position.objects.get().title == "Chairman"
    proposal = ProposedChange.objects.get()
    assert {row["action"] for row in proposal.rows} == {"add", "change"}
    decide(publishers_client, proposal, "_approve")
    position.refresh_from_db()
    assert (position.title, position.start_date) == ("Chairman of the Board", datetime.date(2020, 1, 1))
    assert list(Person.objects.get().other_names.values_list("name", flat=True)) == ["Vuqar Süleymanov"]
    assert position.history.latest().history_change_reason.endswith("approved by pat-publisher")


def test_topics_follow_the_same_rule_for_whoever_may_change_them(as_editor, editor, publishers_client):
    editor.user_permissions.add(Permission.objects.get(codename="change_topic"))
    topic = make_topic(name="Survey", slug="survey")
    make_meeting(topics=[topic])
    assert save(as_editor, topic, name="Non-technical survey").status_code == 302
    assert Topic.objects.get(pk=topic.pk).name == "Survey"
    decide(publishers_client, ProposedChange.objects.get(), "_approve")
    assert Topic.objects.get(pk=topic.pk).name == "Non-technical survey"


def test_editors_may_not_decide_delete_or_restore_past_the_review(as_editor, tmac):
    save(as_editor, tmac, name="Thailand Mine Action Center")
    proposal = ProposedChange.objects.get()
    assert "Approve" not in text(review(as_editor, proposal))
    decide(as_editor, proposal, "_approve")
    assert Organisation.objects.get(pk=tmac.pk).name == "Thailand Mine Action Centre"
    assert ProposedChange.objects.get().decision == "pending"
    delete = reverse("admin:events_proposedchange_delete", args=[proposal.pk])
    assert as_editor.post(delete, {"post": "yes"}).status_code == 403
    # Restoring an older version would change the record without review.
    version = tmac.history.earliest()
    restore = reverse("admin:events_organisation_simple_history", args=[tmac.pk, version.history_id])
    data = form_values(as_editor.get(restore).content.decode(), form_id="historicalorganisation_form")
    data["name"] = ["Something else"]
    response = as_editor.post(restore, data)
    assert "Nothing was restored" in messages_of(response)[0]
    assert Organisation.objects.get(pk=tmac.pk).name == "Thailand Mine Action Centre"


def test_the_queue_opens_on_what_waits(as_editor, publishers_client, tmac):
    save(as_editor, tmac, name="Thailand Mine Action Center")
    decide(publishers_client, ProposedChange.objects.get(), "_reject")
    save(as_editor, tmac, acronym="TMAC-TH")
    queue = reverse("admin:events_proposedchange_changelist")
    assert "acronym" in text(publishers_client.get(queue)) and "1 proposed change" in text(
        publishers_client.get(queue)
    )
    assert "2 proposed changes" in text(publishers_client.get(queue + "?decision=all"))
    assert publishers_client.get(queue + "?decision=nonsense").status_code == 200


@pytest.fixture
def editor_two(django_user_model) -> Client:
    from .conftest import staff_in_group

    client = Client()
    client.force_login(staff_in_group(django_user_model, "ben-editor", "Editor"))
    return client


def test_the_queue_takes_as_many_queries_for_one_change_as_for_many(
    as_editor, publishers_client, django_assert_num_queries, django_assert_max_num_queries
):
    queue = reverse("admin:events_proposedchange_changelist")
    organisations = [make_organisation() for _ in range(6)]
    for organisation in organisations:
        make_meeting(organisations=[organisation])
    save(as_editor, organisations[0], description="One change.")
    with django_assert_max_num_queries(20) as captured:
        assert publishers_client.get(queue).status_code == 200
    one = len(captured)  # now: the next request empties the log it reads
    for organisation in organisations[1:]:
        save(as_editor, organisation, description="Another change.")
    with django_assert_num_queries(one):
        assert "6 proposed changes" in text(publishers_client.get(queue))
    review_page = reverse("admin:events_proposedchange_change", args=[ProposedChange.objects.first().pk])
    with django_assert_num_queries(5):  # session, user, the proposal with its record, the diff's values
        assert publishers_client.get(review_page).status_code == 200
