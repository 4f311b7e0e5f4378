"""Benchmark the production stack on loopback with wrk: every page kept and computed afresh.

Generates (or reuses) N synthetic meetings in the database named by
``DATABASE_URL`` (default: a SQLite file in bench/), then, with production
settings and 2 gunicorn workers, drives each page with wrk at 4 connections:

* cache on: the repeated address, served from the shared Redis cache, and
  the first request after each of six writes to a published meeting
  (``meetings_changed()``), when nothing kept is valid;
* cache off (``DJANGO_CACHE_URL=dummy://``, and in-process memos emptied
  before every request, bench/gunicorn_cold.py): every request computed
  afresh;
* the browse mix: 2 000 distinct timeline filter addresses drawn from the
  data, in turn, with the cache on and nothing kept at the start;
* each worker's peak memory (VmHWM), and the CSV export of everything.

Figures go to bench/results/<database>-<meetings>.json and a printed table
(bench/README.md explains them).

    python bench/run.py --meetings 100000 --duration 10
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
LUA = BENCH / "wrk.lua"
PYTHON = sys.executable
SYNTHETIC_PUBLISHER = "Synthetic data"
# A page computed afresh is measured for DURATION seconds, or longer when it is
# slow, up to this: enough for a few requests per worker.
COLD_SAMPLES_PER_WORKER = 4
COLD_MAX_DURATION = 120
# Writes before the first request of each page kept: one request after one write says little.
WRITES_PER_PAGE = 6
# A request this slow is still measured, not cut off by gunicorn or wrk.
SLOW_REQUEST_S = 300


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


def prepare_data(env: dict, meetings: int, seed: int) -> float | None:
    """Reuse the synthetic set if it has ``meetings`` meetings of ``seed``; otherwise make it afresh.

    Returns the seconds generation took (None when reused).
    """
    from django.db import connection

    from events.models import Meeting

    manage(env, "migrate", "--noinput", "-v0")
    published = Meeting.objects.published()
    if published.exclude(sources__publisher=SYNTHETIC_PUBLISHER).exists():
        sys.exit(
            "This database holds real published meetings: point DATABASE_URL at a database for benchmarks."
        )
    if published.count() == meetings == published.filter(slug__startswith=f"syn-{seed}-").count():
        print(f"Reusing {meetings} synthetic meetings (seed {seed}).")
        return None
    connection.close()
    # Start from empty tables: unapplying the app's migrations drops them all.
    manage(env, "migrate", "events", "zero", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    started = time.monotonic()
    manage(env, "generate_synthetic", "--meetings", str(meetings), "--seed", str(seed))
    seconds = time.monotonic() - started
    print(f"Generated in {seconds:.1f} s (wall, including start-up).")
    if connection.vendor == "postgresql":
        # As autovacuum would by the time readers arrive: the visibility map for index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return round(seconds, 1)


def pick_urls() -> list[tuple[str, str]]:
    """The pages to measure, with their parameters taken from the data."""
    from django.conf import settings
    from django_countries import countries

    from events.models import Meeting, Organisation, Topic

    published = Meeting.objects.published()
    total = published.count()
    country_counts = published.country_counts()
    country = country_counts[0][0]
    topic = published.topic_counts(limit=1)[0]["slug"]
    organisation = Organisation.objects.get(slug=published.organisation_counts(limit=1)[0]["slug"])
    its_meetings = published.involving_organisations([organisation])
    # The busiest organisation's busiest partner, and the busiest country's.
    partner = next(
        row["slug"] for row in its_meetings.organisation_counts(limit=2) if row["slug"] != organisation.slug
    )
    partners = published.involving_countries([country]).country_counts(limit=2)
    other_country = next(code for code, _ in partners if code != country)
    empty = empty_filter(published, dict(country_counts), [code for code, _ in countries], Topic)
    meeting = its_meetings.order_by("-start_date", "-pk").values_list("slug", flat=True)[0]
    last_page = max(1, math.ceil(total / settings.TIMELINE_PAGE_SIZE))
    return [
        ("healthz", "/healthz"),
        ("timeline", "/"),
        ("filtered", f"/?{urlencode({'country': country, 'topic': topic})}"),
        ("no match", f"/?{empty}"),
        ("search", "/?q=training"),
        ("last page", f"/?page={last_page}"),
        ("organisation", f"/organisations/{organisation.slug}/"),
        ("country", f"/countries/{country}/"),
        ("topic", f"/topics/{topic}/"),
        ("org pair", f"/organisations/{organisation.slug}/with/{partner}/"),
        ("country pair", f"/countries/{country}/with/{other_country}/"),
        ("meeting", f"/meetings/{meeting}/"),
        ("network", "/network/"),
        ("api", f"/api/meetings/?{urlencode({'country': country})}"),
        ("api empty", f"/api/meetings/?{empty}"),
    ]


def empty_filter(published, country_counts: dict[str, int], codes: list[str], topic_model) -> str:
    """A country and topic filter that matches no meeting: a quiet country and a topic it lacks."""
    topics = list(topic_model.objects.order_by("slug").values_list("slug", flat=True))
    for code in sorted(codes, key=lambda code: (country_counts.get(code, 0), code))[:20]:
        meetings = published.involving_countries([code]).values("pk")
        present = set(
            topic_model.objects.filter(meetings__in=meetings).values_list("slug", flat=True).distinct()
        )
        missing = [slug for slug in topics if slug not in present]
        if missing:
            return urlencode({"country": code, "topic": missing[0]})
    return urlencode({"country": codes[0], "year": 1900})


def browse_addresses(facets: dict[str, list[tuple[str, int]]], count: int, seed: int) -> list[str]:
    """``count`` distinct timeline addresses, each a combination of one to three filters and maybe a page.

    ``facets`` maps a parameter (country, org, topic, kind, year) to (value,
    meetings) pairs; values are drawn in proportion to their meetings, as
    readers click the facets they see.
    """
    rng = random.Random(seed)
    params = sorted(facets)
    addresses: dict[str, None] = {}
    attempts = 0
    while len(addresses) < count and attempts < count * 50:
        attempts += 1
        query = {}
        for param in rng.sample(params, rng.randint(1, min(3, len(params)))):
            values, weights = zip(*facets[param], strict=True)
            query[param] = rng.choices(values, weights=weights)[0]
        if rng.random() < 0.3:
            query["page"] = rng.randint(2, 5)
        addresses.setdefault("/?" + urlencode(sorted(query.items())), None)
    return list(addresses)


def browse_facets(limit: int = 200) -> dict[str, list[tuple[str, int]]]:
    """The values the timeline's facets offer for all published meetings, with their counts."""
    from events.models import Meeting

    published = Meeting.objects.published()
    years: Counter[str] = Counter()
    for year, _kind, meetings in published.year_kind_counts():
        years[str(year)] += meetings
    return {
        "country": published.country_counts(limit=limit),
        "org": [(row["slug"], row["meetings"]) for row in published.organisation_counts(limit=limit)],
        "topic": [(row["slug"], row["meetings"]) for row in published.topic_counts()],
        "kind": published.kind_counts(),
        "year": sorted(years.items()),
    }


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


