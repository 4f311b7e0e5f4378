"""Load test: readers and an editor on the production stack, then a check that no save was lost.

Loads the demo data into the database named by ``DATABASE_URL`` (default: a
throwaway SQLite file, bench/loadtest.sqlite3, made afresh each run; never
db.sqlite3), starts gunicorn exactly as production does (``gunicorn.conf.py``,
debug off, collected static files, a shared Redis cache) on loopback, and for
``--duration`` seconds runs at once:

- ``--readers`` threads, each requesting the timeline with random filters built
  from the data, detail pages, the JSON API, the CSV exports and the feeds.
  Every URL asked for should answer 200; anything else is an error.
- ``--editors`` threads, each logged into the admin like a browser (login form,
  CSRF token, session cookie), creating meetings through the admin's add form
  and changing the summary of meetings it created, each save with a unique
  marker. A save counts as acknowledged when it answers 302 to the expected
  page.

Then it stops gunicorn and reads the database: every acknowledged save must
be there (the meeting exists, its summary holds its last marker, and its
history has exactly one version per acknowledged save). It prints requests,
throughput, latency and errors by kind of request, writes the same as JSON to
bench/results/loadtest-<database>.json, and exits non-zero on any error or
lost write.

Each meeting the editor creates is published (with a demo source), so every
save changes what readers are shown; right after each acknowledged save the
meeting's public page is read without the editor's cookies and must show the
change (a stale page counts as an error).

It never changes or deletes a record it did not create: ``load_demo_data``
only adds what is missing, and the editor only creates and changes meetings
of its own, titled "Load test …". It logs
in as the superuser ``loadtest-editor``, given a fresh random password for the
run and left without a usable one afterwards. Still, it adds the demo data and
publishes its own meetings: give it a database of its own, never production's.

    python bench/loadtest.py --duration 60 --readers 4
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
DEFAULT_DATABASE = BENCH / "loadtest.sqlite3"
PYTHON = sys.executable
EDITOR_USERNAME = "loadtest-editor"
MEETING_ADMIN = "/admin/events/meeting/"
# How the meeting form starts its question about likely duplicates (events/admin/duplicates.py).
DUPLICATE_WARNING = "This may be a meeting that is already recorded"


# --- Reading an HTML form the way a browser submits it ----------------------------------------


class FormReader(HTMLParser):
    """The successful controls of one form, in document order, as a browser would post them.

    Reads the form with ``form_id``, or else the first form posted with
    method="post". Submit buttons are left out (the caller chooses one);
    disabled controls and unticked checkboxes are left out; a single select
    with nothing selected sends its first option; a textarea drops the one
    newline that follows its opening tag.
    """

    def __init__(self, form_id: str | None = None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.found = False
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form" and not self.found:
            wanted = (
                attrs.get("id") == self.form_id if self.form_id else attrs.get("method", "").lower() == "post"
            )
            self.inside = self.found = wanted
            return
        if not self.inside:
            return
        name = attrs.get("name")
        disabled = "disabled" in attrs
        if tag == "input" and name and not disabled:
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "select":
            self.select = {"name": name, "skip": not name or disabled, "multiple": "multiple" in attrs}
            self.select["options"] = []
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "text": "", "selected": "selected" in attrs}
            self.option["disabled"] = disabled
            self.select["options"].append(self.option)
        elif tag == "textarea":
            self.textarea = {"name": name, "skip": not name or disabled, "text": ""}

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        elif self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            self.end_select(self.select)
            self.select = self.option = None
        elif tag == "textarea" and self.textarea is not None:
            if not self.textarea["skip"]:
                text = self.textarea["text"]
                text = text[2:] if text.startswith("\r\n") else text[1:] if text.startswith("\n") else text
                self.fields.append((self.textarea["name"], text))
            self.textarea = None

    def end_select(self, select: dict) -> None:
        if select["skip"]:
            return
        options = [o for o in select["options"] if not o["disabled"]]
        chosen = [o for o in options if o["selected"]]
        if not select["multiple"]:
            # The last selected option wins; with none selected, the first is sent.
            chosen = chosen[-1:] or options[:1]
        for option in chosen:
            value = option["value"] if option["value"] is not None else " ".join(option["text"].split())
            self.fields.append((select["name"], value))


def form_fields(html: str, form_id: str | None = None) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would post from the form (see FormReader)."""
    reader = FormReader(form_id)
    reader.feed(html)
    reader.close()
    if not reader.found:
        raise ValueError(f"no form {form_id or 'posted with method=post'} in the page")
    return reader.fields


