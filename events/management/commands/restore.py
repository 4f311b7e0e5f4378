"""Bring a backup back into a new, migrated database (see events.backups)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from events import backups


class Command(BaseCommand):
    help = (
        "Restore a file written by `manage.py backup` into a new, migrated database (the groups and "
        "topics that migrations seed are replaced by the file's). Refuses a database that holds "
        "records, and restores everything or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A file written by `manage.py backup`.")

    def handle(self, *args, path: Path, **options):
        try:
            envelope = backups.read(path)
            counts, missing_accounts = backups.restore(envelope)
        except backups.BackupError as error:
            raise CommandError(f"{error} Nothing was restored.") from None
        except DatabaseError as error:
            raise CommandError(
                f"The database refused the restore ({backups.one_line(error)}). Nothing was restored."
            ) from None
        restored = backups.describe_records(counts, envelope["includes_users"])
        self.stdout.write(
            self.style.SUCCESS(f"Restored {restored} from {path}") + f" (backed up {envelope['created']})."
        )
        if missing_accounts:
            self.stdout.write(
                f"{missing_accounts} records named user accounts this database does not have; they were "
                "restored without them (back up with --include-users to keep accounts)."
            )
