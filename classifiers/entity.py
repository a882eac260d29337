"""The entity record every extractor returns, and the divisions the app passes in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS = ("person", "place", "accused_level", "amount", "id_number", "phone", "program", "date")


@dataclass(frozen=True)
class Entity:
    """One extracted entity. `value` is kind-specific; `attrs` holds the details.

    person: value = name (王某, 王德福, or the surname 王 for "王书记"), attrs title
    place: value = name, attrs level (township/village/group/county), known, ref
    accused_level: value = village_cadre | township_cadre | county_department | teacher_school
    amount: value = yuan (float), attrs approximate
    id_number: value = 18-character number (or the digits as written), attrs valid, error,
        birth_date, sex
    phone: value = digits, attrs type (mobile/landline)
    program: value = programme code (housing, dibao, ...)
    date: value = ISO date or partial date ("2023-04-12", "2023-04", "2023") or None for a
        relative date, attrs relative ("去年"), month
    """

    kind: str
    text: str
    start: int
    end: int
    value: Any
    attrs: Mapping[str, Any] = field(default_factory=dict)
    # The span in the text as received (before normalisation), when the caller asked for it
    # (Triage does): that is what the app stores and highlights.
    raw_start: int | None = None
    raw_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form used by the CLI and the app."""
        return {
            "kind": self.kind,
            "text": self.text,
            "span": [self.start, self.end],
            "raw_span": None if self.raw_start is None else [self.raw_start, self.raw_end],
            "value": self.value,
            "attrs": dict(self.attrs),
        }


@dataclass(frozen=True)
class Division:
    """An administrative division the app knows (township, village, group)."""

    name: str
    level: str | None = None
    ref: Any = None
