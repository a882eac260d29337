"""A stale CSRF token on the intake form (the session expired while the operator typed) gives the
form back with everything typed and a fresh token; submitting again saves the report once."""
from __future__ import annotations

import html

from sqlmodel import select

from models.complaints import Complaint
from models.users import Role
from tests.conftest import csrf_from

TEXT = "石桥镇红旗村村支书王某把低保名额给了自己侄子，侄子家有小车，\n群众意见很大。"


def _operator_with_csrf(app, factory, client):
    app.config["WTF_CSRF_ENABLED"] = True
    user = factory.user(Role.operator)
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": user.username, "password": factory.PASSWORD, "csrf_token": token})
    return client


def _form(county, token: str) -> dict:
    return {"text": TEXT, "channel": "call", "phone": "13812345678", "accused_name": "王某",
            "township_id": str(county["townships"]["石桥镇"].id), "csrf_token": token}


def test_a_stale_token_gives_the_form_back_with_the_text_and_a_fresh_token(app, factory, client, db):
    county = factory.county()
    client = _operator_with_csrf(app, factory, client)
    response = client.post("/intake/new", data=_form(county, "IjAwMCI.stale.token"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="resubmit-notice"' in page and "再次点击“保存”" in page
    assert html.escape(TEXT, quote=False) in page or TEXT in html.unescape(page)
    assert 'value="13812345678"' in page and 'value="王某"' in page
    assert db.exec(select(Complaint)).all() == []
    fresh = csrf_from(page)
    again = client.post("/intake/new", data=_form(county, fresh))
    assert again.status_code == 302
    saved = db.exec(select(Complaint)).all()
    assert len(saved) == 1 and "侄子家有小车" in saved[0].text


def test_after_the_session_expired_the_typed_report_is_kept_and_login_is_asked_for(app, factory, client, db):
    county = factory.county()
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/intake/new", data=_form(county, "IjAwMCI.from.the.lost.session"))
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "登录已超时" in page and "重新登录" in page
    assert TEXT in page or TEXT.replace("\n", "\r\n") in page
    assert db.exec(select(Complaint)).all() == []


def test_other_forms_keep_the_plain_refusal(app, factory, client):
    factory.county()
    client = _operator_with_csrf(app, factory, client)
    response = client.post("/logout", data={"csrf_token": "stale"})
    assert response.status_code == 400
    assert "安全校验失败" in response.get_data(as_text=True)
