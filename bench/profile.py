"""Profile pages computed afresh: where a page's time goes, by query and by part of the code.

For each address: one request to warm up, then one under pyinstrument with
every query captured, production settings and no cache; between the two,
what a worker of bench/gunicorn_cold.py empties before each request goes
(memos of data, the facet index's answers for one address). Prints the page's
time split into database, templates and other Python; the slowest queries;
pyinstrument's call tree; and with ``--explain`` the plans of the slowest
queries (``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL, ``EXPLAIN QUERY PLAN``
on SQLite). The same goes to bench/results/profile-<database>.txt.

With ``--after-write`` the pages use an in-process cache, and the data
changes between the warm-up and the profiled request: the page, its counts
and facets are computed afresh, as after an editor's save, while whatever is
kept by its own stamp (a meeting's row) is read from the cache.

    DATABASE_URL=... python bench/profile.py / /network/ --explain
"""

from __future__ import annotations

import argparse
import io
import os
import runpy
import secrets
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATABASE_CODE = ("django/db/backends", "/psycopg/", "sqlite3/")
TEMPLATE_CODE = ("django/template/", "/templatetags/")


def setup(*, after_write: bool = False) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'bench-10000.sqlite3'}")
    os.environ.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SECURE": "0",
            # Empty: the in-process cache.
            "DJANGO_CACHE_URL": "" if after_write else "dummy://",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mineaction.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def split_time(frame, inherited: str = "python", totals: dict | None = None) -> dict[str, float]:
    """Seconds of a pyinstrument call tree spent in the database driver, in templates and elsewhere.

    A frame in database code counts as database whatever called it (a query
    run by a template is the database's time); template code counts as
    templates down to any database call below it.
    """
    totals = {"database": 0.0, "templates": 0.0, "python": 0.0} if totals is None else totals
    path = (frame.file_path or "").replace("\\", "/")
    if inherited != "database" and any(part in path for part in DATABASE_CODE):
        category = "database"
    elif inherited == "python" and any(part in path for part in TEMPLATE_CODE):
        category = "templates"
    else:
        category = inherited
    own = frame.time - sum(child.time for child in frame.children)
    totals[category] += max(own, 0.0)
    for child in frame.children:
        split_time(child, category, totals)
    return totals


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


def profile(address: str, *, slowest: int, plans: int, out: io.StringIO, after_write: bool = False) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    client = Client()
    client.get(address)  # warm-up: the database's buffers and the process's imports
    # What the warm-up computed for this address alone goes, as a worker of bench/gunicorn_cold.py
    # empties it before every request: the memos of data and the facet index's answers for one
    # address (an organisation's network and its layout).
    runpy.run_path(str(ROOT / "bench" / "gunicorn_cold.py"))["pre_request"](SimpleNamespace(), None)
    if after_write:
        from events import versions

        versions.data_changed()  # as an editor's save elsewhere would
    profiler = Profiler(interval=0.0005)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        profiler.start()
        response = client.get(address)
        profiler.stop()
        seconds = time.perf_counter() - started
    parts = split_time(profiler.last_session.root_frame())
    queries = sorted(captured.captured_queries, key=lambda query: -float(query["time"]))
    sql_seconds = sum(float(query["time"]) for query in queries)
    out.write(f"\n=== {address}  ({response.status_code}, {len(response.content) / 1024:.0f} KB)\n")
    out.write(
        f"{seconds * 1000:.0f} ms: database {parts['database'] * 1000:.0f} ms "
        f"({len(queries)} queries, {sql_seconds * 1000:.0f} ms as timed by Django), "
        f"templates {parts['templates'] * 1000:.0f} ms, other Python {parts['python'] * 1000:.0f} ms "
        "(profiled; the profiler adds a little)\n"
    )
    for query in queries[:slowest]:
        sql = " ".join(query["sql"].split())
        out.write(f"  {float(query['time']) * 1000:8.1f} ms  {sql[:300]}{'…' if len(sql) > 300 else ''}\n")
    out.write(profiler.output_text(unicode=True, color=False, show_all=False, time="seconds"))
    for query in queries[:plans]:
        sql = " ".join(query["sql"].split())
        out.write(f"\n--- plan of the {float(query['time']) * 1000:.0f} ms query\n{sql}\n")
        out.write(explain(query["sql"]) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("addresses", nargs="+")
    parser.add_argument("--slowest", type=int, default=6, help="queries listed per page")
    parser.add_argument("--explain", type=int, nargs="?", const=2, default=0, help="plans of the N slowest")
    parser.add_argument(
        "--after-write", action="store_true", help="the first request after a write elsewhere (see above)"
    )
    args = parser.parse_args()
    setup(after_write=args.after_write)
    from django.db import connection

    out = io.StringIO()
    for address in args.addresses:
        profile(address, slowest=args.slowest, plans=args.explain, out=out, after_write=args.after_write)
    print(out.getvalue())
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"profile-{connection.vendor}.txt"
    path.write_text(out.getvalue())
    print(f"Written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
