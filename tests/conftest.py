"""Fixtures every test shares: an empty cache, fast password hashing, editors and publishers logged in."""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache

# One headless Chromium for the whole session, shared by every browser test
# module: Playwright's sync API allows one running instance per thread.
from .browser import browser  # noqa: F401
from .dataout import records  # noqa: F401  (a fixture for the API, export and feed tests)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: cached results never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fresh_meeting_index():
    """Each test reads the facet index afresh: a test's rolled-back writes never linger in it."""
    from events.meeting_index import forget

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs a second a user on a busy machine; tests need none of it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor_client(client, django_user_model):
    """A client logged in as a staff superuser."""
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    client.force_login(user)
    return client


def ensure_roles() -> None:
    """The Editor and Publisher groups as migrations 0004, 0006, 0009 to 0015 and 0018 make them.

    A transactional test's flush empties every table, groups included; the
    tests that run after one (browser tests) make them again from the same lists.
    """
    roles = importlib.import_module("events.migrations.0004_editor_and_publisher_groups")
    additions = importlib.import_module("events.migrations.0006_proposed_changes")
    vocabularies = importlib.import_module("events.migrations.0009_roles_as_data")
    subtypes = importlib.import_module("events.migrations.0010_meeting_subtypes")
    topics = importlib.import_module("events.migrations.0011_editors_add_topics")
    outcomes = importlib.import_module("events.migrations.0013_outcome_status")
    reports = importlib.import_module("events.migrations.0012_participant_reports")
    proposed_topics = importlib.import_module("events.migrations.0015_topics_proposed_and_two_levels")
    cities = importlib.import_module("events.migrations.0018_cities")
    groups_by_migration = (
        roles.GROUPS,
        additions.GROUP_ADDITIONS,
        vocabularies.GROUP_ADDITIONS,
        subtypes.GROUP_ADDITIONS,
        topics.GROUP_ADDITIONS,
        reports.GROUP_ADDITIONS,
        proposed_topics.GROUP_ADDITIONS,
        cities.GROUP_ADDITIONS,
        dict.fromkeys(("Editor", "Publisher"), outcomes.STATUS_CHANGE_PERMISSIONS),
    )
    for groups in groups_by_migration:
        for name, codenames in groups.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="events", codename__in=codenames)
            )


def ensure_vocabularies() -> None:
    """The organisation and person roles as migration 0009 seeds them (after a flush emptied them)."""
    from events.models import OrganisationRole, PersonRole

    seeds = importlib.import_module("events.migrations.0009_roles_as_data")
    for model, rows in ((OrganisationRole, seeds.ORGANISATION_ROLES), (PersonRole, seeds.PERSON_ROLES)):
        for order, (slug, label, present, description) in enumerate(rows):
            model.objects.get_or_create(
                slug=slug,
                defaults={
                    "label": label,
                    "present": present,
                    "description": description,
                    "order": order * 10,
                },
            )


@pytest.fixture(autouse=True)
def seeded_vocabularies(request):
    """Transactional tests start with the seeded roles too: an earlier one's flush emptied every table."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        request.getfixturevalue("transactional_db")
        ensure_vocabularies()


def staff_in_group(django_user_model, username: str, group: str):
    """A staff user whose only rights come from a group made by the roles migration."""
    ensure_roles()
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "a-long-test-password")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(django_user_model):
    return staff_in_group(django_user_model, "eve-editor", "Editor")


@pytest.fixture
def publisher(django_user_model):
    return staff_in_group(django_user_model, "pat-publisher", "Publisher")


@pytest.fixture
def as_editor(client, editor):
    """A client logged in as a member of the Editor group."""
    client.force_login(editor)
    return client


@pytest.fixture
def as_publisher(client, publisher):
    """A client logged in as a member of the Publisher group."""
    client.force_login(publisher)
    return client
