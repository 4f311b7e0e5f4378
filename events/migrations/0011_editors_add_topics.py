"""Editors may add topics: the specific topics under the broad ones grow with the record.

Topics have two levels: ``parent`` names a specific topic's broad topic
(its help text says so; Topic.clean keeps the two levels). Publishers still
change and delete topics, and an editor's change to a topic
that published meetings cite waits for a publisher (reviewed changes).
"""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP_ADDITIONS = {"Editor": ["add_topic"]}
HELP = (
    "For a specific topic, the broad topic it belongs to (one of the topics without a parent). "
    "Filtering by the broad topic includes it."
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
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_ADDITIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="events", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("events", "0010_meeting_subtypes")]

    operations = [
        migrations.RunPython(add_permissions, remove_permissions),
        migrations.AlterField(
            model_name="historicaltopic",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text=HELP,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.topic",
            ),
        ),
        migrations.AlterField(
            model_name="topic",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                help_text=HELP,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="children",
                to="events.topic",
            ),
        ),
    ]
