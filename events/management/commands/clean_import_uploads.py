"""Delete CSV import uploads that nobody confirmed within the hour (run it from cron)."""

import datetime

from django.core.management.base import BaseCommand

from events import uploads


class Command(BaseCommand):
    help = "Delete the files uploaded for a CSV import preview that were never confirmed, after an hour."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=int,
            default=int(uploads.MAX_AGE.total_seconds() // 60),
            help="Delete uploads older than this many minutes (default: 60).",
        )

    def handle(self, *args, minutes: int, **options):
        deleted = uploads.clean_abandoned(datetime.timedelta(minutes=max(minutes, 0)))
        self.stdout.write(f"Deleted {deleted} abandoned import upload{'s' if deleted != 1 else ''}.")
