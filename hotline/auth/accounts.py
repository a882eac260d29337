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
from models.users import Actor, ApiToken, Role, User

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
_DUMMY_HASH = None


class AccountError(ValueError):
    """An account operation refused, with the reason in Chinese."""


def create_user(session: Session, *, username: str, full_name: str, role: Role | str, password: str,
                office: Office | None = None, actor: Actor = None) -> User:
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


def check_second_factor(session: Session, user: User, secret: str, code: str) -> int:
    """The accepted TOTP time step, or AccountError; five wrong codes lock the account like passwords."""
    from hotline.auth import totp

    now = utcnow()
    if user.locked_until and user.locked_until > now:
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        raise AccountError(f"验证失败次数过多，账号已临时锁定，请{minutes}分钟后再试")
    step = totp.check(user, secret, code)
    if step is None:
        user.failed_totp += 1
        audit.record(session, actor=user, action="user.totp_failed", entity="user", entity_id=user.id,
                     detail={"failures": user.failed_totp})
        if user.failed_totp >= MAX_FAILURES:
            user.locked_until, user.failed_totp = now + LOCKOUT, 0
            audit.record(session, actor=user, action="user.locked", entity="user", entity_id=user.id,
                         detail={"factor": "totp"})
        session.add(user)
        session.commit()
        if user.locked_until and user.locked_until > now:
            raise AccountError(f"验证失败次数过多，账号已临时锁定，请{int(LOCKOUT.total_seconds() // 60)}分钟后再试")
        raise AccountError("动态验证码不正确或已使用，请输入验证器上的最新6位数字")
    user.failed_totp, user.totp_secret, user.totp_last_step = 0, secret, step
    session.add(user)
    return step


def set_password(session: Session, *, user: User, password: str, actor: Actor) -> None:
    """Replace the password (WeakPassword if too short) and end every session of the user."""
    from hotline.auth import sessions

    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    sessions.end_all(session, user)
    audit.record(session, actor=actor, action="user.password_reset", entity="user", entity_id=user.id)


def change_role(session: Session, *, user: User, role: Role | str, actor: Actor,
                grant: object | None = None) -> None:
    """Give the user another role and end their sessions; an identity role only through an approved grant."""
    from hotline.auth import sessions
    from models.users import IDENTITY_ROLES

    try:
        role = Role(role)
    except ValueError as exc:
        raise AccountError(f"角色不正确：{role}") from exc
    if role in IDENTITY_ROLES and grant is None:
        raise AccountError("授予可查看举报人身份的角色须由一名管理员申请、另一名管理员批准（双人规则）")
    if role == user.role:
        return
    previous, user.role = user.role, role
    sessions.end_all(session, user)
    audit.record(session, actor=actor, action="user.role", entity="user", entity_id=user.id,
                 detail={"from": previous.value, "to": role.value,
                         "grant_id": getattr(grant, "id", None)})


def _spend_time_like_a_check(password: str) -> None:
    """Hash anyway so that a missing user takes as long as a wrong password."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-real-password")
    verify_password(_DUMMY_HASH, password or "")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, *, user: User, label: str = "", actor: Actor = None) -> str:
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
