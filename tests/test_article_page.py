"""The article page: a recorded address asks first; the summary and the evidence stay with the draft."""

import datetime
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from events.models import Meeting

from .factories import make_meeting, make_organisation, make_source
from .forms import form_values
from .test_intake import known, submit_article  # noqa: F401  (a fixture and a helper shared with intake)

pytestmark = pytest.mark.django_db


def change_url(meeting) -> str:
    return reverse("admin:events_meeting_change", args=[meeting.pk])


def test_a_recorded_address_opens_its_meetings_and_asks_before_drafting(as_editor, known):  # noqa: F811
    source = make_source(url="https://wire.example.org/visit/", publisher="Example Wire")
    earlier = make_meeting(title="Earlier record", slug="earlier", sources=[source])
    response = submit_article(as_editor, url="http://www.wire.example.org/visit")
    assert response.status_code == 200
    assert Meeting.objects.count() == 1
    soup = BeautifulSoup(response.content, "html.parser")
    recorded = soup.select_one("#recorded-meetings")
    assert "already recorded" in recorded.get_text()
    links = {a.get_text(): a["href"] for a in recorded.find_all("a")}
    assert links == {"Earlier record": change_url(earlier)}
    box = soup.find("input", attrs={"name": "draft_anyway"})
    assert box["type"] == "checkbox"

    response = submit_article(as_editor, url="http://www.wire.example.org/visit", draft_anyway="on")
    assert response.status_code == 302
    assert Meeting.objects.count() == 2


def test_a_recorded_headline_asks_too(as_editor, known):  # noqa: F811
    source = make_source(url="https://other.example.org/story", title="ANAMA delegation visits CMAC")
    make_meeting(title="Earlier record", slug="earlier", sources=[source])
    response = submit_article(as_editor, title="ANAMA Delegation Visits CMAC")
    assert response.status_code == 200
    assert (
        "Earlier record"
        in BeautifulSoup(response.content, "html.parser").select_one("#recorded-meetings").get_text()
    )


def intake_summary(client, meeting):
    page = BeautifulSoup(client.get(change_url(meeting)).content, "html.parser")
    return page.select_one("#intake-summary")


def test_the_summary_and_its_create_links_stay_until_dismissed(as_editor, known):  # noqa: F811
    response = submit_article(as_editor)
    meeting = Meeting.objects.get()
    summary = intake_summary(as_editor, meeting)
    assert "Not known yet" in summary.get_text()
    links = {a.get_text(): a["href"] for a in summary.find_all("a")}
    assert {"Halo Trust (HALO)", "GICHD", "Heng Ratana"} <= set(links) or (
        {"Halo Trust (HALO)", "Heng Ratana"} <= set(links)
    ), links

    # Create one organisation from its link: back on the draft, the others are still offered.
    link = links["Halo Trust (HALO)"]
    data = form_values(as_editor.get(link).content.decode(), form_id="organisation_form")
    data["kind"] = ["ngo"]
    response = as_editor.post(link, data)
    assert urlsplit(response["Location"]).path == change_url(meeting)
    summary = intake_summary(as_editor, meeting)
    links_now = {a.get_text() for a in summary.find_all("a")}
    assert "Halo Trust (HALO)" not in links_now
    assert "Heng Ratana" in links_now
    assert "Drafted" in summary.get_text()

    # A person likewise; then the editor dismisses the summary.
    person_link = next(a["href"] for a in summary.find_all("a") if a.get_text() == "Heng Ratana")
    data = form_values(as_editor.get(person_link).content.decode(), form_id="person_form")
    as_editor.post(person_link, data)
    summary = intake_summary(as_editor, meeting)
    assert "Heng Ratana" not in {a.get_text() for a in summary.find_all("a")}
    dismiss = summary.find("form")
    as_editor.post(dismiss["action"], {i["name"]: i.get("value", "") for i in dismiss.find_all("input")})
    assert intake_summary(as_editor, meeting) is None


