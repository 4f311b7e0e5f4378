#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that only compare the models with the migrations sign nothing, so
# `manage.py makemigrations --check` works anywhere, even without a secret key.
KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mineaction.settings")
    # Decided here, for this command only: a value inherited from the caller never counts.
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command in KEYLESS_COMMANDS:
        os.environ["DJANGO_KEYLESS_COMMAND"] = "1"
    else:
        os.environ.pop("DJANGO_KEYLESS_COMMAND", None)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
