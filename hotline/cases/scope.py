"""Which offices' complaints and cases a user may see: one rule for every list and page."""
from __future__ import annotations

from sqlmodel import Session

from hotline.cases.transitions import supervised_office_ids
from models.users import Role


def visible_office_ids(session: Session, user) -> set[int] | None:
    """Inspectors see their own office; supervisors the offices they act for; None = no limit."""
    if user.role is Role.inspector:
        return {user.office_id} if user.office_id else set()
    if user.role is Role.supervisor:
        return supervised_office_ids(session, user)
    return None
