"""Generate a large synthetic data set shaped like the real record of mine-action cooperation.

The shape (bench/README.md says more): meetings take place mostly in
countries affected by mines and explosive remnants of war, and the visiting
side is mostly a donor country or an international agency; a few agencies
take part in a large share of all meetings and most organisations in very
few (a Zipf-like long tail); topics and years are skewed the same way.

Every synthetic meeting cites a source whose publisher is "Synthetic data",
and every synthetic slug starts with ``syn-``, so no synthetic record can be
mistaken for a real one. The command refuses to add to a database that holds
real published records unless told ``--force``. The same ``--seed`` always
gives the same data, on SQLite and on PostgreSQL.

Speed: rows are built as plain tuples with their ids assigned here and
written a batch of meetings at a time (``COPY`` on PostgreSQL, one
``executemany`` per table on SQLite), skipping model instances, which would
cost most of the time. The database's rules (constraints, triggers and every
index) still check and index every row.
"""

from __future__ import annotations

import bisect
import concurrent.futures
import contextlib
import datetime
import itertools
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django_countries import countries as all_countries

from events import versions
from events.models import (
    CountryPair,
    DatePrecision,
    Delegation,
    Meeting,
    MeetingCountry,
    MeetingOrganisation,
    Organisation,
    OrganisationName,
    OrganisationPair,
    PairedMeeting,
    Participation,
    Person,
    Position,
    Source,
    Status,
    Topic,
)
from events.models.countries import RULE_SQL
from events.models.pairs import COUNTRIES_SQL, LOCK_KEY, ORGANISATIONS_SQL
from events.search_words import SEARCH_VECTOR

SYNTHETIC_PUBLISHER = "Synthetic data"
FIRST_DAY = datetime.date(2000, 1, 1)
# The last day a meeting or trip starts: every trip and meeting is over within the year.
LAST_DAY = datetime.date(2025, 12, 20)
BATCH = 20_000  # meetings written per round of COPY or executemany
# The tables the generator writes many rows to: on PostgreSQL, when a run at least doubles the
# meetings, their foreign keys and secondary indexes are dropped for the load and added again after.
LOADED_TABLES = [
    "events_delegation",
    "events_delegation_sending_organisations",
    "events_meeting",
    "events_source",
    "events_meeting_sources",
    "events_meetingorganisation",
    "events_participation",
    "events_meeting_topics",
    "events_meetingcountry",
    "events_organisationpair",
    "events_countrypair",
]
# Their foreign keys, checked again over all the rows at once when they are added back.
FOREIGN_KEYS_SQL = """
    SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid)
      FROM pg_constraint c
     WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[])
     ORDER BY 1, 2
"""
# Indexes that check no rule (not unique, backing no constraint): safe to drop and build again.
SECONDARY_INDEXES_SQL = """
    SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
     WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
     ORDER BY 1
"""
# The meetings this run wrote (their ids are one range), for the rules' ``IN ({ids})``.
NEW_MEETINGS = "SELECT id FROM events_meeting WHERE id BETWEEN %s AND %s"
# The row trigger that keeps events_searchlexeme (migration 0024), and its key: off during a bulk load.
LEXEMES_TRIGGER = "meeting_search_lexemes"
LEXEMES_KEY = "events_searchlexeme_pkey"
# On PostgreSQL the derived rows of all the new meetings at once, by the same rules that
# MeetingCountry.rebuild() and PairedMeeting.recount() apply a thousand meetings at a time.
COUNTRIES_TAKING_PART_SQL = f"""
    INSERT INTO events_meetingcountry (meeting_id, country, reason)
    SELECT * FROM ({RULE_SQL.format(ids=NEW_MEETINGS)}) rule
    UNION
    SELECT m.id, code, 'stated' FROM events_meeting m, unnest(string_to_array(m.stated_countries, ',')) code
     WHERE m.id BETWEEN %s AND %s AND code <> ''
    ORDER BY 1, 2, 3
"""
PAIRED_MEETINGS_SQL = """
    INSERT INTO events_pairedmeeting (meeting_id, organisations, countries)
    SELECT meeting_id, COALESCE(o.members, ''), COALESCE(c.members, '')
      FROM (SELECT meeting_id, string_agg(organisation_id::text, ',' ORDER BY organisation_id) members
              FROM new_organisations GROUP BY meeting_id) o
      FULL JOIN (SELECT meeting_id, string_agg(country::text, ',' ORDER BY country COLLATE "C") members
                   FROM new_countries GROUP BY meeting_id) c USING (meeting_id)
     ORDER BY meeting_id
"""
ADD_PAIRS_SQL = """
    INSERT INTO {table} (first, second, meetings)
    SELECT a.{member}, b.{member}, COUNT(*) FROM {members} a
      JOIN {members} b ON b.meeting_id = a.meeting_id AND a.{member} <= b.{member}
     GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (first, second) DO UPDATE SET meetings = {table}.meetings + excluded.meetings
"""

