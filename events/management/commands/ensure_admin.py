"""Make sure a local admin account exists, and say how to log in."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the local admin account if it is missing "
        "(password from DJANGO_SUPERUSER_PASSWORD, else generated)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin"))

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Admin account “{username}” already exists; its password is unchanged "
                f"(change it with: .venv/bin/python manage.py changepassword {username})."
            )
            return
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS("Created the admin account. Log in at http://127.0.0.1:8000/admin/")
        )
        self.stdout.write(f"  user name: {username}")
        if os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
            self.stdout.write("  password:  the value of DJANGO_SUPERUSER_PASSWORD")
        else:
            self.stdout.write(f"  password:  {password}   (shown once: note it down)")
