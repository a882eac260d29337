"""Every form is protected against cross-site request forgery."""
from __future__ import annotations

from sqlmodel import select

from models.complaints import Complaint
from models.users import Role
from tests.conftest import csrf_from


def _logged_in_with_csrf(app, factory, client):
    app.config["WTF_CSRF_ENABLED"] = True
    user = factory.user(Role.operator)
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": user.username, "password": factory.PASSWORD, "csrf_token": token})
    return client


def test_a_form_without_a_token_is_refused_and_nothing_is_stored(app, factory, client, db):
    factory.county()
    client = _logged_in_with_csrf(app, factory, client)
    response = client.post("/intake/new", data={"text": "危房改造资金被截留", "channel": "call"})
    assert response.status_code == 400
    assert "安全校验失败" in response.get_data(as_text=True)
    assert db.exec(select(Complaint)).all() == []


def test_a_stale_token_is_refused(app, factory, client, db):
    factory.county()
    client = _logged_in_with_csrf(app, factory, client)
    response = client.post("/intake/new", data={"text": "x", "csrf_token": "IjAwMCI.stale.token"})
    assert response.status_code == 400
    assert db.exec(select(Complaint)).all() == []


def test_a_form_with_its_token_is_accepted(app, factory, client, db):
    factory.county()
    client = _logged_in_with_csrf(app, factory, client)
    token = csrf_from(client.get("/intake/new").get_data(as_text=True))
    response = client.post("/intake/new", data={"text": "危房改造资金被截留", "channel": "call",
                                                "csrf_token": token})
    assert response.status_code == 302
    assert len(db.exec(select(Complaint)).all()) == 1


def test_login_itself_needs_a_token(app, factory, client):
    app.config["WTF_CSRF_ENABLED"] = True
    user = factory.user(Role.operator)
    response = client.post("/login", data={"username": user.username, "password": factory.PASSWORD})
    assert response.status_code == 400