# Countries affected by mines or explosive remnants of war, and how much
# cooperation each draws (a relative weight, not a count).
AFFECTED = {
    "UA": 10, "AF": 8, "KH": 8, "IQ": 7, "LA": 6, "VN": 6, "SY": 5, "AO": 5, "BA": 5, "CO": 5,
    "AZ": 5, "HR": 4, "LK": 4, "TH": 4, "YE": 3, "LY": 3, "SO": 3, "SS": 3, "MM": 2, "ZW": 2,
    "TJ": 2, "LB": 2, "SD": 2, "PS": 2, "ET": 1, "JO": 1, "TD": 1, "SN": 1, "PE": 1, "EC": 1,
    "EG": 1, "TR": 1, "GE": 1, "AM": 1, "RS": 1, "ME": 1, "MZ": 1, "ML": 1, "NG": 1, "CD": 1,
}  # fmt: skip
# Countries that fund and staff mine action abroad.
DONORS = {
    "US": 10, "JP": 7, "GB": 6, "DE": 6, "NO": 5, "CH": 5, "NL": 4, "KR": 3, "AU": 3, "CA": 2,
    "SE": 2, "DK": 2, "FR": 2, "BE": 2, "IT": 1, "AT": 1, "IE": 1, "FI": 1, "ES": 1, "PL": 1,
    "CZ": 1, "SI": 1, "LT": 1, "EE": 1, "LU": 1, "NZ": 1,
}  # fmt: skip
# Where meetings take place: mostly in affected countries, some in donors'
# capitals (conferences, Geneva), a thin spread over every other country.
ONLINE_SHARE = 0.03  # of meetings not on a trip: held by video link
DONOR_PLACE_SHARE = 0.35  # a donor's weight as a place, against its weight as a visitor
TAIL_SHARE = 0.04  # of all places, spread evenly over the countries in neither list
# Topics from most to least common (migration 0002 adds them); topics added
# later by editors follow, in slug order.
TOPIC_ORDER = [
    "land-release",
    "international-cooperation",
    "capacity-building",
    "technical-assistance",
    "training",
    "risk-education",
    "victim-assistance",
    "information-management",
    "mine-risk-management",
    "innovation-technology",
    "stockpile-destruction",
    "advocacy",
]
# How steep each long tail is: the weight of the n-th most active is 1 / n ** exponent.
ORGANISATION_SKEW = 0.9
TOPIC_SKEW = 1.1
INTERNATIONAL_SHARE = 0.04  # of organisations: agencies with no country