def timed_get(url: str) -> float:
    """Milliseconds to fetch ``url`` in full; refuses anything but 200."""
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=SLOW_REQUEST_S) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
    return round((time.monotonic() - started) * 1000, 1)


class Server:
    """gunicorn with production settings on a free loopback port."""

    def __init__(self, env: dict, workers: int, config: str = "gunicorn.conf.py"):
        self.env, self.workers, self.config = env, workers, config
        self.peaks: dict[int, float] = {}
        self.shares: dict[int, float] = {}

    def __enter__(self):
        RESULTS.mkdir(exist_ok=True)
        self.log = (RESULTS / "gunicorn.log").open("a")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", self.config],
            cwd=ROOT,
            env={
                **self.env,
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_WORKERS": str(self.workers),
                # Slow pages are measured, not killed; no worker is replaced mid-run, so each
                # worker's peak memory covers the whole run.
                "GUNICORN_TIMEOUT": str(SLOW_REQUEST_S),
                "GUNICORN_MAX_REQUESTS": "0",
            },
            # The access log (one line per request) and the error log, kept for a look afterwards.
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        raise RuntimeError(f"gunicorn did not start; see {RESULTS / 'gunicorn.log'}")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def note_memory(self) -> None:
        """Remember each worker's peak resident memory so far, and the largest proportional share seen."""
        for pid in self.worker_pids():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                self.peaks[pid] = max(self.peaks.get(pid, 0), peak_memory_mb(pid))
                self.shares[pid] = max(self.shares.get(pid, 0), proportional_memory_mb(pid))

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.log.close()


