"""Text hygiene: control characters refused where text comes in, and taken out where it goes out.

A control character (a vertical tab pasted from a word processor, an escape
from a terminal) shows as nothing on a page, yet XML cannot carry it at all:
one in a source's publisher made every Atom feed that listed the meeting fail.
So every text field refuses them on input, except tab and newline (and, in
multi-line text, the carriage return that browsers send before a newline);
and every XML or iCalendar output drops any that older data still holds.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# C0 controls, DEL and C1 controls; tab, newline and carriage return are decided by the caller.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
SINGLE_LINE_REFUSED = re.compile(f"[{_CONTROLS}\r]")
MULTI_LINE_REFUSED = re.compile(f"[{_CONTROLS}]")
# What XML 1.0 and iCalendar text may not hold: the controls above, lone
# surrogates and the two non-characters U+FFFE and U+FFFF.
UNPRINTABLE = re.compile(f"[{_CONTROLS}\ud800-\udfff\ufffe\uffff]")

NAMES = {
    0x00: "a null character",
    0x08: "a backspace",
    0x0B: "a vertical tab",
    0x0C: "a form feed (page break)",
    0x0D: "a carriage return",
    0x1B: "an escape character",
    0x7F: "a delete character",
}


def describe(character: str) -> str:
    """A control character in words: "a vertical tab (U+000B)"."""
    code = ord(character)
    return f"{NAMES.get(code, 'a control character')} (U+{code:04X})"


def control_character_message(value: str, label: str = "This text", *, multi_line: bool = False) -> str:
    """Why ``value`` is refused, naming the field by ``label``; "" when it holds no forbidden character."""
    found = (MULTI_LINE_REFUSED if multi_line else SINGLE_LINE_REFUSED).search(value)
    if found is None:
        return ""
    return (
        f"{label} contains {describe(found.group())} at character {found.start() + 1}, which cannot "
        "be shown or exported: remove it (tabs and line breaks are allowed)."
    )


@deconstructible
class NoControlCharacters:
    """A validator for form fields outside the models (the article page)."""

    def __init__(self, label: str = "This text", multi_line: bool = False):
        self.label, self.multi_line = label, multi_line

    def __call__(self, value: Any) -> None:
        if isinstance(value, str):
            message = control_character_message(value, self.label, multi_line=self.multi_line)
            if message:
                raise ValidationError(message, code="control_character")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters) and (other.label, other.multi_line) == (
            self.label,
            self.multi_line,
        )


def printable(text: str) -> str:
    """``text`` without the characters XML and iCalendar cannot carry (for data stored before the check)."""
    return UNPRINTABLE.sub("", text) if text else text
