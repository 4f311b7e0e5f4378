"""Drafting a meeting from a news report: text, dates, places, bodies, people, outcomes, fetch, draft.

``proposal`` reads a report into a proposal and writes nothing, from what the
modules beside it find (``sentences``: what each sentence says about the
event); ``draft`` writes the proposal as a draft meeting.
"""

from .draft import Draft, draft_meeting
from .proposal import Article, Proposal, propose, url_variants

__all__ = ["Article", "Draft", "Proposal", "draft_meeting", "propose", "url_variants"]
