"""Likely duplicates are pointed out before saving (never refused), and merged when confirmed."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from events.merging import merge_meeting
from events.models import Meeting, MeetingOrganisation, Outcome, Status, Topic

from .factories import make_delegation, make_meeting, make_organisation, make_person, make_source
from .forms import form_values

pytestmark = pytest.mark.django_db

AUG_22 = datetime.date(2024, 8, 22)


@pytest.fixture
def records():
    return {
        "tmac": make_organisation(acronym="TMAC", country="TH"),
        "anama": make_organisation(acronym="ANAMA", country="AZ"),
        "armac": make_organisation(acronym="ARMAC", country="KH"),
        "source": make_source(url="https://news.example.org/anama-tmac"),
    }


def duplicates(**description):
    return {c.meeting.pk: c.reasons for c in Meeting.objects.likely_duplicates(**description)}


def test_a_meeting_citing_the_same_source_is_a_likely_duplicate(records):
    existing = make_meeting(sources=[records["source"]], country="KH", start_date=datetime.date(2020, 1, 1))
    found = duplicates(start_date=AUG_22, source_urls=[records["source"].url])
    assert found == {existing.pk: ["cites the same source (https://news.example.org/anama-tmac)"]}
    assert duplicates(start_date=AUG_22, source_ids=[records["source"].pk]).keys() == {existing.pk}


@pytest.mark.parametrize(
    ("days_apart", "country", "shared", "expected"),
    [
        (0, "TH", 2, True),
        (3, "TH", 2, True),
        (-3, "TH", 3, True),
        (4, "TH", 2, False),  # more than three days apart
        (1, "KH", 2, False),  # another host country
        (1, "TH", 1, False),  # one organisation in common is not enough
    ],
)
def test_near_date_same_country_and_two_shared_organisations(records, days_apart, country, shared, expected):
    existing = make_meeting(
        start_date=AUG_22, country="TH", organisations=[records["tmac"], records["anama"], records["armac"]]
    )
    organisation_ids = [records[key].pk for key in ("tmac", "anama", "armac")[:shared]]
    found = duplicates(
        start_date=AUG_22 + datetime.timedelta(days=days_apart),
        country=country,
        organisation_ids=organisation_ids,
    )
    assert (existing.pk in found) is expected
    if expected:
        assert f"{shared} organisations in common" in found[existing.pk][0]


def test_a_multi_day_meeting_counts_from_its_last_day(records):
    existing = make_meeting(
        start_date=AUG_22,
        end_date=AUG_22 + datetime.timedelta(days=5),
        country="TH",
        organisations=[records["tmac"], records["anama"]],
    )
    later = AUG_22 + datetime.timedelta(days=8)
    assert existing.pk in duplicates(
        start_date=later, country="TH", organisation_ids=[records["tmac"].pk, records["anama"].pk]
    )


def test_the_same_delegation_on_the_same_day(records):
    trip = make_delegation()
    existing = make_meeting(delegation=trip, country="TH")
    assert duplicates(start_date=AUG_22, delegation_id=trip.pk) == {
        existing.pk: ["same delegation on the same day"]
    }
    assert not duplicates(start_date=AUG_22 + datetime.timedelta(days=1), delegation_id=trip.pk)


def test_a_meeting_is_not_its_own_duplicate_and_merged_ones_are_skipped(records, publisher):
    meeting = make_meeting(sources=[records["source"]])
    assert not duplicates(start_date=AUG_22, source_urls=[records["source"].url], exclude_pk=meeting.pk)
    assert meeting.likely_duplicates() == []


def add_form(client, records, **changes):
    response = client.get(reverse("admin:events_meeting_add"))
    data = form_values(response.content.decode(), form_id="meeting_form")
    data.update(
        {
            "title": ["ANAMA delegation meets TMAC (second report)"],
            "slug": ["anama-meets-tmac-second-report"],
            "start_date": ["2024-08-23"],
            "country": ["TH"],
            "organisation_roles-0-organisation": [str(records["tmac"].pk)],
            "organisation_roles-0-role": ["host"],
            "organisation_roles-1-organisation": [str(records["anama"].pk)],
            "organisation_roles-1-role": ["delegation"],
        }
    )
    data.update(changes)
    return data


def test_saving_a_likely_duplicate_asks_first_and_links_the_meetings(as_editor, records):
    existing = make_meeting(
        title="ANAMA delegation meets TMAC", organisations=[records["tmac"], records["anama"]], country="TH"
    )
    data = add_form(as_editor, records)
    response = as_editor.post(reverse("admin:events_meeting_add"), data)
    assert response.status_code == 200
    assert not Meeting.objects.filter(slug="anama-meets-tmac-second-report").exists()
    soup = BeautifulSoup(response.content, "html.parser")
    warning = soup.select_one(".errorlist.nonfield")
    assert "This may be a meeting that is already recorded" in warning.get_text()
    links = {a.get_text(): a["href"] for a in warning.find_all("a")}
    assert links == {
        "ANAMA delegation meets TMAC": reverse("admin:events_meeting_change", args=[existing.pk])
    }
    assert "1 day apart, 2 organisations in common" in warning.get_text()
    checkbox = soup.find("input", attrs={"name": "not_a_duplicate"})
    assert checkbox["type"] == "checkbox" and not checkbox.has_attr("checked")

    # Ticking the box saves it: the warning never blocks.
    data = form_values(response.content.decode(), form_id="meeting_form")
    data["not_a_duplicate"] = ["on"]
    response = as_editor.post(reverse("admin:events_meeting_add"), data)
    assert response.status_code == 302
    assert Meeting.objects.filter(slug="anama-meets-tmac-second-report").exists()


def test_the_confirmation_box_is_hidden_when_there_is_nothing_to_confirm(as_editor, records):
    response = as_editor.get(reverse("admin:events_meeting_add"))
    checkbox = BeautifulSoup(response.content, "html.parser").find("input", attrs={"name": "not_a_duplicate"})
    assert checkbox["type"] == "hidden"
    response = as_editor.post(reverse("admin:events_meeting_add"), add_form(as_editor, records))
    assert response.status_code == 302


def test_resaving_an_unchanged_meeting_does_not_ask_again(as_editor, records):
    make_meeting(organisations=[records["tmac"], records["anama"]], country="TH", status=Status.DRAFT)
    second = make_meeting(
        organisations=[records["tmac"], records["anama"]], country="TH", status=Status.DRAFT
    )
    url = reverse("admin:events_meeting_change", args=[second.pk])
    data = form_values(as_editor.get(url).content.decode(), form_id="meeting_form")
    data["summary"] = ["A better summary."]
    assert as_editor.post(url, data).status_code == 302
    data["start_date"] = ["2024-08-21"]  # a change that matters asks again
    assert as_editor.post(url, data).status_code == 200


def test_merging_moves_everything_onto_the_kept_meeting(records, publisher):
    person = make_person(name="Vugar Suleymanov")
    kept = make_meeting(
        title="Kept",
        organisations=[(records["tmac"], "host")],
        participants=[{"name_as_written": "Vugar Suleymanov", "person": person}],
        topics=[Topic.objects.get(slug="training")],
        sources=[records["source"]],
    )
    other_source = make_source()
    duplicate = make_meeting(
        title="Duplicate",
        status=Status.DRAFT,
        organisations=[(records["tmac"], "host"), (records["anama"], "delegation")],
        participants=[
            {"name_as_written": "V. Suleymanov", "person": person},  # already on the kept meeting
            {"name_as_written": "Rotna But", "title_as_stated": "Executive Director"},
        ],
        topics=[Topic.objects.get(slug="capacity-building")],
        sources=[other_source],
    )
    Outcome.objects.create(meeting=duplicate, kind="invitation", text="An invitation to a conference.")
    follow_up = make_meeting(follow_up_of=duplicate)

    merge_meeting(duplicate, kept, publisher)

    kept.refresh_from_db()
    duplicate.refresh_from_db()
    follow_up.refresh_from_db()
    assert {(link.organisation.acronym, link.role) for link in kept.organisation_roles.all()} == {
        ("TMAC", "host"),
        ("ANAMA", "delegation"),
    }
    assert list(kept.participations.values_list("name_as_written", flat=True)) == [
        "Vugar Suleymanov",
        "Rotna But",
    ]
    assert set(kept.topics.values_list("slug", flat=True)) == {"training", "capacity-building"}
    assert set(kept.sources.all()) == {records["source"], other_source}
    assert kept.outcomes.get().text == "An invitation to a conference."
    assert follow_up.follow_up_of == kept
    assert "Rotna But" in kept.search_document
    assert (duplicate.status, duplicate.merged_into) == (Status.WITHDRAWN, kept)
    assert not duplicate.participations.exists() and not duplicate.organisation_roles.exists()
    # Every move is in the history, with who made it and why.
    moved = MeetingOrganisation.history.filter(organisation=records["anama"]).first()
    assert moved.history_user == publisher
    assert moved.history_change_reason.startswith("Merged “Duplicate”")


def test_a_merged_meetings_address_leads_to_the_kept_meeting(records, publisher):
    kept = make_meeting(sources=[records["source"]])
    first = make_meeting(status=Status.DRAFT)
    second = make_meeting(status=Status.DRAFT)
    merge_meeting(first, kept, publisher)
    assert Meeting.objects.redirect_target_for_slug(first.slug) == kept
    assert Meeting.objects.redirect_target_for_slug(kept.slug) is None  # not merged: no redirect
    # Merged twice over: the address follows the chain.
    kept.status = Status.WITHDRAWN
    kept.save()
    final = make_meeting(sources=[make_source()])
    merge_meeting(kept, final, publisher)
    assert Meeting.objects.redirect_target_for_slug(first.slug) == final
    # Into a meeting that is not public: no redirect (the page is simply not found).
    merge_meeting(second, make_meeting(status=Status.DRAFT), publisher)
    assert Meeting.objects.redirect_target_for_slug(second.slug) is None


def test_merging_meetings_with_long_titles_keeps_a_short_reason(records, publisher):
    kept = make_meeting(title="K" * 200, slug="kept-with-a-long-title")
    duplicate = make_meeting(title="D" * 200, slug="duplicate-with-a-long-title", status=Status.DRAFT)
    merge_meeting(duplicate, kept, publisher)  # PostgreSQL refuses a reason over 100 characters
    reason = Meeting.history.filter(id=duplicate.pk).first().history_change_reason
    assert reason.startswith("Merged “DDD") and len(reason) == 100


def test_only_publishers_merge(records, editor):
    kept, duplicate = make_meeting(), make_meeting(status=Status.DRAFT)
    with pytest.raises(PermissionDenied):
        merge_meeting(duplicate, kept, editor)


def test_merge_action_asks_which_meeting_to_keep(as_publisher, records):
    kept = make_meeting(title="Kept", sources=[records["source"]], organisations=[records["tmac"]])
    duplicate = make_meeting(title="Duplicate", status=Status.DRAFT, organisations=[records["anama"]])
    changelist = reverse("admin:events_meeting_changelist")
    selection = {"action": "merge_meetings", "_selected_action": [str(kept.pk), str(duplicate.pk)]}
    response = as_publisher.post(changelist, selection)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    choices = {radio["value"]: radio.has_attr("checked") for radio in soup.select("input[name=keep]")}
    assert choices == {str(kept.pk): True, str(duplicate.pk): False}  # the published one is proposed

    response = as_publisher.post(
        changelist, {**selection, "confirm": "yes", "keep": str(kept.pk)}, follow=True
    )
    assert "the old addresses now redirect to it" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert kept.organisation_roles.count() == 2


def test_editors_have_no_merge_action(as_editor):
    make_meeting()
    page = as_editor.get(reverse("admin:events_meeting_changelist")).content.decode()
    assert 'value="merge_meetings"' not in page


def test_the_old_address_of_a_merged_meeting_redirects_permanently(client, records, publisher):
    kept = make_meeting(sources=[records["source"]])
    duplicate = make_meeting(status=Status.PUBLISHED, sources=[make_source()])
    duplicate.status = Status.WITHDRAWN
    duplicate.save()
    merge_meeting(duplicate, kept, publisher)
    response = client.get(duplicate.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == kept.get_absolute_url()
    assert client.get(kept.get_absolute_url()).status_code == 200
    assert client.get("/meetings/no-such-meeting/").status_code == 404
