"""Template tags for the readers' pages (events/templatetags/timeline.py)."""
