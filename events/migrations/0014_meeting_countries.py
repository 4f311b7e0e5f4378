"""Places: how a meeting was held (in person, online, hybrid), the visiting side's country when no
trip is on record, the countries the editor states, and the table of every country taking part.

The table is filled here for the meetings already recorded, by the same rule
as events.models.countries (a migration keeps its own copy of a rule); going
back, the table goes with its rows.

SQLite rebuilds events_meeting to add its columns and constraint, which fails
on the triggers of migrations 0002 and 0010 that name the table: they are set
aside first and made again last, both ways.
"""

import importlib

import django.db.models.deletion
import django_countries.fields
from django.conf import settings
from django.db import migrations, models

RULES_0002 = importlib.import_module("events.migrations.0002_database_rules_and_topics")
RULES_0010 = importlib.import_module("events.migrations.0010_meeting_subtypes")
set_aside_triggers = RULES_0010.run_statements(
    {"sqlite": RULES_0002.SQLITE_BACKWARD + RULES_0010.SQLITE_BACKWARD}
)
remake_triggers = RULES_0010.run_statements({"sqlite": RULES_0002.SQLITE_FORWARD + RULES_0010.SQLITE_FORWARD})

# The rule of events.models.countries.RULE_SQL, for every meeting at once.
RULE_SQL = """
    SELECT m.id, m.country, 'venue' FROM events_meeting m WHERE m.country <> ''
    UNION
    SELECT mo.meeting_id, o.country, 'organisation'
      FROM events_meetingorganisation mo
      JOIN events_organisationrole r ON r.slug = mo.role AND r.present
      JOIN events_organisation o ON o.id = mo.organisation_id
     WHERE o.country <> ''
    UNION
    SELECT m.id, d.sending_country, 'delegation'
      FROM events_meeting m JOIN events_delegation d ON d.id = m.delegation_id
     WHERE d.sending_country <> ''
"""


def fill(apps, schema_editor):
    # A meeting has no visiting or stated country yet: those columns are new.
    MeetingCountry = apps.get_model("events", "MeetingCountry")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(RULE_SQL)
        rows = cursor.fetchall()
    MeetingCountry.objects.bulk_create(
        [
            MeetingCountry(meeting_id=meeting_id, country=code, reason=reason)
            for meeting_id, code, reason in rows
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0013_outcome_status"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(set_aside_triggers, remake_triggers),
        migrations.CreateModel(
            name="MeetingCountry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("country", django_countries.fields.CountryField(max_length=2)),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("venue", "Venue"),
                            ("organisation", "Organisation taking part"),
                            ("delegation", "Delegation's sending country"),
                            ("visiting", "Visiting country"),
                            ("stated", "Stated by the editor"),
                        ],
                        max_length=20,
                    ),
                ),
            ],
            options={
                "verbose_name": "country taking part",
                "verbose_name_plural": "countries taking part",
                "ordering": ["meeting", "country", "reason"],
            },
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="mode",
            field=models.CharField(
                choices=[
                    ("in_person", "In person"),
                    ("online", "Online"),
                    ("hybrid", "Hybrid (in person and online)"),
                ],
                default="in_person",
                help_text="Online: held by video link, with no venue; give the countries taking part below.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="stated_countries",
            field=django_countries.fields.CountryField(
                blank=True,
                help_text="Countries taking part that the venue, organisations and delegation do not show: those on a video link, or the members at a regional body's meeting.",
                max_length=746,
                multiple=True,
                verbose_name="countries taking part",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="visiting_country",
            field=django_countries.fields.CountryField(
                blank=True,
                help_text="The visiting side's country when no trip (delegation) is on record; it takes part.",
                max_length=2,
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="mode",
            field=models.CharField(
                choices=[
                    ("in_person", "In person"),
                    ("online", "Online"),
                    ("hybrid", "Hybrid (in person and online)"),
                ],
                default="in_person",
                help_text="Online: held by video link, with no venue; give the countries taking part below.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="stated_countries",
            field=django_countries.fields.CountryField(
                blank=True,
                help_text="Countries taking part that the venue, organisations and delegation do not show: those on a video link, or the members at a regional body's meeting.",
                max_length=746,
                multiple=True,
                verbose_name="countries taking part",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="visiting_country",
            field=django_countries.fields.CountryField(
                blank=True,
                help_text="The visiting side's country when no trip (delegation) is on record; it takes part.",
                max_length=2,
            ),
        ),
        migrations.AlterField(
            model_name="historicalmeeting",
            name="country",
            field=django_countries.fields.CountryField(
                blank=True,
                help_text="Where it took place; blank if online or if the report does not say.",
                max_length=2,
            ),
        ),
        migrations.AlterField(
            model_name="meeting",
            name="country",
            field=django_countries.fields.CountryField(
                blank=True,
                help_text="Where it took place; blank if online or if the report does not say.",
                max_length=2,
            ),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("mode", "online"), _negated=True), ("country", ""), _connector="OR"
                ),
                name="meeting_online_no_venue_country",
                violation_error_message="An online meeting has no venue country: give the countries taking part instead.",
            ),
        ),
        migrations.AddField(
            model_name="meetingcountry",
            name="meeting",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="country_links", to="events.meeting"
            ),
        ),
        migrations.AddIndex(
            model_name="meetingcountry",
            index=models.Index(fields=["country", "meeting"], name="meetingcountry_country_meeting"),
        ),
        migrations.AddConstraint(
            model_name="meetingcountry",
            constraint=models.UniqueConstraint(
                fields=("meeting", "country", "reason"), name="meeting_country_unique"
            ),
        ),
        migrations.RunPython(remake_triggers, set_aside_triggers),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
