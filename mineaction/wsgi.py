"""WSGI entry point, used by gunicorn: ``gunicorn mineaction.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mineaction.settings")
# Only manage.py may excuse a command from the secret key; a server always needs one.
os.environ.pop("DJANGO_KEYLESS_COMMAND", None)

application = get_wsgi_application()