def set_field(fields: list[tuple[str, str]], name: str, *values: str) -> list[tuple[str, str]]:
    """``fields`` with every value of ``name`` replaced by ``values``, in the first one's place."""
    result: list[tuple[str, str]] = []
    placed = False
    for key, value in fields:
        if key != name:
            result.append((key, value))
        elif not placed:
            result.extend((name, v) for v in values)
            placed = True
    if not placed:
        result.extend((name, v) for v in values)
    return result


def page_errors(html: str) -> str:
    """The admin's error messages on a form page, as one line of text (for the report)."""
    found = re.findall(r'<(?:p|ul) class="error(?:note|list)[^"]*"[^>]*>(.*?)</(?:p|ul)>', html, re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", item) for item in found)
    return " ".join(text.split())[:300] or "no error message on the page"


def admin_post(fields: list[tuple[str, str]], button: str) -> str:
    """The request body for posting ``fields`` with the admin's submit button ``button``."""
    return urllib.parse.urlencode([*fields, (button, "Save")])


# --- HTTP: a browser-like client ---------------------------------------------------------------


@dataclass
class Category:
    """The requests of one kind: how many, how long each took, and what went wrong."""

    requests: int = 0
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Stats:
    def __init__(self):
        self.categories: dict[str, Category] = defaultdict(Category)
        self.lock = threading.Lock()

    def record(self, category: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            entry = self.categories[category]
            entry.requests += 1
            entry.seconds.append(seconds)
            if error:
                entry.errors.append(error)


@dataclass
class Answer:
    status: int
    location: str
    text: str
    seconds: float


class Browser:
    """One client with its cookies, timing every request.

    It asks for a keep-alive connection; gunicorn's sync workers close it
    after each answer, and http.client then opens a new one.
    """

    def __init__(self, port: int, stats: Stats):
        self.port, self.stats = port, stats
        self.origin = f"http://127.0.0.1:{port}"
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, body: str | None = None) -> Answer | str:
        """The answer, or what went wrong when there was none."""
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        started = time.monotonic()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            return f"{method} {path}: {error!r} after {time.monotonic() - started:.1f} s"
        for header in response.headers.get_all("Set-Cookie") or []:
            self.keep_cookies(header)
        text = data.decode("utf-8", "replace")
        return Answer(response.status, response.headers.get("Location", ""), text, time.monotonic() - started)

    def request(
        self, category: str, method: str, path: str, body: str | None = None, expect: int = 200
    ) -> Answer | None:
        """The answer if it has the status ``expect``; otherwise None, and an error of ``category``."""
        answer = self.send(method, path, body)
        if isinstance(answer, str):
            self.stats.record(category, 0.0, answer)
            return None
        if answer.status != expect:
            self.stats.record(
                category, answer.seconds, f"{method} {path}: {describe(answer)}, expected {expect}"
            )
            return None
        self.stats.record(category, answer.seconds)
        return answer

    def keep_cookies(self, header: str) -> None:
        for name, morsel in SimpleCookie(header).items():
            if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


def describe(answer: Answer) -> str:
    """An unexpected answer in a few words: its status, and where it redirects or what errors it shows."""
    if answer.location:
        return f"{answer.status} to {answer.location}"
    if 'class="errornote' in answer.text or 'class="errorlist' in answer.text:
        return f"{answer.status} ({page_errors(answer.text)})"
    return str(answer.status)


# --- Readers ----------------------------------------------------------------------------------


@dataclass
class Catalogue:
    """What readers may ask for, read from the database before the run (only published records)."""

    countries: list[str]
    organisations: list[str]
    topics: list[str]
    kinds: list[str]
    years: list[int]
    words: list[str]
    meetings: list[str]
    people: list[str]
    delegations: list[str]


def read_catalogue() -> Catalogue:
    from events.models import Delegation, Meeting, MeetingKind, Organisation, Person, Topic

    published = Meeting.objects.published()
    titles = published.values_list("title", flat=True)
    words = sorted({w.lower() for t in titles for w in re.findall(r"[A-Za-z]{5,}", t)})
    return Catalogue(
        countries=sorted({code for code, _ in published.country_counts()}),
        organisations=list(Organisation.objects.order_by("slug").values_list("slug", flat=True)),
        topics=list(Topic.objects.order_by("slug").values_list("slug", flat=True)),
        kinds=list(MeetingKind.values),
        years=sorted({d.year for d in published.values_list("start_date", flat=True)}),
        words=words,
        meetings=list(published.order_by("slug").values_list("slug", flat=True)),
        people=list(Person.objects.order_by("slug").values_list("slug", flat=True)),
        delegations=list(Delegation.objects.published().order_by("slug").values_list("slug", flat=True)),
    )


def random_filters(rng: random.Random, data: Catalogue, *, page: bool) -> str:
    """A query string of zero to four of the timeline's filters, some repeated, with valid values."""
    params: list[tuple[str, str]] = []
    choices = {
        "country": data.countries,
        "org": data.organisations,
        "topic": data.topics,
        "kind": data.kinds,
    }
    for name in rng.sample(["country", "org", "topic", "kind", "year", "dates", "q"], rng.randint(0, 4)):
        if name in choices:
            params += [(name, value) for value in rng.sample(choices[name], rng.choice([1, 1, 2]))]
        elif name == "year":
            params.append(("year", str(rng.choice(data.years))))
        elif name == "dates":
            first, last = sorted(rng.sample(range(data.years[0] - 1, data.years[-1] + 2), 2))
            params += [("date_from", f"{first}-01-01"), ("date_to", f"{last}-12-31")]
        else:
            params.append(("q", " ".join(rng.sample(data.words, rng.choice([1, 1, 2])))))
    if rng.random() < 0.3:
        params.append(("sort", rng.choice(["newest", "oldest", "relevance"])))
    if page and rng.random() < 0.3:
        params.append(("page", str(rng.randint(1, 3))))  # past the last page shows the last page
    return urllib.parse.urlencode(params)


def with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def reader_request(rng: random.Random, data: Catalogue) -> tuple[str, str]:
    """One reader's request: its category and path. Every path should answer 200."""
    roll = rng.random()
    if roll < 0.40:
        return "timeline", with_query("/", random_filters(rng, data, page=True))
    if roll < 0.70:
        pages = [
            ("/meetings/{}/", data.meetings),
            ("/organisations/{}/", data.organisations),
            ("/countries/{}/", data.countries),
            ("/people/{}/", data.people),
            ("/topics/{}/", data.topics),
            ("/delegations/{}/", data.delegations),
        ]
        template, values = rng.choice([(template, values) for template, values in pages if values])
        return "detail", template.format(rng.choice(values))
    if roll < 0.80:
        if rng.random() < 0.25:
            return "api", f"/api/meetings/{rng.choice(data.meetings)}/"
        query = random_filters(rng, data, page=False)
        if rng.random() < 0.3:
            query = "&".join(filter(None, [query, f"page_size={rng.choice([5, 10, 100])}"]))
        return "api", with_query("/api/meetings/", query)
    if roll < 0.90:
        path = rng.choice(["/export/meetings.csv", "/export/meetings.csv", "/export/organisations.csv"])
        return "export", with_query(path, random_filters(rng, data, page=False))
    path = rng.choice(["/feeds/meetings.atom", "/feeds/meetings.ics"])
    return "feed", with_query(path, random_filters(rng, data, page=False))


def reader(port: int, stats: Stats, data: Catalogue, deadline: float, seed: int) -> None:
    rng = random.Random(seed)
    browser = Browser(port, stats)
    while time.monotonic() < deadline:
        category, path = reader_request(rng, data)
        browser.request(category, "GET", path)


# --- Editors ----------------------------------------------------------------------------------


@dataclass
class Save:
    """One save the editor posted: the marker it put in the summary, and whether it was acknowledged."""

    marker: str
    acknowledged: bool


@dataclass
class EditorLog:
    """What one editor did, by meeting id, for checking against the database afterwards."""

    saves: dict[int, list[Save]] = field(default_factory=dict)
    slugs: dict[int, str] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)  # creations whose meeting id never came back
    duplicate_confirmations: int = 0
    stale_reads: int = 0  # public pages that did not yet show an acknowledged save


