"""Every migration runs forward and back, one step at a time, on the database under test.

These tests commit, so they run after the others and leave the tables empty
(pytest-django flushes them); they need nothing seeded beforehand.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from events.models import Topic

from .factories import make_meeting, make_organisation, make_source, make_topic

APPS = ["events"]


def migrations_of(app: str) -> list[str]:
    """The app's migrations in the order `migrate` applies them."""
    graph = MigrationLoader(connection).graph
    leaf = graph.leaf_nodes(app)[0]
    return [name for label, name in graph.forwards_plan(leaf) if label == app]


def migrate(app: str, target: str) -> None:
    call_command("migrate", app, target, verbosity=0, interactive=False)


def events_tables() -> set[str]:
    return {table for table in connection.introspection.table_names() if table.startswith("events_")}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("app", APPS)
def test_every_migration_reverses_and_reapplies_step_by_step(app):
    names = migrations_of(app)
    assert names, f"{app} has no migrations"

    for index in reversed(range(len(names))):
        migrate(app, names[index - 1] if index else "zero")
    assert events_tables() == set()

    for name in names:
        migrate(app, name)

    # The schema is whole again: its seeded topics are back and a meeting can be recorded.
    assert Topic.objects.filter(slug="capacity-building").exists()
    make_meeting(topics=[Topic.objects.get(slug="capacity-building")])


@pytest.mark.django_db(transaction=True)
def test_migrations_reverse_with_records_in_the_tables():
    make_meeting(organisations=[make_organisation()], topics=[make_topic()], sources=[make_source()])
    migrate("events", "zero")
    assert events_tables() == set()
    migrate("events", migrations_of("events")[-1])
    assert Topic.objects.filter(slug="land-release").exists()
