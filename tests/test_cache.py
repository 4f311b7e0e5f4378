"""Cached results are never older than the last committed write."""

import pytest
from django.core.cache import cache

from events.cache import VERSION_KEY, cached, data_version

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


def test_the_version_changes_again_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_organisation()
    during = data_version()
    for callback in callbacks:
        callback()
    assert data_version() != during


def test_writes_outside_the_app_leave_the_cache_alone(django_user_model):
    before = data_version()
    django_user_model.objects.create_user("reader")
    assert cache.get(VERSION_KEY) == before
