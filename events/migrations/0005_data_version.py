"""The data version (events.versions): one row whose token every write readers can see replaces.

It starts with a random token, so that two databases sharing one cache never
file pages under the same version.
"""

import uuid

from django.db import migrations, models


def first_version(apps, schema_editor):
    DataVersion = apps.get_model("events", "DataVersion")
    DataVersion.objects.using(schema_editor.connection.alias).create(id=1, token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [("events", "0004_editor_and_publisher_groups")]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=32)),
            ],
            options={
                "db_table": "events_dataversion",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="data_version_is_one_row")
                ],
            },
        ),
        # Reversing drops the table, row and all.
        migrations.RunPython(first_version, migrations.RunPython.noop),
    ]