def peak_memory_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return round(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024, 1)


def proportional_memory_mb(pid: int) -> float:
    """The process's share of the memory it uses now (PSS): a page shared with the master and the
    other workers (the facet index, read before the fork) counts a third each, as it costs the machine."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return round(int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1)) / 1024, 1)


def run_wrk(url: str, duration: int, connections: int, paths: Path | None = None) -> dict:
    """wrk's figures for ``duration`` seconds at ``connections``, with the load average around the run."""
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", f"--timeout={SLOW_REQUEST_S}s"]
    command += ["-s", str(LUA), url]
    if paths:
        command += ["--", str(paths), str(threads)]
    load_before = os.getloadavg()[0]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = json.loads(output[output.index("{") : output.rindex("}") + 1])
    figures["load"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    figures["duration_s"] = duration
    return figures


def summary(figures: dict) -> str:
    return (
        f"{figures['requests_per_second']:>8.1f} req/s  p50 {figures['p50_ms']:>8.1f}  "
        f"p95 {figures['p95_ms']:>8.1f} ms  "
        f"{figures['requests']} requests in {figures['duration_s']} s, load {figures['load']}"
    )


def check_answers(name: str, figures: dict) -> None:
    """Every answer a 200: a 304, a redirect or an error would measure something else."""
    others = {status: n for status, n in figures["statuses"].items() if status != "200"}
    if others or figures["errors"]:
        print(f"  warning: {name} had answers other than 200: {others}, errors {figures['errors']}")


def first_after_writes(base: str, url: str, writes: int = WRITES_PER_PAGE) -> list[float]:
    """Milliseconds of the first request after each of ``writes`` writes, each to another meeting.

    A write is what an editor's save of a published meeting tells the readers: that meeting
    changed (the facet index re-reads it) and every kept page retires. The requests reach
    both workers in turn, so each catches up with one write or more.
    """
    from django.db import transaction

    from events.models import Meeting
    from events.versions import meetings_changed

    meeting_ids = list(Meeting.objects.published().order_by("?").values_list("pk", flat=True)[:writes])
    timings = []
    for meeting_id in meeting_ids:
        with transaction.atomic():
            meetings_changed([meeting_id])
        timings.append(timed_get(base + url))
    return timings


def measure_kept(server: Server, urls, duration: int, connections: int) -> dict[str, dict]:
    """Cache on: the first request after a write (several writes), then the repeated address."""
    results = {}
    for name, url in urls:
        timings = first_after_writes(server.base, url)
        run_wrk(server.base + url, 2, connections)  # warm-up
        figures = run_wrk(server.base + url, duration, connections)
        check_answers(name, figures)
        server.note_memory()
        results[name] = {
            "first_after_write_ms": round(statistics.median(timings), 1),
            "first_after_write_max_ms": max(timings),
            "first_after_write_all_ms": timings,
            **figures,
        }
        print(
            f"  kept   {name:<13} {summary(figures)}  first after a write: median "
            f"{statistics.median(timings):.1f} ms, slowest {max(timings):.1f} ms of {len(timings)}"
        )
    return results


def measure_afresh(server: Server, urls, duration: int, connections: int, workers: int) -> dict[str, dict]:
    """Cache off: every request computed afresh; slow pages get time for a few requests per worker."""
    results = {}
    for name, url in urls:
        single_ms = timed_get(server.base + url)  # also the warm-up
        seconds = max(duration, min(COLD_MAX_DURATION, math.ceil(single_ms / 1000 * COLD_SAMPLES_PER_WORKER)))
        figures = run_wrk(server.base + url, seconds, connections)
        check_answers(name, figures)
        server.note_memory()
        results[name] = {"single_ms": single_ms, **figures}
        print(f"  afresh {name:<13} {summary(figures)}")
    return results


def measure_mix(server: Server, paths: Path, duration: int, connections: int) -> dict:
    """The browse mix: distinct filter addresses in turn, cache on, nothing kept at the start."""
    from events.versions import data_changed

    data_changed()
    figures = run_wrk(server.base + "/", duration, connections, paths=paths)
    check_answers("browse mix", figures)
    server.note_memory()
    print(f"  browse mix {summary(figures)}")
    return figures


def measure_csv(base: str) -> dict:
    started = time.monotonic()
    rows = 0
    try:
        response = urllib.request.urlopen(f"{base}/export/meetings.csv", timeout=SLOW_REQUEST_S * 4)
    except OSError as error:
        print(f"skip CSV export: {error}")
        return {}
    with response:
        for _ in csv.reader(io.TextIOWrapper(response, encoding="utf-8", newline="")):
            rows += 1
    seconds = time.monotonic() - started
    rows -= 1  # the header
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_second": round(rows / seconds)}


def table(report: dict) -> str:
    """The printed summary of a report."""
    lines = [
        f"{report['database']}, {report['meetings']} meetings, {report['connections']} connections, "
        f"{report['workers']} workers",
        f"{'':<13} {'cache on (repeated address)':^32} | {'computed afresh (cache off)':^32} |",
        f"{'page':<13} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'first':>8} | {'req/s':>8} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'n':>4} | {'queries':>7}  url",
    ]
    for page in report["pages"]:
        kept, afresh = page.get("kept") or {}, page.get("afresh") or {}
        queries = "-" if page["queries"] is None else page["queries"]

        def cell(figures, key, width=8):
            value = figures.get(key)
            return f"{value:>{width}.1f}" if value is not None else f"{'-':>{width}}"

        lines.append(
            f"{page['name']:<13} {cell(kept, 'requests_per_second')} {cell(kept, 'p50_ms')} "
            f"{cell(kept, 'p95_ms')} {cell(kept, 'first_after_write_ms')} | "
            f"{cell(afresh, 'requests_per_second')} {cell(afresh, 'p50_ms')} {cell(afresh, 'p95_ms')} "
            f"{afresh.get('requests', '-'):>4} | {queries:>7}  {page['url']}"
        )
    mix = report.get("browse_mix")
    if mix:
        lines.append(f"browse mix ({report['mix_addresses']} distinct addresses, cache on): {summary(mix)}")
    for server, peaks in report["worker_peak_mb"].items():
        if peaks:
            line = f"worker peak memory, {server}: {', '.join(f'{mb:.0f} MB' for mb in peaks)}"
            shares = report.get("worker_share_mb", {}).get(server)
            if shares:
                line += f" (proportional share, largest seen: {', '.join(f'{mb:.0f} MB' for mb in shares)})"
            lines.append(line)
    export = report.get("csv_export")
    if export:
        lines.append(
            f"CSV export: {export['rows']} rows in {export['seconds']} s, {export['rows_per_second']} rows/s"
        )
    if report.get("memos_emptied"):
        lines.append(f"memos emptied before each request computed afresh: {report['memos_emptied']}")
    lines.append(
        f"first: the first request after a write, median of {WRITES_PER_PAGE} writes (ms); "
        "n: requests measured afresh; queries: those of a page computed afresh."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--mix-duration", type=int, default=30, help="seconds of the browse mix")
    parser.add_argument("--mix-addresses", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--count-queries", action="store_true", help="count each page's queries above 100 000 meetings too"
    )
    parser.add_argument(
        "--only", default="", help="comma-separated page names, or kept, afresh, mix, export (default: all)"
    )
    args = parser.parse_args()
    only = {part.strip() for part in args.only.split(",") if part.strip()}

    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{BENCH / f'bench-{args.meetings}.sqlite3'}"
    cache_url = os.environ.get("DJANGO_CACHE_URL", "redis://127.0.0.1:6379/1")
    django_setup(database_url, cache_url)
    from django.db import connection

    env = {**os.environ, "DATABASE_URL": database_url}
    generation_s = prepare_data(env, args.meetings, args.seed)
    urls = pick_urls()
    page_names = {name for name, _ in urls} & only
    if page_names:
        urls = [(name, url) for name, url in urls if name in page_names]
    sections = (only - page_names) or {"kept", "afresh", "mix", "export"}
    # The queries of a page do not grow with the data; counting them in this process costs minutes
    # at a million meetings, so they are counted up to 100 000.
    queries = queries_per_request(urls) if args.meetings <= 100_000 or args.count_queries else {}
    RESULTS.mkdir(exist_ok=True)
    vendor = connection.vendor
    paths = RESULTS / f"mix-{vendor}-{args.meetings}.txt"
    paths.write_text("\n".join(browse_addresses(browse_facets(), args.mix_addresses, args.seed)) + "\n")
    connection.close()

    production = {
        **env,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE": "0",
    }
    manage(production, "collectstatic", "--noinput", "-v0")
    report = {
        "database": vendor,
        "meetings": args.meetings,
        "seed": args.seed,
        "generation_s": generation_s,
        "connections": args.connections,
        "workers": args.workers,
        "duration_s": args.duration,
        "cpus": os.cpu_count(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load_at_start": [round(n, 2) for n in os.getloadavg()],
        "mix_addresses": args.mix_addresses,
        "worker_peak_mb": {},
        "worker_share_mb": {},
    }
    kept, afresh = {}, {}
    if sections & {"kept", "mix"}:
        # Both workers share one cache, as a production deployment should.
        with Server({**production, "DJANGO_CACHE_URL": cache_url}, args.workers) as server:
            if "kept" in sections:
                kept = measure_kept(server, urls, args.duration, args.connections)
            if "mix" in sections:
                report["browse_mix"] = measure_mix(server, paths, args.mix_duration, args.connections)
            report["worker_peak_mb"]["cache on"] = sorted(server.peaks.values())
            report["worker_share_mb"]["cache on"] = sorted(server.shares.values())
    if "afresh" in sections:
        memo_report = RESULTS / f"memos-{os.getpid()}.txt"
        cold = {**production, "DJANGO_CACHE_URL": "dummy://", "BENCH_MEMO_REPORT": str(memo_report)}
        with Server(cold, args.workers, config="bench/gunicorn_cold.py") as server:
            afresh = measure_afresh(server, urls, args.duration, args.connections, args.workers)
            report["worker_peak_mb"]["cache off"] = sorted(server.peaks.values())
            report["worker_share_mb"]["cache off"] = sorted(server.shares.values())
        if memo_report.exists():
            lines = memo_report.read_text().splitlines()
            report["memos_emptied"] = sorted({name for line in lines for name in line.split()[1:]} - {"-"})
            memo_report.unlink()
    if "export" in sections:
        with Server(production, 1) as server:
            report["csv_export"] = measure_csv(server.base)
            server.note_memory()
            report["worker_peak_mb"]["CSV export"] = sorted(server.peaks.values())
            report["worker_share_mb"]["CSV export"] = sorted(server.shares.values())
    report["pages"] = [
        {"name": name, "url": url, "queries": queries.get(name)}
        | {"kept": kept.get(name), "afresh": afresh.get(name)}
        for name, url in urls
    ]
    report["load_at_end"] = [round(n, 2) for n in os.getloadavg()]

    path = RESULTS / f"{vendor}-{args.meetings}.json"
    path.write_text(json.dumps(report, indent=2))
    print()
    print(table(report))
    print(f"Written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
