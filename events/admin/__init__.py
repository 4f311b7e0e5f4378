"""The editors' admin: fast, correct entry of meetings with their sources, a module per concern.

Beyond Django's admin it gives editors the publishing workflow (``workflow``),
the full history of every record with restore (``history``), a warning
before saving a likely duplicate meeting (``duplicates``), merging duplicates
(``merge``), drafting a meeting from a news article (``article``) and CSV
import with a preview (``imports``). The admins themselves are in
``meetings`` and ``records``; ``base`` holds what they share.
"""

from django.contrib import admin

# Importing the admins registers them with the site.
from . import meetings, records  # noqa: F401

admin.site.site_header = "Mine Action Cooperation Timeline"
admin.site.site_title = "Mine Action Cooperation Timeline admin"
admin.site.index_title = "Records"
