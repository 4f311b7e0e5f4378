"""Drafting a meeting from a news report: text, dates, places, bodies, people, outcomes, fetch, draft."""

from .draft import Article, Draft, Proposal, draft_meeting, propose, url_variants

__all__ = ["Article", "Draft", "Proposal", "draft_meeting", "propose", "url_variants"]