class Editor:
    """An editor in the admin: logs in, creates meetings through the add form, changes their summaries."""

    def __init__(
        self,
        number: int,
        browser: Browser,
        password: str,
        data: dict,
        run: str,
        seed: int,
        reader: Browser | None = None,
    ):
        self.number, self.browser, self.password, self.data, self.run = number, browser, password, data, run
        # A reader without the editor's cookies, as the public sees the site.
        self.reader = reader or Browser(browser.port, browser.stats)
        self.rng = random.Random(seed)
        self.log = EditorLog()
        self.created = 0

    def marker(self, meeting: int | str, save: int) -> str:
        return f"Saved by the load test {self.run}, editor {self.number}, meeting {meeting}, save {save}."

    def login(self) -> bool:
        page = self.browser.request("admin page", "GET", "/admin/login/?next=/admin/")
        if page is None:
            return False
        fields = form_fields(page.text, "login-form")
        fields = set_field(fields, "username", EDITOR_USERNAME)
        fields = set_field(fields, "password", self.password)
        body = urllib.parse.urlencode(fields)
        answer = self.browser.request("admin login", "POST", "/admin/login/?next=/admin/", body, expect=302)
        if answer is not None and answer.location != "/admin/":
            self.browser.stats.record("admin login", 0.0, f"login redirected to {answer.location}")
            return False
        return answer is not None

    def new_meeting(self, fields: list[tuple[str, str]], number: int) -> list[tuple[str, str]]:
        """The add form's ``fields`` filled in for new meeting ``number``: unique title and slug, a
        random kind, date, country and topic, two organisations and a participant (inline rows)."""
        data, rng = self.data, self.rng
        start = datetime.date(rng.choice(data["years"]), rng.randint(1, 12), rng.randint(1, 28))
        first, second = rng.sample(data["organisations"], 2)
        for name, value in [
            ("title", f"Load test {self.run}: editor {self.number}, meeting {number}"),
            ("slug", f"loadtest-{self.run}-{self.number}-{number}"),
            ("kind", rng.choice(data["kinds"])),
            ("start_date", start.isoformat()),
            ("country", rng.choice(data["countries"])),
            ("venue", "Loopback"),
            ("topics", rng.choice(data["topics"])),
            ("summary", self.marker(f"new {number}", 1)),
            ("organisation_roles-0-organisation", first),
            ("organisation_roles-0-role", "host"),
            ("organisation_roles-1-organisation", second),
            ("organisation_roles-1-role", "participant"),
            ("participations-0-name_as_written", f"Load Tester {self.number}-{number}"),
            ("participations-0-title_as_stated", "Tester"),
            # Published, so that every save changes what readers are shown.
            ("sources", rng.choice(data["sources"])),
            ("status", "published"),
        ]:
            fields = set_field(fields, name, value)
        return fields

    def create(self) -> None:
        self.created += 1
        page = self.browser.request("admin page", "GET", f"{MEETING_ADMIN}add/")
        if page is None:
            return
        fields = self.new_meeting(form_fields(page.text, "meeting_form"), self.created)
        marker = dict(fields)["summary"]
        slug = dict(fields)["slug"]
        path = f"{MEETING_ADMIN}add/"
        # "Save and continue editing" redirects to the new meeting's form, whose address holds its id.
        answer = self.browser.send("POST", path, admin_post(fields, "_continue"))
        if isinstance(answer, Answer) and answer.status == 200 and DUPLICATE_WARNING in answer.text:
            # Warned of a likely duplicate: tick "not a duplicate" and save again, as an editor would.
            self.browser.stats.record("admin save", answer.seconds)
            self.log.duplicate_confirmations += 1
            fields = set_field(form_fields(answer.text, "meeting_form"), "not_a_duplicate", "on")
            answer = self.browser.send("POST", path, admin_post(fields, "_continue"))
        placed = isinstance(answer, Answer) and re.fullmatch(
            rf"{MEETING_ADMIN}(\d+)/change/", answer.location
        )
        if not (isinstance(answer, Answer) and answer.status == 302 and placed):
            error = answer if isinstance(answer, str) else f"POST {path}: {describe(answer)}"
            self.browser.stats.record("admin save", getattr(answer, "seconds", 0.0), error)
            self.log.unplaced.append(marker)
            return
        self.browser.stats.record("admin save", answer.seconds)
        pk = int(placed.group(1))
        self.log.saves[pk] = [Save(marker, acknowledged=True)]
        self.log.slugs[pk] = slug
        self.browser.request("admin page", "GET", answer.location)  # as a browser follows the redirect
        self.check_public_page(slug, marker)

    def edit(self) -> None:
        pk = self.rng.choice(list(self.log.saves))
        path = f"{MEETING_ADMIN}{pk}/change/"
        page = self.browser.request("admin page", "GET", path)
        if page is None:
            return
        saves = self.log.saves[pk]
        marker = self.marker(pk, len(saves) + 1)
        fields = set_field(form_fields(page.text, "meeting_form"), "summary", marker)
        answer = self.browser.send("POST", path, admin_post(fields, "_save"))
        # "Save" goes back to the list of meetings.
        acknowledged = (
            isinstance(answer, Answer) and answer.status == 302 and answer.location == MEETING_ADMIN
        )
        saves.append(Save(marker, acknowledged))
        if not acknowledged:
            error = answer if isinstance(answer, str) else f"POST {path}: {describe(answer)}"
            self.browser.stats.record("admin save", getattr(answer, "seconds", 0.0), error)
            return
        self.browser.stats.record("admin save", answer.seconds)
        self.browser.request("admin page", "GET", MEETING_ADMIN)
        self.check_public_page(self.log.slugs[pk], marker)

    def check_public_page(self, slug: str, marker: str) -> None:
        """Right after a save is acknowledged, the meeting's public page must show it: no stale page."""
        path = f"/meetings/{slug}/"
        answer = self.reader.send("GET", path)
        if isinstance(answer, str):
            self.reader.stats.record("read after save", 0.0, answer)
            return
        error = None
        if answer.status != 200:
            error = f"GET {path}: {describe(answer)}, expected 200"
        elif marker not in answer.text:
            error = f"GET {path}: a stale page, without “{marker}”"
            self.log.stale_reads += 1
        self.reader.stats.record("read after save", answer.seconds, error)

    def work(self, deadline: float) -> None:
        if not self.login():
            return
        while time.monotonic() < deadline:
            # One new meeting for every four changes, so that changes spread over many meetings.
            if not self.log.saves or self.rng.random() < 0.2:
                self.create()
            else:
                self.edit()


