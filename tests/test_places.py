"""A meeting's place: a city from the gazetteer, a venue, and the rules that keep them sound."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from events.models import City, Meeting, MeetingMode
from events.models.places import load_cities

from .factories import make_city, make_meeting

pytestmark = pytest.mark.django_db


def test_the_gazetteer_is_loaded_by_migrate_with_coordinates():
    zangilan = City.objects.get(name="Zangilan", country="AZ")
    assert (round(zangilan.latitude), round(zangilan.longitude)) == (39, 47)
    assert zangilan.geonames_id and zangilan.population >= 5000
    assert str(City.objects.get(name="Phnom Penh")) == "Phnom Penh, Cambodia"


def test_loading_again_adds_nothing_and_keeps_references():
    meeting = make_meeting(country="KH", city="Siem Reap")
    assert load_cities(City) == 0
    call_command("load_cities", verbosity=0)
    meeting.refresh_from_db()
    assert meeting.city.name == "Siem Reap"


def test_a_city_is_found_by_other_spellings_within_a_country():
    assert City.objects.named("geneve", "CH").name == "Geneva"
    assert City.objects.named("Genf", "CH").name == "Geneva"
    assert City.objects.named("  Phnom   Penh ", "KH").name == "Phnom Penh"
    # Geneva, New York is smaller than Geneva, Switzerland, and within the US it is the one found.
    assert City.objects.named("Geneva").country.code == "CH"
    assert City.objects.named("Geneva", "US").country.code == "US"
    assert City.objects.named("Geneva", "TH") is None
    assert City.objects.named("") is None


def test_the_place_reads_venue_city_and_country():
    meeting = make_meeting(country="KH", city="Phnom Penh", venue="Koh Pich Convention and Exhibition Centre")
    assert meeting.place_display == "Koh Pich Convention and Exhibition Centre, Phnom Penh, Cambodia"
    meeting.mode = MeetingMode.HYBRID
    assert (
        meeting.place_display == "Koh Pich Convention and Exhibition Centre, Phnom Penh, Cambodia, and online"
    )
    online = make_meeting(country="", mode=MeetingMode.ONLINE)
    assert online.place_display == "Online"


def test_the_city_is_searchable():
    make_meeting(country="AZ", city="Zangilan", title="Conference", venue="Zangilan Congress Hall")
    document = Meeting.objects.get().search_document
    assert "Zangilan" in document and "Zangilan Congress Hall" in document


def test_clean_refuses_a_city_in_another_country():
    meeting = Meeting(
        title="T", slug="t", start_date="2024-05-01", country="TH", city=make_city("Baku", "AZ")
    )
    with pytest.raises(ValidationError) as raised:
        meeting.clean()
    assert raised.value.message_dict["city"] == ["Baku is in Azerbaijan, not Thailand: change either."]


def test_clean_takes_the_country_from_the_city_when_blank():
    meeting = Meeting(title="T", slug="t", start_date="2024-05-01", city=make_city("Baku", "AZ"))
    meeting.clean()
    assert meeting.country.code == "AZ"


def test_clean_refuses_a_city_or_venue_for_an_online_meeting():
    meeting = Meeting(title="T", slug="t", start_date="2024-05-01", mode=MeetingMode.ONLINE, venue="Room 4")
    with pytest.raises(ValidationError) as raised:
        meeting.clean()
    assert "city" in raised.value.message_dict


def test_the_database_refuses_a_city_in_another_country():
    baku = make_city("Baku", "AZ")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(country="TH", city=baku)
    meeting = make_meeting(country="AZ", city=baku)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(country="TH")


def test_the_database_refuses_a_venue_for_an_online_meeting():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(country="", mode=MeetingMode.ONLINE, venue="Room 4")


def test_a_city_in_use_is_kept_from_deletion():
    from django.db.models import ProtectedError

    meeting = make_meeting(country="KH", city="Siem Reap")
    with pytest.raises(ProtectedError):
        meeting.city.delete()


def test_history_records_city_and_venue():
    meeting = make_meeting(country="KH", city="Siem Reap")
    meeting.venue = "Sokha Hotel"
    meeting.city = City.objects.named("Phnom Penh", "KH")
    meeting.save()
    newest, older = meeting.history.all()[:2]
    assert (newest.city.name, newest.venue) == ("Phnom Penh", "Sokha Hotel")
    assert (older.city.name, older.venue) == ("Siem Reap", "")


MEETING_SQL = (
    "INSERT INTO events_meeting (title, slug, kind, start_date, date_precision, date_as_reported, mode, "
    "country, city, visiting_country, stated_countries, summary, editorial_note, search_document, status, "
    "created_at, updated_at) VALUES (%s, %s, 'bilateral', '2024-05-01', 'day', '', %s, %s, %s, '', '', '', "
    "%s, '', 'published', '2024-05-01 00:00:00', '2024-05-01 00:00:00')"
)


@pytest.mark.django_db(transaction=True)
def test_the_migration_matches_city_text_and_keeps_what_it_cannot():
    executor = MigrationExecutor(connection)
    executor.migrate([("events", "0017_meeting_change")])
    rows = [
        ("Matched", "matched", "in_person", "AZ", "zangilan", ""),
        ("Unmatched", "unmatched", "in_person", "KH", "Kampong Chhnang training centre", ""),
        ("Online", "online", "online", "", "Room 4", "Checked."),
        ("No city", "no-city", "in_person", "TH", "", ""),
    ]
    with connection.cursor() as cursor:
        for row in rows:
            cursor.execute(MEETING_SQL, row)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([("events", "0018_cities")])
        places = {
            slug: (city, venue, note)
            for slug, city, venue, note in Meeting.objects.values_list(
                "slug", "city__name", "venue", "editorial_note"
            )
        }
        assert places == {
            "matched": ("Zangilan", "", ""),
            "unmatched": (None, "Kampong Chhnang training centre", ""),
            "online": (None, "", "Checked.\n\nPlace first recorded as: Room 4"),
            "no-city": (None, "", ""),
        }

        executor = MigrationExecutor(connection)
        executor.migrate([("events", "0017_meeting_change")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT slug, city, editorial_note FROM events_meeting ORDER BY slug")
            # The online meeting's text stays in its note, where the forward step put it.
            assert {slug: (city, note) for slug, city, note in cursor.fetchall()} == {
                "matched": ("Zangilan", ""),
                "unmatched": ("Kampong Chhnang training centre", ""),
                "online": ("", "Checked.\n\nPlace first recorded as: Room 4"),
                "no-city": ("", ""),
            }
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM events_meeting")
        call_command("migrate", "events", verbosity=0, interactive=False)


def test_the_meeting_page_shows_venue_city_and_country(client):
    meeting = make_meeting(country="KH", city="Phnom Penh", venue="Koh Pich Convention and Exhibition Centre")
    soup = BeautifulSoup(client.get(meeting.get_absolute_url()).content, "html.parser")
    facts = {
        " ".join(div.dt.get_text().split()): " ".join(div.dd.get_text().split())
        for div in soup.select("dl.facts > div")
    }
    assert facts["Place"] == "Koh Pich Convention and Exhibition Centre, Phnom Penh, Cambodia"


def test_an_online_meeting_page_says_online(client):
    meeting = make_meeting(country="", mode=MeetingMode.ONLINE, stated_countries=["AZ", "KH"])
    soup = BeautifulSoup(client.get(meeting.get_absolute_url()).content, "html.parser")
    place = next(div for div in soup.select("dl.facts > div") if div.dt.get_text() == "Place")
    assert place.dd.get_text() == "Online"


@pytest.mark.parametrize("words", ["Zangilan", "zangilan conference", "congress hall"])
def test_the_timeline_search_finds_a_meeting_by_its_city_or_venue(client, words):
    make_meeting(title="Conference", country="AZ", city="Zangilan", venue="Congress Hall")
    make_meeting(title="Elsewhere", country="AZ", city="Baku")
    soup = BeautifulSoup(client.get("/", {"q": words}).content, "html.parser")
    titles = [" ".join(link.get_text().split()) for link in soup.select(".meeting-title a")]
    assert titles == ["Conference"]


def test_a_drafted_meeting_takes_the_gazetteer_city_or_keeps_the_town_as_venue():
    from events.intake.draft import place_of_draft

    assert place_of_draft("Baku", "AZ") == {"city": City.objects.named("Baku", "AZ")}
    assert place_of_draft("Capellen", "LU") == {"city": None, "venue": "Capellen"}
    assert place_of_draft("Baku", "") == {"city": None, "venue": "Baku"}
