"""Finding places by any name they have had, and the divisions that were merged into them.

A complaint keeps the township and village it was filed under. A later rename or merge must not
hide it: searching by the old name, the new name, or the name of the village it was merged into
finds it.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from models.divisions import DivisionChange, DivisionLevel, Township, Village


def _like(text: str) -> str:
    return "%" + text.replace("%", "").replace("_", "") + "%"


def places_named(session: Session, text: str) -> tuple[set[int], set[int]]:
    """(township ids, village ids) whose current or former name contains TEXT, with every
    division merged into one of them."""
    text = (text or "").strip()
    if not text:
        return set(), set()
    like = _like(text)
    found = {}
    for level, cls in ((DivisionLevel.township, Township), (DivisionLevel.village, Village)):
        ids = set(session.exec(select(cls.id).where(cls.name.like(like))).all())
        ids |= set(session.exec(select(DivisionChange.division_id).where(
            DivisionChange.level == level,
            sa.or_(DivisionChange.old_name.like(like), DivisionChange.new_name.like(like)))).all())
        found[level] = with_predecessors(session, cls, ids)
    return found[DivisionLevel.township], found[DivisionLevel.village]


def with_predecessors(session: Session, cls, ids: set[int]) -> set[int]:
    """IDS and every division merged into one of them, directly or through others."""
    result, frontier = set(ids), set(ids)
    while frontier:
        frontier = set(session.exec(select(cls.id).where(cls.merged_into_id.in_(frontier))).all()) - result
        result |= frontier
    return result


def lineage(cls, division_id: int):
    """A SELECT of DIVISION_ID and the ids of every division merged into it, at any depth (a
    recursive CTE, so a filter needs no session): `Complaint.township_id.in_(lineage(Township, id))`."""
    tree = select(cls.id).where(cls.id == division_id).cte("lineage", recursive=True)
    tree = tree.union_all(select(cls.id).where(cls.merged_into_id == tree.c.id))
    return select(tree.c.id)


def successor(session: Session, division):
    """The division itself, or the active one it was (eventually) merged into; None when retired."""
    seen = set()
    while division is not None and not division.active and division.id not in seen:
        seen.add(division.id)
        division = session.get(type(division), division.merged_into_id) if division.merged_into_id else None
    return division if division is not None and division.active else None


def gazetteer(session: Session) -> list[tuple[str, str, int]]:
    """(name, level, id) for place extraction: every division in use under its name, and every
    former name (renamed, or of a division merged away) pointing at the division in use today.
    A retired division without a successor is left out: a new report cannot be filed there."""
    entries: dict[tuple[str, str], int] = {}
    for level, cls in ((DivisionLevel.township, Township), (DivisionLevel.village, Village)):
        rows = {d.id: d for d in session.exec(select(cls)).all()}
        former = session.exec(select(DivisionChange.division_id, DivisionChange.old_name)
                              .where(DivisionChange.level == level, DivisionChange.old_name.is_not(None))).all()
        names = [(d.name, d) for d in rows.values()] + [(name, rows.get(i)) for i, name in former]
        for name, division in names:
            current = successor(session, division) if division is not None else None
            if current is None:
                continue
            key = (name, level.value)
            if division is current or key not in entries:  # a division's own name wins
                entries[key] = current.id
    return [(name, level, ref) for (name, level), ref in entries.items()]


def version(session: Session) -> tuple:
    """Changes whenever the divisions do (a cheap check before reusing cached names)."""
    from sqlmodel import func

    return (session.exec(select(func.max(DivisionChange.id))).one(),
            session.exec(select(func.count()).select_from(Township)).one(),
            session.exec(select(func.count()).select_from(Village)).one())


def in_use_by_code(session: Session, cls, code: str):
    """The division in use today for CODE, also when CODE is an old one (a partner system's list
    lags behind ours): recoded → the same row, merged → its successor; None when unknown or retired."""
    division = session.exec(select(cls).where(cls.code == code)).first()
    if division is None:
        level = DivisionLevel.township if cls is Township else DivisionLevel.village
        change = session.exec(select(DivisionChange).where(DivisionChange.level == level,
                                                           DivisionChange.old_code == code)
                              .order_by(DivisionChange.id.desc())).first()
        division = session.get(cls, change.division_id) if change is not None else None
    return successor(session, division) if division is not None else None
