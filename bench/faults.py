"""Fault drill: the production stack under load while its dependencies fail, then a verdict.

Starts a PostgreSQL cluster of its own (initdb from PG_BIN, as the postgres
user when run as root) and a redis-server of its own, each on a spare port,
loads the demo data, and serves the app as production does (gunicorn with
``gunicorn.conf.py``, 2 workers, debug off, collected static files). Then,
for ``--duration`` seconds, readers and an editor work as in
bench/loadtest.py (whose machinery this reuses) while the drill

- stops Redis, and starts it again; then stalls it (SIGSTOP), and resumes it;
- stops PostgreSQL (``pg_ctl stop -m fast``), and starts it again;
- kills a gunicorn worker (SIGKILL) while it is in the middle of a save,
  found by its open write transaction in ``pg_stat_activity``, a few times.

It passes when: no answer was a 5xx while only Redis was down or stalled
(pages are served uncached); no answer was a 5xx other than the clean 503
page; no acknowledged save was lost or half-written (bench/loadtest.py's
check of the database); no page read right after an acknowledged save was
older than it; service was back within 5 s of each dependency returning;
and nothing failed outside the faults. It prints a summary, writes it to
bench/results/faults.json, removes its cluster and Redis, and exits
non-zero on failure. It never touches the machine's own services.

    python bench/faults.py --duration 60
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadtest  # noqa: E402  (bench/loadtest.py, beside this file)

ROOT = loadtest.ROOT
RESULTS = loadtest.RESULTS
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
# The machine's own services: never used, stopped or touched.
MACHINE_PORTS = {5432, 6379}
# How soon service must be back after a dependency returns.
RECOVERY_LIMIT = 5.0


# --- What happened, and the verdict (pure functions, tested without servers) -----------------


@dataclass
class Request:
    started: float
    ended: float
    category: str
    method: str
    path: str
    status: int | None  # None: no answer (connection refused or cut)


@dataclass
class Fault:
    """A dependency made to fail from ``started`` until it was back at ``returned``."""

    kind: str  # "redis down", "redis stalled", "database down", "worker killed"
    started: float
    returned: float
    note: str = ""
    during_save: bool = False  # worker kills: whether a save was in flight in that worker


@dataclass
class Probe:
    """Every 200 ms: /healthz and a page that needs the database."""

    at: float
    health: dict | None
    page_status: int | None


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


def overlaps(request: Request, start: float, end: float) -> bool:
    return request.started <= end and request.ended >= start


def recovery_seconds(fault: Fault, probes: list[Probe], respawned: dict[float, float]) -> float | None:
    """Seconds from the dependency's return until the site served normally again (None: never)."""
    if fault.kind == "worker killed":
        back = respawned.get(fault.started)
        return None if back is None else back - fault.started
    for probe in probes:
        if probe.at < fault.returned:
            continue
        health = probe.health or {}
        if fault.kind.startswith("redis") and health.get("cache") == "ok" and probe.page_status == 200:
            return probe.at - fault.returned
        if fault.kind == "database down" and health.get("database") == "ok" and probe.page_status == 200:
            return probe.at - fault.returned
    return None


