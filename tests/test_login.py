"""Logging in and out: hashed passwords, lockout after repeated failures, safe redirects."""
from __future__ import annotations

from sqlmodel import select

from models.audit import AuditEntry
from models.users import Role, User


def test_it_stores_passwords_hashed_with_argon2(factory):
    user = factory.user(Role.operator)
    assert user.password_hash.startswith("$argon2id$")
    assert factory.PASSWORD not in user.password_hash


def test_it_logs_in_and_lands_on_the_roles_screen(factory, client):
    user = factory.user(Role.operator)
    response = client.post("/login", data={"username": user.username, "password": factory.PASSWORD})
    assert response.status_code == 302
    assert client.get("/").headers["Location"].endswith("/intake/new")


def test_a_wrong_password_is_refused_in_chinese(factory, client):
    user = factory.user(Role.operator)
    response = client.post("/login", data={"username": user.username, "password": "wrong-password"})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_repeated_failures_lock_the_account(factory, client, db):
    user = factory.user(Role.operator)
    for _ in range(5):
        client.post("/login", data={"username": user.username, "password": "wrong-password"})
    response = client.post("/login", data={"username": user.username, "password": factory.PASSWORD})
    assert response.status_code == 401
    assert "账号已临时锁定" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, user.id).locked_until is not None
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "user.locked")).first()


def test_it_never_redirects_off_site_after_login(factory, client):
    user = factory.user(Role.operator)
    response = client.post("/login?next=//evil.example/x",
                           data={"username": user.username, "password": factory.PASSWORD})
    assert response.headers["Location"] == "/"


def test_logout_ends_the_session(factory, login, client):
    login.as_(factory.user(Role.operator))
    client.post("/logout")
    assert "/login" in client.get("/intake/new").headers["Location"]


def test_a_deactivated_user_is_signed_out(factory, login, client, db):
    user = factory.user(Role.operator)
    login.as_(user)
    user = db.get(User, user.id)
    user.active = False
    db.add(user)
    db.commit()
    assert "/login" in client.get("/intake/new").headers["Location"]


def test_sessions_expire(app):
    assert app.permanent_session_lifetime.total_seconds() == 30 * 60
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
