"""Bulk import of meetings from CSV: a preview with each row's errors, then all rows or none."""

import datetime

import pytest
import tablib
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.admin.imports import MeetingResource
from events.models import Meeting, Source, Status

from .factories import make_organisation, make_source

pytestmark = pytest.mark.django_db

HEADER = (
    "title,kind,start_date,end_date,date_precision,country,city,summary,topics,organisations,sources,"
    "source_publisher"
)
GOOD_ROWS = [
    'ANAMA delegation meets TMAC,bilateral,2024-08-22,,on_or_before,TH,Bangkok,"Talks on training.",'
    "training;capacity-building,anama:delegation;tmac:host,https://news.example.org/known,",
    "Mine action conference,Conference,2023-05-23,2023-05-24,day,Azerbaijan,Baku,,,ANAMA:organiser,"
    "https://news.example.org/new-report,Example Wire",
]
BAD_ROW = "Broken row,teatime,2024-13-01,,,Atlantis,,,no-such-topic,nobody:host,,"


@pytest.fixture
def known():
    make_organisation(name="Mine Action Agency of the Republic of Azerbaijan", acronym="ANAMA", slug="anama")
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    return make_source(url="https://news.example.org/known")


def csv_file(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("meetings.csv", "\n".join([HEADER, *rows]).encode(), content_type="text/csv")


def preview(client, upload):
    """Upload the file as the import page's form sends it (CSV, the only format offered)."""
    page = client.get(reverse("admin:events_meeting_import"))
    chosen = BeautifulSoup(page.content, "html.parser").find(attrs={"name": "format"})
    assert chosen.name == "input" and chosen["type"] == "hidden"
    return client.post(
        reverse("admin:events_meeting_import"), {"format": chosen["value"], "import_file": upload}
    )


def test_the_meeting_list_offers_the_import(as_editor):
    page = as_editor.get(reverse("admin:events_meeting_changelist"))
    links = {a["href"] for a in BeautifulSoup(page.content, "html.parser").find_all("a", href=True)}
    assert reverse("admin:events_meeting_import") in links


def test_a_good_file_is_previewed_then_imported_as_drafts(as_editor, editor, known):
    response = preview(as_editor, csv_file(*GOOD_ROWS))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    rows = [" ".join(row.get_text(" ").split()) for row in soup.select("table.import-preview tr.new")]
    assert len(rows) == 2  # one row per meeting to be added, with what it links to
    assert rows[0].startswith("New ANAMA delegation meets TMAC")
    assert "training;capacity-building anama:delegation;tmac:host" in rows[0]
    assert not Meeting.objects.exists()  # the preview writes nothing
    confirm = soup.find("form", attrs={"action": reverse("admin:events_meeting_process_import")})
    data = {field["name"]: field.get("value", "") for field in confirm.find_all("input") if field.get("name")}

    response = as_editor.post(reverse("admin:events_meeting_process_import"), data)
    assert response.status_code == 302
    meetings = {m.title: m for m in Meeting.objects.all()}
    assert set(meetings) == {"ANAMA delegation meets TMAC", "Mine action conference"}
    visit, conference = meetings["ANAMA delegation meets TMAC"], meetings["Mine action conference"]
    assert {m.status for m in meetings.values()} == {Status.DRAFT}
    assert (visit.date_precision, visit.country.code, visit.city.name) == ("on_or_before", "TH", "Bangkok")
    assert (conference.city.name, conference.city.country.code) == ("Baku", "AZ")
    assert set(visit.topics.values_list("slug", flat=True)) == {"training", "capacity-building"}
    assert {(link.organisation.slug, link.role) for link in visit.organisation_roles.all()} == {
        ("anama", "delegation"),
        ("tmac", "host"),
    }
    assert list(visit.sources.all()) == [known]
    assert (conference.kind, conference.end_date) == ("conference", datetime.date(2023, 5, 24))
    assert conference.sources.get().publisher == "Example Wire"  # a new source, created
    assert conference.slug == "mine-action-conference-2023-05"
    assert "ANAMA" in visit.search_document
    assert visit.history.first().history_user == editor


def test_a_file_with_a_bad_row_shows_its_errors_and_writes_nothing(as_editor, known):
    response = preview(as_editor, csv_file(GOOD_ROWS[0], BAD_ROW, GOOD_ROWS[1]))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    errors = soup.select("td.errors")
    assert len(errors) == 1  # the bad row, and only it
    row = errors[0].find_parent("tr")
    assert row.td.get_text(strip=True) == "2"
    text = " ".join(errors[0].get_text(" ").split())
    for expected in ("“teatime” is not one of", "Unknown country “Atlantis”", "Unknown topic: no-such-topic",
                     "Unknown organisation “nobody”", "start_date"):  # fmt: skip
        assert expected in text
    assert soup.find("form", attrs={"action": reverse("admin:events_meeting_process_import")}) is None
    assert not Meeting.objects.exists()
    assert Source.objects.count() == 1  # not even the good rows' new source


def test_a_city_is_taken_by_name_within_the_rows_country_with_its_venue(as_editor, known):
    header = "title,kind,start_date,country,city,venue"
    rows = [
        "Talks,bilateral,2024-08-22,CH,genève,Palais des Nations",  # another spelling, any case
        "Workshop,bilateral,2024-08-22,US,Geneva,",  # the Geneva of the row's country
    ]
    upload = SimpleUploadedFile("meetings.csv", "\n".join([header, *rows]).encode(), content_type="text/csv")
    response = preview(as_editor, upload)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    confirm = soup.find("form", attrs={"action": reverse("admin:events_meeting_process_import")})
    as_editor.post(
        reverse("admin:events_meeting_process_import"),
        {field["name"]: field.get("value", "") for field in confirm.find_all("input") if field.get("name")},
    )
    places = {m.title: (m.city.name, m.city.country.code, m.venue) for m in Meeting.objects.all()}
    assert places == {"Talks": ("Geneva", "CH", "Palais des Nations"), "Workshop": ("Geneva", "US", "")}


@pytest.mark.parametrize(
    ("country", "city", "message"),
    [
        ("TH", "Atlantis", "No city “Atlantis” in Thailand in the gazetteer"),
        ("", "Bangkok", "A city needs the row’s country"),
    ],
)
def test_a_city_the_gazetteer_lacks_is_a_row_error(as_editor, known, country, city, message):
    upload = SimpleUploadedFile(
        "meetings.csv",
        f"title,kind,start_date,country,city\nTalks,bilateral,2024-08-22,{country},{city}".encode(),
    )
    response = preview(as_editor, upload)
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_import_itself_is_all_or_nothing():
    # The preview normally stops a bad file; should the data change between preview and
    # confirmation, the import rolls back whole.
    make_organisation(name="Mine Action Agency of the Republic of Azerbaijan", acronym="ANAMA", slug="anama")
    make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac", country="TH")
    make_source(url="https://news.example.org/known")
    dataset = tablib.Dataset().load("\n".join([HEADER, GOOD_ROWS[0], BAD_ROW, GOOD_ROWS[1]]), format="csv")
    result = MeetingResource().import_data(dataset, dry_run=False, rollback_on_validation_errors=True)
    assert result.has_validation_errors()
    assert not Meeting.objects.exists()


def test_a_slug_already_taken_is_a_row_error(as_editor, known):
    Meeting.objects.create(title="Taken", slug="taken", start_date=datetime.date(2024, 1, 1))
    header = HEADER + ",slug"
    row = GOOD_ROWS[0] + ",taken"
    upload = SimpleUploadedFile("m.csv", f"{header}\n{row}".encode(), content_type="text/csv")
    response = preview(as_editor, upload)
    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    assert "Meeting with this Slug already exists." in text
    assert Meeting.objects.count() == 1


def test_importing_needs_the_right_to_add_meetings(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="a-long-test-password", is_staff=True)
    client.force_login(viewer)
    assert client.get(reverse("admin:events_meeting_import")).status_code == 403


def test_each_imported_meeting_has_one_whole_version_in_its_history(as_editor, editor, known):
    data = confirm_form_data(preview(as_editor, csv_file(*GOOD_ROWS)))
    as_editor.post(reverse("admin:events_meeting_process_import"), data)
    visit = Meeting.objects.get(title="ANAMA delegation meets TMAC")
    [version] = visit.history.all()
    assert (version.history_type, version.history_user) == ("+", editor)
    assert {row.topic.slug for row in version.topics.all()} == {"training", "capacity-building"}
    assert [row.source_id for row in version.sources.all()] == [known.pk]
    assert {row.history_user for row in visit.organisation_roles.first().history.all()} == {editor}


def test_rows_of_one_file_share_a_new_source_and_never_a_slug(as_editor, known):
    rows = [
        "Talks,bilateral,2024-08-22,,day,TH,,,,,https://news.example.org/shared,Example Wire",
        "Talks,bilateral,2024-08-23,,day,TH,,,,,https://news.example.org/shared,Example Wire",
    ]
    as_editor.post(
        reverse("admin:events_meeting_process_import"), confirm_form_data(preview(as_editor, csv_file(*rows)))
    )
    meetings = list(Meeting.objects.order_by("start_date"))
    assert [m.slug for m in meetings] == ["talks-2024-08", "talks-2024-08-2"]
    assert Source.objects.filter(url="https://news.example.org/shared").count() == 1
    assert {m.sources.get().url for m in meetings} == {"https://news.example.org/shared"}

    header = HEADER + ",slug"
    twice = [GOOD_ROWS[1] + ",same-slug", GOOD_ROWS[1] + ",same-slug"]
    upload = SimpleUploadedFile("m.csv", "\n".join([header, *twice]).encode(), content_type="text/csv")
    text = " ".join(BeautifulSoup(preview(as_editor, upload).content, "html.parser").get_text(" ").split())
    assert "An earlier row of this file has the slug “same-slug”." in text


def confirm_form_data(response) -> dict[str, str]:
    soup = BeautifulSoup(response.content, "html.parser")
    confirm = soup.find("form", attrs={"action": reverse("admin:events_meeting_process_import")})
    return {field["name"]: field.get("value", "") for field in confirm.find_all("input") if field.get("name")}