def judge(
    requests: list[Request],
    faults: list[Fault],
    probes: list[Probe],
    writes: dict,
    respawned: dict[float, float],
    margin: float = RECOVERY_LIMIT,
) -> list[Check]:
    """The drill's verdict, one check per promise (see the module's docstring)."""
    checks = []
    redis = [f for f in faults if f.kind.startswith("redis")]
    others = [f for f in faults if not f.kind.startswith("redis")]

    def during(request: Request, window: list[Fault], extra: float = 0.0) -> bool:
        return any(overlaps(request, f.started, f.returned + extra) for f in window)

    only_redis = [r for r in requests if during(r, redis) and not during(r, others, margin)]
    failed = [r for r in only_redis if r.status is None or r.status >= 500]
    checks.append(
        Check(
            "0 5xx answers while only Redis was down or stalled",
            bool(redis) and not failed,
            f"{len(only_redis)} requests, {len(failed)} failed"
            + "".join(f"; {r.method} {r.path} → {r.status}" for r in failed[:3])
            + ("" if redis else "; Redis was never made to fail"),
        )
    )

    unclean = [r for r in requests if r.status is not None and r.status >= 500 and r.status != 503]
    checks.append(
        Check(
            "every 5xx was the clean 503 page",
            not unclean,
            f"{sum(r.status == 503 for r in requests)} answers 503, {len(unclean)} other 5xx"
            + "".join(f"; {r.method} {r.path} → {r.status}" for r in unclean[:3]),
        )
    )

    lost = writes.get("lost_writes", 0) + writes.get("history_mismatches", 0)
    acknowledged = writes.get("saves_acknowledged", 0)
    checks.append(
        Check(
            "0 acknowledged saves lost or half-written",
            lost == 0 and acknowledged > 0,
            f"{acknowledged} acknowledged, {writes.get('saves_verified', 0)} verified in the database, "
            f"{writes.get('lost_writes', 0)} lost, {writes.get('history_mismatches', 0)} with wrong history",
        )
    )
    checks.append(
        Check(
            "no page older than an acknowledged save",
            writes.get("stale_reads", 0) == 0,
            f"{writes.get('stale_reads', 0)} stale pages read right after a save",
        )
    )

    slowest, never = 0.0, []
    for fault in faults:
        seconds = recovery_seconds(fault, probes, respawned)
        if seconds is None:
            never.append(fault.kind)
        else:
            slowest = max(slowest, seconds)
    checks.append(
        Check(
            f"service back within {RECOVERY_LIMIT:.0f} s of each dependency returning",
            bool(faults) and not never and slowest <= RECOVERY_LIMIT,
            f"slowest {slowest:.1f} s" + (f"; never back after: {', '.join(never)}" if never else ""),
        )
    )

    kills = [f for f in faults if f.kind == "worker killed"]
    checks.append(
        Check(
            "a worker was killed during a save",
            any(f.during_save for f in kills),
            f"{len(kills)} workers killed, {sum(f.during_save for f in kills)} in the middle of a save",
        )
    )

    outside = [r for r in requests if not during(r, faults, margin) and (r.status is None or r.status >= 500)]
    checks.append(
        Check(
            f"no failure outside the faults (and {margin:.0f} s after each)",
            not outside,
            f"{len(outside)} failed" + "".join(f"; {r.method} {r.path} → {r.status}" for r in outside[:3]),
        )
    )
    return checks


# --- Services of the drill's own ---------------------------------------------------------------


def spare_port() -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in MACHINE_PORTS:
            return port


def run_as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """PostgreSQL refuses to run as root: as root, run its tools as the postgres user."""
    user = {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}
    return subprocess.run(command, check=True, capture_output=True, text=True, **user, **kwargs)


class PostgresCluster:
    """A throwaway PostgreSQL cluster on a spare port, trust authentication on loopback."""

    def __init__(self) -> None:
        self.port = spare_port()
        self.folder = Path(tempfile.mkdtemp(prefix="faults-postgres-"))
        self.data = self.folder / "data"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        run_as_postgres(
            [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
            + ["--no-locale"]
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/faults"

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        run_as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options]
            + ["-w", "start"]
        )

    def stop(self) -> None:
        run_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def create_database(self) -> None:
        run_as_postgres(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "faults"]
        )

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                **({"user": "postgres"} if os.geteuid() == 0 else {}),
            )
        shutil.rmtree(self.folder, ignore_errors=True)


