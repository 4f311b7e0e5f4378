"""Load the demo records: the seed meeting and the real events of events/demo/.

Idempotent and careful: a record that already exists (matched by slug, or by
URL for sources) is left exactly as it is, so running it again never
overwrites an editor's corrections.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events.models import (
    City,
    Delegation,
    Meeting,
    Organisation,
    OutcomeStatusChange,
    Person,
    Source,
    Status,
    Topic,
)
from events.models.places import load_cities

DEMO_DATA = Path(__file__).resolve().parents[2] / "demo" / "demo_data.json"


class Command(BaseCommand):
    help = "Load the demo data (real, sourced events). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=DEMO_DATA)

    def handle(self, *args, path: Path, **options):
        data = json.loads(path.read_text(encoding="utf-8"))
        self.created: dict[str, int] = {}
        # Meetings this run created: only those get their follow-up link and search text here.
        self.new_meetings: set[str] = set()
        # What became of each new outcome: recorded once every meeting it may cite exists.
        self.later_steps: list[tuple] = []
        with transaction.atomic():
            topics = {t["slug"]: self.topic(t) for t in data["topics"]}
            self.link_parents(Topic, data["topics"], topics)
            organisations = {o["slug"]: self.organisation(o) for o in data["organisations"]}
            self.link_parents(Organisation, data["organisations"], organisations)
            people = {p["slug"]: self.person(p, organisations) for p in data["people"]}
            sources = {s["url"]: self.source(s) for s in data["sources"]}
            delegations = {
                d["slug"]: self.delegation(d, organisations, people, sources) for d in data["delegations"]
            }
            meetings = {}
            for record in data["meetings"]:
                meetings[record["slug"]] = self.meeting(
                    record, organisations, people, sources, delegations, topics
                )
            for record in data["meetings"]:
                follows = record.get("follow_up_of")
                meeting = meetings[record["slug"]]
                if follows and meeting.follow_up_of_id is None and meeting.slug in self.new_meetings:
                    meeting.follow_up_of = meetings[follows]
                    meeting.save(update_fields=["follow_up_of"])
            for outcome, step in self.later_steps:
                OutcomeStatusChange.objects.create(
                    outcome=outcome,
                    status=step["status"],
                    date=step["date"],
                    date_precision=step.get("date_precision", "day"),
                    note=step.get("note", ""),
                    meeting=meetings.get(step.get("meeting")),
                    source=sources.get(step.get("source")),
                )
            for slug, meeting in meetings.items():
                if slug in self.new_meetings:
                    meeting.refresh_search_document()
        summary = ", ".join(f"{count} {name}" for name, count in self.created.items() if count) or "nothing"
        total = Meeting.objects.published().count()
        self.stdout.write(f"Demo data: created {summary}; {total} published meetings in the database.")

    def count(self, name: str, created: bool) -> None:
        self.created[name] = self.created.get(name, 0) + int(created)

    def topic(self, record: dict) -> Topic:
        topic, created = Topic.objects.get_or_create(
            slug=record["slug"],
            defaults={
                "name": record["name"],
                "description": record["description"],
                "keywords": "\n".join(record["keywords"]),
            },
        )
        self.count("topics", created)
        return topic

    def link_parents(self, model, records: list[dict], objects: dict) -> None:
        for record in records:
            obj = objects[record["slug"]]
            if record.get("parent") and obj.parent_id is None:
                obj.parent = objects[record["parent"]]
                obj.save(update_fields=["parent"])

    def organisation(self, record: dict) -> Organisation:
        organisation, created = Organisation.objects.get_or_create(
            slug=record["slug"],
            defaults={
                key: record[key] for key in ("name", "acronym", "kind", "country", "website", "description")
            },
        )
        if created:
            for other in record["other_names"]:
                organisation.other_names.get_or_create(name=other["name"], defaults={"kind": other["kind"]})
        self.count("organisations", created)
        return organisation

    def person(self, record: dict, organisations: dict) -> Person:
        person, created = Person.objects.get_or_create(
            slug=record["slug"], defaults={"name": record["name"], "honorific": record["honorific"]}
        )
        if created:
            for other in record["other_names"]:
                person.other_names.get_or_create(name=other["name"], defaults={"kind": other["kind"]})
            for position in record["positions"]:
                person.positions.create(
                    organisation=organisations.get(position["organisation"]),
                    title=position["title"],
                    start_date=position["start_date"],
                    end_date=position["end_date"],
                )
        self.count("people", created)
        return person

    def source(self, record: dict) -> Source:
        fields = ("title", "publisher", "republished_by", "author", "language", "published_on")
        defaults = {key: record[key] for key in fields}
        defaults["published_precision"] = record["published_precision"]
        defaults["note"] = record["note"]
        source, created = Source.objects.get_or_create(url=record["url"], defaults=defaults)
        self.count("sources", created)
        return source

    def delegation(self, record: dict, organisations: dict, people: dict, sources: dict) -> Delegation:
        delegation, created = Delegation.objects.get_or_create(
            slug=record["slug"],
            defaults={
                "title": record["title"],
                "sending_country": record["sending_country"],
                "head": people.get(record["head"]),
                "destination_countries": record["destination_countries"],
                "start_date": record["start_date"],
                "end_date": record["end_date"],
                "purpose": record["purpose"],
                "status": Status.PUBLISHED,
            },
        )
        if created:
            delegation.sending_organisations.set(
                organisations[slug] for slug in record["sending_organisations"]
            )
            delegation.members.set(people[slug] for slug in record["members"])
            delegation.sources.set(sources[url] for url in record["sources"])
        self.count("delegations", created)
        return delegation

    def city(self, record: dict) -> City | None:
        """The gazetteer's city of a demo meeting (loaded first if the table is empty)."""
        if not record.get("city"):
            return None
        if not City.objects.exists():
            load_cities(City)
        city = City.objects.named(record["city"], record["country"])
        if city is None:
            raise CommandError(f"{record['slug']}: no city “{record['city']}” in {record['country']}.")
        return city

    def meeting(self, record, organisations, people, sources, delegations, topics) -> Meeting:
        fields = ("title", "kind", "start_date", "end_date", "date_precision", "date_as_reported")
        defaults = {key: record[key] for key in fields}
        defaults.update(
            mode=record.get("mode", "in_person"),
            country=record["country"],
            city=self.city(record),
            venue=record.get("venue", ""),
            visiting_country=record.get("visiting_country", ""),
            stated_countries=record.get("stated_countries", []),
            delegation=delegations.get(record["delegation"]),
            summary=record["summary"],
            editorial_note=record["editorial_note"],
            status=Status.PUBLISHED,
        )
        meeting, created = Meeting.objects.get_or_create(slug=record["slug"], defaults=defaults)
        if created:
            self.new_meetings.add(meeting.slug)
            for link in record["organisations"]:
                meeting.organisation_roles.create(
                    organisation=organisations[link["organisation"]], role=link["role"]
                )
            for order, participant in enumerate(record["participants"]):
                meeting.participations.create(
                    name_as_written=participant["name_as_written"],
                    person=people.get(participant["person"]),
                    organisation=organisations.get(participant["organisation"]),
                    title_as_stated=participant["title_as_stated"],
                    role=participant["role"],
                    order=order,
                )
            for item in record["outcomes"]:
                outcome = meeting.outcomes.create(
                    kind=item["kind"],
                    text=item["text"],
                    date=item.get("date"),
                    date_precision=item.get("date_precision", "day"),
                    country=item.get("country", ""),
                    status_at_meeting=item.get("status_at_meeting", "agreed"),
                )
                outcome.parties.set(organisations[slug] for slug in item["parties"])
                self.later_steps += [(outcome, step) for step in item.get("status_changes", [])]
            meeting.topics.set(topics[slug] for slug in record["topics"])
            meeting.sources.set(sources[url] for url in record["sources"])
        self.count("meetings", created)
        return meeting
