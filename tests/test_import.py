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
    page = client.get(reverse("admin:events_meeting_import"))
    select = BeautifulSoup(page.content, "html.parser").find("select", attrs={"name": "format"})
    csv_choice = next(o["value"] for o in select.find_all("option") if o.get_text().strip().lower() == "csv")
    return client.post(reverse("admin:events_meeting_import"), {"format": csv_choice, "import_file": upload})


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
    assert (visit.date_precision, visit.country.code, visit.city) == ("on_or_before", "TH", "Bangkok")
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