class RedisServer:
    """A redis-server on a spare port, without persistence."""

    def __init__(self) -> None:
        self.port = spare_port()
        self.folder = Path(tempfile.mkdtemp(prefix="faults-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline:
                raise SystemExit(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


# --- Watching the server -------------------------------------------------------------------------


class RecordingBrowser(loadtest.Browser):
    """The load test's browser, also noting when each request ran and how it was answered."""

    def __init__(self, port: int, stats: loadtest.Stats, log: list[Request], category: str = ""):
        super().__init__(port, stats)
        self.log, self.category = log, category

    def request(self, category, method, path, body=None, expect=200):
        self.category = category
        return super().request(category, method, path, body, expect)

    def send(self, method, path, body=None):
        started = time.monotonic()
        answer = super().send(method, path, body)
        status = answer.status if isinstance(answer, loadtest.Answer) else None
        category = "admin save" if method == "POST" else self.category
        self.log.append(Request(started, time.monotonic(), category, method, path, status))
        return answer


def read(port: int, rng: random.Random, data: loadtest.Catalogue, log, stats, deadline: float) -> None:
    browser = RecordingBrowser(port, stats, log)
    while time.monotonic() < deadline:
        category, path = loadtest.reader_request(rng, data)
        browser.request(category, "GET", path)


def probe(port: int, log: list[Request], probes: list[Probe], deadline: float) -> None:
    stats = loadtest.Stats()
    browser = RecordingBrowser(port, stats, log, "probe")
    while time.monotonic() < deadline:
        at = time.monotonic()
        health = browser.send("GET", "/healthz")
        page = browser.send("GET", "/")
        body = None
        if isinstance(health, loadtest.Answer):
            try:
                body = json.loads(health.text)
            except ValueError:
                body = None
        status = page.status if isinstance(page, loadtest.Answer) else None
        probes.append(Probe(at, body, status))
        time.sleep(max(0.0, 0.2 - (time.monotonic() - at)))


def workers_of(master: int) -> set[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return set()
    return {int(pid) for pid in children}


def socket_inode(local_port: int, remote_port: int) -> str | None:
    """The inode of the TCP socket from ``local_port`` to ``remote_port`` on this machine."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            local, remote, inode = parts[1], parts[2], parts[9]
            if (
                int(local.rsplit(":", 1)[1], 16) == local_port
                and int(remote.rsplit(":", 1)[1], 16) == remote_port
            ):
                return inode
    return None


def process_holding(inode: str, candidates: set[int]) -> int | None:
    for pid in candidates:
        try:
            for descriptor in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{descriptor}") == f"socket:[{inode}]":
                    return pid
        except OSError:
            continue
    return None


SAVING = """
    SELECT client_port FROM pg_stat_activity
    WHERE datname = 'faults' AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
      AND (state = 'idle in transaction' OR query ~* '^\\s*(INSERT|UPDATE|DELETE)')
"""


def kill_a_worker_during_a_save(
    master: int, cluster: PostgresCluster, until: float
) -> tuple[float, int, bool]:
    """SIGKILL the worker whose database connection is in a writing transaction; else any worker."""
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres", autocommit=True
    ) as db:
        while time.monotonic() < until:
            for (port,) in db.execute(SAVING).fetchall():
                inode = port and socket_inode(port, cluster.port)
                pid = inode and process_holding(inode, workers_of(master))
                if pid:
                    os.kill(pid, signal.SIGKILL)
                    return time.monotonic(), pid, True
            time.sleep(0.002)
    pid = random.choice(sorted(workers_of(master)))
    os.kill(pid, signal.SIGKILL)
    return time.monotonic(), pid, False


def wait_for_respawn(master: int, killed: int, workers: int, limit: float = 30.0) -> float | None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        alive = workers_of(master)
        if killed not in alive and len(alive) >= workers:
            return time.monotonic()
        time.sleep(0.02)
    return None


# --- The drill ---------------------------------------------------------------------------------


def schedule(duration: float) -> dict[str, float]:
    """When each fault starts and ends, in seconds from the start, for a run of ``duration`` seconds."""
    at = duration / 60
    return {
        "redis down": 6 * at,
        "redis up": 16 * at,
        "redis stalled": 20 * at,
        "redis resumed": 25 * at,
        "database down": 29 * at,
        "database up": 37 * at,
        "kills from": 42 * at,
        "kills until": 54 * at,
    }


def break_things(
    started: float,
    duration: float,
    redis: RedisServer,
    cluster: PostgresCluster,
    master: int,
    workers: int,
    faults: list[Fault],
    respawned: dict[float, float],
) -> None:
    plan = schedule(duration)

    def wait_until(seconds: float) -> None:
        time.sleep(max(0.0, started + seconds - time.monotonic()))

    def say(text: str) -> None:
        print(f"  {time.monotonic() - started:5.1f} s  {text}", flush=True)

    wait_until(plan["redis down"])
    down = time.monotonic()
    redis.stop()
    say("Redis stopped")
    wait_until(plan["redis up"])
    redis.start()
    faults.append(Fault("redis down", down, time.monotonic()))
    say("Redis started again")

    wait_until(plan["redis stalled"])
    stalled = time.monotonic()
    redis.pause()
    say("Redis stalled (SIGSTOP)")
    wait_until(plan["redis resumed"])
    redis.resume()
    faults.append(Fault("redis stalled", stalled, time.monotonic()))
    say("Redis resumed")

    wait_until(plan["database down"])
    down = time.monotonic()
    cluster.stop()
    say("PostgreSQL stopped")
    wait_until(plan["database up"])
    cluster.start()
    faults.append(Fault("database down", down, time.monotonic()))
    say("PostgreSQL started again")

    wait_until(plan["kills from"])
    until = started + plan["kills until"]
    while time.monotonic() < until - 1:
        killed_at, pid, during_save = kill_a_worker_during_a_save(master, cluster, until)
        back = wait_for_respawn(master, pid, workers)
        if back is not None:
            respawned[killed_at] = back
        faults.append(Fault("worker killed", killed_at, killed_at, f"pid {pid}", during_save))
        say(f"worker {pid} killed {'during a save' if during_save else '(no save in flight)'}")
        time.sleep(3 * duration / 60)


def print_summary(report: dict) -> None:
    print()
    print(
        f"Fault drill: {report['duration_s']} s, {report['readers']} readers and an editor, gunicorn with "
        f"{report['workers']} workers, debug off; PostgreSQL (own cluster, port {report['postgres_port']}), "
        f"Redis (own server, port {report['redis_port']})"
    )
    print(f"{'at':>7}  {'fault':<15} {'lasted':>7}  back after")
    for fault in report["faults"]:
        back = fault["recovery_s"]
        print(
            f"{fault['at_s']:>6.1f}s  {fault['kind']:<15} {fault['lasted_s']:>6.1f}s  "
            f"{'never' if back is None else f'{back:.1f} s'}  {fault['note']}"
        )
    statuses = ", ".join(f"{status}: {count}" for status, count in report["answers_by_status"].items())
    print(f"requests: {report['requests']} ({statuses})")
    # The load test counts every answer a healthy site would not give as an error, the 503s
    # while PostgreSQL was down included; list only the other kinds.
    load = {
        **report["load"],
        "categories": [
            {**row, "first_errors": [e for e in row["first_errors"] if ": 503, expected" not in e]}
            for row in report["load"]["categories"]
        ],
    }
    loadtest.print_report(load)
    print()
    for check in report["checks"]:
        print(f"  {'PASS' if check['passed'] else 'FAIL'}  {check['name']}: {check['detail']}")
    print(f"Result: {'PASS' if report['passed'] else 'FAIL'}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--readers", type=int, default=4, help="reader threads (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not shutil.which("redis-server") or not (PG_BIN / "initdb").exists():
        sys.exit(f"The drill needs redis-server and PostgreSQL's initdb (PG_BIN={PG_BIN}).")

    print("Starting a PostgreSQL cluster and a Redis server of the drill's own …", flush=True)
    cluster, redis = PostgresCluster(), RedisServer()
    try:
        cluster.start()
        cluster.create_database()
        redis.start()
        port = spare_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mineaction.settings",
            "DATABASE_URL": cluster.url,
            "DJANGO_CACHE_URL": redis.url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE": "0",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(args.workers),
        }
        password, catalogue, editing = loadtest.prepare(env)
        report = drill(args, env, port, cluster, redis, password, catalogue, editing)
    finally:
        redis.remove()
        cluster.remove()
    print_summary(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "faults.json").write_text(json.dumps(report, indent=2, default=str))
    print(
        f"Written to {(RESULTS / 'faults.json').relative_to(ROOT)}; gunicorn's log in {report['server_log']}"
    )
    sys.exit(0 if report["passed"] else 1)


def drill(args, env, port, cluster, redis, password, catalogue, editing) -> dict:
    log: list[Request] = []
    probes: list[Probe] = []
    faults: list[Fault] = []
    respawned: dict[float, float] = {}
    stats = loadtest.Stats()
    run = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S")
    editor = loadtest.Editor(
        1,
        RecordingBrowser(port, stats, log),
        password,
        editing,
        run,
        seed=args.seed * 1000,
        reader=RecordingBrowser(port, stats, log, "read after save"),
    )
    RESULTS.mkdir(exist_ok=True)
    server_log = RESULTS / "faults-server.log"
    try:
        with loadtest.Server(env, port, server_log) as server:
            print(f"Running for {args.duration} s on http://127.0.0.1:{port} …", flush=True)
            started = time.monotonic()
            deadline = started + args.duration
            threads = [
                threading.Thread(
                    target=read,
                    args=(port, random.Random(args.seed * 100 + n), catalogue, log, stats, deadline),
                )
                for n in range(args.readers)
            ]
            threads.append(threading.Thread(target=editor.work, args=(deadline,)))
            threads.append(threading.Thread(target=probe, args=(port, log, probes, deadline)))
            for thread in threads:
                thread.start()
            break_things(
                started, args.duration, redis, cluster, server.process.pid, args.workers, faults, respawned
            )
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        writes = loadtest.verify([editor.log])
    finally:
        loadtest.lock_editor_account()

    checks = judge(log, faults, probes, writes, respawned)
    categories = loadtest.summarise(stats, elapsed)
    total = sum(row["requests"] for row in categories)
    load = {
        "database": "postgresql",
        "duration_s": args.duration,
        "readers": args.readers,
        "editors": 1,
        "gunicorn_workers": args.workers,
        "cache": redis.url,
        "categories": categories,
        "total": {
            "requests": total,
            "requests_per_second": round(total / elapsed, 1),
            "errors": sum(row["errors"] for row in categories),
        },
        "writes": writes,
        "server_log_errors": loadtest.server_log_errors(server_log),
    }
    return {
        "duration_s": args.duration,
        "readers": args.readers,
        "workers": args.workers,
        "postgres_port": cluster.port,
        "redis_port": redis.port,
        "faults": [
            {
                **asdict(fault),
                "at_s": round(fault.started - started, 1),
                "lasted_s": round(fault.returned - fault.started, 1),
                "recovery_s": recovery_seconds(fault, probes, respawned),
            }
            for fault in faults
        ],
        "requests": len(log),
        "answers_by_status": dict(
            sorted(Counter(str(r.status) if r.status else "no answer" for r in log).items())
        ),
        "load": load,
        "checks": [asdict(check) for check in checks],
        "passed": all(check.passed for check in checks),
        "server_log": str(server_log.relative_to(ROOT)),
    }


if __name__ == "__main__":
    main()
