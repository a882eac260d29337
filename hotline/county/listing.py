"""The county's townships with their village counts (for `county list` and the admin screen)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, func, select

from models.divisions import Township, Village


@dataclass
class TownshipRow:
    township: Township
    villages: int  # active villages
    ended_villages: int  # merged or retired


def townships(session: Session, *, include_ended: bool = True) -> list[TownshipRow]:
    counts: dict[tuple[int, bool], int] = {}
    for township_id, active, count in session.exec(
            select(Village.township_id, Village.active, func.count()).group_by(Village.township_id, Village.active)):
        counts[(township_id, bool(active))] = count
    stmt = select(Township).order_by(Township.code)
    if not include_ended:
        stmt = stmt.where(Township.active == True)  # noqa: E712
    return [TownshipRow(t, counts.get((t.id, True), 0), counts.get((t.id, False), 0))
            for t in session.exec(stmt).all()]
