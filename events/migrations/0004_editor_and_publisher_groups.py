"""The Editor and Publisher groups, and what each may do.

* Editor: add, change and view every record; delete meetings and delegations
  (the admin lets an editor delete drafts only), sources (never one that a
  published record cites), and the rows inside a meeting or a person; submit
  drafts for review. Topics are a shared vocabulary: editors view them.
* Publisher: everything an editor may, plus publish, withdraw and merge, and
  delete organisations, people and topics.

Run again, it adds what is missing and takes nothing away, so an operator's
additions to a group survive.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = [
    "organisation",
    "organisationname",
    "person",
    "personname",
    "position",
    "source",
    "delegation",
    "meeting",
    "meetingorganisation",
    "participation",
    "outcome",
]
ROWS_INSIDE_A_RECORD = [
    "organisationname",
    "personname",
    "position",
    "meetingorganisation",
    "participation",
    "outcome",
]

EDITOR = (
    [f"{action}_{model}" for model in CONTENT for action in ("add", "change", "view")]
    + ["view_topic"]
    + [f"delete_{model}" for model in ["meeting", "delegation", "source", *ROWS_INSIDE_A_RECORD]]
)
PUBLISHER = EDITOR + [
    "add_topic",
    "change_topic",
    "delete_topic",
    "delete_organisation",
    "delete_person",
    "publish_meeting",
    "withdraw_meeting",
    "merge_meeting",
    "publish_delegation",
    "withdraw_delegation",
]
GROUPS = {"Editor": EDITOR, "Publisher": PUBLISHER}


def create_groups(apps, schema_editor):
    # Permissions are normally created after the last migration; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="events", codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions not found for the {name} group: {sorted(missing)}")
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_workflow_history_and_merging"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
