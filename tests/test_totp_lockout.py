"""Wrong second-factor codes lock the account like wrong passwords, and the lock is audited."""
from __future__ import annotations

import pyotp
from sqlmodel import select

from hotline.auth.accounts import MAX_FAILURES
from models.audit import AuditEntry
from models.users import Role


def _password_step(client, user, factory):
    return client.post("/login", data={"username": user.username, "password": factory.PASSWORD})


def test_five_wrong_codes_then_the_right_one_is_refused(factory, client, db):
    user = factory.user(Role.admin)
    _password_step(client, user, factory)
    for _ in range(MAX_FAILURES):
        assert client.post("/login/totp", data={"code": "000000"}).status_code == 401
    right = client.post("/login/totp", data={"code": pyotp.TOTP(user.totp_secret).now()})
    assert right.status_code == 401 and "锁定" in right.get_data(as_text=True)
    assert client.get("/complaints").status_code == 302
    locked = db.exec(select(AuditEntry).where(AuditEntry.action == "user.locked")).one()
    assert locked.detail == {"factor": "totp"} and locked.entity_id == str(user.id)


def test_the_lock_holds_at_the_password_step_too(factory, client):
    user = factory.user(Role.supervisor)
    _password_step(client, user, factory)
    for _ in range(MAX_FAILURES):
        client.post("/login/totp", data={"code": "000000"})
    again = _password_step(client, user, factory)
    assert again.status_code == 401 and "锁定" in again.get_data(as_text=True)


def test_a_right_code_resets_the_count(factory, client, db):
    user = factory.user(Role.admin)
    _password_step(client, user, factory)
    for _ in range(MAX_FAILURES - 1):
        client.post("/login/totp", data={"code": "000000"})
    assert client.post("/login/totp", data={"code": pyotp.TOTP(user.totp_secret).now()}).status_code == 302
    db.refresh(user)
    assert user.failed_totp == 0 and user.locked_until is None