def test_the_draft_form_shows_the_sentence_each_field_came_from(as_editor, known):  # noqa: F811
    submit_article(as_editor)
    meeting = Meeting.objects.get()
    page = BeautifulSoup(as_editor.get(change_url(meeting)).content, "html.parser")
    rows = page.select("#intake-evidence [data-field]")
    evidence = {row["data-field"]: row.get_text(" ", strip=True) for row in rows}
    assert "A delegation from the Mine Action Agency" in evidence["kind"]
    assert "Tuesday" in evidence["start_date"]
    assert "Cambodian Mine Action Center" in evidence["country"]
    assert "training" in evidence["topics"]
    # Beside the fields too.
    help_text = page.select_one("#id_kind_helptext").get_text(" ", strip=True)
    assert "From the article: “A delegation from the Mine Action Agency" in help_text
    participants = {
        row["data-name"]: row.get_text(" ", strip=True) for row in page.select("#intake-evidence [data-name]")
    }
    assert "Deputy Director General of CMAC" in participants["Prum Sofeakmonkul"]
    assert any("CMAC" in text for text in participants.values())


def test_an_organisation_created_elsewhere_is_not_offered_again(as_editor, known):  # noqa: F811
    submit_article(as_editor)
    meeting = Meeting.objects.get()
    make_organisation(name="The Halo Trust", acronym="HALO", slug="halo")
    links = {a.get_text() for a in intake_summary(as_editor, meeting).find_all("a")}
    assert "Halo Trust (HALO)" not in links
    assert datetime.date  # the module's import is used by the fixtures' dates


def test_a_report_of_a_meeting_already_recorded_asks_whatever_its_address(as_editor, known):  # noqa: F811
    earlier = make_meeting(
        title="ANAMA visits CMAC",
        slug="anama-visits-cmac",
        start_date=datetime.date(2024, 3, 12),
        country="KH",
        organisations=[known["anama"], known["cmac"]],
        sources=[make_source(url="https://another.example.org/report")],
    )
    response = submit_article(as_editor, url="https://third.example.org/same-visit")
    assert response.status_code == 200
    recorded = BeautifulSoup(response.content, "html.parser").select_one("#recorded-meetings")
    assert {a.get_text() for a in recorded.find_all("a")} == {earlier.title}
    assert "2 organisations in common" in recorded.get_text()
    assert Meeting.objects.count() == 1


BACKGROUND = (
    "Phnom Penh, 14 March 2024 (Example Wire) - Vuqar Suleymanov, Chairman of the Board of ANAMA, met "
    "Heng Ratana, Director General of the Cambodian Mine Action Centre (CMAC), on Tuesday.\n\n"
    "Three years ago, Prum Sofeakmonkul, Deputy Director General of CMAC, visited the Geneva International "
    "Centre for Humanitarian Demining (GICHD) in Switzerland."
)


def test_people_and_organisations_only_mentioned_are_one_click_from_the_draft(as_editor, known):  # noqa: F811
    gichd = make_organisation(
        name="Geneva International Centre for Humanitarian Demining", acronym="GICHD", slug="gichd"
    )
    submit_article(as_editor, text=BACKGROUND)
    meeting = Meeting.objects.get()
    assert not meeting.participations.filter(name_as_written__contains="Prum").exists()
    summary = intake_summary(as_editor, meeting)
    mentioned = summary.select_one("#also-mentioned")
    assert "Prum" in mentioned.get_text() and "GICHD" in mentioned.get_text()
    buttons = {
        form.button.get_text(strip=True): (
            form["action"],
            {i["name"]: i.get("value", "") for i in form.find_all("input")},
        )
        for form in mentioned.find_all("form")
    }
    add_person = next(value for label, value in buttons.items() if "Prum" in label)
    add_gichd = next(value for label, value in buttons.items() if "GICHD" in label)
    as_editor.post(*add_person)
    as_editor.post(*add_gichd)
    participation = meeting.participations.get(person=known["prum"])
    assert participation.title_as_stated.startswith("Deputy Director General")
    assert meeting.organisation_roles.filter(organisation=gichd).exists()
    # Added ones are offered no more.
    mentioned = intake_summary(as_editor, meeting).select_one("#also-mentioned")
    assert mentioned is None or "Prum" not in mentioned.get_text()
