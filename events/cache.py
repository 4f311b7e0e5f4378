"""Caching of expensive read results, made stale by every write.

One *data version* token lives in the cache. Every saved, deleted or
relinked record of this app replaces it once its transaction commits, and
every cache key includes it: a write makes all earlier entries unreachable
at once, so a cached count is never older than the last committed edit.
A reader takes the version before computing, so a result computed while a
write was committing is filed under the old version and never served after.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import json
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save
from django.http import HttpResponse
from django.utils.cache import has_vary_header

VERSION_KEY = "events:data-version"
# Kept pages and rows are large and many; those of a retired version are
# never read again, so they go after an hour (at most; the cache's own
# timeout when shorter) rather than lingering in Redis for a day.
PAGE_TIMEOUT = 3600
T = TypeVar("T")


# The version a page being computed was filed under, taken before it read
# anything: every count and row it uses is filed under the same one.
_page_version: contextvars.ContextVar[str | None] = contextvars.ContextVar("page_version", default=None)


def data_version() -> str:
    page_version = _page_version.get()
    if page_version is not None:
        return page_version
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # add() keeps a token another process set meanwhile.
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


def data_changed() -> None:
    """Make every cached result stale (call after writes that bypass the ORM's signals)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def cached(name: str, parts, compute: Callable[[], T], timeout: int | None = None) -> T:
    """``compute()``'s result for ``parts`` (any JSON-able value), cached until the data changes.

    ``timeout`` (seconds) shortens the cache's own for large results.
    """
    digest = hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    key = f"events:{name}:{data_version()}:{digest}"
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
        key = f"events:page:{version}:{address}"
        kept = cache.get(key)
        if kept is not None:
            content, headers = kept
            return HttpResponse(content, headers=headers)
        token = _page_version.set(version)
        try:
            response = view(request, *args, **kwargs)
        finally:
            _page_version.reset(token)
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


def _meeting_id(instance) -> int | None:
    """The meeting a record is, or is part of; None for any other record."""
    from .models import Meeting

    if isinstance(instance, Meeting):
        return instance.pk
    return getattr(instance, "meeting_id", None)


def _remember_publication(sender, instance, raw=False, **kwargs) -> None:
    from .models import Meeting, Status

    if sender is Meeting and not raw:
        stored = Meeting.objects.filter(pk=instance.pk, status=Status.PUBLISHED)
        if transaction.get_connection().in_atomic_block:
            # Wait for a concurrent publication to commit rather than read past it.
            stored = stored.select_for_update()
        instance._was_published = bool(instance.pk and stored.exists())


def readers_can_see(sender, instance) -> bool:
    """Whether a write to ``instance`` can change anything a reader is shown.

    Editors spend most of their saves on drafts; those (a meeting that is not
    and was not published, and its organisations, participants, outcomes,
    topics and sources) leave the kept pages alone. So do history records.
    Any other write may show somewhere, so it counts.
    """
    from .models import Meeting, Status

    if getattr(sender, "instance_type", None) is not None:  # django-simple-history's records
        return False
    if sender is Meeting:
        return instance.status == Status.PUBLISHED or getattr(instance, "_was_published", True)
    meeting_id = _meeting_id(instance)
    if meeting_id is None:
        return True
    return Meeting.objects.filter(pk=meeting_id, status=Status.PUBLISHED).exists()


def _on_write(sender, instance=None, **kwargs) -> None:
    if sender._meta.app_label != "events":
        return
    # A many-to-many change is sent by the link table; what matters is the record changed.
    changed = type(instance) if kwargs.get("action") else sender
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    # A restore (raw) writes many records: no lookup per record, it simply counts.
    if instance is not None and not kwargs.get("raw") and not readers_can_see(changed, instance):
        return
    # Now, for readers inside this transaction; again on commit, for everyone else.
    data_changed()
    transaction.on_commit(data_changed)


def _after_migrate(sender, **kwargs) -> None:
    # A deploy runs migrate: pages kept by the previous release's templates retire with it.
    data_changed()


def connect_signals() -> None:
    post_migrate.connect(_after_migrate, dispatch_uid="events-cache-post-migrate")
    pre_save.connect(_remember_publication, dispatch_uid="events-cache-pre-save")
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_write, dispatch_uid=f"events-cache-{signal!r}")
