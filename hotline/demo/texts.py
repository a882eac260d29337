"""Which corpus texts the demo logs, and where: only texts naming the county's own places (or
none), filed under the place they name, and only complaints (a praise letter or an enquiry from
the corpus would otherwise be worked, substantiated and published as a typical case).
"""
from __future__ import annotations

from dataclasses import dataclass

from classifiers.places import DivisionIndex, find_places

FOREIGN_LEVELS = {"township", "village", "county", "city"}


@dataclass(frozen=True)
class Place:
    """Where a text says it happened: a township and perhaps one of its villages (names)."""
    township: str | None
    village: str | None


class CountyPlaces:
    """The demo county's division names, to read a text's places against."""

    def __init__(self, county: str, townships: dict[str, list[str]]):
        self.township_of = {village: town for town, villages in townships.items() for village in villages}
        self.index = DivisionIndex([county, *townships, *self.township_of])

    def place(self, text: str) -> Place | None:
        """The county place the text names (Place(None, None) if none); None if it names another
        county's place, or a village of one township under another."""
        found = find_places(text, self.index)
        known = [e for e in found if e.attrs.get("known")]
        for entity in found:
            if entity.attrs.get("known") or entity.attrs.get("level") not in FOREIGN_LEVELS:
                continue
            if not any(k.start < entity.end and entity.start < k.end for k in known):
                return None
        towns = {e.value for e in known if e.value in self.township_of.values()}
        villages = {e.value for e in known if e.value in self.township_of}
        towns_of_villages = {self.township_of[v] for v in villages}
        if len(villages) > 1 or len(towns | towns_of_villages) > 1:
            return None
        village = next(iter(villages), None)
        town = self.township_of[village] if village else next(iter(towns), None)
        return Place(town, village)


def is_complaint(row: dict) -> bool:
    """A corpus row reporting a problem (not only 其他: praise, enquiries, thanks)."""
    labels = row.get("problem_types") or []
    return bool(labels) and labels != ["other"]
