"""The JSON API: token authentication, intake, look-up, and JSON errors in Chinese."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hotline.auth.accounts import issue_token
from models.complaints import Complaint
from models.users import Role
from tests.factories import post_api


@pytest.fixture
def token(factory, db):
    factory.county()
    user = factory.user(Role.operator)
    value = issue_token(db, user=user, label="test")
    db.commit()
    return value


def test_it_logs_a_report_and_returns_the_receipt_code(client, token, db):
    response = post_api(client, token, {"text": "雨露计划补助被村会计代领", "phone": "13912345678",
                                     "program": "education"})
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["receipt_code"]) == 14 and body["status"] == "received"
    assert db.exec(select(Complaint.receipt_code)).one() == body["receipt_code"]


def test_a_repeated_external_id_returns_the_same_complaint(client, token, db):
    first = post_api(client, token, {"text": "低保被冒领", "external_id": "12345-abc"})
    second = post_api(client, token, {"text": "低保被冒领", "external_id": "12345-abc"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["receipt_code"] == second.get_json()["receipt_code"]
    assert len(db.exec(select(Complaint)).all()) == 1


def test_it_looks_up_a_complaint_by_receipt_code(client, token):
    code = post_api(client, token, {"text": "危房改造款被截留"}).get_json()["receipt_code"]
    response = client.get(f"/api/v1/complaints/{code}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["receipt_code"] == code
    missing = client.get("/api/v1/complaints/00000000000000", headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("headers, code", [
    ({}, "token_missing"),
    ({"Authorization": "Bearer not-a-token"}, "token_invalid"),
    ({"Authorization": "Basic abc"}, "token_missing"),
])
def test_it_refuses_missing_or_bad_tokens(client, headers, code):
    response = client.post("/api/v1/complaints", json={"text": "x"}, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]


def test_a_role_without_intake_rights_is_refused(client, factory, db):
    user = factory.user(Role.auditor)
    token = issue_token(db, user=user)
    db.commit()
    response = post_api(client, token, {"text": "x"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_a_body_that_is_not_json_is_refused_in_chinese(client, token, db):
    response = client.post("/api/v1/complaints", data="{not json", content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": "invalid_json", "message": "请求体不是有效的 JSON"}
    assert db.exec(select(Complaint)).all() == []


@pytest.mark.parametrize("body, code, words", [
    ({"text": ""}, "validation_failed", "反映内容不能为空"),
    ({"text": "a" * 20_001}, "validation_failed", "反映内容过长（20001字，超出1字）"),
    ({"text": "x", "phone": "abc"}, "validation_failed", "电话号码格式不正确"),
    ({"text": "x", "township_id": 424242}, "validation_failed", "所选乡镇不存在"),
    ({"text": "x", "township_id": 10**12}, "validation_failed", "所选乡镇不存在"),  # beyond an INTEGER key
    ({"text": "x", "village_id": -2**40}, "validation_failed", "所选村（社区）不存在"),
    ({"text": "x", "favourite_colour": "red"}, "unknown_fields", "favourite_colour"),
    ({"text": ["a", "list"]}, "invalid_field", "字段值"),
    (["not", "an", "object"], "invalid_json", "JSON 对象"),
])
def test_it_reports_invalid_fields(client, token, db, body, code, words):
    response = post_api(client, token, body)
    # A body that is not a JSON object is malformed (400); a well-formed one with bad fields is 422.
    assert response.status_code == (400 if code == "invalid_json" else 422)
    error = response.get_json()["error"]
    assert error["code"] == code and words in error["message"]
    assert db.exec(select(Complaint)).all() == []


def test_errors_for_unknown_api_paths_are_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


# --- evidence files ---------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _file(name: str, data: bytes) -> dict:
    import base64

    return {"filename": name, "content_base64": base64.b64encode(data).decode()}


def _stored(db):
    from models.attachments import Attachment

    db.expire_all()
    return db.exec(select(Attachment).order_by(Attachment.id)).all()


def test_a_report_with_files_stores_them_checked_and_sealed(app, client, token, db):
    import base64

    from hotline.vault import vault
    from tests.public.conftest import jpeg_with_gps

    response = post_api(client, token, {"text": "危房改造补助被村会计截留，附照片和名单。",
                                     "attachments": [_file("现场.jpg", jpeg_with_gps()), _file("名单.pdf", PDF)]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert [a["kind"] for a in body["attachments"]] == ["jpeg", "pdf"]
    rows = _stored(db)
    complaint = db.exec(select(Complaint)).one()
    assert {r.complaint_id for r in rows} == {complaint.id} and rows[0].contact_id is not None
    with app.app_context():
        photo = base64.b64decode(vault().open(rows[0].sealed, field="attachment"))
    assert b"Exif" not in photo


@pytest.mark.parametrize("attachments, said", [
    ([{"filename": "a.pdf"}], "filename 和 content_base64"),
    ([{"filename": "a.pdf", "content_base64": "不是base64"}], "Base64"),
    ("a.pdf", "须为数组"),
    ([{"filename": "a.jpg", "content_base64": "JVBERi0xLjQK"}], "内容与扩展名不符"),
    ([{"filename": "a.exe", "content_base64": "TVqQAA=="}], "类型不支持"),
])
def test_a_bad_file_refuses_the_report_in_chinese_and_stores_nothing(client, token, db, attachments, said):
    response = post_api(client, token, {"text": "低保被冒领", "attachments": attachments})
    assert response.status_code == 422
    assert said in response.get_json()["error"]["message"]
    assert db.exec(select(Complaint)).all() == [] and _stored(db) == []


def test_files_can_be_added_to_a_complaint_once(client, token, db):
    code = post_api(client, token, {"text": "危房改造款被截留"}).get_json()["receipt_code"]
    headers = {"Authorization": f"Bearer {token}"}
    first = client.post(f"/api/v1/complaints/{code}/attachments", json={"attachments": [_file("a.pdf", PDF)]},
                        headers=headers)
    again = client.post(f"/api/v1/complaints/{code}/attachments", json={"attachments": [_file("b.pdf", PDF)]},
                        headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["already_attached"] == 1 and len(_stored(db)) == 1
    missing = client.post("/api/v1/complaints/00000000000000/attachments",
                          json={"attachments": [_file("a.pdf", PDF)]}, headers=headers)
    assert missing.status_code == 404
    empty = client.post(f"/api/v1/complaints/{code}/attachments", json={"attachments": []}, headers=headers)
    assert empty.status_code == 422


def test_an_inspector_token_may_not_add_files(client, factory, db):
    from hotline.auth.accounts import issue_token

    complaint = factory.complaint("危房改造款被截留")
    value = issue_token(db, user=factory.user(Role.inspector), label="t")
    db.commit()
    response = client.post(f"/api/v1/complaints/{complaint.receipt_code}/attachments",
                           json={"attachments": [_file("a.pdf", PDF)]}, headers={"Authorization": f"Bearer {value}"})
    assert response.status_code == 403 and _stored(db) == []
