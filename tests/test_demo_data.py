"""The demo data: the seed meeting complete, and loading it twice changes nothing."""

import pytest
from django.core.management import call_command

from events.models import Delegation, Meeting, Organisation, Outcome, Person, Source

pytestmark = pytest.mark.django_db

SEED = "2024-08-anama-tmac-thailand"


@pytest.fixture
def demo():
    call_command("load_demo_data", verbosity=0)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Meeting, Organisation, Person, Source, Delegation)
    }


def test_loading_twice_changes_nothing(demo):
    before = counts()
    assert before["Meeting"] == 30
    call_command("load_demo_data", verbosity=0)
    assert counts() == before


def test_loading_again_keeps_an_editors_correction(demo):
    Meeting.objects.filter(slug=SEED).update(title="Corrected by an editor")
    call_command("load_demo_data", verbosity=0)
    assert Meeting.objects.get(slug=SEED).title == "Corrected by an editor"


def test_seed_meeting_is_complete(demo):
    meeting = Meeting.objects.for_detail().get(slug=SEED)
    assert meeting.is_published
    assert meeting.start_date.isoformat() == "2024-08-22"
    assert meeting.date_precision == "on_or_before"
    assert meeting.country.code == "TH"
    roles = {(link.organisation.acronym, link.role) for link in meeting.organisation_roles.all()}
    assert {("TMAC", "host"), ("ARMAC", "organiser"), ("ANAMA", "delegation"), ("UNDP", "mentioned")} <= roles
    assert "ANAMA-UNDP International Centre for Advanced Mine Action Practices and Training" in {
        link.organisation.name for link in meeting.organisation_roles.all()
    }
    participants = {p.name_as_written: p for p in meeting.participations.all()}
    assert set(participants) == {"Elchin Amirbeyov", "Vugar Suleymanov", "Nattavut Sabyeroop", "Rotna But"}
    assert participants["Elchin Amirbeyov"].person.name == "Elchin Amirbayov"
    assert participants["Elchin Amirbeyov"].role == "head_of_delegation"
    assert all(p.title_as_stated for p in participants.values())
    topics = {topic.slug for topic in meeting.topics.all()}
    assert {"training", "capacity-building", "technical-assistance"} <= topics
    kinds = {outcome.kind for outcome in meeting.outcomes.all()}
    assert {"invitation", "joint_training"} <= kinds
    invitation = meeting.outcomes.get(kind="invitation")
    assert "conference" in invitation.text.lower()
    source = meeting.sources.get()
    assert (source.publisher, source.author, source.republished_by) == (
        "AzerNews",
        "Fatima Latifova",
        "MENAFN",
    )
    assert source.published_on.isoformat() == "2024-08-22"
    assert meeting.delegation.head.name == "Elchin Amirbayov"
    assert {c.code for c in meeting.delegation.destination_countries} == {"TH", "KH"}


def test_every_demo_meeting_has_a_source_and_a_searchable_document(demo):
    for meeting in Meeting.objects.prefetch_related("sources"):
        assert meeting.sources.all(), meeting.slug
        assert meeting.title in meeting.search_document


def test_every_demo_meeting_page_renders(client, demo):
    for slug in Meeting.objects.values_list("slug", flat=True):
        assert client.get(f"/meetings/{slug}/").status_code == 200, slug


def test_seed_meeting_lists_undp_under_also_mentioned_not_as_taking_part(client, demo):
    meeting = Meeting.objects.for_detail().get(slug=SEED)
    assert "UNDP" not in {organisation.acronym for organisation in meeting.distinct_organisations}
    assert {link.organisation.acronym for link in meeting.organisations_mentioned} >= {"UNDP"}
    page = client.get(f"/meetings/{SEED}/").content.decode()
    taking_part, _, mentioned = page.partition('id="also-mentioned"')
    assert "United Nations Development Programme" in mentioned
    assert "mentioned in the report, not present" in mentioned
    assert "United Nations Development Programme" not in taking_part.split('id="organisations"')[1]


def test_the_demo_outcomes_say_what_became_of_the_promises_the_reports_follow(demo, client):
    invitation = Meeting.objects.get(slug=SEED).outcomes.get(kind="invitation")
    # No demo record shows TMAC at the conference in Azerbaijan: the invitation stands as made.
    assert (invitation.status, invitation.country.code, invitation.status_changes.count()) == (
        "proposed",
        "AZ",
        0,
    )
    offer = Outcome.objects.get(
        meeting__slug="2022-06-az-kh-foreign-ministry-consultations", kind="assistance_offered"
    )
    assert [change.status for change in offer.status_changes.all()] == ["under_way", "done"]
    assert offer.status == "done"
    assert offer.done_by.meeting.slug == "2024-11-apmbc-fifth-review-conference-siem-reap"
    html = client.get("/commitments/?status=done").content.decode()
    done = Outcome.objects.filter(status="done")
    assert done.count() == 2
    for outcome in done:
        assert f'id="outcome-{outcome.pk}"' in html
        assert outcome.done_by.meeting.get_absolute_url() in html


def test_the_demo_meetings_have_their_places_from_the_gazetteer(demo):
    places = {
        meeting.slug: (meeting.city.name if meeting.city else "", meeting.venue, meeting.mode)
        for meeting in Meeting.objects.select_related("city")
    }
    assert places["2024-05-zangilan-baku-conference-3"] == ("Zangilan", "", "in_person")
    assert places["2023-05-aghdam-conference-mine-action-sdgs"] == (
        "Aghdam",
        "Aghdam Conference Center",
        "in_person",
    )
    assert places["2025-10-anama-nato-hq-brussels"] == ("Brussels", "NATO Headquarters", "in_person")
    assert places["2025-07-kuala-lumpur-landmine-seminar"] == ("Kuala Lumpur", "", "hybrid")
    # A town the gazetteer lacks is kept as the venue.
    assert places["2024-04-mine-action-symposium-croatia"] == ("", "Cavtat", "in_person")
    # Every city lies in its meeting's country.
    assert all(
        meeting.city.country == meeting.country for meeting in Meeting.objects.filter(city__isnull=False)
    )
    assert sum(1 for city, _venue, _mode in places.values() if city) >= 20


def test_the_demo_meetings_state_the_countries_the_reports_name(demo):
    visit = Meeting.objects.get(slug="2024-02-korean-ambassador-visits-armac")
    assert visit.visiting_country.code == "KR"
    assert "KR" in {country.code for country in visit.countries_taking_part}
    workshop = Meeting.objects.get(slug="2024-02-armac-gichd-gender-workshop-siem-reap")
    assert {"LA", "PH", "TH", "VN"} <= {country.code for country in workshop.countries_taking_part}
