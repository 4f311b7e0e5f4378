"""The editors' admin: fast, correct entry of meetings with their sources, a module per concern.

Beyond Django's admin it gives editors the publishing workflow (``workflow``),
the full history of every record with restore (``history``), a warning
before saving a likely duplicate meeting (``duplicates``), merging duplicates
(``merge``), drafting a meeting from a news article (``article``), CSV
import with a preview (``imports``), refusing a save made against an older
version (``conflicts``) and publishers' review of editors' changes to the
records published meetings cite (``proposals``). The admins themselves are
in ``meetings``, ``records`` and ``proposals``; ``base`` holds what they share.
"""

from django.contrib import admin

# Importing the admins registers them with the site.
from . import meetings, proposals, records  # noqa: F401

admin.site.site_header = "Mine Action Cooperation Timeline"
admin.site.site_title = "Mine Action Cooperation Timeline admin"
admin.site.index_title = "Records"
# The side list of every model took a quarter of a 1,280 px window from the forms; the
# breadcrumbs and the home page lead to the same places.
admin.site.enable_nav_sidebar = False
