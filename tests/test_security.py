"""Production settings: `check --deploy` is clean and real responses carry the security headers.

The suite itself runs with debug on, so these tests start a separate Python
with the environment an operator would set (debug off, a real secret key,
the allowed host) and look at what that process does.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="mineaction.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="timeline.example.org",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://timeline.example.org",
        DJANGO_PROXY_COUNT="1",  # behind one proxy, as docs/deploying.md says
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
    )
    env.update(overrides)
    return env


def run_python(code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_the_documented_production_variables(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_app_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=production_env(tmp_path, DJANGO_SECRET_KEY=""),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


# Runs in the production-configured process: migrate a scratch database, then
# fetch the admin login page and log in the way a browser behind the HTTPS
# proxy would, and print what came back.
PROBE = """
    import json, os, sys, django
    from django.conf import settings

    settings.STATIC_ROOT = sys.argv[1]  # a scratch folder, not the project's staticfiles/
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.templatetags.static import static
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    get_user_model().objects.create_superuser("editor", "", "a-long-test-password")
    https = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "timeline.example.org"}

    def cookies(response):
        return {
            name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]), "samesite": m["samesite"]}
            for name, m in response.cookies.items()
        }

    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/admin/login/", **https)
    login = browser.post(
        "/admin/login/",
        {
            "username": "editor",
            "password": "a-long-test-password",
            "csrfmiddlewaretoken": page.cookies["csrftoken"].value,
            "next": "/admin/",
        },
        HTTP_REFERER="https://timeline.example.org/admin/login/",
        **https,
    )
    plain = Client().get("/admin/login/", HTTP_HOST="timeline.example.org")
    health = Client().get("/healthz", HTTP_HOST="timeline.example.org")
    stylesheet = static("admin/css/base.css")
    css = Client().get(stylesheet, HTTP_ACCEPT_ENCODING="gzip", **https)
    print(json.dumps({
        "login_page": {"status": page.status_code, "headers": dict(page.headers), "cookies": cookies(page)},
        "login": {"status": login.status_code, "location": login.get("Location"), "cookies": cookies(login)},
        "plain_http": {"status": plain.status_code, "location": plain.get("Location")},
        "healthz_over_http": {"status": health.status_code},
        "stylesheet": {
            "url": stylesheet,
            "status": css.status_code,
            "headers": {key: css.get(key) for key in ("Content-Encoding", "Cache-Control", "Content-Type")},
        },
    }))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("production")
    result = run_python(PROBE, production_env(scratch), str(scratch / "static"))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_pages_carry_the_security_headers(production):
    page = production["login_page"]
    assert page["status"] == 200
    headers = page["headers"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_content_security_policy_allows_no_inline_code_or_framing(production):
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in production["login_page"]["headers"]["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in production["login_page"]["headers"]["Content-Security-Policy"]


def test_production_cookies_are_https_only_and_hidden_from_scripts(production):
    assert production["login_page"]["cookies"]["csrftoken"]["secure"]
    assert production["login_page"]["cookies"]["csrftoken"]["httponly"]
    login = production["login"]
    assert (login["status"], login["location"]) == (302, "/admin/")
    assert login["cookies"]["sessionid"] == {"secure": True, "httponly": True, "samesite": "Lax"}


def test_production_redirects_plain_http_except_the_health_check(production):
    assert production["plain_http"] == {
        "status": 301,
        "location": "https://timeline.example.org/admin/login/",
    }
    # Load balancers probe over plain HTTP inside the network.
    assert production["healthz_over_http"]["status"] == 200


def test_secure_settings_follow_djangos_secure_switch(tmp_path):
    code = """
        import json
        from django.conf import settings
        print(json.dumps({name: getattr(settings, name) for name in (
            "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"
        )}))
    """
    env = production_env(tmp_path, DJANGO_SECURE="0")
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
    }


ADMIN_PAGES = [
    ("admin:index", []),
    ("admin:events_meeting_changelist", []),
    ("admin:events_meeting_add", []),
    ("admin:events_organisation_add", []),
    ("admin:events_person_add", []),
    ("admin:events_delegation_add", []),
    ("admin:events_source_add", []),
    ("admin:password_change", []),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), ADMIN_PAGES)
def test_admin_pages_use_no_inline_scripts_or_styles(editor_client, name, args):
    response = editor_client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers
    soup = BeautifulSoup(response.content, "html.parser")
    inline_scripts = [
        tag for tag in soup.find_all("script") if not tag.get("src") or tag.get_text(strip=True)
    ]
    assert inline_scripts == []
    assert soup.find_all("style") == []
    assert [tag.name for tag in soup.find_all(style=True)] == []
    event_handlers = [attr for tag in soup.find_all(True) for attr in tag.attrs if attr.startswith("on")]
    assert event_handlers == []


def test_the_suite_runs_with_the_same_content_security_policy():
    # The tests above render pages under the production policy, not a looser one.
    assert "'unsafe-inline'" not in str(settings.CONTENT_SECURITY_POLICY)


def test_production_serves_static_files_hashed_compressed_and_cached_forever(production):
    stylesheet = production["stylesheet"]
    assert re.fullmatch(r"/static/admin/css/base\.[0-9a-f]{12}\.css", stylesheet["url"])
    assert stylesheet["status"] == 200
    assert stylesheet["headers"]["Content-Encoding"] == "gzip"
    assert stylesheet["headers"]["Content-Type"].startswith("text/css")
    assert stylesheet["headers"]["Cache-Control"] == "max-age=315360000, public, immutable"


def test_models_and_migrations_can_be_compared_without_a_secret_key(tmp_path):
    # `makemigrations --check` signs nothing, so it runs in a bare environment too.
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=BASE_DIR,
        env=production_env(tmp_path, DJANGO_SECRET_KEY=""),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
