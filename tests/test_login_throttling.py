"""Admin login throttling: wrong passwords pause logins from that address, and for that user name."""

import datetime

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
ATTACKER = "203.0.113.9"
COLLEAGUE = "198.51.100.7"
ELSEWHERE = ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Every attempt hashes a password; the production hasher would make this module slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(django_user_model):
    django_user_model.objects.create_superuser("editor", "", PASSWORD)
    django_user_model.objects.create_superuser("other-editor", "", PASSWORD)
    django_user_model.objects.create_superuser("colleague", "", PASSWORD)


def log_in(client, password, username="editor", **meta):
    meta.setdefault("REMOTE_ADDR", ATTACKER)
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        **meta,
    )


def fail(client, times, **kwargs):
    return [log_in(client, "wrong-password", **kwargs).status_code for _ in range(times)]


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_five_wrong_passwords_pause_logins_and_say_why(client, editor):
    assert fail(client, 4) == [200, 200, 200, 200]  # the form again, with its error
    response = log_in(client, "wrong-password")
    assert response.status_code == 429
    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    assert "Login paused" in text
    assert "5 wrong passwords in a row from your address, or for the user name “editor”" in text
    assert "paused for 30 minutes" in text


def test_the_right_password_is_refused_while_paused(client, editor):
    fail(client, 5)
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_thirty_user_names_from_one_address_are_paused_at_the_fifth(client, editor):
    names = [f"guess-{number}" for number in range(30)]
    answers = [log_in(client, "wrong-password", username=name).status_code for name in names]
    assert answers == [200] * 4 + [429] * 26
    # A real account's right password from that address waits too.
    assert log_in(client, PASSWORD, username="other-editor").status_code == 429
    assert not logged_in(client)


def test_one_user_name_from_many_addresses_is_paused_at_the_fifth(client, editor):
    answers = [log_in(client, "wrong-password", REMOTE_ADDR=address).status_code for address in ELSEWHERE]
    assert answers == [200] * 4 + [429]
    assert log_in(client, PASSWORD, REMOTE_ADDR=COLLEAGUE).status_code == 429
    assert not logged_in(client)


def test_other_user_names_from_other_addresses_are_unaffected(client, editor):
    fail(client, 5)
    response = log_in(client, PASSWORD, username="colleague", REMOTE_ADDR=COLLEAGUE)
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))


def test_the_pause_lifts_after_thirty_minutes(client, editor):
    fail(client, 5)
    half_an_hour_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31)
    AccessAttempt.objects.update(attempt_time=half_an_hour_ago)
    response = log_in(client, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_successful_login_clears_the_count(client, editor):
    fail(client, 4)
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    assert fail(client, 4) == [200, 200, 200, 200]
    assert log_in(client, PASSWORD).status_code == 302


@override_settings(PROXY_COUNT=1)
def test_behind_one_proxy_forged_forwarded_addresses_do_not_dodge_the_pause(client, editor):
    # The proxy connects from loopback and appends the real client address.
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        forwarded = f"{forged}, {ATTACKER}"
        log_in(client, "wrong-password", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    response = log_in(
        client, PASSWORD, username="colleague", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER
    )
    assert response.status_code == 429


@override_settings(PROXY_COUNT=1)
def test_behind_one_proxy_clients_are_told_apart_by_their_own_address(client, editor):
    fail(client, 5, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER)
    response = log_in(
        client, PASSWORD, username="colleague", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=COLLEAGUE
    )
    assert response.status_code == 302


def test_without_a_proxy_the_forwarded_header_is_ignored(client, editor):
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        log_in(client, "wrong-password", HTTP_X_FORWARDED_FOR=forged)
    # Another account, so only the address can be what pauses it.
    assert log_in(client, PASSWORD, username="colleague", HTTP_X_FORWARDED_FOR=COLLEAGUE).status_code == 429


def test_a_login_with_an_overlong_user_name_is_refused_not_an_error(client):
    # django-axes records 255 characters of a user name; a longer one failed on PostgreSQL.
    response = client.post("/admin/login/", {"username": "a" * 1000, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter the correct" in response.content.decode()
    assert AccessAttempt.objects.get().username == "a" * 255
