"""Identity roles are granted by two admins, never to oneself, never by an account the requester controls."""
from __future__ import annotations

import pyotp
import pytest
from sqlmodel import select

from models.audit import AuditEntry
from models.users import GrantStatus, Role, RoleGrant, User
from tests.conftest import LoggedIn


@pytest.fixture
def admins(factory):
    return factory.user(Role.admin), factory.user(Role.admin)


def _as(app, user):
    return LoggedIn(app.test_client()).as_(user)


def _role(db, user) -> Role:
    db.expire_all()
    return db.get(User, user.id).role


def test_an_admin_cannot_make_himself_custodian(app, db, admins):
    mallory, _ = admins
    client = _as(app, mallory)
    client.post(f"/admin/users/{mallory.id}", data={"role": "custodian"})
    client.post("/admin/grants", data={"user_id": mallory.id, "role": "custodian", "reason": "查看身份"})
    assert _role(db, mallory) is Role.admin
    assert db.exec(select(RoleGrant)).all() == []


def test_a_role_change_to_custodian_is_refused_without_a_grant(app, db, factory, admins):
    clerk = factory.user(Role.operator)
    response = _as(app, admins[0]).post(f"/admin/users/{clerk.id}", data={"role": "custodian"}, follow_redirects=True)
    assert "双人规则" in response.get_data(as_text=True) and _role(db, clerk) is Role.operator


def test_a_second_admin_approves_and_both_steps_are_audited(app, db, factory, admins):
    first, second = admins
    clerk = factory.user(Role.operator)
    asker, approver = _as(app, first), _as(app, second)  # each logs in once: a TOTP code is never reused
    asker.post("/admin/grants", data={"user_id": clerk.id, "role": "custodian", "reason": "回访工作需要"})
    page = approver.get("/admin/users").get_data(as_text=True)
    assert "回访工作需要" in page and "批准" in page  # the pending grant is visible
    grant = db.exec(select(RoleGrant)).one()
    refused = asker.post(f"/admin/grants/{grant.id}/approve", follow_redirects=True)
    assert "不能批准自己提出的申请" in refused.get_data(as_text=True) and _role(db, clerk) is Role.operator
    approver.post(f"/admin/grants/{grant.id}/approve")
    assert _role(db, clerk) is Role.custodian
    db.refresh(grant)
    assert grant.status is GrantStatus.approved and grant.decided_by_id == second.id
    actions = {(e.action, e.actor_id) for e in db.exec(select(AuditEntry)).all()}
    assert ("grant.request", first.id) in actions and ("grant.approved", second.id) in actions
    assert ("user.role", second.id) in actions


def test_an_admin_account_the_requester_created_cannot_approve(app, db, factory, admins):
    mallory, _ = admins
    client = _as(app, mallory)
    client.post("/admin/users", data={"username": "sock", "full_name": "傀儡", "role": "admin",
                                       "password": "a-good-long-password"})
    sock = db.exec(select(User).where(User.username == "sock")).one()
    sock.totp_secret = pyotp.random_base32()
    db.add(sock)
    db.commit()
    accomplice = factory.user(Role.operator)
    client.post("/admin/grants", data={"user_id": accomplice.id, "role": "custodian", "reason": "x"})
    grant = db.exec(select(RoleGrant)).one()
    response = LoggedIn(app.test_client()).as_(sock, password="a-good-long-password").post(
        f"/admin/grants/{grant.id}/approve", follow_redirects=True)
    assert "申请人创建" in response.get_data(as_text=True)
    assert _role(db, accomplice) is Role.operator


def test_the_web_form_cannot_create_a_custodian(app, db, admins):
    response = _as(app, admins[0]).post("/admin/users", data={"username": "c2", "role": "custodian",
                                                              "password": "a-good-long-password"})
    assert response.status_code == 422 and db.exec(select(User).where(User.username == "c2")).first() is None


def test_the_command_line_appoints_only_the_first_custodian(runner, db, factory):
    first = runner.invoke(args=["user", "add", "keeper1", "--role", "custodian", "--password", "a-good-long-password"])
    assert first.exit_code == 0
    second = runner.invoke(args=["user", "add", "keeper2", "--role", "custodian", "--password", "a-good-long-password"])
    assert second.exit_code != 0 and "另一名管理员批准" in second.output
    assert db.exec(select(User).where(User.username == "keeper2")).first() is None
