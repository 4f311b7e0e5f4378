"""Write every record to one versioned JSON file (see events.backups)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events import backups


class Command(BaseCommand):
    help = (
        "Write every record of the timeline to PATH as versioned JSON (gzip-compressed when PATH ends "
        "in .gz). User accounts only with --include-users."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The file to write, e.g. backup-2025-01-31.json.gz")
        parser.add_argument(
            "--include-users",
            action="store_true",
            help="Also back up admin user accounts (with their password hashes) and groups.",
        )

    def handle(self, *args, path: Path, include_users: bool, **options):
        if not path.parent.is_dir():
            raise CommandError(f"There is no folder {path.parent} to write the backup into.")
        envelope = backups.export(include_users=include_users)
        backups.write(envelope, path)
        saved = backups.describe_records(envelope["counts"], include_users)
        self.stdout.write(
            self.style.SUCCESS(f"Backed up {saved} to {path}")
            + f" (events migration {envelope['django_migration']}"
            + (", with user accounts)." if include_users else ", without user accounts).")
        )
