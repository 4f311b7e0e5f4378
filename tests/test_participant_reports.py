"""Per source, a participant's name as written and title as stated."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import ParticipantReport, Participation

from .factories import make_meeting, make_person, make_source
from .pages import soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def amirbayov():
    """One man, two reports: "Deputy Minister" in AzerNews, "State Secretary" in Azertag, spelt two ways."""
    azernews = make_source(publisher="AzerNews", url="https://azernews.example/a")
    azertag = make_source(publisher="Azertag", url="https://azertag.example/b")
    person = make_person(name="Elchin Amirbayov", slug="elchin-amirbayov")
    meeting = make_meeting(
        sources=[azernews, azertag],
        participants=[
            {"name_as_written": "Elchin Amirbeyov", "person": person, "title_as_stated": "Deputy Minister"}
        ],
    )
    participation = meeting.participations.get()
    ParticipantReport.objects.create(
        participation=participation, source=azernews, title_as_stated="Deputy Minister"
    )
    ParticipantReport.objects.create(
        participation=participation,
        source=azertag,
        name_as_written="Elchin Amirbayov",
        title_as_stated="State Secretary for Political Affairs",
    )
    return meeting, participation, person


EXPECTED = "Deputy Minister (AzerNews); State Secretary for Political Affairs (Azertag)"


def test_titles_by_source_read_as_one_line(amirbayov):
    _, participation, _ = amirbayov
    assert participation.titles_display == EXPECTED
    assert participation.names_display == "Elchin Amirbayov (Azertag)"


def test_a_report_must_cite_one_of_the_meetings_sources(amirbayov):
    _, participation, _ = amirbayov
    other = make_source(publisher="Elsewhere", url="https://elsewhere.example/c")
    with pytest.raises(ValidationError) as error:
        ParticipantReport(participation=participation, source=other, title_as_stated="Envoy").full_clean()
    assert "source" in error.value.message_dict


def test_meeting_and_person_pages_show_titles_by_source(client, amirbayov):
    meeting, _, person = amirbayov
    page = soup(client.get(meeting.get_absolute_url()))
    assert EXPECTED in page.find(id="participants").find_parent("section").get_text(" ", strip=True)
    assert EXPECTED in soup(client.get(person.get_absolute_url())).get_text(" ", strip=True)


def test_api_and_csv_give_each_sources_version(client, amirbayov):
    meeting, *_ = amirbayov
    (participant,) = client.get(f"/api/meetings/{meeting.slug}/").json()["participants"]
    assert participant["titles"] == EXPECTED
    assert [(r["publisher"], r["title_as_stated"]) for r in participant["as_reported"]] == [
        ("AzerNews", "Deputy Minister"),
        ("Azertag", "State Secretary for Political Affairs"),
    ]
    (row,) = csv.DictReader(
        io.StringIO(b"".join(client.get("/export/meetings.csv").streaming_content).decode())
    )
    assert row["participants_as_reported"] == (
        "Elchin Amirbeyov: Deputy Minister (AzerNews); "
        "Elchin Amirbayov: State Secretary for Political Affairs (Azertag)"
    )


def test_the_admin_edits_them_on_the_participants_form(editor_client, amirbayov):
    _, participation, _ = amirbayov
    url = reverse("admin:events_participation_change", args=[participation.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert "State Secretary for Political Affairs" in page.content.decode()
    meeting_form = editor_client.get(reverse("admin:events_meeting_change", args=[participation.meeting_id]))
    assert url in meeting_form.content.decode()  # the inline's change link


def test_meeting_page_queries_do_not_grow_with_reports(client, amirbayov, django_assert_num_queries):
    meeting, participation, _ = amirbayov
    with CaptureQueriesContext(connection) as few:
        client.get(meeting.get_absolute_url())
    for n in range(4):
        extra = Participation.objects.create(meeting=meeting, name_as_written=f"Someone {n}", order=n + 1)
        for source in meeting.sources.all():
            ParticipantReport.objects.create(
                participation=extra, source=source, title_as_stated=f"Officer {n}"
            )
    with django_assert_num_queries(len(few)):
        client.get(meeting.get_absolute_url())
