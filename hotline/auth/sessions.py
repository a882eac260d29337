"""Session versions: a login cookie is good only while the user's `session_version` is unchanged.

The version is written into the (signed) session at login and compared on every request by the
user loader. Logout, a password change or reset and a role change bump it, so a copied cookie,
including one taken before the event, stops working at once on every device.
"""
from __future__ import annotations

from flask import session
from sqlmodel import Session

from models.users import User

SESSION_KEY = "_sv"


def start(user: User) -> None:
    """Bind the freshly logged-in session to the user's current version."""
    session[SESSION_KEY] = user.session_version


def is_current(user: User) -> bool:
    return session.get(SESSION_KEY) == user.session_version


def end_all(db: Session, user: User) -> None:
    """Invalidate every session of this user (the caller commits)."""
    user.session_version = (user.session_version or 0) + 1
    db.add(user)
