"""Meeting subtypes: a small list under each kind, that Publishers keep, and Meeting.subtype.

A meeting's subtype must be one of its kind's: Meeting.clean says so beside
the field, and triggers refuse a meeting whose subtype belongs to another
kind, and a change of a subtype's kind that would leave a meeting behind.
Publishers manage the list; Editors view it.
"""

import importlib

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# (kind, slug, label, description), in list order within each kind.
SUBTYPES = [
    ("bilateral", "courtesy-call", "Courtesy call", "A short formal call, often on arrival or departure."),
    ("bilateral", "working-visit", "Working visit", "A visit to work on a joint programme or plan."),
    ("bilateral", "official-visit", "Official visit", "A visit at the invitation of a government."),
    ("multilateral", "working-group", "Working group meeting", "A standing group of several bodies."),
    ("conference", "commemorative-conference", "Commemorative conference", "Marks a day or an anniversary."),
    ("conference", "workshop", "Workshop", "A working session with presentations and discussion."),
    (
        "training",
        "triangular-training",
        "Triangular training",
        "One country trains another with a third's support.",
    ),
    ("training", "field-training", "Field training", "Training in the field, on a site or range."),
    ("agreement", "memorandum", "Memorandum of understanding", "A memorandum signed by the parties."),
    ("site_visit", "demonstration", "Demonstration", "Equipment or methods shown on a site."),
]

GROUP_ADDITIONS = {
    "Editor": ["view_meetingsubtype"],
    "Publisher": [f"{action}_meetingsubtype" for action in ("add", "change", "delete", "view")],
}

MEETING_MESSAGE = "meeting_subtype_of_kind: the subtype belongs to another kind of meeting"
SUBTYPE_MESSAGE = "meeting_subtype_of_kind: meetings of the old kind use this subtype"
# A meeting whose subtype is not of its kind, in SQL; {meeting} is the row.
WRONG_KIND = (
    "{meeting}.subtype_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM events_meetingsubtype s "
    "WHERE s.id = {meeting}.subtype_id AND s.kind = {meeting}.kind)"
)

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER meeting_subtype_of_kind_{event.lower()}
    BEFORE {event} ON events_meeting
    WHEN {WRONG_KIND.format(meeting="NEW")}
    BEGIN
        SELECT RAISE(ABORT, '{MEETING_MESSAGE}');
    END;
    """
    for event in ("INSERT", "UPDATE")
] + [
    f"""
    CREATE TRIGGER meeting_subtype_kind_kept
    BEFORE UPDATE OF kind ON events_meetingsubtype
    WHEN EXISTS (SELECT 1 FROM events_meeting m WHERE m.subtype_id = NEW.id AND m.kind <> NEW.kind)
    BEGIN
        SELECT RAISE(ABORT, '{SUBTYPE_MESSAGE}');
    END;
    """
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS meeting_subtype_of_kind_insert;",
    "DROP TRIGGER IF EXISTS meeting_subtype_of_kind_update;",
    "DROP TRIGGER IF EXISTS meeting_subtype_kind_kept;",
]
POSTGRESQL_FORWARD = [
    f"""
    CREATE FUNCTION events_meeting_subtype_of_kind() RETURNS trigger AS $$
    BEGIN
        IF {WRONG_KIND.format(meeting="NEW")} THEN
            RAISE EXCEPTION '{MEETING_MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER meeting_subtype_of_kind
    BEFORE INSERT OR UPDATE ON events_meeting
    FOR EACH ROW EXECUTE FUNCTION events_meeting_subtype_of_kind();
    """,
    f"""
    CREATE FUNCTION events_meeting_subtype_kind_kept() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM events_meeting m WHERE m.subtype_id = NEW.id AND m.kind <> NEW.kind) THEN
            RAISE EXCEPTION '{SUBTYPE_MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER meeting_subtype_kind_kept
    BEFORE UPDATE OF kind ON events_meetingsubtype
    FOR EACH ROW EXECUTE FUNCTION events_meeting_subtype_kind_kept();
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS meeting_subtype_of_kind ON events_meeting;",
    "DROP FUNCTION IF EXISTS events_meeting_subtype_of_kind();",
    "DROP TRIGGER IF EXISTS meeting_subtype_kind_kept ON events_meetingsubtype;",
    "DROP FUNCTION IF EXISTS events_meeting_subtype_kind_kept();",
]


