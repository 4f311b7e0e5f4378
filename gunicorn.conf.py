"""gunicorn settings, used by `make serve` and in production: `gunicorn -c gunicorn.conf.py`.

Each value can be changed from the environment (docs/deploying.md, "gunicorn").
"""

import os


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None


def available_cpus() -> int:
    # The CPUs this process may use, which in a container can be fewer than the host has.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


wsgi_app = "mineaction.wsgi:application"

# Loopback only: a reverse proxy (nginx, Caddy) faces the internet and terminates TLS.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# gunicorn's rule of thumb, capped: each worker keeps its own database
# connection, and PostgreSQL allows 100 by default.
workers = env_int("GUNICORN_WORKERS", min(2 * available_cpus() + 1, 9))

# A request that takes longer than this is stuck; the worker is restarted.
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5

# Load the application once in the master and fork the workers from it: a
# worker that is restarted serves again in milliseconds instead of importing
# Django afresh, so the restarts below never show in response times.
# (Database connections are opened per worker, on its first request.)
preload_app = True

# Restart each worker now and then, so a slow leak never grows without bound.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = max_requests // 10


def when_ready(server):
    # The master reads the facet index (events/meeting_index.py) once, before it forks the workers:
    # each starts with it, sharing its memory, and a worker forked later to replace one serves at
    # once instead of reading every meeting again (seconds at 100 000 meetings, half a minute at a
    # million).
    from events.meeting_index import read_at_start

    read_at_start()


def post_fork(server, worker):
    # A worker catches up with the meetings changed since the master read the index (or reads it
    # whole if the master could not), so that no reader waits for it; afterwards it follows the
    # log of changed meetings.
    from events.meeting_index import read_at_start

    read_at_start()


# Logs go to stdout and stderr for systemd's journal or the container runtime.
accesslog = "-"
errorlog = "-"
# The client address as the proxy reported it, then gunicorn's peer, then the usual fields and the time taken.
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# Proxies allowed to set X-Forwarded-Proto and friends for gunicorn itself.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
