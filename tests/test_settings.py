"""Settings read from the environment: strict parsing, the secret key rule, and the proxy's headers.

The rules that depend on how the process starts (which command, which
variables) run in a separate Python with an operator's environment, as
tests/test_security.py does.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.utils.module_loading import import_string

from mineaction import throttling
from mineaction.environment import cache_from_url, env_bool, env_int, env_list, secret_key

from .test_security import BASE_DIR, production_env, run_python

SETTINGS_FILE = BASE_DIR / "mineaction" / "settings.py"


# Parsing


@pytest.mark.parametrize(("value", "expected"), [("1", True), (" Yes ", True), ("off", False), ("", True)])
def test_a_boolean_is_read_in_any_of_its_plain_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_SWITCH", value)
    assert env_bool("SOME_SWITCH", default=True) is expected


def test_an_unclear_boolean_stops_the_app_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("SOME_SWITCH", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_SWITCH must be a boolean"):
        env_bool("SOME_SWITCH")


def test_a_list_ignores_blanks_and_spaces(monkeypatch):
    monkeypatch.setenv("SOME_HOSTS", " a.example , ,b.example,")
    assert env_list("SOME_HOSTS") == ["a.example", "b.example"]


def test_a_number_must_be_whole_and_not_below_its_minimum(monkeypatch):
    monkeypatch.setenv("SOME_COUNT", "2")
    assert env_int("SOME_COUNT", 0, minimum=0) == 2
    monkeypatch.setenv("SOME_COUNT", "two")
    with pytest.raises(ImproperlyConfigured, match="SOME_COUNT must be a whole number"):
        env_int("SOME_COUNT", 0)
    monkeypatch.setenv("SOME_COUNT", "-1")
    with pytest.raises(ImproperlyConfigured, match="SOME_COUNT must be 0 or more"):
        env_int("SOME_COUNT", 0, minimum=0)


def test_the_cache_url_chooses_redis_none_or_in_process():
    redis = cache_from_url("redis://127.0.0.1:6379/0", socket_timeout=0.1)
    assert redis["BACKEND"] == "events.redis_cache.FailSoftRedisCache"
    assert redis["OPTIONS"] == {"socket_connect_timeout": 0.1, "socket_timeout": 0.1}
    assert cache_from_url(" dummy:// ", socket_timeout=0.1)["BACKEND"].endswith("DummyCache")
    assert cache_from_url("", socket_timeout=0.1) == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": 60,
    }
    with pytest.raises(ImproperlyConfigured, match="must start with redis://"):
        cache_from_url("memcached://127.0.0.1", socket_timeout=0.1)


def test_a_redis_cache_gives_up_within_100_ms(tmp_path):
    # The settings as production reads them: a Redis down or stalled costs at most 0.1 s.
    probe = "import json, django; from django.conf import settings; print(json.dumps(settings.CACHES))"
    result = run_python(probe, production_env(tmp_path, DJANGO_CACHE_URL="redis://127.0.0.1:6379/3"))
    assert result.returncode == 0, result.stderr
    cache = json.loads(result.stdout.strip().splitlines()[-1])["default"]
    assert cache["BACKEND"] == "events.redis_cache.FailSoftRedisCache"
    assert cache["OPTIONS"]["socket_connect_timeout"] <= 0.1
    assert cache["OPTIONS"]["socket_timeout"] <= 0.1


def test_the_secret_key_is_required_with_debug_off_unless_the_command_signs_nothing(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is not set"):
        secret_key(debug=False, keyless_command=False)
    assert secret_key(debug=False, keyless_command=True) == ""
    assert secret_key(debug=True, keyless_command=False).startswith("django-insecure-")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "a-real-key")
    assert secret_key(debug=False, keyless_command=False) == "a-real-key"


# The settings file only declares


def test_the_settings_file_defines_no_functions_and_never_reads_the_command_line():
    tree = ast.parse(SETTINGS_FILE.read_text())
    definitions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)]
    assert definitions == []
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert "sys" not in names | imported


def test_login_throttling_names_its_functions_by_path():
    assert import_string(settings.AXES_CLIENT_IP_CALLABLE) is throttling.client_ip
    assert import_string(settings.AXES_USERNAME_CALLABLE) is throttling.attempted_username


def test_without_a_proxy_the_client_is_the_connecting_address(settings):
    settings.PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert throttling.client_ip(request) == "192.0.2.1"


def test_behind_two_proxies_the_client_is_the_address_the_outer_one_saw(settings):
    settings.PROXY_COUNT = 2
    forwarded = "198.51.100.1, 203.0.113.9, 10.0.0.2"  # forged by the client, outer proxy, inner proxy
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert throttling.client_ip(request) == "203.0.113.9"


# Which commands run without a secret key (decided by manage.py)


def run_manage(tmp_path: Path, *args: str, **overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=production_env(tmp_path, DJANGO_SECRET_KEY="", **overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "command",
    [
        ["makemigrations", "--check", "--dry-run"],
        ["showmigrations", "events"],
        ["sqlmigrate", "events", "0001"],
    ],
)
def test_commands_that_sign_nothing_run_without_a_secret_key(tmp_path, command):
    result = run_manage(tmp_path, *command)
    assert result.returncode == 0, result.stderr
    assert result.stdout


@pytest.mark.parametrize("command", [["check"], ["migrate", "--noinput"], ["load_demo_data"]])
def test_every_other_command_refuses_to_start_without_a_secret_key(tmp_path, command):
    # Even when the caller's environment claims the command signs nothing: manage.py decides.
    result = run_manage(tmp_path, *command, DJANGO_KEYLESS_COMMAND="1")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_web_server_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path, DJANGO_SECRET_KEY="", DJANGO_KEYLESS_COMMAND="1")
    result = run_python("import mineaction.wsgi", env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


# The proxy's X-Forwarded-Proto is believed only when a proxy is trusted

PROXY_PROBE = """
    import json, django
    from django.conf import settings
    from django.test import Client

    django.setup()
    api = Client().get("/api/", HTTP_HOST="timeline.example.org", HTTP_X_FORWARDED_PROTO="https")
    seen = {"header": settings.SECURE_PROXY_SSL_HEADER, "api": [api.status_code, api.get("Location")]}
    print(json.dumps(seen))
"""


def probe_proxy(tmp_path: Path, proxies: str) -> dict:
    result = run_python(PROXY_PROBE, production_env(tmp_path, DJANGO_PROXY_COUNT=proxies))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_behind_a_proxy_its_https_header_is_believed(tmp_path):
    seen = probe_proxy(tmp_path, "1")
    assert seen["header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert seen["api"] == [200, None]


def test_without_a_proxy_a_clients_https_header_is_ignored(tmp_path):
    seen = probe_proxy(tmp_path, "0")
    assert seen["header"] is None
    # The request came over plain HTTP, whatever the client claims, so it is sent to HTTPS.
    assert seen["api"] == [301, "https://timeline.example.org/api/"]


def test_a_negative_proxy_count_stops_the_app(tmp_path):
    result = run_python("import django; django.setup()", production_env(tmp_path, DJANGO_PROXY_COUNT="-1"))
    assert result.returncode != 0
    assert "DJANGO_PROXY_COUNT must be 0 or more" in result.stderr
