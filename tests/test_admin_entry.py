"""Quick entry by hand: dates as typed, autocomplete that puts the exact name first."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Meeting, Organisation, Person

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


# --- New people and organisations typed in the meeting's rows ---------------------------


def add_form(client, **changes) -> dict[str, list[str]]:
    data = form_values(
        client.get(reverse("admin:events_meeting_add")).content.decode(), form_id="meeting_form"
    )
    data.update(
        {
            "title": ["ANAMA delegation meets CMAC"],
            "slug": ["anama-delegation-meets-cmac"],
            "kind": ["bilateral"],
            "start_date": ["2024-03-12"],
            "country": ["KH"],
        }
    )
    data.update(changes)
    return data


@pytest.fixture
def anama():
    return make_organisation(
        name="Mine Action Agency of the Republic of Azerbaijan", acronym="ANAMA", slug="anama"
    )


def test_a_new_person_of_a_new_organisation_is_created_with_the_meeting(editor_client, anama):
    data = add_form(
        editor_client,
        **{
            "organisation_roles-0-organisation": [str(anama.pk)],
            "organisation_roles-0-role": ["delegation"],
            "organisation_roles-1-new_organisation_name": ["Norwegian People's Aid"],
            "organisation_roles-1-new_organisation_acronym": ["NPA"],
            "organisation_roles-1-role": ["organiser"],
            "participations-0-new_person": ["Per Nergaard"],
            "participations-0-new_organisation_name": ["norwegian people's aid"],
            "participations-0-title_as_stated": ["Country Director"],
            "participations-1-name_as_written": ["Mr Heng Ratana"],
            "participations-1-new_person": ["Heng Ratana"],
            "participations-1-new_organisation_name": ["Cambodian Mine Action Centre"],
            "participations-1-new_organisation_acronym": ["CMAC"],
        },
    )
    response = editor_client.post(reverse("admin:events_meeting_add"), data)
    assert response.status_code == 302, BeautifulSoup(response.content, "html.parser").select(".errorlist")
    meeting = Meeting.objects.get()
    npa = Organisation.objects.get(acronym="NPA")
    cmac = Organisation.objects.get(acronym="CMAC")
    assert (npa.name, cmac.name) == ("Norwegian People's Aid", "Cambodian Mine Action Centre")
    participants = {p.name_as_written: (p.person.name, p.organisation) for p in meeting.participations.all()}
    assert participants == {"Per Nergaard": ("Per Nergaard", npa), "Mr Heng Ratana": ("Heng Ratana", cmac)}
    # NPA was typed twice and made once; CMAC, typed for a participant only, is listed as taking part.
    assert sorted(meeting.organisation_roles.values_list("organisation__acronym", "role")) == [
        ("ANAMA", "delegation"),
        ("CMAC", "participant"),
        ("NPA", "organiser"),
    ]
    assert Person.objects.get(name="Heng Ratana").history.first().history_user.username == "editor"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {
                "participations-0-new_organisation_name": ["Some Agency"],
                "participations-0-new_organisation_acronym": ["anama"],
            },
            "participations-0-new_organisation_name",
            "Already recorded as “Mine Action Agency of the Republic of Azerbaijan (ANAMA)”",
        ),
        (
            {
                "organisation_roles-0-new_organisation_name": [
                    "mine action agency of the republic of azerbaijan"
                ]
            },
            "organisation_roles-0-new_organisation_name",
            "Already recorded as",
        ),
        (
            {"participations-0-new_organisation_acronym": ["XYZ"]},
            "participations-0-new_organisation_name",
            "Give the new organisation's full name too.",
        ),
        (
            {"participations-0-new_person": ["vuqar suleymanov"]},
            "participations-0-new_person",
            "Already recorded as “Vugar Suleymanov”",
        ),
    ],
)
def test_a_typed_record_already_recorded_is_refused_and_nothing_is_created(
    editor_client, anama, changes, field, message
):
    make_person(name="Vugar Suleymanov", slug="vugar").other_names.create(name="Vuqar Suleymanov")
    data = add_form(editor_client, **{"participations-0-name_as_written": ["V. Suleymanov"], **changes})
    response = editor_client.post(reverse("admin:events_meeting_add"), data)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    errors = soup.find("input", attrs={"name": field}).find_parent("td").select(".errorlist")
    assert message in " ".join(e.get_text() for e in errors)
    assert not Meeting.objects.exists()
    assert Organisation.objects.count() == 1 and Person.objects.count() == 1


def test_picking_and_typing_the_same_row_is_refused(editor_client, anama):
    person = make_person(name="Vugar Suleymanov", slug="vugar")
    data = add_form(
        editor_client,
        **{
            "participations-0-person": [str(person.pk)],
            "participations-0-new_person": ["Someone Else"],
            "participations-0-organisation": [str(anama.pk)],
            "participations-0-new_organisation_name": ["Another Agency"],
        },
    )
    response = editor_client.post(reverse("admin:events_meeting_add"), data)
    assert response.status_code == 200
    text = BeautifulSoup(response.content, "html.parser").get_text()
    assert "Pick a known person or type a new one, not both." in text
    assert "Pick a known organisation or type a new one, not both." in text


def test_a_picked_person_needs_no_name_as_written(editor_client):
    person = make_person(name="Vugar Suleymanov", slug="vugar")
    data = add_form(editor_client, **{"participations-0-person": [str(person.pk)]})
    assert editor_client.post(reverse("admin:events_meeting_add"), data).status_code == 302
    assert Meeting.objects.get().participations.get().name_as_written == "Vugar Suleymanov"


@pytest.mark.parametrize(
    ("model_name", "field_name", "make"),
    [
        ("meetingorganisation", "organisation", lambda n: make_organisation(name=f"ANAMA partner {n}")),
        ("participation", "person", lambda n: make_person(name=f"Aliyev {n}")),
    ],
)
def test_ranked_autocomplete_does_not_grow_queries_with_rows(
    editor_client, django_assert_num_queries, model_name, field_name, make
):
    make(0)
    url = reverse("admin:autocomplete")
    params = {"term": "a", "app_label": "events", "model_name": model_name, "field_name": field_name}
    with CaptureQueriesContext(connection) as one_row:
        assert editor_client.get(url, params).status_code == 200
    for number in range(1, 6):
        make(number)
    with django_assert_num_queries(len(one_row)):
        assert len(editor_client.get(url, params).json()["results"]) == 6
