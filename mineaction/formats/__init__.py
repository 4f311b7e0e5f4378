"""Date formats that override Django's for the site's language (settings.FORMAT_MODULE_PATH)."""
