"""/healthz tells a load balancer which dependencies answer: 503 only when the site cannot serve.

The database down is tested for real, in a process whose database cannot be
reached (test_outages.py); here, a cache that cannot be reached.
"""

import pytest
from django.urls import reverse

from events import redis_cache

from .services import free_port

pytestmark = pytest.mark.django_db


def test_health_check_answers_200_when_every_dependency_answers(client):
    response = client.get(reverse("events:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_check_answers_200_without_the_cache_and_says_it_is_down(client, settings):
    # Nothing listens on the port: connections are refused at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "events.redis_cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    }
    redis_cache.FailSoftRedisCache.outages.clear()
    response = client.get(reverse("events:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "down"}
    # Pages are served all the same, computed afresh.
    assert client.get(reverse("events:timeline")).status_code == 200


def test_health_check_is_never_cached(client):
    response = client.get(reverse("events:healthz"))
    assert "no-store" in response["Cache-Control"]


def test_health_check_is_not_redirected_to_https(client, settings):
    # Load balancers probe over plain HTTP inside the network.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("events:healthz")).status_code == 200
    assert client.get(reverse("admin:login")).status_code == 301
