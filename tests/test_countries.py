"""Countries taking part: the table every country filter and count reads, kept exact by the records."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.merging import merge_meeting
from events.models import Meeting, MeetingCountry, MeetingMode, MeetingOrganisation, OrganisationRole

from .factories import make_delegation, make_meeting, make_organisation, make_source
from .pages import soup

pytestmark = pytest.mark.django_db


def countries_of(meeting) -> set[tuple[str, str]]:
    return {(link.country.code, link.reason) for link in MeetingCountry.objects.filter(meeting=meeting)}


def test_every_reason_a_country_takes_part_is_recorded():
    delegation = make_delegation(sending_country="AZ")
    meeting = make_meeting(
        country="TH",
        delegation=delegation,
        visiting_country="KH",
        stated_countries=["LA", "VN"],
        organisations=[make_organisation(country="UA")],
    )
    assert countries_of(meeting) == {
        ("TH", "venue"),
        ("AZ", "delegation"),
        ("KH", "visiting"),
        ("LA", "stated"),
        ("VN", "stated"),
        ("UA", "organisation"),
    }
    assert MeetingCountry.objects.differences() == []


def test_an_organisation_only_mentioned_never_counts():
    mentioned = make_organisation(country="UA")
    meeting = make_meeting(organisations=[(mentioned, MeetingOrganisation.Role.MENTIONED)])
    assert countries_of(meeting) == {("TH", "venue")}
    assert not Meeting.objects.involving_countries(["UA"]).exists()


def test_each_change_that_decides_the_countries_keeps_the_table_exact():
    organisation = make_organisation(country="UA")
    delegation = make_delegation(sending_country="AZ")
    meeting = make_meeting(organisations=[organisation])
    assert countries_of(meeting) == {("TH", "venue"), ("UA", "organisation")}

    meeting.country, meeting.delegation = "", delegation
    meeting.save()
    assert countries_of(meeting) == {("AZ", "delegation"), ("UA", "organisation")}

    organisation.country = "PL"
    organisation.save()
    delegation.sending_country = "GE"
    delegation.save()
    assert countries_of(meeting) == {("GE", "delegation"), ("PL", "organisation")}

    participant = OrganisationRole.objects.get(slug="participant")
    participant.present = False
    participant.save()
    assert countries_of(meeting) == {("GE", "delegation")}
    participant.present = True
    participant.save()

    MeetingOrganisation.objects.get(meeting=meeting).delete()
    assert countries_of(meeting) == {("GE", "delegation")}
    assert MeetingCountry.objects.differences() == []


def test_deleting_a_meeting_takes_its_countries_with_it():
    meeting = make_meeting(organisations=[make_organisation(country="UA")])
    meeting.delete()
    assert not MeetingCountry.objects.exists()


def test_a_save_that_changes_no_country_reads_no_countries():
    meeting = Meeting.objects.get(pk=make_meeting().pk)
    meeting.title = "Renamed"
    with CaptureQueriesContext(connection) as queries:
        meeting.save()
    assert not [query for query in queries if "meetingcountry" in query["sql"]]
    meeting.visiting_country = "KH"
    with CaptureQueriesContext(connection) as queries:
        meeting.save()
    assert [query for query in queries if "meetingcountry" in query["sql"]]


def test_merging_moves_the_countries_to_the_kept_meeting(django_user_model):
    user = django_user_model.objects.create_superuser("publisher", "p@example.org", "a-long-password")
    kept = make_meeting(country="TH")
    duplicate = make_meeting(
        country="TH", organisations=[make_organisation(country="KH")], stated_countries=["LA"]
    )
    merge_meeting(duplicate, kept, user)
    assert countries_of(kept) == {("TH", "venue"), ("KH", "organisation"), ("LA", "stated")}
    assert MeetingCountry.objects.differences() == []


def test_an_online_meeting_has_no_venue_country():
    meeting = make_meeting(mode=MeetingMode.ONLINE, country="", stated_countries=["KH", "TH"])
    meeting.country = "TH"
    with pytest.raises(ValidationError):
        meeting.full_clean()


def test_a_video_link_meeting_is_listed_under_both_countries_and_their_pair(client):
    meeting = make_meeting(
        title="Video link on border clearance",
        mode=MeetingMode.ONLINE,
        country="",
        stated_countries=["KH", "TH"],
        sources=[make_source()],
    )
    for code in ("KH", "TH"):
        assert list(Meeting.objects.published().involving_countries([code])) == [meeting]
        response = client.get(reverse("events:timeline"), {"country": code})
        assert meeting.title in response.content.decode()
    response = client.get(reverse("events:country-pair", args=["KH", "TH"]))
    assert meeting.title in response.content.decode()


def test_a_country_page_counts_what_it_lists(client):
    """/countries/UA/ counts a meeting held elsewhere with a Ukrainian organisation, and lists it."""
    make_meeting(title="Held in Thailand", country="TH", organisations=[make_organisation(country="UA")])
    make_meeting(title="Only mentioned", organisations=[(make_organisation(country="UA"), "mentioned")])
    response = client.get(reverse("events:country-detail", args=["UA"]))
    assert response.context["involving_count"] == len(response.context["page"].object_list) == 1
    assert [m.title for m in response.context["page"].object_list] == ["Held in Thailand"]
    index = {row["code"]: row["meeting_count"] for row in Meeting.objects.published().country_index()}
    assert index["UA"] == 1


def test_country_counts_equal_the_lists():
    make_meeting(country="TH", visiting_country="KH")
    make_meeting(country="", mode=MeetingMode.ONLINE, stated_countries=["KH", "LA"])
    make_meeting(country="KH", organisations=[make_organisation(country="KH")])
    published = Meeting.objects.published()
    for code, count in published.country_counts():
        assert published.involving_countries([code]).count() == count
    assert dict(published.country_counts()) == {"KH": 3, "TH": 1, "LA": 1}


def facts(response) -> dict[str, str]:
    """The meeting page's facts, {label: text as read}."""
    found = {}
    for row in soup(response).select("dl.facts > div"):
        text = " ".join(row.select_one("dd").get_text().split())
        found[row.select_one("dt").get_text(strip=True)] = text.replace(" ,", ",")
    return found


