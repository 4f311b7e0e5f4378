"""Every row of every table a backup carries, read from the database, for comparing two databases.

Imported by the backup tests for the database under test, and run as
``python -m tests.backup_tables`` (printing JSON) for a database of another
process. Links to permissions are given by natural key: every migrated
database has the same permissions, under ids of its own. The ids of link
rows are left out: a restore makes the links afresh.
"""

from __future__ import annotations

import json
import sys

CARRIED_WITH_USERS = True


def permission_keys() -> dict[int, list[str]]:
    from django.contrib.auth.models import Permission

    return {
        permission.pk: [permission.content_type.app_label, permission.content_type.model, permission.codename]
        for permission in Permission.objects.select_related("content_type")
    }


def normalised(rows) -> list:
    """Rows as JSON text and back, sorted: values compare the same whichever engine read them."""
    return sorted(json.loads(json.dumps(list(rows), default=str, sort_keys=True)), key=json.dumps)


def dump(include_users: bool = CARRIED_WITH_USERS) -> dict[str, list]:
    from django.contrib.auth.models import Permission

    from events.backups import backed_up_models, many_to_many_fields

    permissions = permission_keys()
    tables = {}
    for model in backed_up_models(include_users):
        tables[model._meta.db_table] = normalised(model._default_manager.order_by("pk").values())
        for field in many_to_many_fields(model):
            through = field.remote_field.through
            columns = [f.attname for f in through._meta.fields if f.name != "id"]
            rows = []
            for values in through._default_manager.values(*columns):
                if field.related_model is Permission:
                    values["permission_id"] = permissions[values["permission_id"]]
                rows.append(values)
            tables[through._meta.db_table] = normalised(rows)
    return tables


def tables_with_rows(include_users: bool = CARRIED_WITH_USERS) -> list[str]:
    """The labels of the carried models and links that hold rows (in a new database: the seeded ones)."""
    from events.backups import backed_up_models, many_to_many_fields

    found = []
    for model in backed_up_models(include_users):
        for candidate in [model, *(f.remote_field.through for f in many_to_many_fields(model))]:
            if candidate._default_manager.exists():
                found.append(candidate._meta.label_lower)
    return sorted(found)


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(tables_with_rows() if sys.argv[1:] == ["--seeded"] else dump()))
