"""Topics editors propose, and two topic levels kept by the database.

* ``approved``: every topic so far is approved; a specific topic an editor
  adds waits, hidden from readers, until a publisher approves it (the
  ``approve_topic`` permission, given to the Publisher group).
* Triggers refuse a third level: a topic under a specific topic, or a topic
  with specific topics under it given a broad topic itself. On SQLite a
  later migration that rebuilds ``events_topic`` drops them with the old
  table and must make them again (see 0010 for how).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP_ADDITIONS = {"Publisher": ["approve_topic"]}
HELP = "Readers see approved topics only. A topic an editor proposes waits for a publisher."

UNDER_SPECIFIC = "topic_two_levels: the broad topic chosen is itself a specific topic"
HAS_SPECIFIC = "topic_two_levels: a topic with specific topics under it stays broad"
# A row put under a topic that has a broad topic of its own; a row with children given a parent.
UNDER_SPECIFIC_SQL = (
    "{topic}.parent_id IS NOT NULL AND EXISTS (SELECT 1 FROM events_topic p "
    "WHERE p.id = {topic}.parent_id AND p.parent_id IS NOT NULL)"
)
HAS_SPECIFIC_SQL = (
    "{topic}.parent_id IS NOT NULL AND EXISTS (SELECT 1 FROM events_topic c WHERE c.parent_id = {topic}.id)"
)

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER topic_two_levels_{event.lower()}
    BEFORE {event} ON events_topic
    BEGIN
        SELECT RAISE(ABORT, '{UNDER_SPECIFIC}') WHERE {UNDER_SPECIFIC_SQL.format(topic="NEW")};
        SELECT RAISE(ABORT, '{HAS_SPECIFIC}') WHERE {HAS_SPECIFIC_SQL.format(topic="NEW")};
    END;
    """
    for event in ("INSERT", "UPDATE")
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS topic_two_levels_insert;",
    "DROP TRIGGER IF EXISTS topic_two_levels_update;",
]
POSTGRESQL_FORWARD = [
    f"""
    CREATE FUNCTION events_topic_two_levels() RETURNS trigger AS $$
    BEGIN
        IF {UNDER_SPECIFIC_SQL.format(topic="NEW")} THEN
            RAISE EXCEPTION '{UNDER_SPECIFIC}' USING ERRCODE = 'check_violation';
        END IF;
        IF {HAS_SPECIFIC_SQL.format(topic="NEW")} THEN
            RAISE EXCEPTION '{HAS_SPECIFIC}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER topic_two_levels
    BEFORE INSERT OR UPDATE OF parent_id ON events_topic
    FOR EACH ROW EXECUTE FUNCTION events_topic_two_levels();
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS topic_two_levels ON events_topic;",
    "DROP FUNCTION IF EXISTS events_topic_two_levels();",
]


def run_statements(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def add_permissions(apps, schema_editor):
    # Permissions are normally created after the last migration; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_ADDITIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="events", codename__in=codenames)
        )


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_ADDITIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="events", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("events", "0014_meeting_countries")]

    operations = [
        migrations.AlterModelOptions(
            name="topic",
            options={
                "ordering": ["name", "pk"],
                "permissions": [("approve_topic", "Can approve topics editors propose")],
            },
        ),
        migrations.AddField(
            model_name="historicaltopic",
            name="approved",
            field=models.BooleanField(default=True, db_default=True, help_text=HELP),
        ),
        migrations.AddField(
            model_name="topic",
            name="approved",
            field=models.BooleanField(default=True, db_default=True, help_text=HELP),
        ),
        migrations.AddConstraint(
            model_name="topic",
            constraint=models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="topic_not_own_parent",
                violation_error_message="A topic cannot be its own broad topic.",
            ),
        ),
        migrations.AddConstraint(
            model_name="topic",
            constraint=models.CheckConstraint(
                condition=models.Q(approved=True) | models.Q(parent__isnull=False),
                name="topic_proposed_is_specific",
                violation_error_message="A proposed topic is a specific topic: choose its broad topic.",
            ),
        ),
        migrations.RunPython(add_permissions, remove_permissions),
        migrations.RunPython(
            run_statements({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run_statements({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
