"""The CSV import's uploaded file: kept under a token bound to the session, capped, and never left behind."""

import os
import time

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from events import uploads
from events.models import Meeting

from .test_import import GOOD_ROWS, HEADER, csv_file, known, preview  # noqa: F401  (known is a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    return settings.IMPORT_UPLOAD_DIR


def kept_files(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def confirm_data(response) -> dict[str, str]:
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.find("form", attrs={"action": reverse("admin:events_meeting_process_import")})
    return {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("name")}


def confirm(client, data):
    return client.post(reverse("admin:events_meeting_process_import"), data)


def errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(li.get_text().split()) for li in soup.select(".errorlist li")]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_file_waits_under_a_random_token_and_goes_once_imported(as_editor, known, upload_dir):  # noqa: F811
    data = confirm_data(preview(as_editor, csv_file(*GOOD_ROWS)))
    token = data["import_file_name"]
    assert uploads.TOKEN.fullmatch(token)
    assert kept_files(upload_dir) == [token]
    assert oct((upload_dir / token).stat().st_mode & 0o777) == "0o600"
    assert confirm(as_editor, data).status_code == 302
    assert Meeting.objects.count() == 2
    assert kept_files(upload_dir) == []
    # The same confirmation again (a double click, the back button) imports nothing more.
    response = confirm(as_editor, data)
    assert "this preview is no longer available" in messages_of(response)[-1]
    assert Meeting.objects.count() == 2


@pytest.mark.parametrize(
    "name",
    ["/etc/hostname", "../../etc/hostname", "hostname", "", "a" * 43],
    ids=["absolute", "relative", "bare", "empty", "well-formed-but-unknown"],
)
def test_a_changed_file_name_reads_and_deletes_nothing(as_editor, known, upload_dir, tmp_path, name):  # noqa: F811
    bystander = tmp_path / "hostname"
    bystander.write_text("title\nNot to be imported")
    data = confirm_data(preview(as_editor, csv_file(*GOOD_ROWS)))
    kept = kept_files(upload_dir)
    response = confirm(as_editor, {**data, "import_file_name": name.replace("/etc/hostname", str(bystander))})
    assert response.status_code == 302
    assert "Nothing was imported" in messages_of(response)[0]
    assert not Meeting.objects.exists()
    assert bystander.exists()
    assert kept_files(upload_dir) == kept  # the real upload is still there, for its own session


def test_another_sessions_upload_cannot_be_confirmed(as_editor, editor, known, upload_dir):  # noqa: F811
    data = confirm_data(preview(as_editor, csv_file(*GOOD_ROWS)))
    other = Client()
    other.force_login(editor)  # the same editor, in another browser
    response = confirm(other, data)
    assert "Nothing was imported" in messages_of(response)[0]
    assert not Meeting.objects.exists()
    assert confirm(as_editor, data).status_code == 302  # its own session still may
    assert Meeting.objects.count() == 2


def test_a_preview_with_errors_keeps_no_file(as_editor, known, upload_dir):  # noqa: F811
    response = preview(as_editor, csv_file(GOOD_ROWS[0], "Broken row,teatime,2024-13-01,,,Atlantis,,,,,,"))
    assert BeautifulSoup(response.content, "html.parser").select("td.errors")
    assert kept_files(upload_dir) == []


def test_an_hour_old_preview_can_no_longer_be_confirmed(as_editor, known, upload_dir):  # noqa: F811
    data = confirm_data(preview(as_editor, csv_file(*GOOD_ROWS)))
    session = as_editor.session
    session[uploads.SESSION_KEY] = {data["import_file_name"]: time.time() - 3601}
    session.save()
    assert "over an hour old" in messages_of(confirm(as_editor, data))[0]
    assert not Meeting.objects.exists()
    assert kept_files(upload_dir) == []


def test_abandoned_uploads_are_deleted_at_the_next_import_and_by_the_command(as_editor, known, upload_dir):  # noqa: F811
    old = confirm_data(preview(as_editor, csv_file(*GOOD_ROWS)))["import_file_name"]
    hour_ago = time.time() - 3601
    os.utime(upload_dir / old, (hour_ago, hour_ago))
    fresh = confirm_data(preview(as_editor, csv_file(*GOOD_ROWS)))["import_file_name"]
    assert kept_files(upload_dir) == [fresh]  # the next import cleaned up

    os.utime(upload_dir / fresh, (hour_ago, hour_ago))
    (upload_dir / "not-an-upload.txt").write_text("left alone")
    call_command("clean_import_uploads")
    assert kept_files(upload_dir) == ["not-an-upload.txt"]


def test_a_file_over_the_size_cap_is_refused_with_its_size(as_editor, settings, upload_dir):
    settings.IMPORT_MAX_BYTES = 1_000_000
    big = SimpleUploadedFile("big.csv", (HEADER + "\n" + "x" * 1_500_000).encode(), content_type="text/csv")
    response = preview(as_editor, big)
    assert errors(response) == [
        "This file is 1.5 MB; an import takes at most 1.0 MB. Split it into smaller files."
    ]
    assert kept_files(upload_dir) == []


def test_a_file_over_the_row_cap_is_refused_and_one_at_the_cap_is_previewed(
    as_editor,
    settings,
    known,  # noqa: F811
):
    settings.IMPORT_MAX_ROWS = 3
    rows = [f"Meeting {n},bilateral,2024-08-{n + 1:02},,day,TH,,,,,," for n in range(4)]
    response = preview(as_editor, csv_file(*rows))
    assert errors(response) == [
        "This file has 4 rows; an import takes at most 3. Split it into several files."
    ]
    response = preview(as_editor, csv_file(*rows[:3], ""))  # a blank line is not a row
    assert len(BeautifulSoup(response.content, "html.parser").select("table.import-preview tr.new")) == 3


def test_a_file_that_is_not_utf8_csv_gets_a_clear_error(as_editor, upload_dir):
    latin = SimpleUploadedFile("m.csv", "title\nRéunion à Genève".encode("latin-1"), content_type="text/csv")
    assert errors(preview(as_editor, latin))[0].startswith("This is not a CSV file in UTF-8 that can be read")
    assert kept_files(upload_dir) == []
