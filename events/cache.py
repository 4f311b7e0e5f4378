"""Kept pages and results for readers, filed under the data version (events.versions).

Every cache key includes the version, which every committed write that
readers could see replaces: a write makes all earlier entries unreachable at
once, so a kept page is never older than the last acknowledged save. A
reader takes the version before computing, so a result computed while a
write was committing is filed under the old version and never served after.

The cache may fail: the backend (events.redis_cache) then answers every read
with a miss, and pages are computed afresh.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import has_vary_header

from .versions import data_version, page_version

# Kept pages and rows are large and many; those of a retired version are
# never read again, so they go after an hour (at most; the cache's own
# timeout when shorter) rather than lingering in Redis for a day.
PAGE_TIMEOUT = 3600
T = TypeVar("T")


def cached(name: str, parts, compute: Callable[[], T], timeout: int | None = None) -> T:
    """``compute()``'s result for ``parts`` (any JSON-able value), cached until the data changes.

    ``timeout`` (seconds) shortens the cache's own for large results.
    """
    digest = hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return _kept_under(f"events:{name}:{data_version()}:{digest}", compute, timeout)


def kept(name: str, stamp: str, compute: Callable[[], T], timeout: int | None = None) -> T:
    """``compute()``'s result kept under ``stamp`` alone, not the data version: for a part of a page
    whose stamp changes exactly when it would read otherwise (a meeting's row: Meeting.row_stamp()),
    so that a write elsewhere leaves it in the cache. ``timeout`` as for cached()."""
    return _kept_under(f"events:{name}:{hashlib.sha1(stamp.encode()).hexdigest()}", compute, timeout)


def _kept_under(key: str, compute: Callable[[], T], timeout: int | None) -> T:
    """The cache's value at ``key``, or ``compute()``'s result, stored there (for the cache's own
    timeout when ``timeout`` is None)."""
    result = cache.get(key)
    if result is None:
        result = compute()
        if timeout is None:
            cache.set(key, result)
        else:
            cache.set(key, result, timeout=timeout)
    return result


def page_timeout() -> int:
    return int(min(PAGE_TIMEOUT, cache.default_timeout or PAGE_TIMEOUT))


def personal(request) -> bool:
    """Whether answering used the visitor's session or a CSRF token: such a page is theirs alone.

    (The middleware adds their cookies and ``Vary: Cookie`` only after the
    view, so the response itself cannot tell yet.)
    """
    session = getattr(request, "session", None)
    return bool(getattr(session, "accessed", False) or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))


def public_page(view):
    """Serve the view's response from the cache until the data changes.

    Readers' pages, API answers and feeds are the same for everyone who asks
    for the same address: they show no user, session, message or CSRF token.
    So a whole response (body and the view's own headers) is kept under the
    data version and its absolute URL, and every write retires it with
    everything else. Only complete 200 responses that set no cookie and do not
    vary by cookie are kept; anything else is answered afresh. The middleware
    still runs on every request, so security headers are always current.
    """

    @functools.wraps(view)
    def serve(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        version = data_version()
        address = hashlib.sha1(request.build_absolute_uri().encode()).hexdigest()
        # The day is part of the key: pages say the date they were accessed (their "Cite this" block).
        key = f"events:page:{version}:{timezone.localdate().isoformat()}:{address}"
        kept = cache.get(key)
        if kept is not None:
            content, headers = kept
            return HttpResponse(content, headers=headers)
        token = page_version.set(version)
        try:
            response = view(request, *args, **kwargs)
        finally:
            page_version.reset(token)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not has_vary_header(response, "Cookie")
            and not personal(request)
        ):
            if not getattr(response, "is_rendered", True):
                response.render()  # a REST framework or template response
            cache.set(key, (response.content, dict(response.headers)), timeout=page_timeout())
        return response

    return serve
