"""The kept pair counts: exact after any write, on SQLite and PostgreSQL, and what the pages read."""

import datetime
import io
import random
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from events.models import (
    CountryPair,
    Meeting,
    MeetingOrganisation,
    OrganisationPair,
    OrganisationRole,
    PairedMeeting,
    Status,
)

from .conftest import ensure_vocabularies
from .factories import make_delegation, make_meeting, make_organisation

pytestmark = pytest.mark.django_db

EXACT = {"organisations": [], "countries": []}


def test_a_meeting_counts_each_pair_of_its_organisations_and_countries_once():
    ua, th, us = (make_organisation(country=code) for code in ("UA", "TH", "US"))
    meeting = make_meeting(country="TH", organisations=[ua, (th, "host"), (ua, "funder"), us])
    make_meeting(organisations=[ua, th], status=Status.DRAFT)  # drafts count nothing
    make_meeting(organisations=[(ua, "mentioned"), us])  # nor organisations only mentioned
    assert OrganisationPair.objects.shared(ua.pk, th.pk) == 1
    assert OrganisationPair.objects.shared(th.pk, ua.pk) == 1
    assert OrganisationPair.objects.shared(ua.pk, ua.pk) == 1  # listed twice, one meeting
    assert OrganisationPair.objects.shared(us.pk, us.pk) == 2
    assert CountryPair.objects.shared("UA", "TH") == 1
    assert CountryPair.objects.shared("TH", "TH") == 2
    assert PairedMeeting.objects.differences() == EXACT
    meeting.status = Status.WITHDRAWN
    meeting.save()
    assert OrganisationPair.objects.shared(ua.pk, th.pk) == 0
    assert not OrganisationPair.objects.filter(first=min(ua.pk, th.pk), second=max(ua.pk, th.pk)).exists()
    assert PairedMeeting.objects.differences() == EXACT


def random_writes(rng: random.Random, steps: int) -> None:
    """Editors' writes of every kind that can change who took part with whom."""
    countries = ["UA", "TH", "US", "KH", "AZ", "DE"]
    organisations = [make_organisation(country=rng.choice(countries + [""])) for _ in range(8)]
    roles = ["host", "participant", "funder", "mentioned", "delegation"]
    meetings: list[Meeting] = []
    for _ in range(steps):
        action = rng.randrange(10)
        if action < 3 or not meetings:
            chosen = rng.sample(organisations, rng.randint(0, 4))
            meetings.append(
                make_meeting(
                    country=rng.choice(countries),
                    status=rng.choice([Status.PUBLISHED, Status.PUBLISHED, Status.DRAFT]),
                    organisations=[(organisation, rng.choice(roles)) for organisation in chosen],
                    delegation=make_delegation(sending_country=rng.choice(countries))
                    if rng.random() < 0.2
                    else None,
                )
            )
            continue
        meeting = rng.choice(meetings)
        if action == 3:
            MeetingOrganisation.objects.get_or_create(
                meeting=meeting, organisation=rng.choice(organisations), role_id=rng.choice(roles)
            )
        elif action == 4 and (link := meeting.organisation_roles.order_by("?").first()):
            link.delete()
        elif action == 5 and (link := meeting.organisation_roles.order_by("?").first()):
            link.role_id = rng.choice(roles)
            if not MeetingOrganisation.objects.filter(
                meeting=link.meeting_id, organisation=link.organisation_id, role=link.role_id
            ).exists():
                link.save()
        elif action == 6:
            meeting.status = Status.WITHDRAWN if meeting.status == Status.PUBLISHED else Status.PUBLISHED
            meeting.save()
        elif action == 7:
            meeting.country = rng.choice(countries)
            meeting.save()
        elif action == 8:
            organisation = rng.choice(organisations)
            organisation.country = rng.choice(countries)
            organisation.save()
        else:
            meetings.remove(meeting)
            meeting.delete()
    # A role whose holders were there becomes one of people only mentioned, and back.
    role = OrganisationRole.objects.get(slug="funder")
    role.present = False
    role.save()
    assert PairedMeeting.objects.differences() == EXACT
    role.present = True
    role.save()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_counts_equal_a_plain_count_after_random_writes(seed):
    random_writes(random.Random(seed), steps=60)
    assert PairedMeeting.objects.differences() == EXACT
    assert OrganisationPair.objects.exists() and CountryPair.objects.exists()


def test_the_command_finds_a_wrong_count_and_counts_again():
    ua, th = make_organisation(country="UA"), make_organisation(country="TH")
    make_meeting(organisations=[ua, th])
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_pair_counts", "--check", stdout=out)
    assert "equal a plain count" in out.getvalue()
    OrganisationPair.objects.filter(first=min(ua.pk, th.pk), second=max(ua.pk, th.pk)).update(meetings=5)
    with pytest.raises(CommandError, match="1 organisation pairs"):
        call_command("rebuild_pair_counts", "--check", stdout=out, stderr=err)
    assert "kept 5, counted 1" in err.getvalue()
    call_command("rebuild_pair_counts", stdout=out)
    assert OrganisationPair.objects.shared(ua.pk, th.pk) == 1
    assert PairedMeeting.objects.differences() == EXACT


def test_organisation_pages_read_partners_from_the_kept_counts(client):
    ua, th, us = (
        make_organisation(country="UA"),
        make_organisation(country="TH"),
        make_organisation(country="US"),
    )
    make_meeting(organisations=[ua, th])
    make_meeting(organisations=[ua, th, us])
    make_meeting(organisations=[ua, us], status=Status.DRAFT)
    assert OrganisationPair.objects.partners_of(ua.pk, 20) == [
        {"organisation_id": th.pk, "slug": th.slug, "name": th.name, "acronym": th.acronym, "meetings": 2},
        {"organisation_id": us.pk, "slug": us.slug, "name": us.name, "acronym": us.acronym, "meetings": 1},
    ]
    assert CountryPair.objects.partners_of("UA", 20) == [("TH", 2), ("US", 1)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_lose_no_count():
    """Writers adding the same organisations to different meetings at once, each in its own transaction."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time")
    ensure_vocabularies()
    shared = [
        make_organisation(country="UA"),
        make_organisation(country="TH"),
        make_organisation(country="US"),
    ]
    meetings = [make_meeting(organisations=[]) for _ in range(8)]
    start = threading.Barrier(len(meetings))
    errors = []

    def write(meeting: Meeting) -> None:
        try:
            start.wait()
            with transaction.atomic():
                for organisation in shared:
                    MeetingOrganisation.objects.create(meeting=meeting, organisation=organisation)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(meeting,)) for meeting in meetings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert OrganisationPair.objects.shared(shared[0].pk, shared[1].pk) == len(meetings)
    assert CountryPair.objects.shared("UA", "TH") == len(meetings)
    assert PairedMeeting.objects.differences() == EXACT


def test_a_save_that_changes_no_pair_leaves_the_counts_alone():
    ua, th = make_organisation(country="UA"), make_organisation(country="TH")
    meeting = make_meeting(organisations=[ua, th])
    before = list(OrganisationPair.objects.values_list("first", "second", "meetings"))
    meeting.start_date = datetime.date(2020, 1, 1)
    meeting.save()
    assert list(OrganisationPair.objects.values_list("first", "second", "meetings")) == before
