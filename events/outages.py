"""What the site does when a dependency is down: the 503 page, /healthz's probes, rate-limited warnings.

The database holds everything, so without it nothing can be served: every
view answers a short 503 page asking the reader to try again (a kept page
cannot be trusted either, since the data version is read from the database).
Without the cache, everything is served, only slower (events.redis_cache).
"""

from __future__ import annotations

import logging
import sys
import threading
import time

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("events.outages")

# Seconds a reader is asked to wait before trying again.
RETRY_AFTER_SECONDS = 10
# Errors that mean the database cannot be reached (refused, closed, restarting, locked);
# other database errors are faults in the code and stay 500s.
UNREACHABLE = (OperationalError, InterfaceError)


class Outage:
    """One process's record of failures of one dependency: when to try it again, and what was logged.

    The first failure is logged at once; while failures go on, at most one
    warning every ``warn_every`` seconds says how many there were, so a storm
    of requests does not flood the log; the first success after a failure
    logs that the dependency answers again.
    """

    def __init__(self, name: str, warn_every: float = 60.0, retry_after: float = 0.0) -> None:
        self.name, self.warn_every, self.retry_after = name, warn_every, retry_after
        self.lock = threading.Lock()
        self.skip_until = 0.0
        self.down_since: float | None = None
        self.last_warning = 0.0
        self.unreported = 0

    def failed(self, error: BaseException, consequence: str) -> None:
        now = time.monotonic()
        with self.lock:
            self.skip_until = now + self.retry_after
            self.unreported += 1
            if self.down_since is None:
                self.down_since = now
            elif now - self.last_warning < self.warn_every:
                return
            self.last_warning, errors, self.unreported = now, self.unreported, 0
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        logger.warning(
            "%s failed (%s: %s); %s%s.",
            self.name,
            type(error).__name__,
            first_line,
            consequence,
            "" if errors == 1 else f" ({errors} failures since the last warning)",
        )

    def answered(self) -> None:
        if self.down_since is None:
            return
        with self.lock:
            if self.down_since is None:
                return
            seconds, self.down_since, self.unreported = time.monotonic() - self.down_since, None, 0
        logger.warning("%s answers again, after %.1f s.", self.name, seconds)

    def skipping(self) -> bool:
        return time.monotonic() < self.skip_until


database_outage = Outage("The database", warn_every=10.0)


def database_answers(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database answers now: connects if need be, and asks it for nothing (one round trip)."""
    connection = connections[using]
    try:
        connection.ensure_connection()
        usable = connection.is_usable()
    except DatabaseError:
        usable = False
    if usable:
        database_outage.answered()
    else:
        connection.close_if_unusable_or_obsolete()
    return usable


def cache_answers() -> bool:
    """Whether the cache answers now; a cache with no probe (in-process, dummy) always does."""
    probe = getattr(caches["default"], "is_available", None)
    return probe is None or probe()


def dependencies() -> tuple[dict[str, str], int]:
    """/healthz's answer: each dependency "ok" or "down", and 503 only when the site cannot serve."""
    report = {
        "database": "ok" if database_answers() else "down",
        "cache": "ok" if cache_answers() else "down",
    }
    if report["database"] == "down":
        return {"status": "unavailable", **report}, 503
    return {"status": "ok" if report["cache"] == "ok" else "degraded", **report}, 200


def unavailable(request) -> HttpResponse:
    """The 503 page: plain, made without the database, never kept by a cache or a browser."""
    html = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}, request=request)
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answer the 503 page, not a server error, when a view finds the database unreachable.

    A streaming answer (CSV exports, the calendar feed) reads the database
    only once the body is being sent, after its 200 status has gone out; so
    before one is returned, the database is asked whether it answers, and
    if it does not, the 503 page goes out instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.streaming and not isinstance(response, FileResponse) and not database_answers():
            response.close()
            database_outage.failed(OperationalError("no answer"), "answering 503")
            return unavailable(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, UNREACHABLE):
            database_outage.failed(exception, "answering 503")
            return unavailable(request)
        return None


@requires_csrf_token
def server_error(request) -> HttpResponse:
    """handler500: the 503 page when the error was the database being unreachable (in a middleware)."""
    if isinstance(sys.exception(), UNREACHABLE):
        return unavailable(request)
    return defaults.server_error(request)
