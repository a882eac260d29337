"""A login cookie stops working after logout, a password reset or a role change (session versions)."""
from __future__ import annotations

import pytest

from models.users import Role, User
from tests.conftest import LoggedIn


def _copy_of(client, app):
    """Another browser holding the same session cookie (what an attacker copies)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _logged_in(client) -> bool:
    response = client.get("/complaints")
    return response.status_code == 200


@pytest.fixture
def operator(factory):
    return factory.user(Role.operator)


def test_a_copied_cookie_works_until_the_user_logs_out(app, login, operator):
    client = login.as_(operator)
    thief = _copy_of(client, app)
    assert _logged_in(thief)
    client.post("/logout")
    assert not _logged_in(thief) and "/login" in thief.get("/complaints").headers["Location"]


def test_a_password_reset_ends_the_sessions_of_the_user(app, login, factory, operator, db):
    victim = login.as_(operator)
    admin = LoggedIn(app.test_client()).as_(factory.user(Role.admin))
    response = admin.post(f"/admin/users/{operator.id}", data={"password": "a-new-long-password"})
    assert response.status_code == 302
    assert not _logged_in(victim)
    fresh = LoggedIn(app.test_client()).as_(operator, password="a-new-long-password")
    assert _logged_in(fresh)


def test_a_role_change_ends_the_sessions_of_the_user(app, login, factory, operator, db):
    victim = login.as_(operator)
    admin = LoggedIn(app.test_client()).as_(factory.user(Role.admin))
    admin.post(f"/admin/users/{operator.id}", data={"role": "inspector"})
    db.expire_all()
    assert db.get(User, operator.id).role is Role.inspector
    assert victim.get("/complaints").status_code == 302


def test_another_users_logout_leaves_a_session_alone(app, login, factory, operator):
    client = login.as_(operator)
    other = LoggedIn(app.test_client()).as_(factory.user(Role.operator))
    other.post("/logout")
    assert _logged_in(client)
