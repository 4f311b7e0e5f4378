"""Outcomes grow up: a date with its precision, a place, and a status with its own dated history.

Existing invitations and offers of assistance were only proposed at their
meeting; every other outcome was agreed. Editors may add, change and delete
status changes (rows inside a meeting's outcome), as they may outcomes. Like
0004, run again it only adds what is missing.
"""

import django.db.models.deletion
import django.utils.timezone
import django_countries.fields
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

STATUS_CHANGE_PERMISSIONS = [
    f"{action}_outcomestatuschange" for action in ("add", "change", "view", "delete")
]
# As Outcome.usual_status_at_meeting() has it (a migration keeps its own copy of a rule).
PROPOSED_KINDS = ["invitation", "assistance_offered"]


def add_permissions_and_statuses(apps, schema_editor):
    # Permissions are normally created after the last migration; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in ("Editor", "Publisher"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="events", codename__in=STATUS_CHANGE_PERMISSIONS
            )
        )
    Outcome = apps.get_model("events", "Outcome")
    Outcome.objects.filter(kind__in=PROPOSED_KINDS).update(status_at_meeting="proposed", status="proposed")


def remove_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="events", codename__in=STATUS_CHANGE_PERMISSIONS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0012_participant_reports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalOutcomeStatusChange",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Proposed"),
                            ("agreed", "Agreed"),
                            ("under_way", "Under way"),
                            ("done", "Done"),
                            ("lapsed", "Lapsed"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "date",
                    models.DateField(help_text="When it happened, or the date of the report that says so."),
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
                ("note", models.TextField(blank=True, help_text="What happened, in our own words.")),
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
                "verbose_name": "historical status change",
                "verbose_name_plural": "historical what became of it (dated status changes)",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="OutcomeStatusChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Proposed"),
                            ("agreed", "Agreed"),
                            ("under_way", "Under way"),
                            ("done", "Done"),
                            ("lapsed", "Lapsed"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "date",
                    models.DateField(help_text="When it happened, or the date of the report that says so."),
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
                ("note", models.TextField(blank=True, help_text="What happened, in our own words.")),
            ],
            options={
                "verbose_name": "status change",
                "verbose_name_plural": "what became of it (dated status changes)",
                "ordering": ["date", "pk"],
            },
        ),
        migrations.AddField(
            model_name="historicaloutcome",
            name="country",
            field=django_countries.fields.CountryField(
                blank=True, help_text="Where it is to happen or happened, if a source says.", max_length=2
            ),
        ),
        migrations.AddField(
            model_name="historicaloutcome",
            name="date",
            field=models.DateField(
                blank=True,
                help_text="When the promised thing is to happen or happened (a training, a visit, a signing), if a source says; the first day of the month or year when only that is known.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicaloutcome",
            name="date_precision",
            field=models.CharField(
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
        migrations.AddField(
            model_name="historicaloutcome",
            name="status",
            field=models.CharField(
                choices=[
                    ("proposed", "Proposed"),
                    ("agreed", "Agreed"),
                    ("under_way", "Under way"),
                    ("done", "Done"),
                    ("lapsed", "Lapsed"),
                ],
                default="agreed",
                editable=False,
                help_text="Where it stands now: its latest dated change, else its status when promised.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="historicaloutcome",
            name="status_at_meeting",
            field=models.CharField(
                choices=[
                    ("proposed", "Proposed"),
                    ("agreed", "Agreed"),
                    ("under_way", "Under way"),
                    ("done", "Done"),
                    ("lapsed", "Lapsed"),
                ],
                default="agreed",
                help_text="What the meeting made of it: only proposed (an invitation, an offer), or agreed.",
                max_length=20,
                verbose_name="status when promised",
            ),
        ),
        migrations.AddField(
            model_name="historicaloutcome",
            name="updated_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="outcome",
            name="country",
            field=django_countries.fields.CountryField(
                blank=True, help_text="Where it is to happen or happened, if a source says.", max_length=2
            ),
        ),
        migrations.AddField(
            model_name="outcome",
            name="date",
            field=models.DateField(
                blank=True,
                help_text="When the promised thing is to happen or happened (a training, a visit, a signing), if a source says; the first day of the month or year when only that is known.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="outcome",
            name="date_precision",
            field=models.CharField(
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
        migrations.AddField(
            model_name="outcome",
            name="status",
            field=models.CharField(
                choices=[
                    ("proposed", "Proposed"),
                    ("agreed", "Agreed"),
                    ("under_way", "Under way"),
                    ("done", "Done"),
                    ("lapsed", "Lapsed"),
                ],
                default="agreed",
                editable=False,
                help_text="Where it stands now: its latest dated change, else its status when promised.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="outcome",
            name="status_at_meeting",
            field=models.CharField(
                choices=[
                    ("proposed", "Proposed"),
                    ("agreed", "Agreed"),
                    ("under_way", "Under way"),
                    ("done", "Done"),
                    ("lapsed", "Lapsed"),
                ],
                default="agreed",
                help_text="What the meeting made of it: only proposed (an invitation, an offer), or agreed.",
                max_length=20,
                verbose_name="status when promised",
            ),
        ),
        migrations.AddField(
            model_name="outcome",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AddIndex(
            model_name="outcome",
            index=models.Index(fields=["status", "meeting"], name="outcome_status_meeting"),
        ),
        migrations.AddField(
            model_name="historicaloutcomestatuschange",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaloutcomestatuschange",
            name="meeting",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The meeting that shows it (the follow-up training, the signing), if recorded.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.meeting",
            ),
        ),
        migrations.AddField(
            model_name="historicaloutcomestatuschange",
            name="outcome",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.outcome",
            ),
        ),
        migrations.AddField(
            model_name="historicaloutcomestatuschange",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The report that shows it, if no meeting record does.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.source",
            ),
        ),
        migrations.AddField(
            model_name="outcomestatuschange",
            name="meeting",
            field=models.ForeignKey(
                blank=True,
                help_text="The meeting that shows it (the follow-up training, the signing), if recorded.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="outcome_updates",
                to="events.meeting",
            ),
        ),
        migrations.AddField(
            model_name="outcomestatuschange",
            name="outcome",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="status_changes",
                to="events.outcome",
            ),
        ),
        migrations.AddField(
            model_name="outcomestatuschange",
            name="source",
            field=models.ForeignKey(
                blank=True,
                help_text="The report that shows it, if no meeting record does.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="outcome_updates",
                to="events.source",
            ),
        ),
        migrations.AddConstraint(
            model_name="outcomestatuschange",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", ""), _negated=True),
                name="outcomestatuschange_status_not_blank",
                violation_error_message="Say what the outcome's status became.",
            ),
        ),
        migrations.RunPython(add_permissions_and_statuses, remove_permissions),
    ]
