"""/healthz tells a load balancer whether the app can reach its database."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_health_check_answers_200_when_the_database_answers(client):
    response = client.get(reverse("events:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_check_answers_503_when_the_database_does_not(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get(reverse("events:healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}


def test_health_check_answers_503_when_the_query_fails(client):
    cursor = mock.MagicMock()
    cursor.__enter__.return_value.execute.side_effect = OperationalError("server closed the connection")
    with mock.patch.object(connection, "cursor", return_value=cursor):
        response = client.get(reverse("events:healthz"))
    assert response.status_code == 503


def test_health_check_is_never_cached(client):
    response = client.get(reverse("events:healthz"))
    assert "no-store" in response["Cache-Control"]


def test_health_check_is_not_redirected_to_https(client, settings):
    # Load balancers probe over plain HTTP inside the network.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("events:healthz")).status_code == 200
    assert client.get(reverse("admin:login")).status_code == 301
