"""Reading settings from the environment: strict parsers that stop the app on a value they cannot read."""

import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean; anything but a clear yes or no is a configuration error."""
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list, ignoring blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    """Read a whole number, at least ``minimum`` when one is given."""
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more, not {number}")
    return number


def secret_key(debug: bool, keyless_command: bool) -> str:
    """DJANGO_SECRET_KEY, which must be set when debug is off.

    With debug on, a fixed development key stands in. With debug off, only a
    command that signs nothing (``keyless_command``, decided by manage.py) may
    run without one, and then the key is empty: Django refuses anything that
    would sign with it.
    """
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if key:
        return key
    if debug:
        # Only ever used with debug on, on a developer's machine.
        return "django-insecure-development-only-key-never-use-in-production"
    if keyless_command:
        return ""
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Set it (a long random string) or run with "
        "DJANGO_DEBUG=1 for local development."
    )


def cache_from_url(url: str, socket_timeout: float) -> dict[str, Any]:
    """CACHES["default"] from DJANGO_CACHE_URL: redis://…, dummy:// (no caching) or unset (in-process).

    Kept results are filed under the data version, which lives in the database
    (events.versions), so every cache is exact across workers; an in-process
    one lets its entries go after a minute, to bound each worker's memory.
    Redis fails soft (events.redis_cache): connecting and reading give up
    after ``socket_timeout`` seconds, and the page is computed without it.
    """
    url = url.strip()
    if url.startswith(("redis://", "rediss://")):
        return {
            "BACKEND": "events.redis_cache.FailSoftRedisCache",
            "LOCATION": url,
            "TIMEOUT": 24 * 3600,
            "OPTIONS": {"socket_connect_timeout": socket_timeout, "socket_timeout": socket_timeout},
        }
    if url == "dummy://":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if url:
        raise ImproperlyConfigured(f"DJANGO_CACHE_URL must start with redis:// or be dummy://, not {url!r}")
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 60}
