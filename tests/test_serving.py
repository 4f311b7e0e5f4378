"""gunicorn serves the app with production settings, configured from the environment."""

import json
import os
import runpy
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
CONFIG = BASE_DIR / "gunicorn.conf.py"


def load_config(monkeypatch, **env: str) -> dict:
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_gunicorn_defaults_to_loopback_and_logs_requests_to_stdout(monkeypatch):
    config = load_config(monkeypatch)
    assert config["bind"] == "127.0.0.1:8000"
    assert config["wsgi_app"] == "mineaction.wsgi:application"
    assert config["accesslog"] == "-"
    assert config["timeout"] == 30
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert config["workers"] == min(2 * cpus + 1, 9)


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    config = load_config(
        monkeypatch,
        GUNICORN_BIND="0.0.0.0:9000",
        GUNICORN_WORKERS="3",
        GUNICORN_TIMEOUT="60",
        GUNICORN_MAX_REQUESTS="5000",
    )
    assert (config["bind"], config["workers"], config["timeout"]) == ("0.0.0.0:9000", 3, 60)
    assert (config["max_requests"], config["max_requests_jitter"]) == (5000, 500)


def test_workers_are_forked_from_a_preloaded_application(monkeypatch):
    config = load_config(monkeypatch)
    # A replaced worker must not import Django again: that took a second under load.
    assert config["preload_app"] is True
    assert config["max_requests"] == 10000


def test_gunicorn_refuses_a_worker_count_that_is_not_a_number(monkeypatch):
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS must be a whole number, not 'many'"):
        load_config(monkeypatch, GUNICORN_WORKERS="many")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(tmp_path, port: int, **extra: str) -> dict[str, str]:
    """Production settings on a SQLite file of its own, gunicorn on ``port``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECURE="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        **extra,
    )
    return env


def start_gunicorn(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(CONFIG)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def first_answer(server: subprocess.Popen, ask, seconds: int = 60):
    """What ``ask()`` returns once gunicorn answers (until then it raises OSError)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return ask()
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.2)


def test_gunicorn_serves_the_health_check_with_production_settings(tmp_path):
    port = free_port()
    server = start_gunicorn(production_environment(tmp_path, port, GUNICORN_WORKERS="1"))

    def health():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status, json.load(response), response.headers["Content-Security-Policy"]

    try:
        status, body, policy = first_answer(server, health)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert (status, body) == (200, {"status": "ok", "database": "ok", "cache": "ok"})
    assert "default-src 'self'" in policy
    assert '"GET /healthz HTTP/1.1" 200' in output  # the access log, on stdout


def test_the_master_reads_the_facet_index_once_and_workers_forked_later_catch_up(tmp_path):
    """A worker replaced at 100 000 meetings would otherwise read them all again before serving
    (seconds; half a minute at a million), and each worker would hold a copy of its own."""
    port = free_port()
    env = production_environment(
        tmp_path,
        port,
        DJANGO_CACHE_URL="dummy://",
        DJANGO_LOG_LEVEL="INFO",
        GUNICORN_WORKERS="2",
        GUNICORN_MAX_REQUESTS="3",  # each worker is replaced after three requests
    )

    def manage(*args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, timeout=300)

    def published_count() -> int:
        url = f"http://127.0.0.1:{port}/api/meetings/?format=json"
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)["count"]

    manage("migrate", "--noinput", "-v0")
    manage("load_demo_data", "-v0")
    server = start_gunicorn(env)
    try:
        before = first_answer(server, published_count)
        # An editor withdraws a meeting after the master read the index.
        manage(
            "shell",
            "-c",
            "from events.models import Meeting, Status; m = Meeting.objects.published().first(); "
            "m.status = Status.DRAFT; m.save()",
        )
        # Twelve requests: the workers are replaced several times, each forked from the master.
        counts = [published_count() for _ in range(12)]
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert counts == [before - 1] * 12
    reads = [line for line in output.splitlines() if "Facet index read" in line]
    caught_up = [line for line in output.splitlines() if "Facet index brought up to date" in line]
    assert len(reads) == 1, output
    assert len(caught_up) >= 4, output  # the first two workers and at least two that replaced them
