"""Accounts: login sessions, password hashing, API tokens."""
from __future__ import annotations

from flask_login import LoginManager

from hotline.db import get_session
from models.users import User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录"
login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    from hotline.auth import sessions

    try:
        user = get_session().get(User, int(user_id))
    except ValueError:
        return None
    # A cookie from before a logout, a password reset or a role change carries an old version.
    return user if user is not None and user.active and sessions.is_current(user) else None
