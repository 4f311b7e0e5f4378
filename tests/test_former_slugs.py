"""Permanent addresses: a renamed record's old address answers 301 with its new one."""

import pytest

from events.models import FormerSlug, Status

from .factories import make_meeting, make_organisation, make_person, make_topic

pytestmark = pytest.mark.django_db


def rename(record, slug: str):
    record.slug = slug
    record.save()
    return record


@pytest.mark.parametrize(
    "make, prefix",
    [
        (make_organisation, "/organisations/"),
        (make_person, "/people/"),
        (make_topic, "/topics/"),
        (make_meeting, "/meetings/"),
    ],
)
def test_an_old_address_redirects_for_good_to_the_new_one(client, make, prefix):
    record = make(slug="old-name")
    rename(record, "new-name")
    response = client.get(f"{prefix}old-name/?page=2")
    assert response.status_code == 301
    assert response["Location"] == f"{prefix}new-name/?page=2"
    assert client.get(f"{prefix}new-name/").status_code == 200


def test_every_earlier_slug_leads_to_the_current_one(client):
    organisation = make_organisation(slug="first")
    rename(organisation, "second")
    rename(organisation, "third")
    assert client.get("/organisations/first/")["Location"] == "/organisations/third/"
    assert client.get("/organisations/second/")["Location"] == "/organisations/third/"
    assert FormerSlug.objects.filter(kind="organisation", record_id=organisation.pk).count() == 2


def test_a_slug_taken_by_another_record_shows_that_record(client):
    first = rename(make_organisation(slug="shared", name="First body"), "first-body")
    make_organisation(slug="shared", name="Second body")
    response = client.get("/organisations/shared/")
    assert response.status_code == 200
    assert "Second body" in response.content.decode()
    assert first.slug == "first-body"


def test_saving_without_a_new_slug_records_nothing():
    organisation = make_organisation(slug="steady")
    organisation.name = "A new name, same address"
    organisation.save()
    organisation.save(update_fields=["name"])
    assert not FormerSlug.objects.exists()


def test_pair_pages_and_citations_follow_renamed_organisations(client):
    anama = make_organisation(slug="anama")
    make_organisation(slug="tmac")
    rename(anama, "azerbaijan-agency")
    assert (
        client.get("/organisations/anama/with/tmac/")["Location"]
        == "/organisations/azerbaijan-agency/with/tmac/"
    )
    assert (
        client.get("/organisations/anama/cite.bib")["Location"] == "/organisations/azerbaijan-agency/cite.bib"
    )


def test_a_renamed_draft_meeting_stays_hidden(client):
    meeting = make_meeting(slug="secret-talks", status=Status.DRAFT)
    rename(meeting, "still-secret")
    assert client.get("/meetings/secret-talks/").status_code == 404


def test_a_merged_meeting_still_redirects_to_the_one_it_joined(client):
    kept = make_meeting(slug="kept")
    make_meeting(slug="duplicate", status=Status.WITHDRAWN, merged_into=kept)
    assert client.get("/meetings/duplicate/")["Location"] == "/meetings/kept/"


def test_an_unknown_address_is_still_not_found(client):
    assert client.get("/organisations/never-was/").status_code == 404
    assert client.get("/people/never-was/").status_code == 404
