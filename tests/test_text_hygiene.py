"""Control characters: refused on every text field at input, and harmless in every output of stored data."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import icalendar
import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from events.models import (
    CheckedText,
    Meeting,
    Organisation,
    OrganisationName,
    Participation,
    Person,
    Source,
    Topic,
)
from events.text import printable

from .factories import make_meeting, make_organisation, make_person, make_source, make_topic
from .forms import form_values
from .test_import import preview

pytestmark = pytest.mark.django_db

VERTICAL_TAB = "\x0b"


def text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    ]


# Text only the code writes, never a person: the data version's token, the ids and codes a meeting
# adds to the pair counts.
WRITTEN_BY_CODE = {"DataVersion", "PairedMeeting"}


def records_with_text():
    return [
        model
        for model in apps.get_app_config("events").get_models()
        if text_fields(model)
        and not hasattr(model, "instance_type")  # not a history table
        and model.__name__ not in WRITTEN_BY_CODE
    ]


def field_errors(response) -> dict[str, list[str]]:
    """The change form's errors, by the name of the field they stand beside."""
    soup = BeautifulSoup(response.content, "html.parser")
    found = {}
    for row in soup.select(".form-row.errors, div.errors"):
        names = [control["name"] for control in row.select("[name]")]
        messages = [" ".join(li.get_text().split()) for li in row.select(".errorlist li")]
        if names and messages:
            found[names[0]] = messages
    return found


def test_every_record_with_text_checks_it():
    unchecked = [model.__name__ for model in records_with_text() if not issubclass(model, CheckedText)]
    assert unchecked == []


@pytest.mark.parametrize("model", records_with_text(), ids=lambda model: model.__name__)
def test_every_text_field_refuses_control_characters_and_names_itself(model):
    record = model()
    for field in text_fields(model):
        setattr(record, field.attname, f"Before{VERTICAL_TAB}after")
    with pytest.raises(ValidationError) as raised:
        record.clean_fields()
    errors = raised.value.message_dict
    for field in text_fields(model):
        label = str(field.verbose_name)
        expected = f"{label[0].upper()}{label[1:]} contains a vertical tab (U+000B) at character 7"
        assert any(message.startswith(expected) for message in errors[field.name]), errors[field.name]


@pytest.mark.parametrize(
    ("model", "field", "value", "refused"),
    [
        (Topic, "description", "Line one\r\nLine two\twith a tab", False),
        (Topic, "name", "Name\twith a tab", False),
        (Topic, "name", "Carriage\rreturn", True),
        (Source, "publisher", "Azer\x1bNews", True),
        (Source, "note", "Page one\x0cpage two", True),
        (Meeting, "summary", "A\x00B", True),
        (Meeting, "summary", "C1 control \x85 here", True),
        (Meeting, "title", "Ünïcode — fine, “quoted”", False),
    ],
)
def test_tab_and_line_breaks_are_allowed_other_controls_are_not(model, field, value, refused):
    record = model(**{field: value})
    try:
        record.clean_fields()
    except ValidationError as error:
        problems = [m for m in error.message_dict.get(field, []) if "U+" in m]
    else:
        problems = []
    assert bool(problems) is refused, problems


def test_the_admin_refuses_a_vertical_tab_beside_the_field(as_editor):
    add = reverse("admin:events_source_add")
    data = form_values(as_editor.get(add).content.decode(), form_id="source_form")
    data.update({"url": ["https://news.example.org/1"], "publisher": [f"Azer{VERTICAL_TAB}News"]})
    response = as_editor.post(add, data)
    assert response.status_code == 200
    assert field_errors(response)["publisher"] == [
        "Publisher contains a vertical tab (U+000B) at character 5, which cannot be shown or exported: "
        "remove it (tabs and line breaks are allowed)."
    ]
    assert not Source.objects.exists()


def test_the_admin_refuses_one_in_an_inline_row(as_editor):
    organisation = make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac")
    change = reverse("admin:events_organisation_change", args=[organisation.pk])
    data = form_values(as_editor.get(change).content.decode(), form_id="organisation_form")
    data["other_names-0-name"] = [f"T{VERTICAL_TAB}MAC"]
    response = as_editor.post(change, data)
    assert response.status_code == 200
    assert "Name contains a vertical tab (U+000B)" in response.content.decode()
    assert not OrganisationName.objects.exists()


def test_the_article_page_refuses_control_characters(as_editor):
    data = {
        "url": "https://wire.example.org/visit",
        "publisher": f"Example{VERTICAL_TAB}Wire",
        "published_on": "2024-03-14",
        "language": "en",
        "text": "ANAMA met CMAC in Phnom Penh.\x0cPage two.",
    }
    response = as_editor.post(reverse("admin:events_meeting_from_article"), data)
    assert response.status_code == 200
    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    assert "Publisher contains a vertical tab (U+000B) at character 8" in text
    assert "The text of the article contains a form feed (page break) (U+000C) at character 30" in text
    assert not Meeting.objects.exists()
    assert not Source.objects.exists()


