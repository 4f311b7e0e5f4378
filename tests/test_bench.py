"""The benchmark's own logic: the browse mix's addresses, the wrk script, the emptying of memos.

Covers bench/run.py, bench/wrk.lua and bench/gunicorn_cold.py: the browse
mix's addresses, the wrk script's path list and status count, and the
emptying of in-process memos.
"""

import functools
import http.server
import importlib.util
import shutil
import sys
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def load(name: str, filename: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / filename)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


run = load("bench_run", "run.py")

FACETS = {
    "country": [("UA", 900), ("TH", 90), ("AD", 1)],
    "org": [("syn-7-org-0", 500), ("syn-7-org-1", 50)],
    "topic": [("land-release", 700), ("advocacy", 10)],
    "kind": [("bilateral", 400), ("training", 100)],
    "year": [("2024", 300), ("2001", 20)],
}


def test_browse_addresses_are_distinct_timeline_filters_drawn_from_the_facets():
    addresses = run.browse_addresses(FACETS, 200, seed=7)
    assert len(addresses) == len(set(addresses)) == 200
    offered = {param: {value for value, _ in values} for param, values in FACETS.items()}
    pages = 0
    for address in addresses:
        parts = urlsplit(address)
        assert parts.path == "/"
        query = parse_qsl(parts.query)
        filters = [(param, value) for param, value in query if param != "page"]
        assert 1 <= len(filters) <= 3
        assert len({param for param, _ in filters}) == len(filters)  # one value per filter
        for param, value in filters:
            assert value in offered[param]
        pages += any(param == "page" and 2 <= int(value) <= 5 for param, value in query)
    assert 0 < pages < 200  # some addresses ask for a later page


def test_browse_addresses_favour_busy_values_and_repeat_for_a_seed():
    addresses = run.browse_addresses(FACETS, 300, seed=7)
    assert run.browse_addresses(FACETS, 300, seed=7) == addresses
    assert run.browse_addresses(FACETS, 300, seed=8) != addresses
    countries = Counter(
        value for a in addresses for param, value in parse_qsl(urlsplit(a).query) if param == "country"
    )
    assert countries["UA"] > countries["TH"] > countries["AD"]


def test_browse_addresses_stop_when_the_facets_offer_too_few_combinations():
    tiny = {"kind": [("bilateral", 1)]}
    assert sorted(run.browse_addresses(tiny, 100, seed=1)) == sorted(
        ["/?kind=bilateral"] + [f"/?kind=bilateral&page={page}" for page in range(2, 6)]
    )


def test_the_table_shows_both_columns_and_a_dash_for_what_was_not_measured():
    figures = {"requests_per_second": 812.3, "p50_ms": 4.2, "p95_ms": 9.9, "requests": 8000}
    report = {
        "database": "sqlite",
        "meetings": 100,
        "connections": 4,
        "workers": 2,
        "pages": [
            {
                "name": "timeline",
                "url": "/",
                "queries": 9,
                "kept": {**figures, "first_after_write_ms": 120.0},
                "afresh": {**figures, "requests_per_second": 3.5, "p95_ms": 1500.0, "requests": 40},
            },
            {"name": "meeting", "url": "/meetings/x/", "queries": None, "kept": None, "afresh": None},
        ],
        "worker_peak_mb": {"cache on": [88.4, 90.1]},
        "mix_addresses": 2000,
    }
    lines = run.table(report).splitlines()
    timeline = next(line for line in lines if line.startswith("timeline"))
    kept, afresh, queries = (part.split() for part in timeline.split("|"))
    assert kept[1:] == ["812.3", "4.2", "9.9", "120.0"]
    assert afresh == ["3.5", "4.2", "1500.0", "40"]
    assert queries == ["9", "/"]
    meeting = next(line for line in lines if line.startswith("meeting"))
    assert meeting.split("|")[1].split() == ["-", "-", "-", "-"]
    assert "worker peak memory, cache on: 88 MB, 90 MB" in lines


@pytest.fixture
def recording_server():
    """A tiny HTTP server that answers 200, or 304 for /stale, and records every path asked for."""
    paths: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = 65536  # headers and body in one write

        def do_GET(self):
            paths.append(self.path)
            status = 304 if self.path == "/stale" else 200
            body = b"" if status == 304 else b"ok"
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.handle_error = lambda request, address: None  # wrk hangs up mid-request when time is up
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", paths
    server.shutdown()


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed (make bench installs it)")
def test_the_wrk_script_takes_the_paths_in_turn_and_counts_answers_by_status(recording_server, tmp_path):
    base, seen = recording_server
    listed = [f"/?page={n}" for n in range(1, 20)] + ["/stale"]
    paths = tmp_path / "paths.txt"
    paths.write_text("\n".join(listed) + "\n")
    figures = run.run_wrk(base + "/", 1, 2, paths=paths)
    assert len(listed) < figures["requests"] <= len(seen)
    # Two threads take alternate paths in turn: every path is asked for, none far more than the rest.
    asked = Counter(seen)
    assert set(asked) == set(listed)
    assert max(asked.values()) <= 2 * len(seen) / len(listed) + 2
    assert figures["statuses"]["304"] > 0
    assert figures["statuses"]["200"] + figures["statuses"]["304"] == figures["requests"]
    assert {"requests_per_second", "p50_ms", "p95_ms", "load"} <= set(figures)


def test_the_cold_server_empties_data_memos_before_each_request_and_keeps_static_ones(monkeypatch):
    from events import geo, network

    monkeypatch.setenv("GUNICORN_WORKERS", "2")
    cold = load("bench_gunicorn_cold", "gunicorn_cold.py")
    assert cold.workers == 2 and cold.preload_app  # the production settings, read from gunicorn.conf.py

    @functools.cache
    def memo():
        return object()

    monkeypatch.setattr(network, "bench_test_memo", memo, raising=False)
    memo.__module__ = "events.network"
    geo.world()
    kept = memo()

    class Worker:
        pid = 1

    cold.pre_request(Worker(), None)
    assert memo() is not kept  # emptied before the request
    assert geo.world.cache_info().currsize == 1  # the map's shapes stay


@pytest.mark.django_db
def test_the_no_match_page_filters_by_a_real_country_and_topic_and_matches_nothing():
    from django.core.management import call_command
    from django.http import QueryDict
    from django_countries import countries

    from events.filters import MeetingFilter
    from events.models import Meeting, Topic

    call_command("generate_synthetic", meetings=300, organisations=60, people=120, seed=7, verbosity=0)
    published = Meeting.objects.published()
    query = run.empty_filter(published, dict(published.country_counts()), [c for c, _ in countries], Topic)
    params = QueryDict(query)
    assert set(params) == {"country", "topic"}
    meeting_filter = MeetingFilter(params, queryset=published)
    assert meeting_filter.qs.count() == 0 and not meeting_filter.notices  # both values were valid