SYLLABLES = [consonant + vowel for consonant in "bdfgklmnprstvz" for vowel in "aeiou"]
K = Organisation.Kind
INTERNATIONAL_TYPES = [
    ("Mine Action Service", K.UN_AGENCY),
    ("Centre for Humanitarian Demining", K.INTERNATIONAL),
    ("Regional Mine Action Network", K.REGIONAL),
    ("Humanitarian Demining Foundation", K.NGO),
    ("Relief and Clearance Trust", K.NGO),
    ("Development Programme", K.UN_AGENCY),
]
AFFECTED_TYPES = [
    ("National Mine Action Authority", K.NATIONAL_AUTHORITY),  # the first is the country's lead body
    ("Mine Action Centre", K.NATIONAL_AUTHORITY),
    ("Army Engineering Corps", K.ARMED_FORCES),
    ("Demining Agency", K.NATIONAL_AUTHORITY),
    ("Ministry of Defence", K.GOVERNMENT),
    ("Humanitarian Demining Foundation", K.NGO),
    ("Survivors' Association", K.NGO),
    ("Training Centre for Deminers", K.RESEARCH),
]
DONOR_TYPES = [
    ("Ministry of Foreign Affairs", K.GOVERNMENT),  # the first is the country's lead body
    ("Development Cooperation Agency", K.GOVERNMENT),
    ("Relief and Clearance Trust", K.NGO),
    ("Institute for Explosive Hazard Research", K.RESEARCH),
    ("Ministry of Defence", K.GOVERNMENT),
    ("Demining Equipment Company", K.OTHER),
]
OTHER_TYPES = [
    ("Ministry of Foreign Affairs", K.GOVERNMENT),
    ("Civil Protection Agency", K.GOVERNMENT),
    ("Humanitarian Demining Foundation", K.NGO),
    ("Army Engineering Corps", K.ARMED_FORCES),
]
# How prominent an organisation is, by its place in its country's list (the
# lead body first) and by the kind of country: it sets the organisation's rank
# in the long tail, with some noise.
LEAD_BODY_PROMINENCE = 6.0
INTERNATIONAL_PROMINENCE = 200.0
TITLES = [
    "Director General",
    "Deputy Director",
    "Head of Operations",
    "Chairman of the Board",
    "Ambassador",
    "Programme Manager",
    "Technical Adviser",
    "Minister",
    "Chief of Staff",
    "Project Officer",
]
ROLE_ORDER = {role: index for index, role in enumerate(MeetingOrganisation.Role.values)}
OTHER_ROLES = ["participant", "participant", "organiser", "signatory", "funder", "observer"]
PEOPLE_ROLE = {
    "host": "host",
    "delegation": "delegation_member",
    "organiser": "organiser",
    "observer": "observer",
}
KINDS = (
    ["bilateral"] * 5
    + ["multilateral"] * 2
    + ["conference"] * 2
    + ["training", "agreement", "site_visit", "other"]
)
PRECISIONS = ["day"] * 12 + ["month", "month", "week", "year", "on_or_before", "on_or_before"]
VERBS = [
    "discussed",
    "reviewed",
    "agreed on",
    "planned",
    "compared experience in",
    "signed a plan for",
    "exchanged views on",
    "assessed progress in",
]
SUBJECTS = {
    "land-release": ["joint clearance of border areas", "land release procedures", "funding for survey work"],
    "international-cooperation": ["regional cooperation", "a memorandum of cooperation"],
    "capacity-building": ["capacity building for national staff", "national ownership of mine action"],
    "technical-assistance": ["technical assistance", "the supply of demining machines"],
    "training": ["training of deminers", "a course for team leaders"],
    "risk-education": ["risk education in schools", "safety messages for returning families"],
    "victim-assistance": ["assistance to survivors", "rehabilitation and prosthetics"],
    "information-management": ["information management systems", "sharing survey data"],
    "mine-risk-management": ["quality management standards", "gender and diversity in mine action"],
    "innovation-technology": ["new detection technology", "mine detection dogs"],
    "stockpile-destruction": ["the destruction of stockpiled mines"],
    "advocacy": ["the mine-ban convention", "attention to the mine problem"],
}
OTHER_SUBJECTS = ["cooperation in mine action"]


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def insert_rows(model: type[models.Model], columns: list[str], rows: list[tuple], raw=None) -> None:
    """Write ``rows`` (tuples in ``columns`` order, ids included) straight into the model's table.

    ``raw`` is the connection's own psycopg connection, for a thread other than its owner's.
    """
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    if connection.vendor == "postgresql":
        with (
            (raw or connection.connection).cursor() as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        placeholders = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)


class BatchWriter:
    """Writes batches of rows in order; on PostgreSQL in a second thread, so the next batch is made
    while the database takes this one (one batch in flight at most)."""

    def __init__(self):
        threaded = connection.vendor == "postgresql"
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=1) if threaded else None
        self.pending: concurrent.futures.Future | None = None
        self.waited = 0.0  # seconds the making of rows stood waiting for the database

    def write(self, batch: Batch) -> None:
        if self.pool is None:
            started = time.monotonic()
            batch.write()
            self.waited += time.monotonic() - started
            return
        self.wait()
        self.pending = self.pool.submit(batch.write, connection.connection)

    def wait(self) -> None:
        if self.pending is not None:
            started = time.monotonic()
            self.pending.result()  # raises what the write raised
            self.pending = None
            self.waited += time.monotonic() - started

    def close(self) -> None:
        self.wait()
        if self.pool is not None:
            self.pool.shutdown()


class Chooser:
    """Draws from ``values`` with the given relative weights (a prepared cumulative sum)."""

    def __init__(self, values: list, weights: list[float]):
        self.values = values
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random):
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.total)]


def zipf(count: int, exponent: float) -> list[float]:
    """Weights of a Zipf-like long tail: the n-th is 1 / n ** exponent."""
    return [1 / (rank + 1) ** exponent for rank in range(count)]


def place_weights() -> dict[str, float]:
    """Every country's weight as the place of a meeting (see the module docstring)."""
    weights = {code: float(weight) for code, weight in AFFECTED.items()}
    for code, weight in DONORS.items():
        weights[code] = weights.get(code, 0) + weight * DONOR_PLACE_SHARE
    rest = sorted(code for code, _ in all_countries if code not in weights)
    listed = sum(weights.values())
    for code in rest:
        weights[code] = listed * TAIL_SHARE / (1 - TAIL_SHARE) / len(rest)
    return weights


