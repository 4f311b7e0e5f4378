"""Cached results are never older than the last committed write."""

import ast
from pathlib import Path

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test.utils import CaptureQueriesContext

import events
from events.cache import cached, public_page
from events.models import DataVersion, Status
from events.versions import data_changed, data_version

from .factories import make_meeting, make_organisation, make_topic

pytestmark = pytest.mark.django_db


def counting(calls: list):
    def compute():
        calls.append(1)
        return len(calls)

    return compute


def test_a_result_is_computed_once_until_the_data_changes():
    calls: list = []
    assert cached("test", {"q": "x"}, counting(calls)) == 1
    assert cached("test", {"q": "x"}, counting(calls)) == 1
    assert cached("test", {"q": "other"}, counting(calls)) == 2
    make_organisation()
    assert cached("test", {"q": "x"}, counting(calls)) == 3


@pytest.mark.parametrize(
    "write",
    [
        lambda: make_meeting(),
        lambda: make_meeting().topics.add(make_topic()),
        lambda: make_meeting().delete(),
        lambda: make_organisation().other_names.create(name="Another name"),
    ],
)
def test_every_kind_of_write_changes_the_version(write):
    before = data_version()
    write()
    assert data_version() != before


def test_writes_outside_the_app_leave_the_version_alone(django_user_model):
    before = data_version()
    django_user_model.objects.create_user("reader")
    assert data_version() == before