def run_statements(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


# SQLite rebuilds events_meeting to drop the subtype column when this migration is reversed, and
# migration 0002's triggers name that table: they are set aside for the rebuild and made again.
RULES_0002 = importlib.import_module("events.migrations.0002_database_rules_and_topics")
set_aside_0002_triggers = run_statements({"sqlite": RULES_0002.SQLITE_BACKWARD})
remake_0002_triggers = run_statements({"sqlite": RULES_0002.SQLITE_FORWARD})


def seed_subtypes(apps, schema_editor):
    MeetingSubtype = apps.get_model("events", "MeetingSubtype")
    for order, (kind, slug, label, description) in enumerate(SUBTYPES):
        MeetingSubtype.objects.get_or_create(
            slug=slug,
            defaults={"kind": kind, "label": label, "description": description, "order": order * 10},
        )


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
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="events", codename__in=GROUP_ADDITIONS["Publisher"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_roles_as_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, remake_0002_triggers),
        migrations.CreateModel(
            name="HistoricalMeetingSubtype",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("bilateral", "Bilateral meeting"),
                            ("multilateral", "Multilateral meeting"),
                            ("conference", "Conference"),
                            ("training", "Training"),
                            ("agreement", "Agreement signing"),
                            ("site_visit", "Site visit"),
                            ("other", "Other"),
                        ],
                        help_text="The kind of meeting this is a subtype of.",
                        max_length=20,
                    ),
                ),
                (
                    "label",
                    models.CharField(help_text="As readers see it, e.g. “Courtesy call”.", max_length=100),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="Used in addresses, the API and CSV; do not change it once in use.",
                        max_length=60,
                    ),
                ),
                ("description", models.TextField(blank=True, help_text="When editors should choose it.")),
                (
                    "order",
                    models.PositiveSmallIntegerField(default=0, help_text="Lists show lower numbers first."),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical meeting subtype",
                "verbose_name_plural": "historical meeting subtypes",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="MeetingSubtype",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("bilateral", "Bilateral meeting"),
                            ("multilateral", "Multilateral meeting"),
                            ("conference", "Conference"),
                            ("training", "Training"),
                            ("agreement", "Agreement signing"),
                            ("site_visit", "Site visit"),
                            ("other", "Other"),
                        ],
                        help_text="The kind of meeting this is a subtype of.",
                        max_length=20,
                    ),
                ),
                (
                    "label",
                    models.CharField(help_text="As readers see it, e.g. “Courtesy call”.", max_length=100),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="Used in addresses, the API and CSV; do not change it once in use.",
                        max_length=60,
                        unique=True,
                    ),
                ),
                ("description", models.TextField(blank=True, help_text="When editors should choose it.")),
                (
                    "order",
                    models.PositiveSmallIntegerField(default=0, help_text="Lists show lower numbers first."),
                ),
            ],
            options={
                "verbose_name": "meeting subtype",
                "ordering": ["kind", "order", "label", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "label"), name="meeting_subtype_label_unique")
                ],
            },
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="subtype",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Optional, and one of the subtypes of the kind chosen: a courtesy call, a working visit…",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.meetingsubtype",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="subtype",
            field=models.ForeignKey(
                blank=True,
                help_text="Optional, and one of the subtypes of the kind chosen: a courtesy call, a working visit…",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meetings",
                to="events.meetingsubtype",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, set_aside_0002_triggers),
        migrations.RunPython(seed_subtypes, migrations.RunPython.noop),
        migrations.RunPython(add_permissions, remove_permissions),
        migrations.RunPython(
            run_statements({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run_statements({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