class Command(BaseCommand):
    help = "Generate N synthetic published meetings, marked as synthetic, for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--meetings", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--organisations", type=int, default=2_000)
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument(
            "--draft-share", type=float, default=0.0, help="Share of meetings left as drafts."
        )
        parser.add_argument(
            "--force", action="store_true", help="Add synthetic data even where real published records exist."
        )

    def handle(self, *args, **options):
        if options["meetings"] < 1 or options["organisations"] < 10 or options["people"] < 8:
            raise CommandError("Ask for at least 1 meeting, 10 organisations and 8 people.")
        real = Meeting.objects.published().exclude(sources__publisher=SYNTHETIC_PUBLISHER)
        if real.exists() and not options["force"]:
            raise CommandError(
                f"This database holds {real.count()} real published meetings; synthetic data would mix with "
                "them. Use an empty database, or --force if you are sure."
            )
        self.prefix = f"syn-{options['seed']}-"
        if Meeting.objects.filter(slug__startswith=self.prefix).exists():
            raise CommandError(
                f"Synthetic data for seed {options['seed']} is already here; use another seed."
            )
        self.random = random.Random(options["seed"])
        # Drawn apart, so that the rest of the data stays what it was before meetings had modes.
        self.modes = random.Random(f"modes-{options['seed']}")
        self.now = timezone.now()
        started = time.monotonic()
        self.verbosity = options["verbosity"]
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Check each batch's foreign keys as it is written, alongside the making of the next,
                # rather than all at once at the commit.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.meeting_ids: list[int] = []
            bulk = connection.vendor == "postgresql" and options["meetings"] >= Meeting.objects.count()
            if bulk:
                # Meetings deleted without a recount may have left their ids' rows: take those back
                # first, so that the new meetings with those ids are counted from nothing.
                PairedMeeting.objects.recount(
                    PairedMeeting.objects.filter(meeting_id__gte=next_id(Meeting)).values_list(
                        "meeting_id", flat=True
                    )
                )
                with self.phase("foreign keys and secondary indexes dropped"):
                    dropped = self.drop_for_load()
            self.generate(options)
            with self.phase("countries taking part, pair counts, change log"):
                if bulk:
                    self.derive_in_sql(self.meeting_ids[0], self.meeting_ids[-1])
                else:
                    MeetingCountry.objects.rebuild(self.meeting_ids)
            if bulk:
                phase = self.phase("secondary indexes built and foreign keys checked again")
                with phase, connection.cursor() as cursor:
                    for statement in dropped:
                        with self.phase(statement[:70], verbosity=3):
                            cursor.execute(statement)
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(
                    no_style(),
                    [
                        Organisation,
                        OrganisationName,
                        Person,
                        Position,
                        Delegation,
                        Meeting,
                        Source,
                        MeetingOrganisation,
                        Participation,
                    ],
                ):
                    cursor.execute(statement)
            # The rows bypassed the ORM's signals: make cached counts stale by hand.
            versions.data_changed()
            committing = time.monotonic()
        self.took("commit", committing)
        # Fresh statistics, so the query planner knows the tables' new sizes at once.
        with self.phase("statistics (ANALYZE)"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"Generated {options['meetings']} synthetic meetings in {time.monotonic() - started:.1f} s "
            f"(seed {options['seed']})."
        )

    def drop_for_load(self) -> list[str]:
        """Drop the loaded tables' foreign keys and the indexes that check no rule; return the SQL
        that adds them back.

        On PostgreSQL the drops are part of the run's transaction, so a failed
        run rolls them back with the rows; until the commit, readers of these
        tables wait. Adding a foreign key checks every row in one join, and
        building an index sorts all its entries once: both much cheaper than
        checking or indexing each row as it comes, above all for the search
        index (GIN). Unique indexes, check constraints and triggers stay, but for
        the trigger that keeps each meeting's search lexemes (migration 0024) and
        their table's primary key: fifty entries a meeting, inserted in random
        order. derive_in_sql() writes the lexemes in one statement and the key is
        built again (at 100 000 meetings the lexemes take 23 s instead of 39).
        """
        with connection.cursor() as cursor:
            cursor.execute(FOREIGN_KEYS_SQL, [LOADED_TABLES])
            keys = cursor.fetchall()
            cursor.execute(SECONDARY_INDEXES_SQL, [LOADED_TABLES])
            indexes = cursor.fetchall()
            for table, name, _ in keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {name}")
            cursor.execute(f"ALTER TABLE events_meeting DISABLE TRIGGER {LEXEMES_TRIGGER}")
            cursor.execute(f"ALTER TABLE events_searchlexeme DROP CONSTRAINT {LEXEMES_KEY}")
            # For the builds at the end: room to sort an index's entries in memory.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        return [
            f"ALTER TABLE events_meeting ENABLE TRIGGER {LEXEMES_TRIGGER}",
            f"ALTER TABLE events_searchlexeme ADD CONSTRAINT {LEXEMES_KEY} PRIMARY KEY (lexeme, meeting_id)",
            *(definition for _, definition in indexes),
            *(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}" for table, name, definition in keys),
        ]

    def derive_in_sql(self, first: int, last: int) -> None:
        """On PostgreSQL, the rows derived from the meetings ``first`` to ``last``, a statement each.

        The countries taking part, what each meeting adds to the pair counts,
        the counts themselves and the change log: what MeetingCountry.rebuild()
        gives these meetings, but without reading them into Python a thousand at
        a time. Only for meetings never counted before (ids new to the database).
        """
        with connection.cursor() as cursor:

            def run(step: str, sql: str, params: list | None = None) -> None:
                with self.phase(step, verbosity=3):
                    cursor.execute(sql, params)

            run("room to sort and hash in memory", "SET LOCAL work_mem = '256MB'")
            # The planner knows nothing yet of the rows just written.
            run("statistics of the loaded tables", f"ANALYZE {', '.join(LOADED_TABLES)}")
            run("countries taking part", COUNTRIES_TAKING_PART_SQL, [first, last] * 5)
            run("their statistics", "ANALYZE events_meetingcountry")
            for table, sql in (
                ("new_organisations", ORGANISATIONS_SQL),
                ("new_countries", COUNTRIES_SQL),
            ):
                run(
                    f"the new meetings' members ({table})",
                    f"CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS "
                    f"SELECT DISTINCT * FROM ({sql.format(ids=NEW_MEETINGS)}) found",
                    [first, last],
                )
            run("what each meeting adds to the pair counts", PAIRED_MEETINGS_SQL)
            # Other writers change the counts under the same lock (events.models.pairs).
            run("the pair counts' lock", "SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            for model, member, members in (
                (OrganisationPair, "organisation_id", "new_organisations"),
                (CountryPair, "country", "new_countries"),
            ):
                run(
                    f"counts of {model._meta.verbose_name_plural}",
                    ADD_PAIRS_SQL.format(table=model._meta.db_table, member=member, members=members),
                )
            # Gone at the commit anyway; dropped now for a run inside a longer transaction (a test's).
            cursor.execute("DROP TABLE new_organisations, new_countries")
            run(
                "search lexemes",
                "INSERT INTO events_searchlexeme (lexeme, meeting_id) SELECT lexeme, id "
                f"FROM events_meeting, unnest(tsvector_to_array({SEARCH_VECTOR})) AS lexeme "
                "WHERE id BETWEEN %s AND %s AND status = 'published'",
                [first, last],
            )
            # As versions.meetings_changed() logs them: the version's row first, then the ids.
            versions.data_changed()
            run(
                "the change log",
                f"INSERT INTO {versions.CHANGES_TABLE} (meeting_id) SELECT id FROM events_meeting "
                "WHERE id BETWEEN %s AND %s AND status = 'published' ORDER BY id",
                [first, last],
            )

    @contextlib.contextmanager
    def phase(self, name: str, verbosity: int = 2):
        """Time one phase of the run: at ``verbosity`` or more, say how long it took."""
        started = time.monotonic()
        yield
        self.took(name, started, verbosity)

    def took(self, name: str, started: float, verbosity: int = 2) -> None:
        if self.verbosity >= verbosity:
            self.stdout.write(f"{'  ' * (verbosity - 1)}{name}: {time.monotonic() - started:.1f} s")

    def word(self, syllables: int) -> str:
        return "".join(self.random.choice(SYLLABLES) for _ in range(syllables)).capitalize()

    def generate(self, options) -> None:
        self.stamp = connection.ops.adapt_datetimefield_value(self.now)
        self.topics = self.ranked_topics()
        with self.phase("organisations and people"):
            self.make_organisations(options["organisations"])
            self.make_people(options["people"])
        with self.phase("meetings and their links, made and copied in"):
            self.make_meetings(options["meetings"], options["draft_share"])

    def ranked_topics(self) -> list[tuple[int, str, str]]:
        """(id, slug, name) of every topic, most common first."""
        topics = {
            slug: (pk, slug, name) for pk, slug, name in Topic.objects.values_list("pk", "slug", "name")
        }
        if not topics:
            raise CommandError("No topics: run the migrations first.")
        order = [slug for slug in TOPIC_ORDER if slug in topics] + sorted(set(topics) - set(TOPIC_ORDER))
        return [topics[slug] for slug in order]

    def make_organisations(self, count: int) -> None:
        """Organisations in the affected, donor and other countries, plus international agencies.

        Each country gets a share of the organisations in proportion to its
        weight; each organisation a rank in one long tail of activity.
        """
        rng = self.random
        places = place_weights()
        weights = {code: AFFECTED.get(code, 0) + DONORS.get(code, 0) + places[code] for code in places}
        international = max(3, round(count * INTERNATIONAL_SHARE))
        # Shares in proportion to the weights, rounded by largest remainder.
        total = sum(weights.values())
        quota = {code: (count - international) * weights[code] / total for code in places}
        per_country = {code: int(quota[code]) for code in places}
        left = count - international - sum(per_country.values())
        for code in sorted(places, key=lambda code: (int(quota[code]) - quota[code], code))[:left]:
            per_country[code] += 1

        specs = []  # (country, suffix, kind, prominence)
        for number in range(international):
            suffix, kind = INTERNATIONAL_TYPES[number % len(INTERNATIONAL_TYPES)]
            specs.append(("", suffix, kind, INTERNATIONAL_PROMINENCE / (1 + number)))
        for code in sorted(per_country):
            types = AFFECTED_TYPES if code in AFFECTED else DONOR_TYPES if code in DONORS else OTHER_TYPES
            for index in range(per_country[code]):
                suffix, kind = types[index % len(types)]
                lead = LEAD_BODY_PROMINENCE if index == 0 else 1 / index
                specs.append((code, suffix, kind, weights[code] * lead))
        # The long tail of activity: rank by prominence with some noise.
        noisy = [(spec[3] * rng.lognormvariate(0, 0.5), index) for index, spec in enumerate(specs)]
        ranked = [index for _, index in sorted(noisy, key=lambda item: (-item[0], item[1]))]
        activity = dict(zip(ranked, zipf(len(specs), ORGANISATION_SKEW), strict=True))

        first = next_id(Organisation)
        self.organisations = []  # (id, acronym, name, country)
        rows = []
        for number, (country, suffix, kind, _prominence) in enumerate(specs):
            name = f"{self.word(2)} {suffix} {number}"
            acronym = ("".join(part[0] for part in name.split()[:4]).upper() + str(number))[:30]
            pk = first + number
            self.organisations.append((pk, acronym, name, country))
            rows.append(
                (
                    pk,
                    self.stamp,
                    self.stamp,
                    name,
                    acronym,
                    f"{self.prefix}org-{number}",
                    kind,
                    country,
                    None,
                    "",
                    "Synthetic organisation for benchmarks.",
                )
            )
        insert_rows(
            Organisation,
            [
                "id",
                "created_at",
                "updated_at",
                "name",
                "acronym",
                "slug",
                "kind",
                "country",
                "parent_id",
                "website",
                "description",
            ],
            rows,
        )
        first_name = next_id(OrganisationName)
        insert_rows(
            OrganisationName,
            ["id", "organisation_id", "name", "kind"],
            [
                (first_name + index, org[0], f"{org[2]} (former name)", "former")
                for index, org in enumerate(self.organisations[::5])
            ],
        )
        weight_of = [activity[index] for index in range(len(specs))]
        self.any_organisation = Chooser(self.organisations, weight_of)
        by_country: dict[str, list[int]] = {}
        for index, org in enumerate(self.organisations):
            by_country.setdefault(org[3], []).append(index)
        # A country's hosts: its lead body most often, but not nearly always.
        self.organisation_in = {
            code: Chooser([self.organisations[i] for i in members], [weight_of[i] ** 0.5 for i in members])
            for code, members in by_country.items()
            if code
        }
        self.place = Chooser(sorted(places), [places[code] for code in sorted(places)])
        # Staff grow more slowly than activity: the busiest agency is not a tenth of everyone.
        self.staffing = Chooser(self.organisations, [weight**0.5 for weight in weight_of])

    def make_people(self, count: int) -> None:
        """People, each working for one organisation (busier ones employ more) with one position."""
        rng = self.random
        first = next_id(Person)
        people = [(first + number, f"{self.word(2)} {self.word(3)}") for number in range(count)]
        insert_rows(
            Person,
            ["id", "created_at", "updated_at", "name", "slug", "honorific"],
            [(pk, self.stamp, self.stamp, name, f"{self.prefix}person-{pk}", "") for pk, name in people],
        )
        self.staff: dict[int, list[tuple[int, str, str]]] = {}  # organisation: (person, name, title)
        positions = []
        first_position = next_id(Position)
        for index, (pk, name) in enumerate(people):
            employer = self.staffing(rng)[0]
            title = rng.choice(TITLES)
            self.staff.setdefault(employer, []).append((pk, name, title))
            positions.append((first_position + index, pk, employer, title, None, None))
        insert_rows(
            Position, ["id", "person_id", "organisation_id", "title", "start_date", "end_date"], positions
        )

    def meeting_day(self, country: str) -> datetime.date:
        """A day from FIRST_DAY to LAST_DAY, later years busier; in Ukraine, mostly since March 2022."""
        rng = self.random
        first = FIRST_DAY
        if country == "UA" and rng.random() < 0.8:
            first = datetime.date(2022, 3, 1)
            share = rng.random()
        else:
            # A density growing linearly to five times its start: the inverse of its distribution.
            share = (-1 + (1 + 24 * rng.random()) ** 0.5) / 4
        return first + datetime.timedelta(days=int(share * (LAST_DAY - first).days))

    def make_meetings(self, total: int, draft_share: float) -> None:
        rng, prefix, stamp = self.random, self.prefix, self.stamp
        day = connection.ops.adapt_datefield_value
        topic_chooser = Chooser(self.topics, zipf(len(self.topics), TOPIC_SKEW))
        training = next((topic for topic in self.topics if topic[1] == "training"), None)
        # Looked up once: a name's lookup goes through the translation machinery each time.
        country_names = {code: str(name) for code, name in all_countries}
        batch, writer = Batch(), BatchWriter()
        ids = {
            "meeting": next_id(Meeting),
            "delegation": next_id(Delegation),
            "source": next_id(Source),
            "role": next_id(MeetingOrganisation),
            "participation": next_id(Participation),
        }
        made = 0
        while made < total:
            # A trip of 1 to 5 meetings two days apart, or a meeting on its own.
            on_trip = rng.random() < 0.4
            stops = min(rng.randint(1, 5) if on_trip else 1, total - made)
            destinations = [self.place(rng) for _ in range(stops)]
            start = self.meeting_day(destinations[0])
            visitor = self.any_organisation(rng)
            trip = None
            if on_trip:
                trip = ids["delegation"]
                ids["delegation"] += 1
                end = start + datetime.timedelta(days=2 * (stops - 1))
                batch.delegations.append(
                    (
                        trip,
                        stamp,
                        stamp,
                        f"{visitor[1]} delegation trip {trip}",
                        f"{prefix}trip-{trip}",
                        visitor[3],
                        ",".join(sorted(set(destinations))),
                        day(start),
                        day(end),
                        "Synthetic trip for benchmarks.",
                        Status.PUBLISHED,
                    )
                )
                batch.senders.append((trip, visitor[0]))
            for stop, country in enumerate(destinations):
                meeting_id = ids["meeting"]
                when = start + datetime.timedelta(days=2 * stop)
                host = self.organisation_in.get(country, self.any_organisation)(rng)
                if host[0] == visitor[0]:
                    host = self.any_organisation(rng)
                chosen = {host[0]: ("host", host)}
                chosen.setdefault(visitor[0], ("delegation", visitor))
                for _ in range(min(rng.randint(0, 5), rng.randint(0, 5))):
                    other = self.any_organisation(rng)
                    chosen.setdefault(other[0], (rng.choice(OTHER_ROLES), other))
                orgs = list(chosen.values())
                kind = rng.choice(KINDS)
                topics = dict.fromkeys(topic_chooser(rng) for _ in range(rng.randint(1, 3)))
                if kind == "training" and training:
                    topics = {training: None, **topics}
                main_topic = next(iter(topics))
                subject = rng.choice(SUBJECTS.get(main_topic[1], OTHER_SUBJECTS))
                names = ", ".join(org[1] for _, org in orgs)
                summary = (
                    f"Representatives of {names} {rng.choice(VERBS)} {subject}. The meeting also "
                    f"covered {rng.choice(rng.choice(list(SUBJECTS.values())))}, and the participants "
                    f"agreed to stay in contact. This is a synthetic record generated for benchmarks."
                )
                precision = "day" if on_trip else rng.choice(PRECISIONS)
                if precision == DatePrecision.MONTH:
                    when = when.replace(day=1)
                elif precision == DatePrecision.YEAR:
                    when = when.replace(month=1, day=1)
                lasts = precision == "day" and not on_trip and rng.random() < 0.15
                end_date = when + datetime.timedelta(days=rng.randint(1, 3)) if lasts else None
                title = f"{host[1]} and {visitor[1] if visitor != host else 'partners'} on {subject}"
                # The people: up to two of each organisation's staff, eight at most.
                attendees: list[tuple] = []
                for role, org in orgs:
                    staff = self.staff.get(org[0], [])
                    for person in rng.sample(staff, min(len(staff), rng.randint(0, 2))):
                        if len(attendees) < 8:
                            attendees.append((person, org[0], PEOPLE_ROLE.get(role, "participant")))
                venue = self.word(2)
                document = "\n".join(
                    dict.fromkeys(
                        [title, summary, venue]
                        + ([country_names[country]] if country else [])
                        + ([f"{visitor[1]} delegation trip {trip}"] if trip else [])
                        + [topic[2] for topic in topics]
                        + [part for _, org in orgs for part in (org[2], org[1])]
                        + [person[1] for person, _, _ in attendees]
                    )
                )
                status = Status.DRAFT if rng.random() < draft_share else Status.PUBLISHED
                # A few meetings are held by video link: no venue, the two sides' countries stated.
                online = not on_trip and self.modes.random() < ONLINE_SHARE
                stated = sorted({country, visitor[3]} - {""}) if online else []
                visiting = visitor[3] if not on_trip and visitor[3] != country else ""
                batch.meetings.append(
                    (
                        meeting_id,
                        stamp,
                        stamp,
                        title,
                        f"{prefix}meeting-{meeting_id}",
                        kind,
                        day(when),
                        day(end_date),
                        precision,
                        "",
                        "online" if online else "in_person",
                        "" if online else country,
                        visiting,
                        ",".join(stated),
                        "" if online else venue,
                        trip,
                        summary,
                        None,
                        "",
                        status,
                        document,
                    )
                )
                self.meeting_ids.append(meeting_id)
                batch.sources.append(
                    (
                        ids["source"],
                        stamp,
                        stamp,
                        f"https://synthetic.invalid/{prefix}{meeting_id}",
                        f"Synthetic report {meeting_id}",
                        SYNTHETIC_PUBLISHER,
                        "",
                        "",
                        "en",
                        day(when),
                        "day",
                        None,
                        "Generated for benchmarks; not a real report.",
                    )
                )
                batch.meeting_sources.append((meeting_id, ids["source"]))
                for role, org in orgs:
                    batch.roles.append((ids["role"], meeting_id, org[0], role, ROLE_ORDER[role]))
                    ids["role"] += 1
                for order, ((person_id, name, title_held), org_id, role) in enumerate(attendees):
                    if order == 0 and role == "delegation_member":
                        role = "head_of_delegation"
                    batch.participations.append(
                        (ids["participation"], meeting_id, name, person_id, org_id, title_held, role, order)
                    )
                    ids["participation"] += 1
                batch.topic_links += [(meeting_id, topic[0]) for topic in topics]
                ids["meeting"] += 1
                ids["source"] += 1
                made += 1
            # A trip's meetings go in the same batch as the trip: the database checks their dates.
            if len(batch.meetings) >= BATCH:
                writer.write(batch)
                batch = Batch()
        writer.write(batch)
        writer.close()
        if self.verbosity >= 2:
            self.stdout.write(f"  (of which waiting for the database to take rows: {writer.waited:.1f} s)")


