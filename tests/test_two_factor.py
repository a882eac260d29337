"""Supervisors and admins log in with a second factor (TOTP); codes are never accepted twice."""
from __future__ import annotations

import re

import pyotp
import pytest
from sqlmodel import select

from models.audit import AuditEntry
from models.users import Role, User


def _password_step(client, user, factory):
    return client.post("/login", data={"username": user.username, "password": factory.PASSWORD})


@pytest.mark.parametrize("role", [Role.supervisor, Role.admin])
def test_a_password_alone_does_not_log_in(factory, client, role):
    user = factory.user(role)
    assert _password_step(client, user, factory).headers["Location"].endswith("/login/totp")
    assert "/login" in client.get("/complaints").headers["Location"]


def test_the_right_code_logs_in_and_the_same_code_is_refused_again(factory, client, db):
    user = factory.user(Role.supervisor)
    _password_step(client, user, factory)
    code = pyotp.TOTP(user.totp_secret).now()
    assert client.post("/login/totp", data={"code": code}).status_code == 302
    assert client.get("/complaints").status_code == 200
    client.post("/logout")
    _password_step(client, user, factory)
    replay = client.post("/login/totp", data={"code": code})
    assert replay.status_code == 401 and "已使用" in replay.get_data(as_text=True)


def test_a_wrong_code_is_refused_and_audited(factory, client, db):
    user = factory.user(Role.admin)
    _password_step(client, user, factory)
    response = client.post("/login/totp", data={"code": "000000"})
    assert response.status_code == 401
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "user.totp_failed")).one()


def test_a_new_supervisor_enrols_an_authenticator_at_first_login(factory, client, db):
    user = factory.user(Role.supervisor)
    user.totp_secret = None
    db.add(user)
    db.commit()
    _password_step(client, user, factory)
    page = client.get("/login/totp").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert client.post("/login/totp", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    db.expire_all()
    assert db.get(User, user.id).totp_secret == secret


def test_the_second_step_without_a_password_step_goes_back_to_login(client):
    assert client.get("/login/totp").headers["Location"].endswith("/login")


def test_operators_need_no_second_factor(factory, client):
    user = factory.user(Role.operator)
    assert not _password_step(client, user, factory).headers["Location"].endswith("/login/totp")
