"""Roles as data: the vocabularies, and "mentioned, not present" never counting as taking part."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from events.models import Meeting, MeetingOrganisation, OrganisationRole, Participation, PersonRole

from .factories import make_meeting, make_organisation
from .pages import soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentioned():
    """A meeting of two Thai and Cambodian centres at which a Ukrainian body was only mentioned."""
    tmac = make_organisation(acronym="TMAC", country="TH")
    cmac = make_organisation(acronym="CMAC", country="KH")
    ua = make_organisation(acronym="UA-CENTRE", name="Ukrainian centre", country="UA")
    meeting = make_meeting(
        country="TH",
        organisations=[(tmac, "host"), (cmac, "delegation"), (ua, "mentioned")],
        participants=[
            {"name_as_written": "Hun Manet", "title_as_stated": "Prime Minister", "role": "mentioned"},
            {"name_as_written": "Heng Ratana", "role": "head_of_delegation", "organisation": cmac},
        ],
    )
    return meeting, tmac, cmac, ua


def test_the_migration_seeds_todays_roles_and_the_new_ones():
    organisation_roles = set(OrganisationRole.objects.values_list("slug", flat=True))
    assert set(MeetingOrganisation.Role.values) <= organisation_roles
    assert {"mentioned", "prospective_partner", "trainer", "trainees", "facilitator", "announced"} <= (
        organisation_roles
    )
    assert {"spokesperson", "mentioned"} <= set(PersonRole.objects.values_list("slug", flat=True))
    assert not OrganisationRole.objects.get(slug="mentioned").present
    assert not PersonRole.objects.get(slug="mentioned").present
    assert OrganisationRole.objects.get(slug="host").present


def test_a_role_is_set_and_compared_by_its_slug(mentioned):
    meeting, tmac, *_ = mentioned
    link = MeetingOrganisation.objects.get(meeting=meeting, organisation=tmac)
    assert link.role_id == "host" and link.role == "host" and link.role.label == "Host"
    link.role = "organiser"
    link.save()
    link.refresh_from_db()
    assert link.role.label == "Organiser"
    assert link.role_order == OrganisationRole.objects.get(slug="organiser").order


def test_only_mentioned_is_not_taking_part(mentioned):
    meeting, tmac, cmac, ua = mentioned
    published = Meeting.objects.published()
    assert not published.involving_organisations([ua]).exists()
    assert published.involving_organisations([tmac]).get() == meeting
    # Held in Thailand, with a Cambodian delegation; the Ukrainian body was only mentioned.
    assert not published.involving_countries(["UA"]).exists()
    assert dict(published.country_counts()) == {"TH": 1, "KH": 1}
    assert {row["organisation_id"] for row in published.organisation_counts()} == {tmac.pk, cmac.pk}
    pairs, total = published.organisation_pairs(limit=10)
    assert (pairs, total) == ([(min(tmac.pk, cmac.pk), max(tmac.pk, cmac.pk), 1)], 1)
    assert {row["organisation_id"] for row in published.organisation_nodes([tmac.pk, ua.pk])} == {tmac.pk}


def test_country_counts_in_sql_agree_with_the_country_filter(mentioned):
    make_meeting(country="KH", organisations=[(mentioned[3], "participant")])
    published = Meeting.objects.published()
    for code, count in published.country_counts():
        assert published.involving_countries([code]).count() == count, code


def test_pages_leave_the_mentioned_out_of_filters_and_pairs(client, mentioned):
    meeting, tmac, cmac, ua = mentioned
    assert client.get("/?org=" + ua.slug).context["page"].paginator.count == 0
    assert client.get("/?country=UA").context["page"].paginator.count == 0
    pair = client.get(reverse("events:organisation-pair", args=[tmac.slug, ua.slug]))
    assert pair.context["page"].paginator.count == 0
    profile = client.get(ua.get_absolute_url())
    assert profile.context["page"].paginator.count == 0


def test_related_meetings_ignore_organisations_only_mentioned(client, mentioned):
    meeting, tmac, cmac, ua = mentioned
    other = make_meeting(organisations=[(ua, "host")])
    related = client.get(meeting.get_absolute_url()).context["related"]
    assert other not in list(related)


def test_meeting_page_shows_the_mentioned_under_also_mentioned(client, mentioned):
    meeting, *_ = mentioned
    page = soup(client.get(meeting.get_absolute_url()))
    organisations = page.find(id="organisations").find_parent("section").get_text(" ", strip=True)
    also = page.find(id="also-mentioned").find_parent("section").get_text(" ", strip=True)
    assert "Ukrainian centre" not in organisations and "Ukrainian centre" in also
    assert "Hun Manet, Prime Minister" in also and "mentioned, not present" in also
    participants = page.find(id="participants").find_parent("section").get_text(" ", strip=True)
    assert "Hun Manet" not in participants and "Heng Ratana" in participants


def test_api_and_csv_give_every_role_with_whether_present(client, mentioned):
    meeting, *_ = mentioned
    body = client.get(f"/api/meetings/{meeting.slug}/").json()
    roles = {o["acronym"]: (o["role"], o["role_label"], o["present"]) for o in body["organisations"]}
    assert roles["UA-CENTRE"] == ("mentioned", "Mentioned in the report, not present", False)
    assert roles["TMAC"] == ("host", "Host", True)
    people = {p["name_as_written"]: (p["role"], p["present"]) for p in body["participants"]}
    assert people == {"Hun Manet": ("mentioned", False), "Heng Ratana": ("head_of_delegation", True)}
    response = client.get("/export/meetings.csv")
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert "Ukrainian centre (mentioned in the report, not present)" in row["organisations"]
    assert "Hun Manet (Prime Minister) [mentioned, not present]" in row["participants"]
    organisations = client.get("/export/organisations.csv")
    names = [
        r["name"] for r in csv.DictReader(io.StringIO(b"".join(organisations.streaming_content).decode()))
    ]
    assert "Ukrainian centre" not in names


def test_publishers_manage_roles_and_editors_view_them():
    publisher = set(Group.objects.get(name="Publisher").permissions.values_list("codename", flat=True))
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    for model in ("organisationrole", "personrole"):
        assert {f"add_{model}", f"change_{model}", f"delete_{model}"} <= publisher
        assert f"view_{model}" in editor and f"change_{model}" not in editor


def test_a_publisher_adds_a_role_in_the_admin(as_publisher):
    response = as_publisher.post(
        reverse("admin:events_organisationrole_add"),
        {"label": "Co-chair", "slug": "co_chair", "description": "", "present": "on", "order": "75"},
    )
    assert response.status_code == 302
    assert OrganisationRole.objects.get(slug="co_chair").present


def test_a_role_in_use_cannot_be_deleted(mentioned):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        OrganisationRole.objects.get(slug="mentioned").delete()
    assert Participation.objects.filter(role="mentioned").count() == 1
