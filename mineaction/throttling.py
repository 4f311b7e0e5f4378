"""What django-axes asks of each login attempt: the client's address and the user name it gave.

The settings name these functions by dotted path (AXES_CLIENT_IP_CALLABLE,
AXES_USERNAME_CALLABLE); they read the settings when called, so tests can
change ``PROXY_COUNT`` with ``override_settings``.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the one the outermost of PROXY_COUNT trusted proxies saw.

    Only the entries our own proxies appended to X-Forwarded-For are trusted;
    anything further left came from the client and may be forged.
    """
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= count and forwarded[-count]:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def attempted_username(request: HttpRequest, credentials: Mapping[str, Any] | None) -> str:
    """The user name a login attempt gave, cut to what django-axes can record.

    Its attempt log holds 255 characters; a longer name (no account has one)
    would otherwise fail the login page with a database error on PostgreSQL.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    source = credentials if credentials else request.POST
    return str(source.get(field, "") or "")[:255]
