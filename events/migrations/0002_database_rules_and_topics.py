"""Rules that span tables, the full-text index, and the topic list.

* Triggers refuse a meeting that lies wholly outside its delegation's trip,
  and a change of trip dates that would leave a meeting outside. They check
  what is certain from the stored dates (a meeting given "on or before" a
  date may lie anywhere before it); ``Meeting.clean`` checks the rest.
* On PostgreSQL, a GIN index over the meeting's search document serves
  the timeline's ``q`` search.
* The mine-action pillars and cross-cutting themes every record is tagged with.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# A row "before" the trip: its latest possible day is before the trip began.
BEFORE_TRIP = (
    "{trip}.start_date IS NOT NULL AND {meeting}.date_precision IN ('day', 'on_or_before') "
    "AND COALESCE({meeting}.end_date, {meeting}.start_date) < {trip}.start_date"
)
# A row "after" the trip: its earliest possible day is after the trip ended.
AFTER_TRIP = (
    "{trip}.end_date IS NOT NULL AND {meeting}.date_precision <> 'on_or_before' "
    "AND {meeting}.start_date > {trip}.end_date"
)


def outside(trip: str, meeting: str) -> str:
    return f"(({BEFORE_TRIP}) OR ({AFTER_TRIP}))".format(trip=trip, meeting=meeting)


MEETING_MESSAGE = (
    "meeting_within_delegation: the dates of the meeting fall outside the trip of its delegation"
)
DELEGATION_MESSAGE = "meeting_within_delegation: the new trip dates would leave one of its meetings outside"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER meeting_within_delegation_{event.lower()}
    BEFORE {event} ON events_meeting
    WHEN NEW.delegation_id IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, '{MEETING_MESSAGE}') FROM events_delegation AS trip
        WHERE trip.id = NEW.delegation_id AND {outside("trip", "NEW")};
    END;
    """
    for event in ("INSERT", "UPDATE")
] + [
    f"""
    CREATE TRIGGER delegation_contains_meetings
    BEFORE UPDATE OF start_date, end_date ON events_delegation
    BEGIN
        SELECT RAISE(ABORT, '{DELEGATION_MESSAGE}') FROM events_meeting AS meeting
        WHERE meeting.delegation_id = NEW.id AND {outside("NEW", "meeting")};
    END;
    """
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS meeting_within_delegation_insert;",
    "DROP TRIGGER IF EXISTS meeting_within_delegation_update;",
    "DROP TRIGGER IF EXISTS delegation_contains_meetings;",
]

POSTGRESQL_FORWARD = [
    f"""
    CREATE FUNCTION events_meeting_within_delegation() RETURNS trigger AS $$
    BEGIN
        IF NEW.delegation_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM events_delegation AS trip
            WHERE trip.id = NEW.delegation_id AND {outside("trip", "NEW")}
        ) THEN
            RAISE EXCEPTION '{MEETING_MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER meeting_within_delegation
    BEFORE INSERT OR UPDATE ON events_meeting
    FOR EACH ROW EXECUTE FUNCTION events_meeting_within_delegation();
    """,
    f"""
    CREATE FUNCTION events_delegation_contains_meetings() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM events_meeting AS meeting
            WHERE meeting.delegation_id = NEW.id AND {outside("NEW", "meeting")}
        ) THEN
            RAISE EXCEPTION '{DELEGATION_MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER delegation_contains_meetings
    BEFORE UPDATE OF start_date, end_date ON events_delegation
    FOR EACH ROW EXECUTE FUNCTION events_delegation_contains_meetings();
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS meeting_within_delegation ON events_meeting;",
    "DROP FUNCTION IF EXISTS events_meeting_within_delegation();",
    "DROP TRIGGER IF EXISTS delegation_contains_meetings ON events_delegation;",
    "DROP FUNCTION IF EXISTS events_delegation_contains_meetings();",
]


def search_index():
    # The meetings queryset's search() (the timeline's q filter) uses exactly this expression.
    return GinIndex(SearchVector("search_document", config="english"), name="meeting_search_gin")


def run_statements(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("events", "Meeting"), search_index())


def remove_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("events", "Meeting"), search_index())


TOPICS = [
    (
        "land-release",
        "Land release and clearance",
        "Survey, clearance and the release of land back to use.",
        "clearance\ndemining\nland release\nsurvey\nmine clearance\ncontaminated land\nde-mining\nbattle area clearance",
    ),
    (
        "risk-education",
        "Explosive ordnance risk education",
        "Teaching people to recognise and avoid explosive hazards.",
        "risk education\nmine risk education\nawareness\neore\nmre\nsafe behaviour",
    ),
    (
        "victim-assistance",
        "Victim assistance",
        "Medical, social and economic support for survivors and their families.",
        "victim assistance\nsurvivors\nvictims\nrehabilitation\nprosthetics\ndisability",
    ),
    (
        "stockpile-destruction",
        "Stockpile destruction",
        "Destroying stored anti-personnel mines and other munitions.",
        "stockpile\nstockpile destruction\nmunitions destruction\nammunition",
    ),
    (
        "advocacy",
        "Advocacy",
        "Raising awareness of the mine problem and promoting the mine-ban norms.",
        "advocacy\nawareness\nconvention\nottawa\nmine ban\nattention to the mine problem",
    ),
    (
        "training",
        "Training",
        "Courses, drills and exchanges that build practical skills.",
        "training\ncourse\ntraining programme\ntraining program\nworkshop\nexchange of experience\nsupervisors",
    ),
    (
        "capacity-building",
        "Capacity building",
        "Strengthening institutions, staff and national ownership.",
        "capacity building\ncapacity development\ninstitutional\nnational ownership\nstrengthening",
    ),
    (
        "technical-assistance",
        "Technical assistance",
        "Expert advice, equipment and consulting between organisations.",
        "technical assistance\ntechnical support\nconsulting\nexpertise\nequipment",
    ),
    (
        "information-management",
        "Information management",
        "Collecting, sharing and using mine-action data.",
        "information management\ndatabase\nimsma\ndata\nmapping",
    ),
    (
        "innovation-technology",
        "Innovation and technology",
        "New methods, tools and technology for demining.",
        "innovation\ninnovative\ntechnology\nnew methods\ndrones\nmachines\nanimal detection\nrats\ndogs",
    ),
    (
        "international-cooperation",
        "International cooperation",
        "Partnerships, agreements and support across borders.",
        "cooperation\npartnership\ninternational support\nmemorandum\nagreement\nbilateral\ndonor",
    ),
    (
        "mine-risk-management",
        "Mine risk management",
        "Managing the risks that mines pose to communities and development.",
        "mine risk management\nrisk management\nmine action\nhumanitarian mine action",
    ),
]


def seed_topics(apps, schema_editor):
    Topic = apps.get_model("events", "Topic")
    for slug, name, description, keywords in TOPICS:
        Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "keywords": keywords}
        )


def unseed_topics(apps, schema_editor):
    Topic = apps.get_model("events", "Topic")
    Topic.objects.filter(slug__in=[slug for slug, *_ in TOPICS], meetings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [
        migrations.RunPython(
            run_statements({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run_statements({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
        migrations.RunPython(add_search_index, remove_search_index),
        migrations.RunPython(seed_topics, unseed_topics),
    ]
