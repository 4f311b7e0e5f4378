"""The editors' workflow, full history and merging of duplicates.

* Status gains "in review" and "withdrawn"; meetings and delegations record
  when and by whom they were last published.
* ``merged_into`` points a duplicate meeting at the one it was merged into.
* django-simple-history's tables: one historical table per record, and one
  per many-to-many relation whose history we keep.
* SQLite rebuilds a table to add a constraint, which drops the table's
  triggers and fails on triggers of other tables that name it. So on SQLite
  the triggers of migration 0002 are dropped first and created again last.
"""

import importlib

import django.db.models.deletion
import django_countries.fields
import simple_history.models
from django.conf import settings
from django.db import migrations, models

rules = importlib.import_module("events.migrations.0002_database_rules_and_topics")
drop_sqlite_triggers = rules.run_statements({"sqlite": rules.SQLITE_BACKWARD})
create_sqlite_triggers = rules.run_statements({"sqlite": rules.SQLITE_FORWARD})


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_database_rules_and_topics"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.CreateModel(
            name="HistoricalDelegation",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("updated_at", models.DateTimeField(blank=True, editable=False)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("in_review", "In review"),
                            ("published", "Published"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="draft",
                        help_text="Only published records are shown to readers. Editors submit drafts for review; a publisher publishes them.",
                        max_length=20,
                    ),
                ),
                (
                    "published_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="published at"),
                ),
                ("title", models.CharField(max_length=300)),
                ("slug", models.SlugField(max_length=120)),
                ("sending_country", django_countries.fields.CountryField(blank=True, max_length=2)),
                (
                    "destination_countries",
                    django_countries.fields.CountryField(blank=True, max_length=746, multiple=True),
                ),
                ("start_date", models.DateField(blank=True, null=True)),
                ("end_date", models.DateField(blank=True, null=True)),
                ("purpose", models.TextField(blank=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical delegation",
                "verbose_name_plural": "historical delegations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDelegation_members",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "HistoricalDelegation_members",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDelegation_sending_organisations",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "HistoricalDelegation_sending_organisations",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDelegation_sources",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "HistoricalDelegation_sources",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalMeeting",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("updated_at", models.DateTimeField(blank=True, editable=False)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("in_review", "In review"),
                            ("published", "Published"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="draft",
                        help_text="Only published records are shown to readers. Editors submit drafts for review; a publisher publishes them.",
                        max_length=20,
                    ),
                ),
                (
                    "published_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="published at"),
                ),
                ("title", models.CharField(max_length=300)),
                ("slug", models.SlugField(help_text="Used in the page's address.", max_length=140)),
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
                        default="bilateral",
                        max_length=20,
                    ),
                ),
                (
                    "start_date",
                    models.DateField(
                        help_text="The day it began. If only the month or year is known, the first day of it; if the report does not say, the report's date (and precision “on or before”)."
                    ),
                ),
                (
                    "end_date",
                    models.DateField(
                        blank=True, help_text="Only for events lasting several days.", null=True
                    ),
                ),
                (
                    "date_precision",
                    models.CharField(
                        choices=[
                            ("day", "Day"),
                            ("week", "Week"),
                            ("month", "Month"),
                            ("year", "Year"),
                            ("on_or_before", "Not stated: on or before the date of the first report"),
                        ],
                        default="day",
                        max_length=20,
                    ),
                ),
                (
                    "date_as_reported",
                    models.CharField(
                        blank=True,
                        help_text="How the source put the date, e.g. “last week”, “in May”.",
                        max_length=300,
                    ),
                ),
                (
                    "country",
                    django_countries.fields.CountryField(
                        blank=True, help_text="Where it took place; blank if online.", max_length=2
                    ),
                ),
                ("city", models.CharField(blank=True, max_length=120)),
                ("summary", models.TextField(blank=True, help_text="What happened, in our own words.")),
                (
                    "editorial_note",
                    models.TextField(
                        blank=True, help_text="Where sources disagree or a fact is uncertain, say so here."
                    ),
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
            ],
            options={
                "verbose_name": "historical meeting",
                "verbose_name_plural": "historical meetings",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalMeeting_sources",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "HistoricalMeeting_sources",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalMeeting_topics",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "HistoricalMeeting_topics",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalMeetingOrganisation",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("host", "Host"),
                            ("organiser", "Organiser"),
                            ("delegation", "Visiting delegation"),
                            ("participant", "Participant"),
                            ("signatory", "Signatory"),
                            ("funder", "Funder"),
                            ("observer", "Observer"),
                        ],
                        default="participant",
                        max_length=20,
                    ),
                ),
                ("role_order", models.PositiveSmallIntegerField(default=0, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical organisation in the meeting",
                "verbose_name_plural": "historical organisations in the meeting",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalOrganisation",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("updated_at", models.DateTimeField(blank=True, editable=False)),
                (
                    "name",
                    models.CharField(db_index=True, help_text="The full official name.", max_length=300),
                ),
                (
                    "acronym",
                    models.CharField(blank=True, help_text="For example ANAMA or TMAC.", max_length=30),
                ),
                ("slug", models.SlugField(help_text="Used in the page's address.", max_length=120)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("national_authority", "National mine action authority or centre"),
                            ("regional", "Regional organisation"),
                            ("un_agency", "UN agency"),
                            ("international", "International organisation"),
                            ("ngo", "NGO"),
                            ("government", "Government body"),
                            ("armed_forces", "Armed forces"),
                            ("research", "Research or training centre"),
                            ("other", "Other"),
                        ],
                        default="other",
                        max_length=30,
                    ),
                ),
                (
                    "country",
                    django_countries.fields.CountryField(
                        blank=True, help_text="Leave blank for international bodies.", max_length=2
                    ),
                ),
                ("website", models.URLField(blank=True, max_length=500)),
                ("description", models.TextField(blank=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical organisation",
                "verbose_name_plural": "historical organisations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalOrganisationName",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("name", models.CharField(max_length=300)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("alias", "Alias"),
                            ("former", "Former name"),
                            ("transliteration", "Transliteration"),
                            ("translation", "Translation"),
                            ("misspelling", "Variant spelling in a report"),
                        ],
                        default="alias",
                        max_length=20,
                    ),
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
            ],
            options={
                "verbose_name": "historical organisation name",
                "verbose_name_plural": "historical organisation names",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalOutcome",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("invitation", "Invitation"),
                            ("agreement", "Agreement or MoU"),
                            ("joint_training", "Joint training"),
                            ("follow_up_meeting", "Follow-up meeting"),
                            ("assistance_offered", "Assistance offered"),
                            ("other", "Other"),
                        ],
                        default="other",
                        max_length=30,
                    ),
                ),
                (
                    "text",
                    models.TextField(help_text="What was agreed, offered or decided, in our own words."),
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
            ],
            options={
                "verbose_name": "historical outcome",
                "verbose_name_plural": "historical outcomes",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalOutcome_parties",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "HistoricalOutcome_parties",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalParticipation",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "name_as_written",
                    models.CharField(help_text="The name exactly as the source spells it.", max_length=200),
                ),
                (
                    "title_as_stated",
                    models.CharField(
                        blank=True,
                        help_text="Their title as the source gives it at the time.",
                        max_length=300,
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("head_of_delegation", "Head of delegation"),
                            ("delegation_member", "Delegation member"),
                            ("host", "Host"),
                            ("organiser", "Organiser"),
                            ("speaker", "Speaker"),
                            ("observer", "Observer"),
                            ("participant", "Participant"),
                        ],
                        default="participant",
                        max_length=30,
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical participation",
                "verbose_name_plural": "historical participations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalPerson",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("updated_at", models.DateTimeField(blank=True, editable=False)),
                (
                    "name",
                    models.CharField(help_text="The name in its usual English spelling.", max_length=200),
                ),
                ("slug", models.SlugField(max_length=120)),
                (
                    "honorific",
                    models.CharField(
                        blank=True,
                        help_text="Rank or honorific, e.g. Lieutenant General, Dr.",
                        max_length=100,
                    ),
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
            ],
            options={
                "verbose_name": "historical person",
                "verbose_name_plural": "historical people",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalPersonName",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("name", models.CharField(max_length=200)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("alias", "Alias"),
                            ("former", "Former name"),
                            ("transliteration", "Transliteration"),
                            ("translation", "Translation"),
                            ("misspelling", "Variant spelling in a report"),
                        ],
                        default="alias",
                        max_length=20,
                    ),
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
            ],
            options={
                "verbose_name": "historical person name",
                "verbose_name_plural": "historical person names",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalPosition",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("title", models.CharField(max_length=300)),
                ("start_date", models.DateField(blank=True, null=True)),
                ("end_date", models.DateField(blank=True, null=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical position",
                "verbose_name_plural": "historical positions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalSource",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("updated_at", models.DateTimeField(blank=True, editable=False)),
                ("url", models.URLField(db_index=True, max_length=1000, verbose_name="URL")),
                ("title", models.CharField(blank=True, max_length=500)),
                (
                    "publisher",
                    models.CharField(
                        help_text="The outlet that published it, e.g. AzerNews.", max_length=200
                    ),
                ),
                (
                    "republished_by",
                    models.CharField(
                        blank=True,
                        help_text="A wire service or aggregator that carried it, e.g. MENAFN.",
                        max_length=200,
                    ),
                ),
                ("author", models.CharField(blank=True, max_length=200)),
                (
                    "language",
                    models.CharField(blank=True, help_text="ISO 639-1 code, e.g. en, az, km.", max_length=10),
                ),
                ("published_on", models.DateField(blank=True, null=True, verbose_name="publication date")),
                (
                    "published_precision",
                    models.CharField(
                        choices=[("day", "Day"), ("month", "Month"), ("year", "Year")],
                        default="day",
                        help_text="How exactly the publication date is known.",
                        max_length=20,
                    ),
                ),
                ("accessed_on", models.DateField(blank=True, null=True, verbose_name="date accessed")),
                (
                    "note",
                    models.TextField(blank=True, help_text="What the source reports, in our own words."),
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
            ],
            options={
                "verbose_name": "historical source",
                "verbose_name_plural": "historical sources",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalTopic",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("name", models.CharField(db_index=True, max_length=120)),
                ("slug", models.SlugField(max_length=120)),
                ("description", models.TextField(blank=True)),
                (
                    "keywords",
                    models.TextField(
                        blank=True,
                        help_text="Words and synonyms that signal this topic in a report, one per line.",
                    ),
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
            ],
            options={
                "verbose_name": "historical topic",
                "verbose_name_plural": "historical topics",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AlterModelOptions(
            name="delegation",
            options={
                "ordering": [
                    models.OrderBy(models.F("start_date"), descending=True, nulls_last=True),
                    "title",
                    "pk",
                ],
                "permissions": [
                    ("publish_delegation", "Can publish delegations"),
                    ("withdraw_delegation", "Can withdraw or reopen delegations"),
                ],
            },
        ),
        migrations.AlterModelOptions(
            name="meeting",
            options={
                "ordering": ["-start_date", "-pk"],
                "permissions": [
                    ("publish_meeting", "Can publish meetings"),
                    ("withdraw_meeting", "Can withdraw or reopen meetings"),
                    ("merge_meeting", "Can merge duplicate meetings"),
                ],
            },
        ),
        migrations.AddField(
            model_name="delegation",
            name="published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="published at"),
        ),
        migrations.AddField(
            model_name="delegation",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="Who last published it.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="The meeting this duplicate was merged into; its address redirects there.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="merged_meetings",
                to="events.meeting",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="published at"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="Who last published it.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="delegation",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("in_review", "In review"),
                    ("published", "Published"),
                    ("withdrawn", "Withdrawn"),
                ],
                default="draft",
                help_text="Only published records are shown to readers. Editors submit drafts for review; a publisher publishes them.",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="meeting",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("in_review", "In review"),
                    ("published", "Published"),
                    ("withdrawn", "Withdrawn"),
                ],
                default="draft",
                help_text="Only published records are shown to readers. Editors submit drafts for review; a publisher publishes them.",
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(("merged_into", models.F("pk")), _negated=True),
                name="meeting_not_merged_into_itself",
            ),
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("merged_into__isnull", True),
                    models.Q(("status", "published"), _negated=True),
                    _connector="OR",
                ),
                name="meeting_merged_not_published",
                violation_error_message="A meeting merged into another cannot be published.",
            ),
        ),
        migrations.AddField(
            model_name="historicaldelegation",
            name="head",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The head of delegation.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.person",
            ),
        ),
        migrations.AddField(
            model_name="historicaldelegation",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaldelegation",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                help_text="Who last published it.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaldelegation_members",
            name="delegation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.delegation",
            ),
        ),
        migrations.AddField(
            model_name="historicaldelegation_members",
            name="history",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                to="events.historicaldelegation",
            ),
        ),
        migrations.AddField(
            model_name="historicaldelegation_members",
            name="person",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.person",
            ),
        ),
        migrations.AddField(
            model_name="historicaldelegation_sending_organisations",
            name="delegation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.delegation",
            ),
        ),
        migrations.AddField(
            model_name="historicaldelegation_sending_organisations",
            name="history",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                to="events.historicaldelegation",
            ),
        ),
        migrations.AddField(
            model_name="historicaldelegation_sending_organisations",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.organisation",
            ),
        ),
        migrations.AddField(
            model_name="historicaldelegation_sources",
            name="delegation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.delegation",
            ),
        ),
        migrations.AddField(
            model_name="historicaldelegation_sources",
            name="history",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                to="events.historicaldelegation",
            ),
        ),
        migrations.AddField(
            model_name="historicaldelegation_sources",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.source",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="delegation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The trip this meeting was part of, if any.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.delegation",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="follow_up_of",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="An earlier meeting this one continues.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.meeting",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                help_text="The meeting this duplicate was merged into; its address redirects there.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.meeting",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                help_text="Who last published it.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting_sources",
            name="history",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                to="events.historicalmeeting",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting_sources",
            name="meeting",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.meeting",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting_sources",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.source",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting_topics",
            name="history",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                to="events.historicalmeeting",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting_topics",
            name="meeting",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.meeting",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting_topics",
            name="topic",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.topic",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeetingorganisation",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalmeetingorganisation",
            name="meeting",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.meeting",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeetingorganisation",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.organisation",
            ),
        ),
        migrations.AddField(
            model_name="historicalorganisation",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalorganisation",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The body this one belongs to, if any.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.organisation",
            ),
        ),
        migrations.AddField(
            model_name="historicalorganisationname",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalorganisationname",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.organisation",
            ),
        ),
        migrations.AddField(
            model_name="historicaloutcome",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaloutcome",
            name="meeting",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.meeting",
            ),
        ),
        migrations.AddField(
            model_name="historicaloutcome_parties",
            name="history",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                to="events.historicaloutcome",
            ),
        ),
        migrations.AddField(
            model_name="historicaloutcome_parties",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.organisation",
            ),
        ),
        migrations.AddField(
            model_name="historicaloutcome_parties",
            name="outcome",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.outcome",
            ),
        ),
        migrations.AddField(
            model_name="historicalparticipation",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalparticipation",
            name="meeting",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.meeting",
            ),
        ),
        migrations.AddField(
            model_name="historicalparticipation",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The organisation they represented.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.organisation",
            ),
        ),
        migrations.AddField(
            model_name="historicalparticipation",
            name="person",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The known person, if identified. Leave blank when unsure.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.person",
            ),
        ),
        migrations.AddField(
            model_name="historicalperson",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalpersonname",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalpersonname",
            name="person",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.person",
            ),
        ),
        migrations.AddField(
            model_name="historicalposition",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalposition",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.organisation",
            ),
        ),
        migrations.AddField(
            model_name="historicalposition",
            name="person",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.person",
            ),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaltopic",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaltopic",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.topic",
            ),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
