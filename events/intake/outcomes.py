"""Outcomes a report states: invitations, agreements and MoUs, agreed training, assistance offered, a next
meeting agreed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Outcome

# Each kind, with the words that state it. A request ("asked ... for help") or a
# topic of talks ("discussed joint trainings") is not an outcome.
CUES = [
    (
        Outcome.Kind.AGREEMENT,
        re.compile(
            r"\b(?:signed|sign|signing|concluded|inked)\b[^.]*?\b(?:memorandum|mou|agreement|"
            r"declaration of intent|protocols?|project document|document|accord)\b"
            r"|\b(?:memorandum|mou|agreement|declaration|document|protocols?)\b[^.]{0,120}?"
            r"\b(?:was|were|has been|have been) signed\b|\bhave signed\b|\bsigned an?\b"
            # "agreed to conduct a joint survey": agreed training is its own kind
            r"|\bagreed (?:to|on)\b(?![^.]{0,80}\b(?:training|course|exercise)s?\b)"
            # "agreed to meet again": a next meeting is its own kind too
            r"(?!\s+(?:meet again|hold the next|"
            r"hold (?:the|a|their) (?:[\w-]+ ){0,2}(?:round|meeting|session)))",
            re.IGNORECASE,
        ),
    ),
    (
        Outcome.Kind.INVITATION,
        re.compile(r"\binvit(?:ed|es|ing)\b(?! by)[^.]*\bto\b", re.IGNORECASE),
    ),
    (
        Outcome.Kind.JOINT_TRAINING,
        re.compile(
            r"\b(?:ready|agreed|willing|decided|committed|plan|plans|will|would)\b[^.]{0,80}?\b(?:hold|organi[sz]e|"
            r"conduct|provide|exchange|run|deliver)\b[^.]{0,60}?"
            r"\b(?:training|(?:[\w-]+ )?(?:course|exercise)s?\b)",
            re.IGNORECASE,
        ),
    ),
    (
        Outcome.Kind.ASSISTANCE_OFFERED,
        re.compile(
            r"\b(?:willing|ready|offered|pledged|promised|agreed|will)\b[^.]{0,60}?\b(?:to )?"
            r"(?:assist|help|support|provide (?:technical |financial )?(?:assistance|support|help))\b"
            r"|\bcontribution of\b|\bdonat(?:ed|ion)\b|\boffered to\b"
            r"|\bexpressed (?:(?:its|his|her|their) )?readiness\b"
            r"|\breadiness (?:was|were|has been) expressed\b"
            r"|\b(?:willing|ready|offered|agreed|readiness)\b[^.]{0,40}?\bto provide (?:[\w-]+ )?"
            r"(?:advice|expertise)\b"
            r"|\b(?:stands?|ready) (?:ready )?to (?:share|send|provide)\b",
            re.IGNORECASE,
        ),
    ),
]
# "agreed to meet again", "will hold the next round in Phnom Penh": the sides' next meeting.
CUES.append(
    (
        Outcome.Kind.FOLLOW_UP_MEETING,
        re.compile(
            r"\b(?:agreed|decided|will|plan|plans|planned|to be)\b[^.]{0,40}?\b(?:meet again|"
            r"hold (?:the|a|their) (?:next|[\w-]+) (?:round|meeting|session)|next round|"
            r"(?:next|following) (?:meeting|round)(?! of the conference))",
            re.IGNORECASE,
        ),
    )
)
REQUEST = re.compile(
    r"\b(?:ask(?:s|ed)?|request(?:s|ed)?|appeal(?:s|ed)?|call(?:s|ed)? (?:on|for)|urged?|sought|seeks?)\b",
    re.IGNORECASE,
)


@dataclass
class OutcomeFinding:
    kind: str
    text: str  # the sentence, for the editor to put in their own words
    parties: list = field(default_factory=list)  # OrganisationFinding keys

    @property
    def label(self) -> str:
        return Outcome.Kind(self.kind).label


def outcome_kinds(sentence: str) -> list[str]:
    """The outcomes a sentence states, at most one of each kind."""
    kinds: list[str] = []
    for kind, cue in CUES:
        match = cue.search(sentence)
        if match is None:
            continue
        if kind == Outcome.Kind.ASSISTANCE_OFFERED and REQUEST.search(sentence):
            continue
        # "discussed joint trainings" is a topic; "discussed X and agreed to hold joint training" a decision.
        decided = re.match(r"(?:agreed|decided|committed)\b", match.group(0), re.I)
        if (
            kind == Outcome.Kind.JOINT_TRAINING
            and not decided
            and re.search(r"\bdiscuss", sentence[: match.start()], re.I)
        ):
            continue
        kinds.append(kind)
    return kinds
