"""Control characters that no stored text may hold: C0 controls other than tab and newlines, and DEL.

None of them belongs in a report, a name, a Twilio field or a roll cell; PostgreSQL cannot store
NUL in a text column at all, and they break exports. One definition for every place that drops them.
"""
from __future__ import annotations

import re

# A regular-expression character class, read alike by Python's re and Arrow's RE2.
PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
CONTROL = re.compile(PATTERN)
# The same characters as a str.translate table (faster than a regex for short cells).
DELETE_TABLE = {code: None for code in range(0x80) if CONTROL.match(chr(code))}


def drop(value: str) -> str:
    """`value` without control characters (not stripped)."""
    return CONTROL.sub("", value)
