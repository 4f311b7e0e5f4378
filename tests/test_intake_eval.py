"""Drafting from reports the drafter was not written for: field-level precision and recall.

The sets are data in tests/intake_eval/ and tests/intake_heldout/ (see their
READMEs). Every report is drafted against the demo data plus a few known
records; each field of the draft is compared with the expected one, and the
table is printed. The score is the product, so the test of tests/intake_eval/
fails when any main field falls below its floor or when a person named only in
background is drafted as a participant. The held-out set is scored apart and
prints no values, so that nobody tunes the drafter on it.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from anyascii import anyascii
from django.core.management import call_command
from django.db import transaction

from events import intake
from events.models import Organisation, Person

pytestmark = pytest.mark.django_db

EVAL = Path(__file__).resolve().parent / "intake_eval"
HELD_OUT = Path(__file__).resolve().parent / "intake_heldout"
MAIN_FIELDS = ["organisations with roles", "participants with titles", "place", "date with precision", "kind"]
EXTRA_FIELDS = ["city", "participant roles", "topics", "outcomes", "trip", "also mentioned"]
# The targets: precision and recall on every main field of the evaluation set. The held-out
# set is printed beside them but not asserted (it is still below; see docs/editors.md).
TARGET_PRECISION, TARGET_RECALL = 0.95, 0.90
# The floors sit at the targets' precision and above their recall, just under what the whole set
# scores now ("styles 14", kept in the set from its first run, took two fields' recall under 0.95).
FLOORS = dict.fromkeys(MAIN_FIELDS, (0.95, 0.94))


def load_reports(directory: Path = EVAL) -> list[dict]:
    reports = []
    for path in sorted(directory.glob("*.json")):
        if path.name == "known.json":
            continue
        report = json.loads(path.read_text(encoding="utf-8"))
        report["name"] = path.stem
        report["text"] = path.with_suffix(".txt").read_text(encoding="utf-8")
        reports.append(report)
    return reports


def load_known_records(directory: Path = EVAL) -> None:
    """The demo data, and the few records of known.json an editor would have added."""
    call_command("load_demo_data", verbosity=0)
    known = json.loads((directory / "known.json").read_text(encoding="utf-8"))
    for record in known["organisations"]:
        Organisation.objects.create(**record)
    for record in known["people"]:
        position = record.pop("position", None)
        person = Person.objects.create(**record)
        if position:
            person.positions.create(
                organisation=Organisation.objects.get(slug=position["organisation"]), title=position["title"]
            )


# --- Comparing ----------------------------------------------------------------


def fold(text: str) -> str:
    """A name or title compared without case, accents, punctuation or a leading "the"."""
    words = re.findall(r"[a-z0-9]+", anyascii(text or "").casefold())
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def same_organisation(found: dict, expected: dict) -> bool:
    if expected.get("organisation") or found.get("organisation"):
        return found.get("organisation") == expected.get("organisation")
    acronyms = {fold(found.get("acronym", "")), fold(expected.get("acronym", ""))}
    if "" not in acronyms and len(acronyms) == 1:
        return True
    return fold(found.get("new", "")) == fold(expected.get("new", ""))


def same_person(found: dict, expected: dict) -> bool:
    if expected.get("person") and found.get("person"):
        return found["person"] == expected["person"]
    return fold(found["name"]) == fold(expected["name"])


@dataclass
class Score:
    true: int = 0
    false: int = 0  # proposed but wrong
    missed: int = 0  # expected but not proposed (or proposed wrong)

    @property
    def precision(self) -> float:
        proposed = self.true + self.false
        return self.true / proposed if proposed else 1.0

    @property
    def recall(self) -> float:
        expected = self.true + self.missed
        return self.true / expected if expected else 1.0


@dataclass
class Tally:
    fields: dict[str, Score] = field(default_factory=dict)
    background_participants: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # what went wrong, for reading
    failed: set[tuple[str, str]] = field(default_factory=set)  # (report, field), without the values

    def score(self, name: str) -> Score:
        return self.fields.setdefault(name, Score())

    def single(self, name: str, report: str, found, expected) -> None:
        """One value: empty found beats a wrong guess (it only costs recall)."""
        if expected is None:
            return
        score = self.score(name)
        if found and found == expected:
            score.true += 1
            return
        if found:
            score.false += 1
        if expected:
            score.missed += 1
        if found or expected:
            self.wrong.append(f"{report}: {name} {found!r}, expected {expected!r}")
            self.failed.add((report, name))

    def many(self, name: str, report: str, found: list, expected: list, same) -> None:
        score = self.score(name)
        unmatched = list(expected)
        for item in found:
            match = next((e for e in unmatched if same(item, e)), None)
            if match is None:
                score.false += 1
                self.wrong.append(f"{report}: {name} proposed {item}")
                self.failed.add((report, name))
            else:
                score.true += 1
                unmatched.remove(match)
        score.missed += len(unmatched)
        self.wrong += [f"{report}: {name} missed {item}" for item in unmatched]
        if unmatched:
            self.failed.add((report, name))


def score_draft(tally: Tally, name: str, found: dict, expected: dict) -> None:
    tally.single("kind", name, found["kind"], expected["kind"])
    tally.single("place", name, found["country"], expected["country"])
    tally.single("city", name, found["city"], expected["city"])
    date = expected["date"]
    tally.single(
        "date with precision",
        name,
        (found["date"]["start"], found["date"]["end"], found["date"]["precision"]),
        (date["start"], date["end"], date["precision"]),
    )
    tally.many(
        "organisations with roles",
        name,
        found["organisations"],
        expected["organisations"],
        lambda f, e: same_organisation(f, e) and f["role"] == e["role"],
    )
    tally.many(
        "participants with titles",
        name,
        found["participants"],
        expected["participants"],
        lambda f, e: same_person(f, e) and fold(f["title"]) == fold(e["title"]),
    )
    tally.many(
        "participant roles",
        name,
        found["participants"],
        expected["participants"],
        lambda f, e: same_person(f, e) and f["role"] == e["role"],
    )
    tally.many("topics", name, found["topics"], expected["topics"], lambda f, e: f == e)
    tally.many(
        "outcomes",
        name,
        found["outcomes"],
        expected["outcomes"],
        lambda f, e: f["kind"] == e["kind"] and set(f["parties"]) == set(e["parties"]),
    )
    tally.single("trip", name, found["trip"], expected["trip"])
    also = expected["also_mentioned"]
    tally.many(
        "also mentioned",
        name,
        [("person", p) for p in found["also_mentioned"]["people"]]
        + [("organisation", o) for o in found["also_mentioned"]["organisations"]],
        [("person", p) for p in also["people"]] + [("organisation", o) for o in also["organisations"]],
        lambda f, e: f[0] == e[0] and (same_person if f[0] == "person" else same_organisation)(f[1], e[1]),
    )
    for person in also["people"]:
        if any(same_person(p, person) for p in found["participants"]) and not any(
            same_person(person, p) for p in expected["participants"]
        ):
            tally.background_participants.append(f"{name}: {person['name']}")


# --- Drafting -------------------------------------------------------------------


def draft_as_data(report: dict, user) -> dict:
    """Draft the report and read the proposal back as plain data (nothing is kept)."""
    meta = report["article"]
    article = intake.Article(
        url=meta["url"],
        publisher=meta["publisher"],
        republished_by=meta["republished_by"],
        published_on=datetime.date.fromisoformat(meta["published_on"]),
        title=meta["title"],
        language=meta["language"],
        text=report["text"],
    )
    with transaction.atomic():
        draft = intake.draft_meeting(article, user)
        proposal = draft.proposal
        meeting = draft.meeting
        trip = None
        if draft.delegation is not None:
            trip = (
                {"link": draft.delegation.slug}
                if draft.delegation_existed
                else {"new": draft.delegation.sending_country.code}
            )

        def organisation(finding) -> dict:
            if finding.organisation is not None:
                return {"organisation": finding.organisation.slug, "role": finding.role}
            return {"new": finding.new.name, "acronym": finding.new.acronym, "role": finding.role}

        def person(finding) -> dict:
            return {"person": finding.person.slug if finding.person else None, "name": finding.name}

        slugs = {
            f.key: f.organisation.slug
            for f in proposal.organisations + proposal.also_mentioned_organisations
            if f.organisation
        }
        found = {
            "kind": proposal.kind,
            "country": meeting.country.code if meeting.country else "",
            # A town the gazetteer lacks is kept as the venue.
            "city": meeting.city.name if meeting.city_id else meeting.venue,
            "date": {
                "start": meeting.start_date.isoformat(),
                "end": meeting.end_date.isoformat() if meeting.end_date else None,
                "precision": meeting.date_precision,
            },
            "organisations": [organisation(f) for f in proposal.organisations],
            "participants": [
                {**person(p), "title": p.title_as_stated, "role": p.role} for p in proposal.participants
            ],
            "also_mentioned": {
                "people": [person(p) for p in proposal.also_mentioned_people],
                "organisations": [organisation(f) for f in proposal.also_mentioned_organisations],
            },
            "topics": [t.topic.slug for t in proposal.topics],
            "outcomes": [
                {"kind": o.kind, "parties": [slugs[k] for k in o.parties if k in slugs]}
                for o in proposal.outcomes
            ],
            "trip": trip,
        }
        transaction.set_rollback(True)
    return found


def format_table(tallies: dict[str, Tally]) -> str:
    parts = list(tallies)
    lines = [
        f"{'field':<26}" + "".join(f"{part + ' P':>12}{part + ' R':>12}" for part in parts),
    ]
    for name in MAIN_FIELDS + EXTRA_FIELDS:
        row = f"{name:<26}"
        for part in parts:
            score = tallies[part].score(name)
            row += f"{score.precision:>12.2f}{score.recall:>12.2f}"
        lines.append(row + ("" if name in MAIN_FIELDS else "   (extra)"))
    row = f"{'background as participant':<26}"
    for part in parts:
        row += f"{len(tallies[part].background_participants):>24}"
    lines.append(row)
    return "\n".join(lines)


def test_drafts_of_the_evaluation_reports_meet_the_floors(django_user_model, capsys):
    load_known_records()
    user = django_user_model.objects.create_superuser("scorer", "scorer@example.org", "a-long-test-password")
    reports = load_reports()
    assert len(reports) >= 20
    # Columns: the parts, the batches written later in new styles (see the README), and all.
    batches = sorted({r.get("batch", "first 59") for r in reports}, key=lambda b: (b != "first 59", b))
    tallies = {name: Tally() for name in [*batches, "tuning", "held_out", "all"]}
    for report in reports:
        found = draft_as_data(report, user)
        for part in (report["part"], report.get("batch", "first 59"), "all"):
            score_draft(tallies[part], report["name"], found, report["expected"])
    with capsys.disabled():
        print(f"\nDrafts of {len(reports)} evaluation reports (P precision, R recall):")
        print(format_table(tallies))
        print("\n".join(["Differences (tuning part):", *tallies["tuning"].wrong]))
        print(
            "\n".join(
                ["Background as participant (tuning part):", *tallies["tuning"].background_participants]
            )
        )
    whole = tallies["all"]
    below = [
        f"{name}: precision {whole.score(name).precision:.2f}, recall {whole.score(name).recall:.2f}"
        f" (floors {FLOORS[name][0]}, {FLOORS[name][1]})"
        for name in MAIN_FIELDS
        if whole.score(name).precision < FLOORS[name][0] or whole.score(name).recall < FLOORS[name][1]
    ]
    with capsys.disabled():
        short = [
            name
            for name in MAIN_FIELDS
            if whole.score(name).precision < TARGET_PRECISION or whole.score(name).recall < TARGET_RECALL
        ]
        print(f"Below the targets (P {TARGET_PRECISION}, R {TARGET_RECALL}): {', '.join(short) or 'none'}")
    assert not below, f"below the floors: {below}"
    assert not whole.background_participants, "people named only in background drafted as participants"


def test_drafts_of_the_held_out_reports_are_scored_apart(django_user_model, capsys):
    """Never read while tuning: prints totals, and only the names of fields that differ, not their values."""
    reports = load_reports(HELD_OUT)
    load_known_records(HELD_OUT)
    user = django_user_model.objects.create_superuser("scorer", "scorer@example.org", "a-long-test-password")
    assert len(reports) >= 12
    tally = Tally()
    for report in reports:
        score_draft(tally, report["name"], draft_as_data(report, user), report["expected"])
    with capsys.disabled():
        print(f"\nDrafts of {len(reports)} held-out reports (P precision, R recall):")
        print(format_table({"held-out": tally}))
        differing = [f"{report}: {name}" for report, name in sorted(tally.failed)]
        print("\n".join(["Fields that differ (held-out set):", *differing]))
