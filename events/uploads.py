"""Files uploaded for a CSV import: kept under a random token that only the uploader's session may use.

django-import-export's preview keeps the upload in a temporary file and puts
the file's name in a hidden field of the confirmation form; confirming reads
and deletes whatever file that field names. Here the name is a random token
the server makes, recorded in the uploader's session, and the file lives in
a folder of its own (``IMPORT_UPLOAD_DIR``): a changed field names nothing
that can be read or deleted. Files go when the import is confirmed, when the
preview fails, and an hour after upload otherwise (a clean-up at each import,
and ``manage.py clean_import_uploads`` for a cron job).
"""

from __future__ import annotations

import datetime
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousOperation

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
SESSION_KEY = "import_uploads"
MAX_AGE = datetime.timedelta(hours=1)


def folder() -> Path:
    """The uploads' folder, made on first use and readable by this user alone."""
    path = Path(settings.IMPORT_UPLOAD_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def path_of(token: str) -> Path:
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        raise SuspiciousOperation("An import file is named by its token only.")
    return folder() / token


class SessionBoundUpload:
    """django-import-export's temporary storage (``tmp_storage_class``), kept under a random token.

    It takes the library's arguments: ``name`` (the token, once saved),
    ``read_mode`` and ``encoding``.
    """

    def __init__(self, name: str | None = None, read_mode: str = "r", encoding: str | None = None, **kwargs):
        self.name, self.read_mode, self.encoding = name, read_mode, encoding

    def save(self, data: bytes) -> None:
        self.name = secrets.token_urlsafe(32)
        descriptor = os.open(path_of(self.name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)

    def read(self):
        encoding = None if "b" in self.read_mode else self.encoding
        with open(path_of(self.name or ""), self.read_mode, encoding=encoding) as file:
            return file.read()

    def remove(self) -> None:
        discard(self.name or "")


def remember(session, token: str) -> None:
    """Let this session, and no other, confirm the import of ``token``."""
    session[SESSION_KEY] = {**session.get(SESSION_KEY, {}), token: time.time()}


def claim(session, token: str) -> bool:
    """Whether this session uploaded ``token`` within the hour; it may then be imported once.

    A token of this session's that is over an hour old is deleted with its
    file; any other token is left alone (it may be another session's).
    """
    uploads = dict(session.get(SESSION_KEY, {}))
    uploaded = uploads.pop(token, None) if isinstance(token, str) else None
    session[SESSION_KEY] = uploads
    if uploaded is not None and time.time() - uploaded >= MAX_AGE.total_seconds():
        discard(token)
        return False
    return uploaded is not None


def discard(token: str) -> None:
    """Delete the upload ``token`` names, if it is a token and the file is still there."""
    if isinstance(token, str) and TOKEN.fullmatch(token):
        path_of(token).unlink(missing_ok=True)


def clean_abandoned(max_age: datetime.timedelta = MAX_AGE) -> int:
    """Delete the uploads older than ``max_age`` (previews nobody confirmed); returns how many."""
    cutoff, deleted = time.time() - max_age.total_seconds(), 0
    for path in folder().iterdir():
        if TOKEN.fullmatch(path.name) and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
