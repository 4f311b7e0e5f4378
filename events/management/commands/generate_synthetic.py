"""Generate a large, realistic, clearly marked synthetic data set for benchmarks.

Every synthetic meeting cites a source whose publisher is "Synthetic data",
and every synthetic slug starts with ``syn-``, so no synthetic record can be
mistaken for a real one. The command refuses to add to a database that holds
real published records unless told ``--force``. The same ``--seed`` always
gives the same data.

Speed: rows are built as plain tuples with their ids assigned here and
written with one ``executemany`` per table (``COPY`` on PostgreSQL), skipping
model instances, which would cost most of the time at 100 000 meetings. The
database's rules (constraints and triggers) still check every row.
"""

from __future__ import annotations

import datetime
import itertools
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django_countries import countries as all_countries

from events.models import (
    DatePrecision,
    Delegation,
    Meeting,
    MeetingOrganisation,
    Organisation,
    OrganisationName,
    Participation,
    Person,
    Position,
    Source,
    Status,
    Topic,
)
from events.versions import data_changed

SYNTHETIC_PUBLISHER = "Synthetic data"
FIRST_DAY = datetime.date(2000, 1, 1)
DAYS = 25 * 365

SYLLABLES = [consonant + vowel for consonant in "bdfgklmnprstvz" for vowel in "aeiou"]
ORGANISATION_TYPES = [
    ("Mine Action Centre", Organisation.Kind.NATIONAL_AUTHORITY),
    ("National Mine Action Authority", Organisation.Kind.NATIONAL_AUTHORITY),
    ("Demining Agency", Organisation.Kind.NATIONAL_AUTHORITY),
    ("Humanitarian Demining Foundation", Organisation.Kind.NGO),
    ("Ministry of Foreign Affairs", Organisation.Kind.GOVERNMENT),
    ("Ministry of Defence", Organisation.Kind.GOVERNMENT),
    ("Army Engineering Corps", Organisation.Kind.ARMED_FORCES),
    ("Institute for Explosive Hazard Research", Organisation.Kind.RESEARCH),
    ("Training Centre for Deminers", Organisation.Kind.RESEARCH),
    ("Regional Mine Action Network", Organisation.Kind.REGIONAL),
    ("Relief and Clearance Trust", Organisation.Kind.NGO),
    ("Development Cooperation Office", Organisation.Kind.INTERNATIONAL),
]
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
PARTICIPANT_ROLES = Participation.Role.values
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
SUBJECTS = [
    "joint clearance of border areas",
    "training of deminers",
    "risk education in schools",
    "assistance to survivors",
    "the destruction of stockpiled mines",
    "information management systems",
    "new detection technology",
    "mine detection dogs",
    "quality management standards",
    "funding for survey work",
    "capacity building for national staff",
    "technical assistance",
    "regional cooperation",
    "gender and diversity in mine action",
    "land release procedures",
]


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def insert_rows(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """Write ``rows`` (tuples in ``columns`` order, ids included) straight into the model's table."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)


class Command(BaseCommand):
    help = "Generate N synthetic published meetings, marked as synthetic, for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--meetings", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--organisations", type=int, default=2_000)
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--countries", type=int, default=120)
        parser.add_argument(
            "--draft-share", type=float, default=0.0, help="Share of meetings left as drafts."
        )
        parser.add_argument(
            "--force", action="store_true", help="Add synthetic data even where real published records exist."
        )

    def handle(self, *args, **options):
        if options["meetings"] < 1 or options["organisations"] < 2 or options["people"] < 8:
            raise CommandError("Ask for at least 1 meeting, 2 organisations and 8 people.")
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
        self.cumulative: dict = {}
        self.now = timezone.now()
        started = time.monotonic()
        with transaction.atomic():
            self.generate(options)
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
            data_changed()
        # Fresh statistics, so the query planner knows the tables' new sizes at once.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"Generated {options['meetings']} synthetic meetings in {time.monotonic() - started:.1f} s "
            f"(seed {options['seed']})."
        )

    def word(self, syllables: int) -> str:
        return "".join(self.random.choice(SYLLABLES) for _ in range(syllables)).capitalize()

    def skewed(self, population: list, exponent: float):
        """A value from ``population`` with a Zipf-like skew: the first ones are far more common."""
        key = (id(population), exponent)
        if key not in self.cumulative:
            weights = (1 / (rank + 1) ** exponent for rank in range(len(population)))
            self.cumulative[key] = list(itertools.accumulate(weights))
        return self.random.choices(population, cum_weights=self.cumulative[key])[0]

    def generate(self, options) -> None:
        rng, now, prefix = self.random, self.now, self.prefix
        day = connection.ops.adapt_datefield_value
        stamp = connection.ops.adapt_datetimefield_value(now)
        country_codes = rng.sample(sorted(code for code, _ in all_countries), options["countries"])
        topic_ids = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
        if not topic_ids:
            raise CommandError("No topics: run the migrations first.")
        rng.shuffle(topic_ids)

        # Organisations, with an other name for one in five.
        first = next_id(Organisation)
        organisations = []  # (id, acronym, name, country)
        rows = []
        for number in range(options["organisations"]):
            suffix, kind = rng.choice(ORGANISATION_TYPES)
            name = f"{self.word(2)} {suffix} {number}"
            acronym = ("".join(part[0] for part in name.split()[:4]).upper() + str(number))[:30]
            country = "" if kind == Organisation.Kind.INTERNATIONAL else self.skewed(country_codes, 0.8)
            organisations.append((first + number, acronym, name, country))
            rows.append(
                (
                    first + number,
                    stamp,
                    stamp,
                    name,
                    acronym,
                    f"{prefix}org-{number}",
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
                for index, org in enumerate(organisations[::5])
            ],
        )

        # People, each with one position.
        first = next_id(Person)
        people = [(first + number, f"{self.word(2)} {self.word(3)}") for number in range(options["people"])]
        insert_rows(
            Person,
            ["id", "created_at", "updated_at", "name", "slug", "honorific"],
            [(pk, stamp, stamp, name, f"{prefix}person-{pk}", "") for pk, name in people],
        )
        employer = {pk: rng.choice(organisations)[0] for pk, _ in people}
        first_position = next_id(Position)
        insert_rows(
            Position,
            ["id", "person_id", "organisation_id", "title", "start_date", "end_date"],
            [
                (first_position + index, pk, employer[pk], rng.choice(TITLES), None, None)
                for index, (pk, _) in enumerate(people)
            ],
        )

        meeting_id, delegation_id = next_id(Meeting), next_id(Delegation)
        source_id = next_id(Source)
        role_id, participation_id = next_id(MeetingOrganisation), next_id(Participation)
        meetings, delegations, sources, meeting_sources = [], [], [], []
        roles, participations, topic_links = [], [], []
        total, made = options["meetings"], 0
        while made < total:
            # A trip of 1 to 5 meetings two days apart, or a meeting on its own.
            on_trip = rng.random() < 0.4
            stops = min(rng.randint(1, 5) if on_trip else 1, total - made)
            start = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
            sender = self.skewed(organisations, 0.9)
            trip = None
            if on_trip:
                trip = delegation_id
                delegation_id += 1
                destinations = [self.skewed(country_codes, 0.8) for _ in range(stops)]
                end = start + datetime.timedelta(days=2 * (stops - 1))
                delegations.append(
                    (
                        trip,
                        stamp,
                        stamp,
                        f"{sender[1]} delegation trip {trip}",
                        f"{prefix}trip-{trip}",
                        sender[3],
                        ",".join(sorted(set(destinations))),
                        day(start),
                        day(end),
                        "Synthetic trip for benchmarks.",
                        Status.PUBLISHED,
                    )
                )
            for stop in range(stops):
                when = start + datetime.timedelta(days=2 * stop)
                chosen = {sender[0]: sender}
                for _ in range(rng.randint(0, 5)):
                    other = self.skewed(organisations, 0.9)
                    chosen.setdefault(other[0], other)
                orgs = list(chosen.values())
                country = destinations[stop] if on_trip else (orgs[-1][3] or self.skewed(country_codes, 0.8))
                attendees = rng.sample(people, rng.randint(0, 8))
                topics = dict.fromkeys(self.skewed(topic_ids, 1.3) for _ in range(rng.randint(1, 4)))
                subject = rng.choice(SUBJECTS)
                names = ", ".join(org[1] for org in orgs)
                summary = (
                    f"Representatives of {names} {rng.choice(VERBS)} {subject}. The meeting also "
                    f"covered {rng.choice(SUBJECTS)} and {rng.choice(SUBJECTS)}, and the participants agreed "
                    f"to stay in contact about {rng.choice(SUBJECTS)}. This is a synthetic record generated "
                    "for benchmarks."
                )
                precision = "day" if on_trip else rng.choice(PRECISIONS)
                if precision == DatePrecision.MONTH:
                    when = when.replace(day=1)
                elif precision == DatePrecision.YEAR:
                    when = when.replace(month=1, day=1)
                lasts = precision == "day" and not on_trip and rng.random() < 0.15
                end_date = when + datetime.timedelta(days=rng.randint(1, 3)) if lasts else None
                other_side = orgs[-1][1] if len(orgs) > 1 else "partners"
                title = f"{orgs[0][1]} and {other_side} on {subject}"
                document = "\n".join(
                    [title, summary] + [f"{o[2]}\n{o[1]}" for o in orgs] + [p[1] for p in attendees]
                )
                status = Status.DRAFT if rng.random() < options["draft_share"] else Status.PUBLISHED
                meetings.append(
                    (
                        meeting_id,
                        stamp,
                        stamp,
                        title,
                        f"{prefix}meeting-{meeting_id}",
                        rng.choice(KINDS),
                        day(when),
                        day(end_date),
                        precision,
                        "",
                        country,
                        self.word(2),
                        trip,
                        summary,
                        None,
                        "",
                        status,
                        document,
                    )
                )
                sources.append(
                    (
                        source_id,
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
                meeting_sources.append((meeting_id, source_id))
                for index, org in enumerate(orgs):
                    role = ("host", "delegation")[index] if index < 2 else rng.choice(OTHER_ROLES)
                    roles.append((role_id, meeting_id, org[0], role, ROLE_ORDER[role]))
                    role_id += 1
                for order, (person_id, name) in enumerate(attendees):
                    participations.append(
                        (
                            participation_id,
                            meeting_id,
                            name,
                            person_id,
                            employer[person_id],
                            rng.choice(TITLES),
                            rng.choice(PARTICIPANT_ROLES),
                            order,
                        )
                    )
                    participation_id += 1
                topic_links += [(meeting_id, topic) for topic in topics]
                meeting_id += 1
                source_id += 1
                made += 1

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
            delegations,
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
                "country",
                "city",
                "delegation_id",
                "summary",
                "follow_up_of_id",
                "editorial_note",
                "status",
                "search_document",
            ],
            meetings,
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
            sources,
        )
        insert_rows(Meeting.sources.through, ["meeting_id", "source_id"], meeting_sources)
        insert_rows(MeetingOrganisation, ["id", "meeting_id", "organisation_id", "role", "role_order"], roles)
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
            participations,
        )
        insert_rows(Meeting.topics.through, ["meeting_id", "topic_id"], topic_links)
