"""Time the CSV import's preview and confirmation of a file at the row cap (IMPORT_MAX_ROWS).

Builds a realistic file (each row with a summary, two topics, three
organisations with roles, a known source and a new one), then uploads it to
the admin's import page as an editor would, through Django's test client
(debug off), and prints the seconds each step took, and how many of them
this process spent on a CPU (the rest is waiting: for PostgreSQL, or for a
core on a busy machine). ``DATABASE_URL`` chooses
the database (default: a SQLite file in bench/, made afresh).

    python bench/import_preview.py [--rows N]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'import-preview.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mineaction.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # for the static files; queries are not logged (below)
    os.environ["DJANGO_CACHE_URL"] = "dummy://"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_file(rows: int) -> bytes:
    from events.models import Organisation, Source, Topic

    organisations = [
        Organisation.objects.get_or_create(
            slug=f"bench-org-{n}", defaults={"name": f"Bench organisation {n}", "acronym": f"BO{n}"}
        )[0]
        for n in range(40)
    ]
    topics = list(Topic.objects.order_by("pk")[:10])
    known = Source.objects.get_or_create(
        url="https://bench.example.org/known", defaults={"publisher": "Bench"}
    )[0]
    roles = ["host", "delegation", "participant"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["title", "kind", "start_date", "date_precision", "country", "city", "summary", "topics",
         "organisations", "sources", "source_publisher"]
    )  # fmt: skip
    for n in range(rows):
        chosen = [organisations[(n + k * 7) % len(organisations)] for k in range(3)]
        writer.writerow(
            [
                f"Bench meeting {n} on land release and survey cooperation",
                "bilateral",
                f"20{10 + n % 15}-{1 + n % 12:02}-{1 + n % 28:02}",
                "day",
                "TH",
                "Bangkok",
                "The delegations discussed land release, non-technical survey and joint training. " * 3,
                ";".join(t.slug for t in (topics[n % len(topics)], topics[(n + 3) % len(topics)])),
                ";".join(f"{o.slug}:{role}" for o, role in zip(chosen, roles, strict=True)),
                f"{known.url};https://bench.example.org/new/{n}",
                "Bench Wire",
            ]
        )
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, help="rows in the file (default: IMPORT_MAX_ROWS)")
    options = parser.parse_args()
    if os.environ.get("DATABASE_URL", "").startswith("sqlite") or "DATABASE_URL" not in os.environ:
        (ROOT / "bench" / "import-preview.sqlite3").unlink(missing_ok=True)
    setup()
    from bs4 import BeautifulSoup
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse

    from events.models import Meeting

    call_command("migrate", verbosity=0)
    rows = options.rows or settings.IMPORT_MAX_ROWS
    data = build_file(rows)
    User = get_user_model()
    user = User.objects.filter(username="bench-importer").first() or User.objects.create_superuser(
        "bench-importer", "", "bench-importer-password"
    )
    client = Client()
    client.force_login(user)
    cap = settings.IMPORT_MAX_ROWS
    # --rows above the cap measures what a higher cap would cost.
    limits = {
        "IMPORT_MAX_ROWS": max(rows, cap),
        "IMPORT_MAX_BYTES": max(len(data), settings.IMPORT_MAX_BYTES),
    }
    with (
        tempfile.TemporaryDirectory() as folder,
        override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"], IMPORT_UPLOAD_DIR=folder, **limits),
    ):
        upload = SimpleUploadedFile("bench.csv", data, content_type="text/csv")
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(reverse("admin:events_meeting_import"), {"format": "0", "import_file": upload})
        previewed, previewed_cpu = time.perf_counter() - started, time.process_time() - cpu
        soup = BeautifulSoup(response.content, "html.parser")
        form = soup.find("form", attrs={"action": reverse("admin:events_meeting_process_import")})
        if form is None:
            errors = [" ".join(li.get_text().split()) for li in soup.select(".errorlist li, td.errors")][:5]
            raise SystemExit(f"The preview offered no confirmation: {errors}")
        confirm = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
        before = Meeting.objects.count()
        started, cpu = time.perf_counter(), time.process_time()
        client.post(reverse("admin:events_meeting_process_import"), confirm)
        imported, imported_cpu = time.perf_counter() - started, time.process_time() - cpu
    added = Meeting.objects.count() - before
    load = os.getloadavg()[0]
    print(
        f"database: {connection.vendor}; file: {rows} rows, {len(data) / 1_000_000:.2f} MB; load {load:.1f}"
    )
    print(
        f"preview: {previewed:.1f} s ({previewed_cpu:.1f} s of CPU here; "
        f"the cap is {cap} rows; at the cap it must stay under 10 s)"
    )
    print(f"import:  {imported:.1f} s ({imported_cpu:.1f} s of CPU here; {added} meetings added)")


if __name__ == "__main__":
    main()
