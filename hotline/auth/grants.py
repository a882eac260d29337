"""The two-person rule for identity powers: one admin asks, another approves, never oneself.

A role that can reveal complainants' identity (models.users.IDENTITY_ROLES) is never set directly:
an admin files a request (RoleGrant) with a reason, a second admin approves or refuses it, and
both steps are audited. Refused: asking for oneself, approving one's own request, approving a
grant to oneself, and approving with an account the requester created, promoted or whose password
he set (he could log in as it). The command line may appoint the first custodian only
(bootstrapping, `user add --role custodian`); after that it takes this path too.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from hotline import audit
from hotline.auth.accounts import AccountError, change_role
from models.audit import AuditEntry
from models.base import utcnow
from models.users import IDENTITY_ROLES, GrantStatus, Role, RoleGrant, User

# Audit actions by which one admin could know or control another account.
_CONTROL_ACTIONS = ("user.create", "user.update", "user.role", "user.password_reset")


def request_grant(session: Session, *, user: User, role: Role | str, reason: str, requester: User) -> RoleGrant:
    """File a request to give `user` an identity role (the caller commits)."""
    role = Role(role)
    reason = (reason or "").strip()
    if role not in IDENTITY_ROLES:
        raise AccountError("只有可查看举报人身份的角色需要申请批准，其他角色可直接修改")
    if user.id == requester.id:
        raise AccountError("不能为自己申请可查看举报人身份的角色")
    if not reason:
        raise AccountError("请填写申请理由")
    if user.role == role:
        raise AccountError(f"{user.username} 已是该角色")
    if session.exec(select(RoleGrant).where(RoleGrant.user_id == user.id, RoleGrant.role == role,
                                            RoleGrant.status == GrantStatus.pending)).first():
        raise AccountError(f"已有为 {user.username} 申请该角色的待批准申请")
    grant = RoleGrant(user_id=user.id, role=role, reason=reason[:200], status=GrantStatus.pending,
                      requested_by_id=requester.id)
    session.add(grant)
    session.flush()
    audit.record(session, actor=requester, action="grant.request", entity="user", entity_id=user.id,
                 detail={"grant_id": grant.id, "role": role.value, "reason": grant.reason})
    return grant


def approve(session: Session, *, grant: RoleGrant, approver: User) -> None:
    """The second admin's approval: the role is given and the grantee's sessions end."""
    _check_pending(grant)
    if approver.role != Role.admin:
        raise AccountError("只有系统管理员可以批准")
    if approver.id == grant.requested_by_id:
        raise AccountError("不能批准自己提出的申请：须由另一名管理员批准")
    if approver.id == grant.user_id:
        raise AccountError("不能批准授予自己的角色")
    if controlled_by(session, account_id=approver.id, admin_id=grant.requested_by_id):
        raise AccountError("批准人的账号由申请人创建、改过角色或重置过密码，不能作为第二人批准")
    user = session.get(User, grant.user_id)
    change_role(session, user=user, role=grant.role, actor=approver, grant=grant)
    _decide(session, grant, GrantStatus.approved, approver)


def refuse(session: Session, *, grant: RoleGrant, admin: User) -> None:
    _check_pending(grant)
    if admin.id == grant.requested_by_id:
        raise AccountError("申请人请使用“撤回”")
    _decide(session, grant, GrantStatus.refused, admin)


def withdraw(session: Session, *, grant: RoleGrant, admin: User) -> None:
    _check_pending(grant)
    if admin.id != grant.requested_by_id:
        raise AccountError("只有申请人可以撤回申请")
    _decide(session, grant, GrantStatus.withdrawn, admin)


def pending(session: Session) -> list[RoleGrant]:
    return list(session.exec(select(RoleGrant).where(RoleGrant.status == GrantStatus.pending)
                             .order_by(RoleGrant.id)).all())


def controlled_by(session: Session, *, account_id: int, admin_id: int) -> bool:
    """Whether the audit trail shows `admin_id` creating, promoting or resetting `account_id`."""
    return session.exec(select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.actor_id == admin_id, AuditEntry.entity == "user",
        AuditEntry.entity_id == str(account_id), AuditEntry.action.in_(_CONTROL_ACTIONS))).one() > 0


def bootstrap_allowed(session: Session) -> bool:
    """The command line may appoint a custodian only while no active one exists."""
    return session.exec(select(User).where(User.role.in_(IDENTITY_ROLES), User.active == True)  # noqa: E712
                        ).first() is None


def _check_pending(grant: RoleGrant) -> None:
    if grant.status != GrantStatus.pending:
        raise AccountError("该申请已处理")


def _decide(session: Session, grant: RoleGrant, status: GrantStatus, admin: User) -> None:
    grant.status, grant.decided_by_id, grant.decided_at = status, admin.id, utcnow()
    session.add(grant)
    audit.record(session, actor=admin, action=f"grant.{status.value}", entity="user", entity_id=grant.user_id,
                 detail={"grant_id": grant.id, "role": grant.role.value, "requested_by_id": grant.requested_by_id})
