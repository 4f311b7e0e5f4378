"""Quick entry by hand: dates as typed, autocomplete that puts the exact name first."""

import datetime
import re

import pytest
from django.urls import reverse

from .factories import make_meeting, make_organisation, make_person, make_source, make_topic
from .forms import form_values

pytestmark = pytest.mark.django_db


def test_dates_show_in_admin_forms_as_they_are_typed(editor_client):
    meeting = make_meeting(start_date=datetime.date(2021, 5, 27))
    response = editor_client.get(reverse("admin:events_meeting_change", args=[meeting.pk]))
    values = form_values(response.content.decode(), form_id="meeting_form")
    assert values["start_date"] == ["2021-05-27"]


def test_admin_calendar_writes_iso_dates(editor_client):
    # The calendar and "Today" links write the first input format the JavaScript catalogue gives.
    response = editor_client.get(reverse("admin:jsi18n"))
    formats = re.search(r'"DATE_INPUT_FORMATS": \[\s*"([^"]+)"', response.content.decode())
    assert formats.group(1) == "%Y-%m-%d"


def autocomplete(client, model_name: str, field_name: str, term: str) -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "events", "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    return [item["text"] for item in response.json()["results"]]


def test_autocomplete_lists_the_exact_acronym_first(editor_client):
    make_organisation(
        name="ANAMA-UNDP International Centre for Mine Action Excellence", acronym="", slug="centre"
    )
    make_organisation(name="Friends of ANAMA", acronym="FOA", slug="foa")
    make_organisation(name="Mine Action Agency of the Republic of Azerbaijan", acronym="ANAMA", slug="anama")
    assert autocomplete(editor_client, "meetingorganisation", "organisation", "ANAMA") == [
        "Mine Action Agency of the Republic of Azerbaijan (ANAMA)",
        "ANAMA-UNDP International Centre for Mine Action Excellence",
        "Friends of ANAMA (FOA)",
    ]
    # Case does not matter, and an exact name counts as an exact acronym does.
    assert autocomplete(editor_client, "meetingorganisation", "organisation", "anama")[0].endswith("(ANAMA)")
    assert autocomplete(editor_client, "meetingorganisation", "organisation", "friends of anama")[0] == (
        "Friends of ANAMA (FOA)"
    )


def test_autocomplete_ranks_an_exact_other_name_first(editor_client):
    make_organisation(name="Cambodian Mine Action Centre Training Unit", acronym="", slug="cmac-tu")
    cmac = make_organisation(name="Cambodian Mine Action Centre", acronym="CMAC", slug="cmac")
    cmac.other_names.create(name="CMAC Cambodia")
    assert autocomplete(editor_client, "meetingorganisation", "organisation", "CMAC Cambodia") == [
        "Cambodian Mine Action Centre (CMAC)"
    ]
    assert (
        autocomplete(editor_client, "meetingorganisation", "organisation", "Cambodian Mine Action Centre")[0]
        == "Cambodian Mine Action Centre (CMAC)"
    )


def test_autocomplete_ranks_people_topics_and_sources_exact_then_prefix(editor_client):
    make_person(name="Aliyev Vugar Hasan", slug="p1")
    make_person(name="Elnur Aliyev", slug="p2")
    make_person(name="Aliyev", slug="p3")
    assert autocomplete(editor_client, "participation", "person", "aliyev") == [
        "Aliyev",
        "Aliyev Vugar Hasan",
        "Elnur Aliyev",
    ]
    make_topic(name="Dog handling for teams", slug="t1")
    make_topic(name="Mine detection dog handling", slug="t2")
    make_topic(name="Dog handling", slug="t3")
    assert autocomplete(editor_client, "meeting", "topics", "dog handling")[:3] == [
        "Dog handling",
        "Dog handling for teams",
        "Mine detection dog handling",
    ]
    make_source(url="https://news.example.org/x", publisher="Trend", title="Trend of the week")
    make_source(url="https://news.example.org/y", publisher="AzerTrend", title="A")
    results = autocomplete(editor_client, "meeting", "sources", "trend")
    assert len(results) == 2 and "Trend" in results[0] and "AzerTrend" in results[1]