def test_the_meeting_page_tells_online_from_place_not_known(client):
    online = make_meeting(
        mode=MeetingMode.ONLINE, country="", stated_countries=["KH", "TH"], sources=[make_source()]
    )
    unknown = make_meeting(country="", visiting_country="KH", sources=[make_source()])
    online_facts = facts(client.get(online.get_absolute_url()))
    assert online_facts["Place"] == "Online"
    assert online_facts["Countries taking part"] == "Cambodia, Thailand"
    unknown_facts = facts(client.get(unknown.get_absolute_url()))
    assert unknown_facts["Place"] == "Not known"
    assert unknown_facts["Visiting country"] == "Cambodia"
    links = [a["href"] for a in soup(client.get(unknown.get_absolute_url())).select("dl.facts a")]
    assert reverse("events:country-detail", args=["KH"]) in links


def test_the_meeting_page_reads_its_countries_in_the_same_queries(client, django_assert_num_queries):
    meeting = make_meeting(organisations=[make_organisation(country="KH")], sources=[make_source()])
    with CaptureQueriesContext(connection) as few:
        client.get(meeting.get_absolute_url())
    for code in ("LA", "VN", "MM"):
        make_meeting(slug=f"other-{code}").delete()
        meeting.organisation_roles.create(organisation=make_organisation(country=code), role="participant")
    meeting.stated_countries = ["PL", "UA"]
    meeting.save()
    with django_assert_num_queries(len(few)):
        response = client.get(meeting.get_absolute_url())
    assert len(facts(response)["Countries taking part"].split(", ")) == 7


def test_the_api_gives_the_mode_visiting_country_and_countries_taking_part(client):
    make_meeting(
        slug="video-link", mode=MeetingMode.ONLINE, country="", visiting_country="KH", stated_countries=["TH"]
    )
    data = client.get("/api/meetings/video-link/", HTTP_ACCEPT="application/json").json()
    assert (data["mode"], data["country"], data["place"]) == ("online", None, "Online")
    assert data["visiting_country"] == {"code": "KH", "name": "Cambodia"}
    assert [country["code"] for country in data["countries_taking_part"]] == ["KH", "TH"]
    listed = client.get("/api/meetings/", {"country": "KH"}, HTTP_ACCEPT="application/json").json()
    assert [row["slug"] for row in listed["results"]] == ["video-link"]
