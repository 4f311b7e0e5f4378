"""Kept pair counts: published meetings shared by each two organisations and each two countries.

The counts are filled here for the meetings already recorded, by the rule of
events.models.pairs (a migration keeps its own copy of a rule); going back,
the tables go with their rows.
"""

from collections import Counter
from itertools import combinations_with_replacement

import django.db.models.deletion
import django_countries.fields
from django.db import migrations, models

MEMBERS_SQL = {
    "organisations": """
        SELECT mo.meeting_id, mo.organisation_id FROM events_meetingorganisation mo
          JOIN events_organisationrole r ON r.slug = mo.role AND r.present
          JOIN events_meeting m ON m.id = mo.meeting_id AND m.status = 'published'
    """,
    "countries": """
        SELECT mc.meeting_id, mc.country FROM events_meetingcountry mc
          JOIN events_meeting m ON m.id = mc.meeting_id AND m.status = 'published'
    """,
}


def fill(apps, schema_editor):
    models_by_kind = {
        "organisations": (apps.get_model("events", "OrganisationPair"), "first_id", "second_id"),
        "countries": (apps.get_model("events", "CountryPair"), "first", "second"),
    }
    added: dict[int, dict[str, str]] = {}
    for kind, sql in MEMBERS_SQL.items():
        members: dict[int, set] = {}
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)
            for meeting_id, member in cursor.fetchall():
                members.setdefault(meeting_id, set()).add(member)
        counts: Counter = Counter()
        for meeting_id, found in members.items():
            ordered = sorted(found)
            counts.update(combinations_with_replacement(ordered, 2))
            added.setdefault(meeting_id, {})[kind] = ",".join(str(member) for member in ordered)
        model, first, second = models_by_kind[kind]
        model.objects.bulk_create(
            [model(**{first: a, second: b, "meetings": n}) for (a, b), n in counts.items()], batch_size=1000
        )
    PairedMeeting = apps.get_model("events", "PairedMeeting")
    PairedMeeting.objects.bulk_create(
        [
            PairedMeeting(
                meeting_id=meeting_id,
                organisations=row.get("organisations", ""),
                countries=row.get("countries", ""),
            )
            for meeting_id, row in added.items()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0015_topics_proposed_and_two_levels"),
    ]

    operations = [
        migrations.CreateModel(
            name="PairedMeeting",
            fields=[
                ("meeting_id", models.IntegerField(primary_key=True, serialize=False)),
                ("organisations", models.TextField(blank=True, help_text="Ids, ascending, comma-separated.")),
                ("countries", models.TextField(blank=True, help_text="Codes, ascending, comma-separated.")),
            ],
            options={
                "verbose_name": "meeting in the pair counts",
                "verbose_name_plural": "meetings in the pair counts",
                "ordering": ["meeting_id"],
            },
        ),
        migrations.CreateModel(
            name="CountryPair",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("first", django_countries.fields.CountryField(db_column="first", max_length=2)),
                ("second", django_countries.fields.CountryField(db_column="second", max_length=2)),
                ("meetings", models.PositiveIntegerField()),
            ],
            options={
                "ordering": ["-meetings", "first", "second"],
                "indexes": [models.Index(fields=["second", "first"], name="country_pair_second")],
                "constraints": [
                    models.UniqueConstraint(fields=("first", "second"), name="country_pair_unique"),
                    models.CheckConstraint(
                        condition=models.Q(("first__lte", models.F("second"))), name="country_pair_order"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="OrganisationPair",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("meetings", models.PositiveIntegerField()),
                (
                    "first",
                    models.ForeignKey(
                        db_column="first",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="events.organisation",
                    ),
                ),
                (
                    "second",
                    models.ForeignKey(
                        db_column="second",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="events.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["-meetings", "first", "second"],
                "indexes": [
                    models.Index(fields=["-meetings"], name="organisation_pair_meetings"),
                    models.Index(fields=["second", "first"], name="organisation_pair_second"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("first", "second"), name="organisation_pair_unique"),
                    models.CheckConstraint(
                        condition=models.Q(("first__lte", models.F("second"))), name="organisation_pair_order"
                    ),
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