def verify(logs: list[EditorLog]) -> dict:
    """Compare what the editors were told was saved with what the database holds (after the run)."""
    from events.models import Meeting

    acknowledged = lost = history_mismatches = 0
    problems: list[str] = []
    for log in logs:
        for pk, saves in log.saves.items():
            acked = [save.marker for save in saves if save.acknowledged]
            acknowledged += len(acked)
            meeting = Meeting.objects.filter(pk=pk).first()
            if meeting is None or meeting.slug != log.slugs[pk]:
                lost += len(acked)
                problems.append(f"meeting {pk} ({log.slugs[pk]}) is missing")
                continue
            history = Counter(meeting.history.values_list("summary", flat=True))
            missing = [marker for marker in acked if history[marker] == 0]
            lost += len(missing)
            problems += [f"meeting {pk}: no version holds “{marker}”" for marker in missing]
            # The summary holds the last acknowledged marker, unless a later save's answer was lost.
            last = max(i for i, save in enumerate(saves) if save.acknowledged)
            if meeting.summary not in [save.marker for save in saves[last:]]:
                lost += 1 if not missing else 0
                problems.append(
                    f"meeting {pk}: summary is “{meeting.summary}”, expected “{saves[last].marker}”"
                )
            unanswered = {save.marker for save in saves if not save.acknowledged}
            expected = Counter(acked)
            extra = {m: n for m, n in history.items() if m not in unanswered and n != expected[m]}
            if extra:
                history_mismatches += 1
                problems.append(
                    f"meeting {pk}: versions by summary {dict(history)}, expected {dict(expected)}"
                )
    return {
        "meetings_created": sum(len(log.saves) for log in logs),
        "saves_acknowledged": acknowledged,
        "saves_verified": acknowledged - lost,
        "lost_writes": lost,
        "history_mismatches": history_mismatches,
        "creations_without_an_id": sum(len(log.unplaced) for log in logs),
        "duplicate_confirmations": sum(log.duplicate_confirmations for log in logs),
        "stale_reads": sum(log.stale_reads for log in logs),
        "problems": problems[:50],
    }


