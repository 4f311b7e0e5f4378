"""Settings for Mine Action Cooperation Timeline, read from the environment.

Declarations only: the parsers and the functions named here live in
mineaction.environment and mineaction.throttling. Every variable is documented
in docs/configuration.md and `.env.example`. Debug is off unless
``DJANGO_DEBUG`` turns it on, and with debug off the app refuses to start
without a real ``DJANGO_SECRET_KEY``, unless manage.py says the command it
runs signs nothing.
"""

import datetime
import os
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from mineaction.environment import cache_from_url, env_bool, env_int, env_list, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

# manage.py sets DJANGO_KEYLESS_COMMAND for the commands that only compare the
# models with the migrations: they sign nothing, so they run without a key.
SECRET_KEY = secret_key(debug=DEBUG, keyless_command=env_bool("DJANGO_KEYLESS_COMMAND"))

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_countries",
    "django_filters",
    "simple_history",
    "import_export",
    "csp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # An ETag on every page, and 304 Not Modified when a browser or feed reader
    # already holds that version: pages change only when the data does.
    "django.middleware.http.ConditionalGetMiddleware",
    "events.middleware.RefuseNullCharacters",
    # The 503 page, not a server error, when the database cannot be reached.
    "events.outages.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change in the records' history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends staff sessions left idle or open too long (SESSION_IDLE_TIMEOUT, SESSION_MAX_AGE).
    "events.middleware.SessionTimeouts",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mineaction.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "mineaction.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share the file. A transaction takes the write lock when it
    # begins, waiting up to 20 s for it: one that began by reading and then wrote could otherwise
    # fail at once with "database is locked" while another held the lock (seen with
    # `bench/loadtest.py --editors 3`). WAL lets readers carry on while a write commits.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL",
    }

# The cache: DJANGO_CACHE_URL names a shared Redis (use it in production), dummy:// for none, or
# nothing for an in-process cache (mineaction.environment.cache_from_url says how each is kept).
# A Redis that is down or stalled costs a request at most 0.1 s to connect or to read, and the page
# is computed without it (events.redis_cache).
CACHES = {"default": cache_from_url(os.environ.get("DJANGO_CACHE_URL", ""), socket_timeout=0.1)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out login is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# Forms show and read dates as ISO 8601 (2021-05-27) first, as editors type them.
FORMAT_MODULE_PATH = ["mineaction.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# How many reverse proxies stand in front of gunicorn, each appending the
# address it saw to X-Forwarded-For (nginx: $proxy_add_x_forwarded_for).
# 0 means clients connect directly and REMOTE_ADDR is the client.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0, minimum=0)

# Security: safe defaults that `manage.py check --deploy` asks for. HTTPS-only
# cookies and HSTS follow from DJANGO_SECURE (on by default when debug is off).
SECURE = env_bool("DJANGO_SECURE", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=SECURE)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=SECURE)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Our proxy terminates TLS and overwrites X-Forwarded-Proto, so behind one the
# header says whether the client used HTTPS; without one a client could send
# it, so Django ignores it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PROXY_COUNT > 0 else None

# Content Security Policy (django-csp): everything from our own origin, no
# inline scripts or styles, no framing. Templates put CSS and JavaScript in
# static files; the Django admin works under this policy as it is.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT wrong
# passwords from one address, whatever the user names, or for one user name,
# whatever the addresses, that address or user name is refused for
# AXES_COOLOFF_TIME; a successful login clears the count. `manage.py
# axes_reset` lifts every lock. docs/security.md says why both.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("DJANGO_LOGIN_PAUSE_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"  # the admin login's field, which attempted_username reads
AXES_CLIENT_IP_CALLABLE = "mineaction.throttling.client_ip"
AXES_USERNAME_CALLABLE = "mineaction.throttling.attempted_username"

LOGIN_URL = "admin:login"

# Staff sessions end after SESSION_IDLE_TIMEOUT without a request to the admin,
# and SESSION_MAX_AGE after logging in however busy (events.middleware.SessionTimeouts);
# the cookie and the stored session expire with the second.
SESSION_IDLE_TIMEOUT = datetime.timedelta(minutes=env_int("DJANGO_SESSION_IDLE_MINUTES", 30, minimum=1))
SESSION_MAX_AGE = datetime.timedelta(hours=env_int("DJANGO_SESSION_MAX_HOURS", 10, minimum=1))
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE.total_seconds())

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# CSV import in the admin (django-import-export): importing needs the "add"
# permission, and an import is one transaction, written whole or not at all.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_USE_TRANSACTIONS = True
# A file's limits: the preview and the import of one at the row cap each take
# seconds, well inside a worker's timeout (docs/editors.md gives the figures).
IMPORT_MAX_BYTES = 2_000_000
IMPORT_MAX_ROWS = 500
# Where an uploaded file waits between the preview and the confirmation
# (events.uploads): a folder of its own, shared by every worker of this machine.
IMPORT_UPLOAD_DIR = Path(
    os.environ.get("DJANGO_IMPORT_DIR", "") or Path(tempfile.gettempdir()) / "mineaction-imports"
)

# How many meetings one page of the timeline shows.
TIMELINE_PAGE_SIZE = 25

# The JSON API (events/api/): public and read-only, so no authentication and
# no sessions; only GET views exist. JSON only: /api/docs/ is the readable
# reference. Pagination and filters are set per view.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mine Action Cooperation Timeline API",
    "DESCRIPTION": (
        "Read-only access to the published records: meetings, delegations, organisations, people, "
        "topics and countries. The meetings list takes the same filters as the timeline."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    # The docs page's script is served from our own static files, not a CDN.
    "REDOC_DIST": "SIDECAR",
    # Long lists (249 country codes) show their first values and "more".
    "REDOC_UI_SETTINGS": {"maxDisplayedEnumValues": 8},
    "ENUM_NAME_OVERRIDES": {
        "MeetingKindEnum": "events.models.MeetingKind",
        "OrganisationKindEnum": "events.models.Organisation.Kind",
        "OutcomeKindEnum": "events.models.Outcome.Kind",
        "DatePrecisionEnum": "events.models.DatePrecision",
        "OutcomeStatusEnum": "events.models.OutcomeStatus",
    },
}
