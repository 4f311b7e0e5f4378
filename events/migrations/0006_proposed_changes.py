"""Proposed changes to shared records, which editors make and publishers approve or reject.

Editors may view the queue (their own proposals and others'); publishers may
also approve and reject. Like 0004, run again it only adds what is missing.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP_ADDITIONS = {
    "Editor": ["view_proposedchange"],
    "Publisher": ["view_proposedchange", "approve_proposedchange"],
}


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
        ("events", "0005_data_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ProposedChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("fields", models.JSONField(blank=True, default=dict)),
                ("rows", models.JSONField(blank=True, default=list)),
                (
                    "read_version",
                    models.PositiveBigIntegerField(
                        blank=True,
                        help_text="The record's history entry the editor's form showed.",
                        null=True,
                    ),
                ),
                ("proposed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for approval"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                        ],
                        default="pending",
                        max_length=20,
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "note",
                    models.TextField(
                        blank=True, help_text="Why it was rejected, for the editor who proposed it."
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proposed_changes",
                        to="events.organisation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proposed_changes",
                        to="events.person",
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proposed_changes",
                        to="events.source",
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proposed_changes",
                        to="events.topic",
                    ),
                ),
            ],
            options={
                "verbose_name": "proposed change",
                "ordering": ["-proposed_at", "-pk"],
                "permissions": [("approve_proposedchange", "Can approve or reject proposed changes")],
                "indexes": [models.Index(fields=["decision", "proposed_at"], name="proposed_change_queue")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("organisation__isnull", False),
                                ("person__isnull", True),
                                ("source__isnull", True),
                                ("topic__isnull", True),
                            ),
                            models.Q(
                                ("organisation__isnull", True),
                                ("person__isnull", False),
                                ("source__isnull", True),
                                ("topic__isnull", True),
                            ),
                            models.Q(
                                ("organisation__isnull", True),
                                ("person__isnull", True),
                                ("source__isnull", False),
                                ("topic__isnull", True),
                            ),
                            models.Q(
                                ("organisation__isnull", True),
                                ("person__isnull", True),
                                ("source__isnull", True),
                                ("topic__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="proposed_change_one_record",
                        violation_error_message="A proposed change is to exactly one record.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("decided_at__isnull", True), ("decision", "pending")),
                            models.Q(
                                models.Q(("decision", "pending"), _negated=True),
                                ("decided_at__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="proposed_change_decided_when_decided",
                        violation_error_message="A decided change says when it was decided.",
                    ),
                ],
            },
        ),
        migrations.RunPython(add_permissions, remove_permissions),
    ]