# --- Setting up, running, reporting ----------------------------------------------------------


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env: dict) -> tuple[str, Catalogue, dict]:
    """Migrate, load the demo data, collect static files, reset the cache and set the editor's password."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo_data")
    manage(env, "collectstatic", "--noinput", "-v0")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from events.models import Organisation, Source, Topic
    from events.versions import data_changed

    # The shared cache may hold results for another database: start from a new data version.
    data_changed()
    password = secrets.token_urlsafe(24)
    user, _ = get_user_model().objects.get_or_create(username=EDITOR_USERNAME)
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(password)
    user.save()
    catalogue = read_catalogue()
    editing = {
        "years": catalogue.years,
        "kinds": catalogue.kinds,
        "countries": catalogue.countries,
        "organisations": [str(pk) for pk in Organisation.objects.values_list("pk", flat=True)],
        "topics": [str(pk) for pk in Topic.objects.values_list("pk", flat=True)],
        "sources": [str(pk) for pk in Source.objects.values_list("pk", flat=True)],
    }
    connection.close()
    return password, catalogue, editing


def lock_editor_account() -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=EDITOR_USERNAME)
    user.set_unusable_password()
    user.save(update_fields=["password"])


class Server:
    """gunicorn as production runs it, on loopback; its log goes to a file."""

    def __init__(self, env: dict, port: int, log: Path):
        self.env, self.port, self.log = env, port, log

    def __enter__(self):
        self.log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            # The access log (stdout) is one line per request: not kept. Errors (stderr) are.
            stdout=subprocess.DEVNULL,
            stderr=self.log_file,
        )
        for _ in range(150):
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start-up; see {self.log}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not answer /healthz; see {self.log}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.log_file.close()

    def __exit__(self, *exc):
        self.stop()


def server_log_errors(log: Path) -> list[str]:
    """Lines of gunicorn's log that report a failure: tracebacks, errors, workers killed."""
    failure = re.compile(r"Traceback|\[(ERROR|CRITICAL)\]|WORKER TIMEOUT|^ERROR|Internal Server Error")
    return [line.rstrip() for line in log.open() if failure.search(line)][:50]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def summarise(stats: Stats, duration: float) -> list[dict]:
    order = ["timeline", "detail", "api", "export", "feed", "admin login", "admin page", "admin save"]
    rows = []
    for name in sorted(stats.categories, key=lambda n: order.index(n) if n in order else len(order)):
        entry = stats.categories[name]
        rows.append(
            {
                "category": name,
                "requests": entry.requests,
                "requests_per_second": round(entry.requests / duration, 1),
                "p50_ms": round(percentile(entry.seconds, 0.50) * 1000, 1),
                "p95_ms": round(percentile(entry.seconds, 0.95) * 1000, 1),
                "errors": len(entry.errors),
                "first_errors": entry.errors[:10],
            }
        )
    return rows


