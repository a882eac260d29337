"""People who use the system, their roles and their API tokens."""
from __future__ import annotations

import datetime as dt
import enum

from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, enum_column, utc_column


class Role(LabelledEnum):
    operator = "operator", "接线员"
    inspector = "inspector", "纪检监察干部"
    supervisor = "supervisor", "督办领导"  # 督办/分管领导
    admin = "admin", "系统管理员"
    auditor = "auditor", "审计员"
    custodian = "custodian", "身份信息保管员"


# An account: one person, one role, at most one office.
class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True)
    full_name: str = Field(max_length=40)
    role: Role = Field(sa_column=enum_column(Role, index=True))
    office_id: int | None = Field(default=None, foreign_key="office.id", index=True)
    password_hash: str = Field(max_length=255)
    active: bool = True
    # Conflict-of-interest data: where the person comes from (checked at assignment).
    home_village_id: int | None = Field(default=None, foreign_key="village.id")
    failed_logins: int = 0
    locked_until: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    totp_secret: str | None = Field(default=None, max_length=64)
    # The last accepted TOTP time step: a code is never accepted twice.
    totp_last_step: int | None = None
    # Wrong second-factor codes in a row; five lock the account like five wrong passwords.
    failed_totp: int = 0
    # Carried in the session cookie; bumped by logout, password change or reset and role change,
    # so a copied cookie stops working after any of them (hotline/auth/sessions.py).
    session_version: int = 0
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    # Flask-Login needs these three.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)


# Who does a step: a signed-in user, or None for the system (a scheduled job, a CLI command, the
# demo). Domain functions name this parameter `actor` and record `actor.id` (None: 系统).
Actor = User | None


# A bearer token for the JSON API; only its hash is stored.
class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    label: str = Field(default="", max_length=60)
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    last_used_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    revoked: bool = False


# Roles whose holder can read complainants' identity: granting one needs a second admin.
IDENTITY_ROLES = frozenset({Role.custodian})


class GrantStatus(str, enum.Enum):
    pending = "pending"  # 待批准
    approved = "approved"  # 已批准（角色已授予）
    refused = "refused"  # 已驳回
    withdrawn = "withdrawn"  # 已撤回


# A request to give a user an identity role: one admin asks, another approves (two-person rule).
class RoleGrant(SQLModel, table=True):
    __tablename__ = "role_grant"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: Role = Field(sa_column=enum_column(Role))
    reason: str = Field(max_length=200)
    status: GrantStatus = Field(sa_column=enum_column(GrantStatus, index=True))
    requested_by_id: int = Field(foreign_key="user.id")
    requested_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