def test_a_page_is_served_whole_until_the_data_changes(client, django_assert_num_queries):
    meeting = make_meeting(title="Survey training in Battambang")
    first = client.get(meeting.get_absolute_url())
    # A kept page costs one query: the data version, read from the database.
    with django_assert_num_queries(1) as captured:
        again = client.get(meeting.get_absolute_url())
    assert "events_dataversion" in captured.captured_queries[0]["sql"]
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    # The security headers come from the middleware, so a kept page has them too.
    assert again["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in again

    meeting.title = "Survey and clearance training in Battambang"
    meeting.save()
    assert b"Survey and clearance training" in client.get(meeting.get_absolute_url()).content
    assert b"Survey and clearance training" in client.get("/").content


def test_a_missing_page_is_not_kept(client):
    meeting = make_meeting(title="Not yet published", status=Status.DRAFT)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    meeting.status = Status.PUBLISHED
    meeting.save()
    assert client.get(meeting.get_absolute_url()).status_code == 200


def test_pages_for_different_hosts_are_kept_apart(client, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    make_meeting(title="Host test meeting")
    one = client.get("/", HTTP_HOST="one.example")
    two = client.get("/", HTTP_HOST="two.example")
    assert b"one.example" in one.content
    assert b"two.example" in two.content


def test_an_unpublished_meeting_leaves_every_kept_page(client):
    meeting = make_meeting(title="Briefly public meeting")
    assert b"Briefly public meeting" in client.get("/").content
    assert client.get(meeting.get_absolute_url()).status_code == 200
    meeting.status = Status.WITHDRAWN
    meeting.save()
    assert b"Briefly public meeting" not in client.get("/").content
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_work_on_drafts_leaves_kept_pages_alone():
    draft = make_meeting(title="Draft in progress", status=Status.DRAFT)
    topic, organisation = make_topic(), make_organisation()
    before = data_version()
    draft.summary = "Still being written."
    draft.save()
    draft.topics.add(topic)
    draft.organisation_roles.create(organisation=organisation, role="host")
    draft.participations.create(name_as_written="A. Person")
    draft.outcomes.create(kind="other", text="Nothing yet.")
    draft.status = Status.IN_REVIEW
    draft.save()
    draft.delete()
    assert data_version() == before


def test_publishing_a_draft_retires_kept_pages():
    draft = make_meeting(status=Status.DRAFT)
    before = data_version()
    draft.status = Status.PUBLISHED
    draft.save()
    assert data_version() != before


@pytest.mark.parametrize(
    "change",
    [
        lambda meeting, topic, organisation: setattr(meeting, "status", Status.WITHDRAWN) or meeting.save(),
        lambda meeting, topic, organisation: meeting.topics.add(topic),
        lambda meeting, topic, organisation: meeting.participations.create(name_as_written="B. Person"),
        lambda meeting, topic, organisation: meeting.organisation_roles.create(
            organisation=organisation, role="host"
        ),
        lambda meeting, topic, organisation: meeting.outcomes.create(kind="other", text="Agreed."),
        lambda meeting, topic, organisation: meeting.delete(),
    ],
)
def test_any_change_to_a_published_meeting_retires_kept_pages(change):
    meeting, topic, organisation = make_meeting(), make_topic(), make_organisation()
    before = data_version()
    change(meeting, topic, organisation)
    assert data_version() != before


def test_a_page_shows_a_meeting_the_moment_it_is_published(client):
    draft = make_meeting(title="Awaiting publication", status=Status.DRAFT)
    assert b"Awaiting publication" not in client.get("/").content
    draft.summary = "Edited while a draft."
    draft.save()
    assert b"Awaiting publication" not in client.get("/").content
    draft.status = Status.PUBLISHED
    draft.save()
    assert b"Awaiting publication" in client.get("/").content


def test_a_reader_who_holds_the_current_page_gets_not_modified(client):
    meeting = make_meeting(title="Conditional meeting")
    first = client.get("/")
    assert first.status_code == 200 and first["ETag"]
    again = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    meeting.title = "Conditional meeting, renamed"
    meeting.save()
    changed = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert b"Conditional meeting, renamed" in changed.content


def test_a_page_files_everything_it_uses_under_the_version_it_started_with(rf):
    seen = []

    def view(request):
        seen.append(data_version())
        data_changed()  # an editor's save commits while the page is being made
        seen.append(data_version())
        return HttpResponse("a page")

    public_page(view)(rf.get("/somewhere/"))
    # Rows and counts read during the page stay under the version taken before it read anything,
    # so nothing read before the save is filed under the version after it.
    assert seen[0] == seen[1]
    assert data_version() != seen[0]


def test_a_page_that_used_a_csrf_token_or_the_session_is_not_kept(rf):
    calls = []

    @public_page
    def with_token(request):
        calls.append(1)
        return HttpResponse(get_token(request))

    with_token(rf.get("/form/"))
    with_token(rf.get("/form/"))
    assert len(calls) == 2


def test_a_deploys_migrate_retires_kept_pages():
    before = data_version()
    emit_post_migrate_signal(0, False, "default")
    assert data_version() != before


def test_refreshing_a_published_meetings_search_text_retires_kept_results():
    meeting = make_meeting()
    before = data_version()
    meeting.refresh_search_document()
    assert data_version() != before


def version_writes(captured) -> int:
    return sum("INSERT INTO events_dataversion" in query["sql"] for query in captured.captured_queries)


def test_a_transaction_replaces_the_version_once_until_something_reads_it():
    meeting = make_meeting()
    data_version()  # a reader saw the version the meeting's creation made
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        for number in range(5):
            meeting.summary = f"Edit {number}"
            meeting.save()
        assert version_writes(captured) == 1
        # A page computed now is filed under the new version; the next write must replace it again.
        read = data_version()
        meeting.summary = "Edit after the read"
        meeting.save()
        assert version_writes(captured) == 2
    assert data_version() != read


def test_a_rolled_back_write_leaves_the_version_as_it_was():
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_meeting()
        assert data_version() != before
        raise RuntimeError("the save fails after the version was replaced")
    assert data_version() == before
    make_meeting()
    assert data_version() != before


def test_the_version_lives_in_its_own_table():
    data_changed()
    assert DataVersion.objects.get().token == data_version()


@pytest.mark.parametrize("module", ["versions", "cache", "redis_cache", "outages"])
def test_the_cache_modules_import_no_models(module):
    # The models call the version store: importing them back would make a circle.
    tree = ast.parse((Path(events.__file__).parent / f"{module}.py").read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    assert not {name for name in imported if name and "models" in name.split(".") and "django" not in name}