class Batch:
    """The rows of a batch of meetings, written together."""

    def __init__(self):
        self.delegations, self.senders, self.meetings, self.sources = [], [], [], []
        self.meeting_sources, self.roles, self.participations, self.topic_links = [], [], [], []

    def write(self, raw=None) -> None:
        insert_rows(
            Delegation,
            [
                "id",
                "created_at",
                "updated_at",
                "title",
                "slug",
                "sending_country",
                "destination_countries",
                "start_date",
                "end_date",
                "purpose",
                "status",
            ],
            self.delegations,
            raw,
        )
        insert_rows(
            Delegation.sending_organisations.through, ["delegation_id", "organisation_id"], self.senders, raw
        )
        insert_rows(
            Meeting,
            [
                "id",
                "created_at",
                "updated_at",
                "title",
                "slug",
                "kind",
                "start_date",
                "end_date",
                "date_precision",
                "date_as_reported",
                "mode",
                "country",
                "visiting_country",
                "stated_countries",
                "venue",
                "delegation_id",
                "summary",
                "follow_up_of_id",
                "editorial_note",
                "status",
                "search_document",
            ],
            self.meetings,
            raw,
        )
        insert_rows(
            Source,
            [
                "id",
                "created_at",
                "updated_at",
                "url",
                "title",
                "publisher",
                "republished_by",
                "author",
                "language",
                "published_on",
                "published_precision",
                "accessed_on",
                "note",
            ],
            self.sources,
            raw,
        )
        insert_rows(Meeting.sources.through, ["meeting_id", "source_id"], self.meeting_sources, raw)
        insert_rows(
            MeetingOrganisation,
            ["id", "meeting_id", "organisation_id", "role", "role_order"],
            self.roles,
            raw,
        )
        insert_rows(
            Participation,
            [
                "id",
                "meeting_id",
                "name_as_written",
                "person_id",
                "organisation_id",
                "title_as_stated",
                "role",
                "order",
            ],
            self.participations,
            raw,
        )
        insert_rows(Meeting.topics.through, ["meeting_id", "topic_id"], self.topic_links, raw)
