"""Synthetic data for benchmarks: realistic, deterministic, marked, and kept away from real records."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from events.models import Delegation, Meeting, Organisation, Person, Source

from .factories import make_meeting

pytestmark = pytest.mark.django_db

SMALL = {"meetings": 300, "organisations": 60, "people": 120, "countries": 20}


def generate(seed=7, **overrides):
    call_command("generate_synthetic", seed=seed, verbosity=0, **{**SMALL, **overrides})


def fingerprint() -> list[tuple]:
    meetings = Meeting.objects.order_by("slug").prefetch_related("organisation_roles__organisation", "topics")
    return [
        (
            m.title,
            m.start_date,
            m.country.code,
            m.kind,
            sorted(link.organisation.name for link in m.organisation_roles.all()),
            sorted(topic.slug for topic in m.topics.all()),
        )
        for m in meetings
    ]


def remove_everything() -> None:
    Meeting.objects.all().delete()
    Source.objects.all().delete()
    Delegation.objects.all().delete()
    Person.objects.all().delete()
    Organisation.objects.all().delete()


def test_the_same_seed_gives_the_same_data():
    generate(seed=7)
    first = fingerprint()
    remove_everything()
    generate(seed=7)
    assert fingerprint() == first
    remove_everything()
    generate(seed=8)
    assert fingerprint() != first


def test_synthetic_data_has_the_promised_shape():
    generate()
    assert Meeting.objects.published().count() == 300
    assert Organisation.objects.count() == 60 and Person.objects.count() == 120
    per_meeting = Meeting.objects.annotate(
        orgs=Count("organisation_roles__organisation", distinct=True),
        people=Count("participations", distinct=True),
    )
    assert {m.orgs for m in per_meeting} <= set(range(1, 7))
    assert {m.people for m in per_meeting} <= set(range(0, 9))
    trips = Delegation.objects.annotate(n=Count("meetings"))
    assert trips.exists() and {trip.n for trip in trips} <= set(range(1, 6))
    # Every meeting is marked as synthetic through its source and is searchable.
    assert not Meeting.objects.exclude(sources__publisher="Synthetic data").exists()
    assert not Meeting.objects.filter(search_document="").exists()


def test_synthetic_meetings_show_on_public_pages(client):
    generate()
    meeting = Meeting.objects.first()
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert "300 published meetings" in client.get("/").content.decode()


def test_refuses_a_database_with_real_published_records():
    make_meeting(title="A real meeting")
    with pytest.raises(CommandError, match="real published meetings"):
        generate()
    assert Organisation.objects.count() == 0
    generate(force=True)
    assert Meeting.objects.count() == 301


def test_refuses_the_same_seed_twice():
    generate()
    with pytest.raises(CommandError, match="already here"):
        generate()
