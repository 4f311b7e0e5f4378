"""The 404 page helps a reader on (a search box, the nearest addresses); the 500 page needs nothing."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connections
from django.db.utils import OperationalError

from events import outages
from events.models import Status

from .factories import make_meeting, make_organisation, make_person
from .pages import soup

pytestmark = pytest.mark.django_db


def nearest(response) -> dict[str, str]:
    return {a.get_text(): a["href"] for a in soup_of(response).select(".nearest-matches a")}


def soup_of(response):
    assert response.status_code == 404
    from bs4 import BeautifulSoup

    return BeautifulSoup(response.content.decode(), "html.parser")


def test_a_mistyped_address_suggests_the_records_nearest_by_slug(client):
    make_organisation(name="Thailand Mine Action Centre", slug="thailand-mine-action-centre")
    make_organisation(name="Cambodian Mine Action Centre", slug="cambodian-mine-action-centre")
    make_organisation(name="Unrelated body", slug="unrelated-body")
    response = client.get("/organisations/thailand-mine-action-center/")
    matches = nearest(response)
    assert list(matches)[0] == "Thailand Mine Action Centre"
    assert matches["Thailand Mine Action Centre"] == "/organisations/thailand-mine-action-centre/"
    assert "Unrelated body" not in matches


def test_the_404_page_has_a_search_box_filled_with_the_addresss_words(client):
    page = soup_of(client.get("/meetings/anama-meets-tmac-in-bangkok/"))
    form = page.select_one("form[role=search]")
    assert form["action"] == "/"
    assert form.select_one("input[name=q]")["value"] == "anama meets tmac in bangkok"
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"


def test_drafts_are_never_suggested(client):
    make_meeting(title="Secret talks in Baku", slug="secret-talks-in-baku", status=Status.DRAFT)
    make_meeting(title="Open talks in Baku", slug="open-talks-in-baku")
    matches = nearest(client.get("/meetings/secret-talks-baku/"))
    assert "Secret talks in Baku" not in matches
    assert "Open talks in Baku" in matches


def test_people_and_meetings_are_suggested_with_their_kind(client):
    make_person(name="Vugar Suleymanov", slug="vugar-suleymanov")
    page = soup_of(client.get("/people/vugar-suleimanov/"))
    (item,) = page.select(".nearest-matches li")
    assert item.get_text(" ", strip=True) == "Vugar Suleymanov — person"


def test_the_404_page_still_answers_when_the_database_cannot_suggest(client):
    with mock.patch("events.views.Meeting.objects.published", side_effect=OperationalError("gone")):
        response = client.get("/no-such-section/whatever-this-was/")
    assert response.status_code == 404
    assert nearest(response) == {}


def test_the_500_page_needs_neither_the_database_nor_the_cache(rf, django_assert_num_queries):
    request = rf.get("/")
    with (
        mock.patch.object(cache, "get", side_effect=AssertionError("the cache was used")),
        mock.patch.object(
            connections["default"], "cursor", side_effect=AssertionError("the database was used")
        ),
        django_assert_num_queries(0),
    ):
        try:
            raise ValueError("a fault in the code")
        except ValueError:
            response = outages.server_error(request)
    assert response.status_code == 500
    page = soup(type("R", (), {"status_code": 200, "content": response.content})())
    assert page.h1.get_text() == "Something went wrong on our side"
    assert page.select_one("a.brand")["href"] == "/"
    # No inline script or style: the CSP allows neither.
    assert not page.select("script") and not page.select("style") and not page.select("[style]")