def test_the_csv_import_refuses_them_row_by_row(as_editor):
    header = "title,kind,start_date,country,sources,source_publisher"
    rows = [
        f"Talks{VERTICAL_TAB}in Bangkok,bilateral,2024-08-22,TH,,",
        f"Talks in Baku,bilateral,2024-08-23,AZ,https://news.example.org/new,Azer{VERTICAL_TAB}News",
    ]
    upload = SimpleUploadedFile("m.csv", "\n".join([header, *rows]).encode(), content_type="text/csv")
    response = preview(as_editor, upload)
    soup = BeautifulSoup(response.content, "html.parser")
    errors = [" ".join(cell.get_text(" ").split()) for cell in soup.select("td.errors")]
    assert len(errors) == 2
    assert "Title contains a vertical tab (U+000B) at character 6" in errors[0]
    assert "source_publisher contains a vertical tab (U+000B) at character 5" in errors[1]
    assert not Meeting.objects.exists()
    assert not Source.objects.exists()


# --- Outputs, with control characters already stored (written past validation) --------------


@pytest.fixture
def stored_controls():
    """A published meeting whose every related text holds a control character, written by update()."""
    source = make_source(publisher="AzerNews")
    organisation = make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac")
    person = make_person(name="Vugar Suleymanov", slug="vugar")
    topic = make_topic(name="Joint training", slug="joint-training")
    meeting = make_meeting(
        title="ANAMA meets TMAC",
        slug="anama-meets-tmac",
        city="Bangkok",
        organisations=[organisation],
        topics=[topic],
        sources=[source],
        participants=[{"name_as_written": "V. Suleymanov", "person": person}],
    )
    Source.objects.filter(pk=source.pk).update(publisher=f"Azer{VERTICAL_TAB}News")
    Organisation.objects.filter(pk=organisation.pk).update(name=f"Thailand{VERTICAL_TAB} Mine Action Centre")
    Person.objects.filter(pk=person.pk).update(name="Vugar\x1b Suleymanov")
    Topic.objects.filter(pk=topic.pk).update(name=f"Joint{VERTICAL_TAB} training")
    Participation.objects.filter(meeting=meeting).update(title_as_stated="Chair\x0c")
    Meeting.objects.filter(pk=meeting.pk).update(
        title=f"ANAMA meets{VERTICAL_TAB} TMAC",
        summary="Talks\x08 on training.\x7f",
        venue="TMAC head\x01quarters",
    )
    return meeting


@pytest.mark.parametrize("params", ["", "?org=tmac", "?topic=joint-training", "?q=ANAMA", "?country=TH"])
def test_the_atom_feed_carries_the_meeting_without_the_characters(client, stored_controls, params):
    response = client.get(f"/feeds/meetings.atom{params}")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # well-formed XML 1.0
    entry = feed.find("{http://www.w3.org/2005/Atom}entry")
    assert entry.findtext("{http://www.w3.org/2005/Atom}title") == "ANAMA meets TMAC"
    summary = entry.findtext("{http://www.w3.org/2005/Atom}summary")
    assert "AzerNews" in summary and "Talks on training." in summary
    categories = [c.get("term") for c in entry.findall("{http://www.w3.org/2005/Atom}category")]
    assert "Joint training" in categories


def test_the_calendar_carries_the_meeting_without_the_characters(client, stored_controls):
    for params in ("", "?org=tmac"):
        response = client.get(f"/feeds/meetings.ics{params}")
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert printable(body.decode()) == body.decode()
        event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
        assert str(event["summary"]) == "ANAMA meets TMAC"
        assert str(event["location"]) == "TMAC headquarters, Bangkok, Thailand"


def test_csv_and_json_carry_the_characters_safely_escaped(client, stored_controls):
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get("/export/meetings.csv").streaming_content)
                                           .decode("utf-8-sig"))))  # fmt: skip
    assert rows[0]["title"] == f"ANAMA meets{VERTICAL_TAB} TMAC"
    organisations = b"".join(client.get("/export/organisations.csv").streaming_content).decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(organisations)))) == 1
    for path in ("/api/meetings/", f"/api/meetings/{stored_controls.slug}/", "/api/organisations/"):
        response = client.get(path)
        assert response.status_code == 200
        json.loads(response.content)  # the control characters are escaped as \\u000b


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?org=tmac",
        "/meetings/anama-meets-tmac/",
        "/organisations/",
        "/organisations/tmac/",
        "/people/vugar/",
        "/topics/joint-training/",
        "/countries/TH/",
        "/network/",
    ],
)
def test_pages_show_the_record(client, stored_controls, path):
    assert client.get(path).status_code == 200
