"""Deleting a record that others rely on is refused with a clear message, never cascaded away."""

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError, signals
from django.urls import reverse

from events.models import Organisation, Outcome, Person, Source, Topic

from .factories import make_delegation, make_meeting, make_organisation, make_person, make_source, make_topic

pytestmark = pytest.mark.django_db


def delete_url(record) -> str:
    return reverse(f"admin:events_{record._meta.model_name}_delete", args=[record.pk])


def confirm_delete(client, record):
    """Submit the admin's "Yes, I'm sure" for ``record``, as an editor would."""
    return client.post(delete_url(record), {"post": "yes"})


def page_text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def blocking(response) -> list[str]:
    """The records the delete page lists as standing in the way, as text."""
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(li.get_text().split()) for li in soup.select("#deleted-objects > li")]


def protected_links(response) -> dict[str, str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {a.get_text(): a["href"] for a in soup.select("#content ul li a")}


def test_organisation_in_a_meeting_cannot_be_deleted_in_the_admin(editor_client):
    tmac = make_organisation(name="Thailand Mine Action Centre", acronym="TMAC")
    meeting = make_meeting(title="ANAMA meets TMAC", organisations=[tmac])

    response = confirm_delete(editor_client, tmac)

    assert response.status_code == 200
    assert Organisation.objects.filter(pk=tmac.pk).exists()
    assert meeting.organisation_roles.get().organisation == tmac
    text = page_text(response)
    assert "Cannot delete organisation" in text
    assert "would require deleting the following protected related objects" in text
    assert blocking(response) == [
        "Meeting 2024-08-22 ANAMA meets TMAC: organisation in the meeting “TMAC (participant)”"
    ]
    meeting_page = reverse("admin:events_meeting_change", args=[meeting.pk])
    assert list(protected_links(response).values()) == [meeting_page]


def test_person_named_as_a_participant_cannot_be_deleted_in_the_admin(editor_client):
    person = make_person(name="Vugar Suleymanov")
    meeting = make_meeting(participants=[{"name_as_written": "V. Suleymanov", "person": person}])

    response = confirm_delete(editor_client, person)

    assert response.status_code == 200
    assert Person.objects.filter(pk=person.pk).exists()
    assert "Cannot delete person" in page_text(response)
    assert blocking(response) == [f"Meeting {meeting}: participation “V. Suleymanov”"]


def test_source_cited_by_a_meeting_cannot_be_deleted_in_the_admin(editor_client):
    source = make_source(publisher="AzerNews")
    meeting = make_meeting(title="ANAMA meets TMAC", sources=[source])

    response = confirm_delete(editor_client, source)

    assert response.status_code == 200
    assert list(meeting.sources.all()) == [source]
    assert "Cannot delete source" in page_text(response)
    assert blocking(response) == [f"Meeting {meeting} lists it under “sources”"]
    meeting_page = reverse("admin:events_meeting_change", args=[meeting.pk])
    assert protected_links(response) == {str(meeting): meeting_page}


def test_the_delete_page_explains_before_the_editor_confirms(editor_client):
    source = make_source()
    delegation = make_delegation(title="ANAMA delegation to Thailand")
    delegation.sources.add(source)

    response = editor_client.get(delete_url(source))

    assert "Cannot delete source" in page_text(response)
    assert blocking(response) == ["Delegation ANAMA delegation to Thailand lists it under “sources”"]
    assert not BeautifulSoup(response.content, "html.parser").select("input[type=submit]")


def test_organisation_only_named_in_delegations_and_outcomes_cannot_be_deleted(editor_client):
    anama = make_organisation(acronym="ANAMA")
    delegation = make_delegation()
    delegation.sending_organisations.add(anama)
    meeting = make_meeting(title="Signing")
    Outcome.objects.create(meeting=meeting, kind="agreement", text="A memorandum.").parties.add(anama)

    response = confirm_delete(editor_client, anama)

    assert Organisation.objects.filter(pk=anama.pk).exists()
    assert blocking(response) == [
        f"Delegation {delegation} lists it under “sending organisations”",
        f"Meeting {meeting}: outcome “Agreement or MoU: A memorandum.” lists it under “parties”",
    ]
    # An outcome is edited on its meeting's form, so that is where the link goes.
    assert reverse("admin:events_meeting_change", args=[meeting.pk]) in protected_links(response).values()


def test_topic_in_use_cannot_be_deleted(editor_client):
    topic = make_topic(name="Victim assistance (test)")
    make_meeting(topics=[topic])
    confirm_delete(editor_client, topic)
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_bulk_delete_refuses_when_any_source_is_cited(editor_client):
    cited, unused = make_source(), make_source()
    make_meeting(sources=[cited])

    response = editor_client.post(
        reverse("admin:events_source_changelist"),
        {"action": "delete_selected", "_selected_action": [cited.pk, unused.pk], "post": "yes"},
    )

    assert response.status_code == 200
    assert "Cannot delete sources" in page_text(response)
    assert Source.objects.filter(pk__in=[cited.pk, unused.pk]).count() == 2


def test_a_record_nothing_links_to_is_deleted(editor_client):
    source = make_source()
    response = confirm_delete(editor_client, source)
    assert response.status_code == 302
    assert not Source.objects.filter(pk=source.pk).exists()


def test_deleting_a_cited_source_in_code_is_refused_with_the_reason():
    source = make_source(publisher="AzerNews", title="ANAMA and TMAC", url="https://azernews.example/1")
    make_meeting(title="ANAMA meets TMAC", sources=[source])

    # Django deletes inside a transaction; the refusal rolls it back. Code that
    # goes on using the database afterwards wraps the attempt in its own atomic block.
    with pytest.raises(ProtectedError) as refused, transaction.atomic():
        source.delete()

    assert str(refused.value.args[0]) == (
        "Cannot delete the source “AzerNews: ANAMA and TMAC, 2024-08-22”: it is still listed in "
        "meeting “2024-08-22 ANAMA meets TMAC” (sources). Remove it there first."
    )
    with pytest.raises(ProtectedError), transaction.atomic():
        Source.objects.all().delete()
    assert Source.objects.filter(pk=source.pk).exists()


def test_every_record_that_others_list_is_guarded():
    # A new many-to-many field pointing at a model must bring that model under the same rule.
    listed = {
        relation.related_model
        for model in apps.get_app_config("events").get_models()
        for relation in model._meta.many_to_many
        if relation.remote_field.through._meta.auto_created
    }
    guarded = {model for model in listed if signals.pre_delete.has_listeners(model)}
    assert listed == guarded == {Organisation, Person, Source, Topic}
