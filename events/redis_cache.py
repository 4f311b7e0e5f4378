"""A Redis cache backend that fails soft: when Redis is down or stalled, every read is a miss.

Django's own Redis backend raises on every error, so a stopped Redis turned
each kept page into a 500 and a stalled one held each request for seconds.
This one, given short socket timeouts in the settings, answers a failed
read with a miss and drops a failed write, so pages are computed afresh;
logs one warning, then at most one a minute while the errors go on; and
after an error leaves Redis alone for RETRY_AFTER seconds, so a stalled
server costs one timeout a second per process rather than several per
request. Nothing is ever stale for it: kept entries are filed under the
data version, which lives in the database (events.versions).
"""

from __future__ import annotations

import re
import threading
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from .outages import Outage

# Seconds to skip Redis after an error; it is tried again by the first request after that.
RETRY_AFTER = 1.0


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache, where an error is a miss (reads) or a no-op (writes), never an exception."""

    # Shared by the threads of a process (Django makes one backend object per thread).
    outages: dict[str, Outage] = {}
    outages_lock = threading.Lock()
    # Set by Django's RedisCache (its server addresses, its client), which the stubs do not declare.
    _servers: list[str]
    _cache: Any

    @property
    def outage(self) -> Outage:
        # The log names the server, never a password in its address.
        location = ",".join(re.sub(r"//[^@/]*@", "//", server) for server in self._servers)
        with self.outages_lock:
            if location not in self.outages:
                self.outages[location] = Outage(f"The cache at {location}", retry_after=RETRY_AFTER)
            return self.outages[location]

    def _soft(self, fallback, method, *args, **kwargs):
        outage = self.outage
        if outage.skipping():
            return fallback
        try:
            result = method(*args, **kwargs)
        except RedisError as error:
            outage.failed(error, "pages are computed without it until it answers")
            return fallback
        outage.answered()
        return result

    def is_available(self) -> bool:
        """Whether Redis answers a ping now (for /healthz); tries even while errors are being skipped."""
        try:
            self._cache.get_client(write=False).ping()
        except RedisError as error:
            self.outage.failed(error, "pages are computed without it until it answers")
            return False
        self.outage.answered()
        return True

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._soft(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._soft({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._soft(False, super().has_key, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._soft(None, super().delete_many, keys, version)

    def clear(self):
        return self._soft(False, super().clear)
