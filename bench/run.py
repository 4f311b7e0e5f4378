"""Benchmark the production stack on loopback with wrk.

Generates (or reuses) N synthetic meetings in the database named by
``DATABASE_URL`` (default: a SQLite file in bench/), starts gunicorn with
production settings, warms up, drives each URL with wrk at 4 connections for
a fixed time, measures the CSV export of everything, and prints a table. The
same figures are written as JSON to bench/results/.

    python bench/run.py --meetings 10000 --duration 10
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
LUA = BENCH / "report.lua"
PYTHON = sys.executable


def django_setup(database_url: str, cache_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    # The server's cache, so that this process can retire what the server keeps.
    os.environ["DJANGO_CACHE_URL"] = cache_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mineaction.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_data(env: dict, meetings: int, seed: int) -> None:
    """Reuse the synthetic set if it has exactly ``meetings`` meetings; otherwise make it afresh."""
    from django.db import connection

    from events.models import Meeting

    manage(env, "migrate", "--noinput", "-v0")
    synthetic = Meeting.objects.filter(sources__publisher="Synthetic data")
    real = Meeting.objects.published().exclude(sources__publisher="Synthetic data")
    if real.exists():
        sys.exit(
            "This database holds real published meetings: point DATABASE_URL at a database for benchmarks."
        )
    if synthetic.count() == meetings:
        print(f"Reusing {meetings} synthetic meetings.")
        return
    connection.close()
    # Start from empty tables: unapplying the app's migrations drops them all.
    manage(env, "migrate", "events", "zero", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    started = time.monotonic()
    manage(env, "generate_synthetic", "--meetings", str(meetings), "--seed", str(seed))
    print(f"Generated in {time.monotonic() - started:.1f} s (wall, including start-up).")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def pick_urls() -> list[tuple[str, str]]:
    """The URLs the issue names, with parameters taken from the data."""
    from django.db.models import Count

    from events.models import Meeting, MeetingOrganisation, Topic

    published = Meeting.objects.published()
    country = published.country_counts(limit=1)[0][0]
    topic = Topic.objects.filter(meetings__isnull=False).order_by("pk").first().slug
    busiest = (
        MeetingOrganisation.objects.values("organisation__slug")
        .annotate(n=Count("meeting"))
        .order_by("-n")[0]["organisation__slug"]
    )
    last_page = max(1, -(-published.count() // 25))
    meeting = published.order_by("pk")[published.count() // 2].slug
    return [
        ("healthz", "/healthz"),
        ("timeline", "/"),
        ("filtered", f"/?country={country}&topic={topic}"),
        ("search", "/?q=clearance"),
        ("last page", f"/?page={last_page}"),
        ("first page", "/?page=1"),
        ("organisation", f"/organisations/{busiest}/"),
        ("meeting", f"/meetings/{meeting}/"),
        ("api", f"/api/meetings/?country={country}"),
    ]


def queries_per_request(urls: list[tuple[str, str]]) -> dict[str, int | None]:
    """Queries each page runs when it is computed afresh (a kept page runs none)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from events.versions import data_changed

    client = Client(HTTP_HOST="127.0.0.1")
    counts: dict[str, int | None] = {}
    for name, url in urls:
        data_changed()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        counts[name] = len(captured) if response.status_code == 200 else None
    return counts


def first_request_ms(url: str) -> float:
    """The time the first reader after a write waits: every kept result is stale."""
    from events.versions import data_changed

    data_changed()
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
    return round((time.monotonic() - started) * 1000, 1)


class Server:
    """gunicorn with production settings and configuration on loopback."""

    def __init__(self, env: dict, port: int, workers: int = 2):
        self.env, self.port, self.workers = env, port, workers

    def __enter__(self):
        # The production configuration file, on this port with this many workers.
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env={
                **self.env,
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_WORKERS": str(self.workers),
            },
            stdout=subprocess.DEVNULL,  # the access log: one line per request
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def peak_memory_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def run_wrk(url: str, duration: int, connections: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", str(LUA), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output[output.index("{") : output.rindex("}") + 1])


def measure_csv(port: int) -> dict:
    started = time.monotonic()
    rows = 0
    try:
        response = urllib.request.urlopen(f"http://127.0.0.1:{port}/export/meetings.csv", timeout=600)
    except OSError as error:
        print(f"skip CSV export: {error}")
        return {}
    with response:
        for _ in csv.reader(io.TextIOWrapper(response, encoding="utf-8", newline="")):
            rows += 1
    seconds = time.monotonic() - started
    rows -= 1  # the header
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_second": round(rows / seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--port", type=int, default=8123)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{BENCH / f'bench-{args.meetings}.sqlite3'}"
    cache_url = os.environ.get("DJANGO_CACHE_URL", "redis://127.0.0.1:6379/1")
    django_setup(database_url, cache_url)
    from django.db import connection

    env = {**os.environ, "DATABASE_URL": database_url}
    prepare_data(env, args.meetings, args.seed)
    urls = pick_urls()
    queries = queries_per_request(urls)
    connection.close()

    production = {
        **env,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE": "0",
        # Both workers share one cache, as a production deployment should.
        "DJANGO_CACHE_URL": cache_url,
    }
    manage(production, "collectstatic", "--noinput", "-v0")
    results = []
    with Server(production, args.port) as server:
        base = f"http://127.0.0.1:{args.port}"
        for name, url in urls:
            if urllib.request.urlopen(base + "/healthz").status != 200:
                raise RuntimeError("server unhealthy")
            try:
                first_ms = first_request_ms(base + url)
            except OSError as error:
                print(f"skip {name}: {error}")
                continue
            run_wrk(base + url, 2, args.connections)  # warm-up
            figures = run_wrk(base + url, args.duration, args.connections)
            results.append(
                {"name": name, "url": url, "queries": queries.get(name), "first_ms": first_ms, **figures}
            )
            print(
                f"{name:<13} {figures['requests_per_second']:>8.1f} req/s  p50 {figures['p50_ms']:>7.1f} ms  "
                f"p95 {figures['p95_ms']:>7.1f} ms  first after a write {first_ms:>7.1f} ms  "
                f"errors {figures['errors']}"
            )
    with Server(production, args.port, workers=1) as server:
        export = measure_csv(args.port)
        if export:
            export["worker_peak_mb"] = round(max(peak_memory_mb(pid) for pid in server.worker_pids()), 1)

    vendor = "postgresql" if database_url.startswith("postgres") else "sqlite"
    report = {
        "database": vendor,
        "meetings": args.meetings,
        "duration_s": args.duration,
        "connections": args.connections,
        "urls": results,
        "csv_export": export,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{vendor}-{args.meetings}.json"
    path.write_text(json.dumps(report, indent=2))

    print()
    print(f"{vendor}, {args.meetings} meetings, {args.connections} connections, {args.duration} s per URL")
    print(f"{'page':<13} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'first ms':>9} {'queries':>8}  url")
    for row in results:
        print(
            f"{row['name']:<13} {row['requests_per_second']:>9.1f} {row['p50_ms']:>8.1f} "
            f"{row['p95_ms']:>8.1f} {row['first_ms']:>9.1f} "
            f"{row['queries'] if row['queries'] is not None else '-':>8}  {row['url']}"
        )
    print("first ms: the first request after a write, when nothing kept is valid;")
    print("queries: those a page runs when computed afresh (a kept page runs none).")
    if export:
        print(
            f"CSV export: {export['rows']} rows in {export['seconds']} s, "
            f"{export['rows_per_second']} rows/s, worker peak memory {export['worker_peak_mb']} MB"
        )
    print(f"Written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
