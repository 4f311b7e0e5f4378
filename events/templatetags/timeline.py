"""Links that change one filter and keep every other one (the URL is the list's state)."""

import functools
import hashlib
from pathlib import Path

from django import template
from django.http import QueryDict
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from ..cache import kept

register = template.Library()

EVENTS = Path(__file__).resolve().parent.parent
# Rows retire by their stamps, not by time: a day bounds what an unused one holds in the cache.
ROW_TIMEOUT = 24 * 3600

# Parameters that take one value: choosing a new one replaces the old.
SINGLE_VALUED = {"year", "date_from", "date_to", "q", "sort", "more"}


def _encode(query: QueryDict) -> str:
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def toggle_query(context, key: str, value) -> str:
    """The current query with ``value`` added to ``key`` or, if present, removed; back to page 1."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    value = str(value)
    current = query.getlist(key)
    if key in SINGLE_VALUED:
        current = [] if value in current else [value]
    elif value in current:
        current = [item for item in current if item != value]
    else:
        current = [*current, value]
    if current:
        query.setlist(key, current)
    else:
        query.pop(key, None)
    return _encode(query)


@register.simple_tag(takes_context=True)
def without_query(context, *keys: str) -> str:
    """The current query without ``keys`` (all filters when none are named)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    for key in keys or list(query):
        if keys or key not in ("sort",):
            query.pop(key, None)
    return _encode(query)


@register.simple_tag
def filters_query(meeting_filter=None, **filters) -> str:
    """The timeline filters that data links carry, URL-encoded, without "?".

    Given the timeline's MeetingFilter: the filters it applied (never ``page``, never a
    value it dropped). Given keywords such as ``org=organisation.slug``: just those.
    """
    if meeting_filter is not None:
        return meeting_filter.query_string()
    query = QueryDict(mutable=True)
    for key, value in filters.items():
        query[key] = value
    return query.urlencode()


# What a row's words come from besides its meeting: when a release changes one, every row is made again.
ROW_TEMPLATE = "events/_meeting_row.html"
ROW_CODE = ("models/meetings.py", "models/records.py", "models/delegations.py", "wording.py")


@functools.cache
def row_release() -> str:
    """A digest of the row's template and of the code that words its values, read once per process."""
    digest = hashlib.sha1((EVENTS.parent / "templates" / ROW_TEMPLATE).read_bytes())
    for name in ROW_CODE:
        digest.update((EVENTS / name).read_bytes())
    return digest.hexdigest()


@register.simple_tag
def meeting_row(meeting) -> str:
    """One meeting in a list (events/_meeting_row.html), kept until the meeting or what it shows changes.

    A row reads the same on every list it appears in, and rendering the rows
    was the largest part of a list page computed afresh. It is kept under the
    meeting's own stamp (Meeting.row_stamp()), not the data version: a write
    retires the rows it changes and leaves every other row in the cache.
    """
    html = kept(
        "meeting-row",
        f"{row_release()}:{meeting.row_stamp()}",
        lambda: get_template(ROW_TEMPLATE).render({"meeting": meeting}),
        timeout=ROW_TIMEOUT,
    )
    return mark_safe(html)  # rendered by the template, which escapes every value
