"""The demo's background inspectors as `run` prints them: who works which office, one password.

Without them a new user could not work a first call from most townships (routing sends it to the
township's 纪委, whose inspector is background staff), so demo mode prints them all.
"""
from __future__ import annotations

from sqlmodel import select

from hotline.db import get_session
from hotline.demo.county import DEMO_STAFF_PASSWORD
from models.offices import Office
from models.users import Role, User

PER_LINE = 4


def staff_lines() -> list[str]:
    """Lines naming each staff inspector with their office, and their shared password."""
    rows = get_session().exec(select(User.username, Office.name).join(Office, Office.id == User.office_id)
                              .where(User.role == Role.inspector, User.username.like("staff%"))
                              .order_by(User.username)).all()
    if not rows:
        return []
    pairs = [f"{username} {office}" for username, office in rows]
    lines = [f"  其他机构的承办人（inspector，密码均为 {DEMO_STAFF_PASSWORD}）："]
    lines += ["    " + "；".join(pairs[i:i + PER_LINE]) for i in range(0, len(pairs), PER_LINE)]
    return lines
