"""Bring a backup back into an empty database (see events.backups)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events import backups


class Command(BaseCommand):
    help = (
        "Restore a file written by `manage.py backup` into an empty, migrated database. Refuses a "
        "database that holds records, and restores everything or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A file written by `manage.py backup`.")

    def handle(self, *args, path: Path, **options):
        try:
            envelope = backups.read(path)
            counts = backups.restore(envelope)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        restored = backups.describe_records(counts, envelope["includes_users"])
        self.stdout.write(
            self.style.SUCCESS(f"Restored {restored} from {path}") + f" (backed up {envelope['created']})."
        )
