"""The fault drill's verdict (bench/faults.py): each promise it checks fails when broken.

The drill itself runs against real servers (`make faults`); here its judging
runs on made-up timelines, without servers.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "faults.py"


def load_script():
    spec = importlib.util.spec_from_file_location("faults", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


faults = load_script()
Request, Fault, Probe = faults.Request, faults.Fault, faults.Probe

GOOD_WRITES = {"saves_acknowledged": 20, "saves_verified": 20, "lost_writes": 0, "history_mismatches": 0}
HEALTHY = {"status": "ok", "database": "ok", "cache": "ok"}


def timeline():
    """Redis down 10–20, stalled 25–30, the database down 35–45, a worker killed at 55 (replaced at 55.2)."""
    fault_list = [
        Fault("redis down", 10, 20),
        Fault("redis stalled", 25, 30),
        Fault("database down", 35, 45),
        Fault("worker killed", 55, 55, "pid 7", during_save=True),
    ]
    requests = [Request(t, t + 0.1, "timeline", "GET", "/", 200) for t in range(0, 70)]
    requests += [Request(t + 0.5, t + 0.6, "timeline", "GET", "/", 503) for t in range(36, 44)]
    requests.append(Request(55, 55.01, "admin save", "POST", "/admin/events/meeting/1/change/", None))
    probes = [Probe(t / 5, HEALTHY, 200) for t in range(0, 350)]
    probes = [
        p for p in probes if not (35 <= p.at < 45.6) and not (10 <= p.at < 20.4) and not (25 <= p.at < 31)
    ]
    return requests, fault_list, probes, {55: 55.2}


def verdict(requests, fault_list, probes, respawned, writes=None):
    checks = faults.judge(requests, fault_list, probes, {**GOOD_WRITES, **(writes or {})}, respawned)
    return {check.name: check.passed for check in checks}


def test_a_drill_where_every_promise_holds_passes():
    assert all(verdict(*timeline()).values())


@pytest.mark.parametrize("status", [500, 503, None])
def test_any_failure_while_only_redis_is_down_fails_the_drill(status):
    requests, fault_list, probes, respawned = timeline()
    requests.append(Request(14, 14.2, "detail", "GET", "/meetings/x/", status))
    result = verdict(requests, fault_list, probes, respawned)
    assert not result["0 5xx answers while only Redis was down or stalled"]


def test_a_503_while_the_database_is_down_is_expected_but_a_500_is_not():
    requests, fault_list, probes, respawned = timeline()
    assert verdict(requests, fault_list, probes, respawned)["every 5xx was the clean 503 page"]
    requests.append(Request(40, 40.1, "export", "GET", "/export/meetings.csv", 500))
    assert not verdict(requests, fault_list, probes, respawned)["every 5xx was the clean 503 page"]


@pytest.mark.parametrize(
    ("writes", "check"),
    [
        ({"lost_writes": 1}, "0 acknowledged saves lost or half-written"),
        ({"history_mismatches": 1}, "0 acknowledged saves lost or half-written"),
        ({"saves_acknowledged": 0}, "0 acknowledged saves lost or half-written"),
        ({"stale_reads": 1}, "no page older than an acknowledged save"),
    ],
)
def test_lost_half_written_or_stale_saves_fail_the_drill(writes, check):
    assert not verdict(*timeline(), writes=writes)[check]


def test_service_back_later_than_five_seconds_fails_the_drill():
    requests, fault_list, probes, respawned = timeline()
    probes = [p for p in probes if not (45 <= p.at < 50.5)]  # the first good page 5.5 s after
    assert faults.recovery_seconds(fault_list[2], probes, respawned) == pytest.approx(5.6)
    assert not verdict(requests, fault_list, probes, respawned)[
        "service back within 5 s of each dependency returning"
    ]


def test_a_dependency_that_never_comes_back_fails_the_drill():
    requests, fault_list, probes, respawned = timeline()
    probes = [Probe(p.at, {**HEALTHY, "cache": "down"}, 200) if p.at > 20 else p for p in probes]
    assert faults.recovery_seconds(fault_list[1], probes, respawned) is None
    assert not verdict(requests, fault_list, probes, respawned)[
        "service back within 5 s of each dependency returning"
    ]


def test_a_worker_that_is_not_replaced_fails_the_drill():
    requests, fault_list, probes, _ = timeline()
    assert not verdict(requests, fault_list, probes, {})[
        "service back within 5 s of each dependency returning"
    ]


def test_a_drill_that_never_caught_a_save_in_flight_fails():
    requests, fault_list, probes, respawned = timeline()
    fault_list[3].during_save = False
    assert not verdict(requests, fault_list, probes, respawned)["a worker was killed during a save"]


def test_a_failure_away_from_every_fault_fails_the_drill():
    requests, fault_list, probes, respawned = timeline()
    requests.append(Request(65, 65.1, "api", "GET", "/api/meetings/", 503))
    assert not verdict(requests, fault_list, probes, respawned)[
        "no failure outside the faults (and 5 s after each)"
    ]


def test_the_faults_come_in_order_within_the_run():
    plan = faults.schedule(60)
    assert list(plan.values()) == sorted(plan.values())
    assert plan["kills until"] < 60
