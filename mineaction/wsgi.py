"""WSGI entry point, used by gunicorn: ``gunicorn mineaction.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mineaction.settings")

application = get_wsgi_application()