def print_report(report: dict) -> None:
    print()
    print(
        f"{report['database']}: {report['duration_s']} s, {report['readers']} readers, "
        f"{report['editors']} editor(s), {report['gunicorn_workers']} gunicorn workers, "
        f"cache {report['cache']}"
    )
    print(f"{'category':<15} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for row in report["categories"]:
        print(
            f"{row['category']:<15} {row['requests']:>9} {row['requests_per_second']:>8.1f} "
            f"{row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['errors']:>7}"
        )
    total = report["total"]
    print(
        f"{'total':<15} {total['requests']:>9} {total['requests_per_second']:>8.1f} {'':>8} {'':>8} "
        f"{total['errors']:>7}"
    )
    for row in report["categories"]:
        for error in row["first_errors"]:
            print(f"  {row['category']}: {error}")
    writes = report["writes"]
    print(
        f"editor saves: {writes['saves_acknowledged']} acknowledged ({writes['meetings_created']} meetings "
        f"created, {writes['duplicate_confirmations']} duplicate warnings confirmed), "
        f"{writes['saves_verified']} verified in the database"
    )
    for problem in writes["problems"]:
        print(f"  {problem}")
    print(f"gunicorn log: {len(report['server_log_errors'])} error lines")
    for line in report["server_log_errors"][:10]:
        print(f"  {line}")
    print(
        f"errors: {total['errors']}, lost writes: {writes['lost_writes']}, "
        f"stale pages after a save: {writes['stale_reads']}"
    )


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        # As gunicorn binds: connections closed by the last run may linger on the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run_load(args, env: dict, vendor: str, password: str, catalogue: Catalogue, editing: dict):
    """Serve, and run the readers and editors until the deadline; then stop the server."""
    run = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S")
    stats = Stats()
    editors = [
        Editor(n + 1, Browser(args.port, stats), password, editing, run, seed=args.seed * 1000 + n)
        for n in range(args.editors)
    ]
    RESULTS.mkdir(exist_ok=True)
    server_log = RESULTS / f"loadtest-{vendor}-server.log"
    with Server(env, args.port, server_log):
        print(f"Running for {args.duration} s against {vendor} on http://127.0.0.1:{args.port} …", flush=True)
        started = time.monotonic()
        deadline = started + args.duration
        threads = [
            threading.Thread(target=reader, args=(args.port, stats, catalogue, deadline, args.seed * 100 + n))
            for n in range(args.readers)
        ]
        threads += [threading.Thread(target=editor.work, args=(deadline,)) for editor in editors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    return stats, [editor.log for editor in editors], elapsed, server_log


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--readers", type=int, default=4, help="reader threads (default 4)")
    parser.add_argument("--editors", type=int, default=1, help="editor threads (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--port", type=int, default=8124)
    parser.add_argument("--seed", type=int, default=1, help="seed of the readers' and editors' choices")
    args = parser.parse_args()
    if not port_is_free(args.port):
        sys.exit(f"Port {args.port} is in use: choose another with --port.")

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        for path in BENCH.glob(f"{DEFAULT_DATABASE.name}*"):  # the file and its -wal, -shm, -journal
            path.unlink()
        database_url = f"sqlite:///{DEFAULT_DATABASE}"
    vendor = "postgresql" if database_url.startswith("postgres") else "sqlite"
    cache_url = os.environ.get("DJANGO_CACHE_URL", "redis://127.0.0.1:6379/2")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mineaction.settings",
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE": "0",  # plain HTTP on loopback
        # Both workers share one cache, so a save in one makes the other's cached results stale.
        "DJANGO_CACHE_URL": cache_url,
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "GUNICORN_WORKERS": str(args.workers),
    }
    password, catalogue, editing = prepare(env)
    try:
        stats, logs, elapsed, server_log = run_load(args, env, vendor, password, catalogue, editing)
        writes = verify(logs)
    finally:
        lock_editor_account()

    categories = summarise(stats, elapsed)
    requests = sum(row["requests"] for row in categories)
    errors = sum(row["errors"] for row in categories)
    report = {
        "database": vendor,
        "duration_s": args.duration,
        "elapsed_s": round(elapsed, 1),
        "readers": args.readers,
        "editors": args.editors,
        "gunicorn_workers": args.workers,
        "cache": cache_url,
        "categories": categories,
        "total": {
            "requests": requests,
            "requests_per_second": round(requests / elapsed, 1),
            "errors": errors,
        },
        "writes": writes,
        "server_log": str(server_log.relative_to(ROOT)),
        "server_log_errors": server_log_errors(server_log),
    }
    path = RESULTS / f"loadtest-{vendor}.json"
    path.write_text(json.dumps(report, indent=2))
    print_report(report)
    print(f"Written to {path.relative_to(ROOT)}; gunicorn's log in {report['server_log']}")
    failed = (
        errors
        or writes["lost_writes"]
        or writes["history_mismatches"]
        or writes["creations_without_an_id"]
        or (args.editors and not writes["saves_acknowledged"])
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
