"""Count the organisation and country pairs of every published meeting again, or check the kept counts."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from events import versions
from events.models import CountryPair, OrganisationPair, PairedMeeting

KINDS = {"organisations": "organisation", "countries": "country"}


class Command(BaseCommand):
    help = (
        "Rebuild the kept pair counts (the network and the pair pages read them) from every meeting; "
        "with --check, only compare them with a plain count and fail if any differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare only; change nothing.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, check: bool, database: str, **options):
        paired = PairedMeeting.objects.using(database)
        if check:
            found = paired.differences()
            wrong = {kind: rows for kind, rows in found.items() if rows}
            if wrong:
                for kind, rows in wrong.items():
                    for first, second, kept, counted in rows[:20]:
                        self.stderr.write(f"{kind}: {first} and {second}: kept {kept}, counted {counted}")
                raise CommandError(
                    "The kept pair counts differ from a plain count: "
                    + ", ".join(f"{len(rows)} {KINDS[kind]} pairs" for kind, rows in wrong.items())
                    + ". Run rebuild_pair_counts to count them again."
                )
            self.stdout.write("The kept pair counts equal a plain count.")
            return
        started = time.perf_counter()
        paired.rebuild()
        # The network and the pair pages kept under the old version read the old counts.
        versions.data_changed(database)
        self.stdout.write(
            f"Counted {OrganisationPair.objects.using(database).count()} organisation pairs and "
            f"{CountryPair.objects.using(database).count()} country pairs of "
            f"{paired.count()} meetings in {time.perf_counter() - started:.1f} s."
        )
