"""Atom and iCalendar feeds: parsed as a feed reader and a calendar app would."""

import datetime
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.core.cache import cache
from django.utils import timezone

from events.models import Meeting

from .factories import make_meeting
from .pages import meeting_titles, query

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def read_atom(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def entries(feed: ET.Element) -> list[dict[str, str]]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "categories": [category.get("term") for category in entry.findall(f"{ATOM}category")],
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def read_ics(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(b"".join(response.streaming_content))


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    """Events by the slug in their URL."""
    return {str(event["url"]).rstrip("/").rsplit("/", 1)[1]: event for event in calendar.walk("VEVENT")}


# --- Atom -------------------------------------------------------------------------


def test_atom_entries_link_to_their_pages_newest_first(client, records):
    feed = read_atom(client.get("/feeds/meetings.atom"))
    assert feed.findtext(f"{ATOM}title") == "Mine Action Cooperation Timeline"
    found = entries(feed)
    assert [entry["title"] for entry in found] == ["Second round", "ANAMA meets TMAC", "Border talks"]
    meeting = Meeting.objects.get(slug="anama-meets-tmac")
    entry = found[1]
    assert entry["link"] == "http://testserver/meetings/anama-meets-tmac/"
    assert entry["id"] == f"tag:mineaction-timeline,2024:meeting-{meeting.pk}"
    assert datetime.datetime.fromisoformat(entry["updated"]) == meeting.updated_at
    assert "22–23 August 2024 · TMAC headquarters, Bangkok, Thailand" in entry["summary"]
    assert 'href="https://news.example.org/x"' in entry["summary"]
    assert entry["categories"] == ["Bilateral meeting", "Joint training"]


def test_atom_holds_the_newest_50(client, records):
    for number in range(55):
        make_meeting(
            title=f"Meeting of day {number}",
            start_date=datetime.date(2023, 1, 1) + datetime.timedelta(number),
        )
    found = entries(read_atom(client.get("/feeds/meetings.atom?sort=oldest")))
    assert len(found) == 50
    assert found[0]["title"] == "Second round"  # newest first, whatever the sort
    assert "Meeting of day 54" in {entry["title"] for entry in found}
    assert "Border talks" not in {entry["title"] for entry in found}


def test_atom_follows_the_filters_and_says_so(client, records):
    feed = read_atom(client.get("/feeds/meetings.atom?country=KH&topic=joint-training&page=2"))
    assert feed.findtext(f"{ATOM}title") == "Mine Action Cooperation Timeline: Cambodia, Joint training"
    assert [entry["title"] for entry in entries(feed)] == ["ANAMA meets TMAC"]
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert query(links["alternate"]) == {"country": ["KH"], "topic": ["joint-training"]}
    assert links["self"].startswith("http://testserver/feeds/meetings.atom?")
    assert query(links["self"]) == {"country": ["KH"], "topic": ["joint-training"]}
    assert feed.findtext(f"{ATOM}id") == links["self"]


def test_atom_entry_ids_survive_a_new_title_and_slug(client, records):
    before = entries(read_atom(client.get("/feeds/meetings.atom")))[2]
    meeting = Meeting.objects.get(slug="border-talks")
    meeting.title, meeting.slug = "Renamed", "renamed"
    meeting.save()
    after = entries(read_atom(client.get("/feeds/meetings.atom")))[2]
    assert after["title"] == "Renamed" and after["id"] == before["id"]


@pytest.mark.parametrize("params", ["country=XX&country=KH", "org=nope&country=KH", "year=abc&country=KH"])
def test_feeds_handle_bad_parameters_as_the_timeline_does(client, records, params):
    expected = set(meeting_titles(client.get(f"/?{params}")))
    assert {
        entry["title"] for entry in entries(read_atom(client.get(f"/feeds/meetings.atom?{params}")))
    } == expected
    calendar = read_ics(client.get(f"/feeds/meetings.ics?{params}"))
    assert {str(event["summary"]) for event in calendar.walk("VEVENT")} == expected


def test_drafts_never_appear_in_feeds(client, records):
    atom = client.get("/feeds/meetings.atom?org=anama").content.decode()
    ics = b"".join(client.get("/feeds/meetings.ics?org=anama").streaming_content).decode()
    for text in (atom, ics):
        assert "Draft visit" not in text and "Draft contact" not in text


# --- iCalendar ----------------------------------------------------------------------


def test_ics_is_a_calendar_to_subscribe_to(client, records):
    response = client.get("/feeds/meetings.ics?topic=joint-training")
    assert response["Content-Disposition"] == 'attachment; filename="mineaction-meetings.ics"'
    calendar = read_ics(response)
    assert calendar["version"] == "2.0" and calendar["method"] == "PUBLISH"
    assert calendar["x-wr-calname"] == "Mine Action Cooperation Timeline: Joint training"
    assert calendar["refresh-interval"].dt == datetime.timedelta(hours=12)
    assert list(events(calendar)) == ["anama-meets-tmac"]


def test_an_event_has_its_days_place_link_and_sources(client, records):
    event = events(read_ics(client.get("/feeds/meetings.ics")))["anama-meets-tmac"]
    meeting = Meeting.objects.get(slug="anama-meets-tmac")
    assert event["uid"] == f"meeting-{meeting.pk}@mineaction-timeline"
    assert str(event["summary"]) == "ANAMA meets TMAC"
    # All day, 22 and 23 August: the end is exclusive.
    assert event["dtstart"].dt == datetime.date(2024, 8, 22)
    assert event["dtend"].dt == datetime.date(2024, 8, 24)
    assert event["dtstart"].params["VALUE"] == "DATE"
    assert str(event["location"]) == "TMAC headquarters, Bangkok, Thailand"
    assert str(event["url"]) == "http://testserver/meetings/anama-meets-tmac/"
    description = str(event["description"])
    assert description.startswith("22–23 August 2024\n")
    assert "Sources:\nhttps://news.example.org/x" in description
    assert description.endswith("http://testserver/meetings/anama-meets-tmac/")
    # iCalendar times are to the second.
    assert event["last-modified"].dt == event["dtstamp"].dt == meeting.updated_at.replace(microsecond=0)
    assert event["transp"] == "TRANSPARENT"


@pytest.mark.parametrize(
    ("precision", "start", "end", "first", "last", "note"),
    [
        ("day", "2024-05-03", None, "2024-05-03", "2024-05-03", None),
        ("day", "2024-05-03", "2024-05-05", "2024-05-03", "2024-05-05", None),
        ("week", "2024-05-06", None, "2024-05-06", "2024-05-12", "Some day in that week"),
        ("month", "2024-05-01", None, "2024-05-01", "2024-05-01", "Only the month is known"),
        ("year", "2024-01-01", None, "2024-01-01", "2024-01-01", "Only the year is known"),
        ("on_or_before", "2024-05-20", None, "2024-05-20", "2024-05-20", "The date is not stated"),
    ],
)
def test_event_dates_follow_the_precision(client, precision, start, end, first, last, note):
    make_meeting(
        slug="dated",
        date_precision=precision,
        start_date=datetime.date.fromisoformat(start),
        end_date=datetime.date.fromisoformat(end) if end else None,
    )
    event = events(read_ics(client.get("/feeds/meetings.ics")))["dated"]
    assert event["dtstart"].dt == datetime.date.fromisoformat(first)
    assert event["dtend"].dt == datetime.date.fromisoformat(last) + datetime.timedelta(days=1)
    if note:
        assert note in str(event["description"])


def test_uids_are_stable_so_calendars_update_instead_of_duplicating(client, records):
    before = events(read_ics(client.get("/feeds/meetings.ics")))
    Meeting.objects.filter(slug="border-talks").update(
        title="Border talks, rescheduled",
        start_date=datetime.date(2018, 12, 9),
        updated_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    after = events(read_ics(client.get("/feeds/meetings.ics", HTTP_HOST="localhost")))
    assert {event["uid"] for event in after.values()} == {event["uid"] for event in before.values()}
    assert str(after["border-talks"]["summary"]) == "Border talks, rescheduled"
    assert after["border-talks"]["last-modified"].dt > before["border-talks"]["last-modified"].dt


def test_ics_holds_every_matching_meeting(client, records):
    for number in range(60):
        make_meeting(title=f"Extra {number}", country="KH")
    calendar = read_ics(client.get("/feeds/meetings.ics?country=KH"))
    assert (
        len(calendar.walk("VEVENT")) == Meeting.objects.published().involving_countries(["KH"]).count() == 62
    )


def test_feed_queries_do_not_grow_with_rows(client, records, django_assert_num_queries):
    for url, expected in (("/feeds/meetings.atom?org=anama", 5), ("/feeds/meetings.ics?org=anama", 3)):
        # Counted as computed afresh, not as kept (a kept feed reads only the data version).
        # The Atom feed is kept, so it reads the data version first: one query more.
        cache.clear()
        with django_assert_num_queries(expected):
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
    for _ in range(10):
        make_meeting(organisations=[records["anama"]], topics=[records["training"]])
    for url, expected in (("/feeds/meetings.atom?org=anama", 5), ("/feeds/meetings.ics?org=anama", 3)):
        cache.clear()
        with django_assert_num_queries(expected):
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)


def test_the_atom_feed_is_revalidated_by_its_etag_not_by_a_date(client, records):
    response = client.get("/feeds/meetings.atom")
    # The newest entry's date does not move when an entry is withdrawn, so no Last-Modified.
    assert "Last-Modified" not in response
    assert client.get("/feeds/meetings.atom", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
