"""Roles become data: the organisation and person role vocabularies, seeded, then the role columns
become foreign keys to them by slug (same columns, same values).

Seeded with the roles the columns allowed before, in the same order, and the
new ones reports needed. Any other value already stored gets a role of its
own, so no row is left pointing nowhere. Publishers manage both lists;
Editors view them. Reversed, the columns are plain text again with the same
values, and the lists are dropped.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# (slug, label, holder was present, description), in list order.
ORGANISATION_ROLES = [
    ("host", "Host", True, "Received the others, at its premises or in its country."),
    ("organiser", "Organiser", True, "Convened or arranged the meeting."),
    ("delegation", "Visiting delegation", True, "Sent people who travelled to the meeting."),
    ("participant", "Participant", True, "Took part; choose a more telling role when the report gives one."),
    ("signatory", "Signatory", True, "Signed the agreement or memorandum."),
    ("funder", "Funder", True, "Paid for the meeting or the work it was about."),
    ("observer", "Observer", True, "Attended without taking part in the decisions."),
    ("trainer", "Trainer", True, "Gave the training."),
    ("trainees", "Trainees", True, "Sent the people who were trained."),
    ("facilitator", "Facilitator", True, "Moderated or facilitated the meeting without being a party to it."),
    (
        "prospective_partner",
        "Prospective partner",
        True,
        "Attended as a partner the others hope to work with; not yet a partner.",
    ),
    (
        "announced",
        "Announced it",
        False,
        "Published or announced the meeting without being at it, e.g. a ministry's press office.",
    ),
    (
        "mentioned",
        "Mentioned in the report, not present",
        False,
        "Named in the report (a plan discussed, a future partner) but not at the meeting.",
    ),
]
PERSON_ROLES = [
    ("head_of_delegation", "Head of delegation", True, "Led a visiting delegation."),
    ("delegation_member", "Delegation member", True, "Travelled with a visiting delegation."),
    ("host", "Host", True, "Received the others."),
    ("organiser", "Organiser", True, "Convened or arranged the meeting."),
    ("speaker", "Speaker", True, "Spoke, presented or opened the meeting."),
    ("observer", "Observer", True, "Attended without taking part in the decisions."),
    ("participant", "Participant", True, "Took part; choose a more telling role when the report gives one."),
    ("spokesperson", "Spokesperson", True, "Spoke to the press for an organisation about the meeting."),
    (
        "mentioned",
        "Mentioned, not present",
        False,
        "Referred to in the report (a head of government who sent greetings) but not at the meeting.",
    ),
]
VOCABULARIES = {"organisationrole": ORGANISATION_ROLES, "personrole": PERSON_ROLES}
# The table and column of the records holding each vocabulary's slugs.
HOLDERS = {"organisationrole": ("meetingorganisation", "role"), "personrole": ("participation", "role")}

GROUP_ADDITIONS = {
    "Editor": ["view_organisationrole", "view_personrole"],
    "Publisher": [
        f"{action}_{model}" for model in VOCABULARIES for action in ("add", "change", "delete", "view")
    ],
}


def seed_roles(apps, schema_editor):
    for model_name, rows in VOCABULARIES.items():
        Vocabulary = apps.get_model("events", model_name)
        for order, (slug, label, present, description) in enumerate(rows):
            Vocabulary.objects.update_or_create(
                slug=slug,
                defaults={
                    "label": label,
                    "present": present,
                    "description": description,
                    "order": order * 10,
                },
            )
        holder, column = HOLDERS[model_name]
        stored = set(apps.get_model("events", holder).objects.values_list(column, flat=True).distinct())
        for extra, slug in enumerate(sorted(stored - {row[0] for row in rows})):
            Vocabulary.objects.create(
                slug=slug, label=slug.replace("_", " ").capitalize(), order=1000 + extra
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
        ("events", "0008_intake_summary"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OrganisationRole",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        help_text="As readers see it, e.g. “Host”.", max_length=100, unique=True
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="Stored in every record with this role and used in the API and CSV; lowercase letters, digits and underscores. Do not change it once in use.",
                        max_length=30,
                        unique=True,
                    ),
                ),
                ("description", models.TextField(blank=True, help_text="When editors should choose it.")),
                (
                    "present",
                    models.BooleanField(
                        default=True,
                        help_text="Untick for roles whose holder was named in a report but not there, e.g. “mentioned”. Such organisations and people are listed under “Also mentioned” and never count as taking part: not in filters, counts, pairs or the partner network.",
                        verbose_name="holder was present",
                    ),
                ),
                (
                    "order",
                    models.PositiveSmallIntegerField(default=0, help_text="Lists show lower numbers first."),
                ),
            ],
            options={
                "verbose_name": "organisation role",
                "ordering": ["order", "label", "pk"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="PersonRole",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        help_text="As readers see it, e.g. “Host”.", max_length=100, unique=True
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="Stored in every record with this role and used in the API and CSV; lowercase letters, digits and underscores. Do not change it once in use.",
                        max_length=30,
                        unique=True,
                    ),
                ),
                ("description", models.TextField(blank=True, help_text="When editors should choose it.")),
                (
                    "present",
                    models.BooleanField(
                        default=True,
                        help_text="Untick for roles whose holder was named in a report but not there, e.g. “mentioned”. Such organisations and people are listed under “Also mentioned” and never count as taking part: not in filters, counts, pairs or the partner network.",
                        verbose_name="holder was present",
                    ),
                ),
                (
                    "order",
                    models.PositiveSmallIntegerField(default=0, help_text="Lists show lower numbers first."),
                ),
            ],
            options={
                "verbose_name": "person role",
                "ordering": ["order", "label", "pk"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="HistoricalOrganisationRole",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "label",
                    models.CharField(
                        db_index=True, help_text="As readers see it, e.g. “Host”.", max_length=100
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="Stored in every record with this role and used in the API and CSV; lowercase letters, digits and underscores. Do not change it once in use.",
                        max_length=30,
                    ),
                ),
                ("description", models.TextField(blank=True, help_text="When editors should choose it.")),
                (
                    "present",
                    models.BooleanField(
                        default=True,
                        help_text="Untick for roles whose holder was named in a report but not there, e.g. “mentioned”. Such organisations and people are listed under “Also mentioned” and never count as taking part: not in filters, counts, pairs or the partner network.",
                        verbose_name="holder was present",
                    ),
                ),
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
                "verbose_name": "historical organisation role",
                "verbose_name_plural": "historical organisation roles",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalPersonRole",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "label",
                    models.CharField(
                        db_index=True, help_text="As readers see it, e.g. “Host”.", max_length=100
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="Stored in every record with this role and used in the API and CSV; lowercase letters, digits and underscores. Do not change it once in use.",
                        max_length=30,
                    ),
                ),
                ("description", models.TextField(blank=True, help_text="When editors should choose it.")),
                (
                    "present",
                    models.BooleanField(
                        default=True,
                        help_text="Untick for roles whose holder was named in a report but not there, e.g. “mentioned”. Such organisations and people are listed under “Also mentioned” and never count as taking part: not in filters, counts, pairs or the partner network.",
                        verbose_name="holder was present",
                    ),
                ),
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
                "verbose_name": "historical person role",
                "verbose_name_plural": "historical person roles",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(seed_roles, migrations.RunPython.noop),
        migrations.RunPython(add_permissions, remove_permissions),
        migrations.AlterField(
            model_name="historicalmeetingorganisation",
            name="role",
            field=models.ForeignKey(
                blank=True,
                db_column="role",
                db_constraint=False,
                default="participant",
                help_text="What the organisation did; “mentioned” when a report names it but it was not there.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.organisationrole",
                to_field="slug",
            ),
        ),
        migrations.AlterField(
            model_name="meetingorganisation",
            name="role",
            field=models.ForeignKey(
                db_column="role",
                default="participant",
                help_text="What the organisation did; “mentioned” when a report names it but it was not there.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="events.organisationrole",
                to_field="slug",
            ),
        ),
        migrations.AlterField(
            model_name="historicalparticipation",
            name="role",
            field=models.ForeignKey(
                blank=True,
                db_column="role",
                db_constraint=False,
                default="participant",
                help_text="What they did; “mentioned” when a report refers to them but they were not there.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.personrole",
                to_field="slug",
            ),
        ),
        migrations.AlterField(
            model_name="participation",
            name="role",
            field=models.ForeignKey(
                db_column="role",
                default="participant",
                help_text="What they did; “mentioned” when a report refers to them but they were not there.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="events.personrole",
                to_field="slug",
            ),
        ),
    ]
