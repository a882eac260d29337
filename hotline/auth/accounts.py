"""Account operations: create users, check logins with lockout, issue and check API tokens."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlmodel import Session, select

from hotline import audit
from hotline.auth.passwords import hash_password, verify_password
from models.base import utcnow
from models.offices import Office
from models.users import ApiToken, Role, User

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
_DUMMY_HASH = None


class AccountError(ValueError):
    """An account operation refused, with the reason in Chinese."""


def create_user(session: Session, *, username: str, full_name: str, role: Role | str, password: str,
                office: Office | None = None, actor: object | None = None) -> User:
    username = (username or "").strip()
    if not username or len(username) > 40:
        raise AccountError("用户名不能为空，且不超过40个字符")
    if session.exec(select(User).where(User.username == username)).first():
        raise AccountError(f"用户名 {username} 已存在")
    try:
        role = Role(role)
    except ValueError as exc:
        raise AccountError(f"角色不正确：{role}") from exc
    user = User(username=username, full_name=(full_name or username).strip()[:40], role=role,
                office_id=office.id if office else None, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="user.create", entity="user", entity_id=user.id,
                 detail={"username": username, "role": role.value, "office_id": user.office_id})
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """The user for these credentials, or AccountError; repeated failures lock the account."""
    user = session.exec(select(User).where(User.username == (username or "").strip())).first()
    now = utcnow()
    if user is None or not user.active:
        _spend_time_like_a_check(password)
        raise AccountError("用户名或密码错误")
    if user.locked_until and user.locked_until > now:
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        raise AccountError(f"登录失败次数过多，账号已临时锁定，请{minutes}分钟后再试")
    if not verify_password(user.password_hash, password or ""):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until, user.failed_logins = now + LOCKOUT, 0
            audit.record(session, actor=user, action="user.locked", entity="user", entity_id=user.id)
        session.add(user)
        session.commit()
        raise AccountError("用户名或密码错误")
    user.failed_logins, user.locked_until = 0, None
    session.add(user)
    return user


def _spend_time_like_a_check(password: str) -> None:
    """Hash anyway so that a missing user takes as long as a wrong password."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-real-password")
    verify_password(_DUMMY_HASH, password or "")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, *, user: User, label: str = "", actor: object | None = None) -> str:
    """A new API token for the user; only its hash is kept, so it is shown once."""
    token = "hl_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_token_digest(token), label=label[:60]))
    audit.record(session, actor=actor or user, action="token.issue", entity="user", entity_id=user.id,
                 detail={"label": label})
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _token_digest(token),
                                              ApiToken.revoked == False)).first()  # noqa: E712
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user if user and user.active else None
