"""Dependencies that fail: a Redis down or stalled costs speed only; a database down, a 503 page.

Every view answers a clean 503 page while the database is down. Real
servers stopped for real, not mocks.
"""

import json
import logging
import time

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, resolve

from events import outages, redis_cache
from events.models import Status

from .factories import make_meeting
from .services import RedisServer, free_port, run_python, subprocess_environment

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis(settings):
    """The site's cache is a Redis server of the test's own, on a spare port."""
    server = RedisServer()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "events.redis_cache.FailSoftRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    }
    redis_cache.FailSoftRedisCache.outages.clear()
    yield server
    server.close()
    redis_cache.FailSoftRedisCache.outages.clear()


def cache_warnings(caplog) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "cache" in r.getMessage()
    ]


def test_pages_are_computed_without_a_redis_that_is_down_and_one_warning_is_logged(client, redis, caplog):
    meeting = make_meeting(title="Survey training in Battambang")
    assert client.get("/").status_code == 200
    redis.stop()

    caplog.set_level(logging.WARNING, logger="events")
    for _ in range(20):
        response = client.get(meeting.get_absolute_url())
        assert response.status_code == 200
        assert b"Survey training in Battambang" in response.content
    assert len(cache_warnings(caplog)) == 1
    assert "pages are computed without it" in cache_warnings(caplog)[0]

    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "degraded", "database": "ok", "cache": "down"}

    redis.start()
    time.sleep(redis_cache.RETRY_AFTER + 0.1)
    assert client.get("/healthz").json()["cache"] == "ok"
    assert any("answers again" in message for message in cache_warnings(caplog))
    # Kept again (on a busy machine a write may still miss its 100 ms: so try a few times).
    for _ in range(5):
        client.get(meeting.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(meeting.get_absolute_url()).status_code == 200
        if len(queries) == 1:  # only the data version was read
            break
        time.sleep(redis_cache.RETRY_AFTER)
    assert len(queries) == 1


def test_a_stalled_redis_costs_at_most_its_timeout_and_never_serves_a_page_older_than_a_save(client, redis):
    meeting = make_meeting(title="Clearance talks in Baku")
    assert b"Clearance talks in Baku" in client.get(meeting.get_absolute_url()).content
    redis.pause()
    try:
        started = time.monotonic()
        response = client.get(meeting.get_absolute_url())
        assert response.status_code == 200
        assert time.monotonic() - started < 1.0
        # The save commits though the cache cannot be told: the version lives in the database.
        meeting.title = "Clearance and survey talks in Baku"
        meeting.save()
        assert b"Clearance and survey talks in Baku" in client.get(meeting.get_absolute_url()).content
    finally:
        redis.resume()
    time.sleep(redis_cache.RETRY_AFTER + 0.1)
    # Redis still holds the page kept before the save, filed under the version before it.
    assert cache.get("events:probe") is None  # answering again
    page = client.get(meeting.get_absolute_url()).content
    assert b"Clearance and survey talks in Baku" in page
    assert b"Clearance talks in Baku" not in page


def test_a_withdrawal_saved_while_redis_is_down_hides_the_meeting_once_it_is_back(client, redis):
    meeting = make_meeting(title="Briefly public meeting")
    assert client.get(meeting.get_absolute_url()).status_code == 200
    redis.pause()
    try:
        meeting.status = Status.WITHDRAWN
        meeting.save()
    finally:
        redis.resume()
    time.sleep(redis_cache.RETRY_AFTER + 0.1)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert b"Briefly public meeting" not in client.get("/").content


# --- The database down: every view answers the 503 page ------------------------------------

# One address per route of the site (a test below checks that none is missing), and the admin's.
ADDRESSES = [
    "/?country=TH",
    "/healthz",
    "/meetings/anama-meets-tmac/",
    "/delegations/",
    "/delegations/trip/",
    "/organisations/",
    "/organisations/anama/",
    "/organisations/anama/with/tmac/",
    "/countries/",
    "/countries/TH/",
    "/countries/AZ/with/TH/",
    "/people/",
    "/people/someone/",
    "/topics/",
    "/topics/land-release/",
    "/network/",
    "/commitments/?status=done",
    "/meetings/anama-meets-tmac/cite.bib",
    "/organisations/anama/cite.ris",
    "/organisations/anama/with/tmac/cite.json",
    "/countries/TH/cite.bib",
    "/countries/AZ/with/TH/cite.bib",
    "/people/someone/cite.bib",
    "/sitemap.xml",
    "/sitemap-meetings.xml",
    "/robots.txt",
    "/api/schema/",
    "/api/docs/",
    "/api/",
    "/api/meetings/?country=TH",
    "/api/meetings/anama-meets-tmac/",
    "/api/delegations/",
    "/api/delegations/trip/",
    "/api/organisations/",
    "/api/organisations/anama/",
    "/api/people/",
    "/api/people/someone/",
    "/api/topics/",
    "/api/topics/land-release/",
    "/api/countries/",
    "/api/countries/TH/",
    "/api/commitments/",
    "/api/commitments/1/",
    "/api/nothing/here/",
    "/export/meetings.csv?country=TH",
    "/export/organisations.csv",
    "/export/commitments.csv?status=done",
    "/feeds/meetings.atom",
    "/feeds/commitments.atom",
    "/feeds/commitments.ics",
    "/feeds/meetings.ics?country=TH",
    "/admin/login/",
    "/admin/events/meeting/",
]
# Answers made from the code alone: the API's index, schema, docs page and not-found answer, robots.txt.
NEEDS_NO_DATABASE = {
    "/api/": 200,
    "/api/schema/": 200,
    "/api/docs/": 200,
    "/api/nothing/here/": 404,
    "/robots.txt": 200,
}


def route_names(patterns) -> set[str]:
    names = set()
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            names |= route_names(pattern.url_patterns)
        elif pattern.name:
            names.add(pattern.name)
    return names


def test_the_addresses_cover_every_route():
    asked = {resolve(address.partition("?")[0]).url_name for address in ADDRESSES}
    assert route_names(get_resolver("events.urls").url_patterns) <= asked


# Run in a fresh process whose database cannot be reached; prints each address's answer.
ASK_EVERY_ADDRESS = """
import json, sys
import django
from django.conf import settings
# Static files as they are before collectstatic (the drill in bench/faults.py serves collected ones).
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
settings.STORAGES = {**settings.STORAGES, "staticfiles": plain}
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
# An editor's session: reading it needs the database, on every page, the admin's login form too.
client.cookies["sessionid"] = "an-editor-session-the-database-would-know"
answers = {}
for address in json.loads(sys.argv[1]):
    response = client.get(address)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    answers[address] = [response.status_code, body.decode("utf-8", "replace"), response.get("Retry-After")]
login = client.post("/admin/login/", {"username": "editor", "password": "a-long-password"})
answers["POST /admin/login/"] = [login.status_code, login.content.decode(), login.get("Retry-After")]
print(json.dumps(answers))
"""


def unreachable_databases(tmp_path) -> list[str]:
    return [
        # PostgreSQL that is not running: nothing listens on the port.
        f"postgres://postgres@127.0.0.1:{free_port()}/mineaction",
        # SQLite whose file cannot be opened: its folder does not exist.
        f"sqlite:///{tmp_path}/missing-folder/db.sqlite3",
    ]


@pytest.mark.parametrize("engine", ["postgresql", "sqlite"])
def test_every_view_answers_a_clean_503_while_the_database_is_down(tmp_path, engine):
    database_url = unreachable_databases(tmp_path)[0 if engine == "postgresql" else 1]
    env = subprocess_environment(database_url)
    finished = run_python(env, "-c", ASK_EVERY_ADDRESS, json.dumps(ADDRESSES))
    assert finished.returncode == 0, finished.stderr[-2000:]
    answers = json.loads(finished.stdout)
    for address in [*ADDRESSES, "POST /admin/login/"]:
        status, body, retry_after = answers[address]
        if address == "/healthz":
            assert status == 503
            assert json.loads(body) == {"status": "unavailable", "database": "down", "cache": "ok"}
            continue
        if address in NEEDS_NO_DATABASE:
            assert status == NEEDS_NO_DATABASE[address], f"{address}: {status}"
            continue
        assert status == 503, f"{address}: {status}"
        assert "Temporarily unavailable" in body, address
        assert "Traceback" not in body and "Server Error" not in body, address
        assert retry_after == "10", address


def test_a_database_error_outside_any_view_is_the_503_page_too(rf):
    # handler500: a middleware (saving a session, say) that finds the database gone.
    request = rf.get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = outages.server_error(request)
    assert response.status_code == 503
    assert b"Temporarily unavailable" in response.content
    try:
        raise ValueError("a fault in the code")
    except ValueError:
        assert outages.server_error(request).status_code == 500
