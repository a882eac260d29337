"""Finding a clue by its number as staff type it: whole (青纪线〔2026〕0123号) or short (2026-123)."""
from __future__ import annotations

import re

import sqlalchemy as sa
from sqlmodel import Session, select

from models.clues import Clue
from models.complaints import Complaint

# A year and a sequence number as numbers are written: 2026-0123, 〔2026〕123号, [2026]第123号,
# after any prefix (青纪线); "2026年3月" is a date, not a number.
_SHORT = re.compile(r"^\D*?[〔\[(（]?((?:19|20)\d\d)[〕\])）\-/.]*第?0*(\d{1,7})号?$")


def _condition(text: str):
    text = re.sub(r"\s+", "", text or "")
    if not text:
        return None
    match = _SHORT.match(text)
    if match is None:
        return Clue.number == text
    return sa.or_(Clue.number == text, sa.and_(Clue.year == int(match.group(1)), Clue.seq == int(match.group(2))))


def complaint_ids_numbered(text: str):
    """A sub-select of the complaint ids whose clue number matches `text` (none if it cannot)."""
    condition = _condition(text)
    return select(Clue.complaint_id).where(condition if condition is not None else sa.false())


def complaint_numbered(session: Session, text: str) -> Complaint | None:
    """The complaint with this clue number (the newest when a short form matches several)."""
    condition = _condition(text)
    if condition is None:
        return None
    return session.exec(select(Complaint).join(Clue, Clue.complaint_id == Complaint.id).where(condition)
                        .order_by(Clue.id.desc())).first()
