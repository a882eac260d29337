"""查询进度: receipt code and access key show the status and the office level only; wrong codes
lock out per address and per code; the reporter adds information and evidence there."""
from __future__ import annotations

import io

from sqlmodel import select

from models.attachments import Attachment
from models.audit import AuditEntry
from models.cases import Case, CaseEvent
from models.complaints import Complaint
from models.contacts import Contact

from tests.public.conftest import form_token, png_bytes


def _codes(send_report, client, db):
    send_report(text="村支书王某把低保名额给了自己的亲戚，村民意见很大。")
    done = client.get("/report/done").get_data(as_text=True)
    key = done.split('id="access-key">')[1].split("<")[0]
    complaint = db.exec(select(Complaint)).one()
    client.post("/report/forget")
    return complaint, key


def test_code_and_key_show_status_and_office_level_only(send_report, client, db):
    complaint, key = _codes(send_report, client, db)
    response = client.post("/status", data={"code": complaint.receipt_code, "key": key.lower()})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="status-value"' in page
    assert 'id="office-level"' in page
    assert "王某" not in page and "低保名额" not in page  # nothing of the report or the people


def test_the_receipt_code_alone_is_not_enough(send_report, client, db):
    complaint, _ = _codes(send_report, client, db)
    response = client.post("/status", data={"code": complaint.receipt_code, "key": "AAAAAA"})
    assert response.status_code == 403 and "查询码或查询密码不正确" in response.get_data(as_text=True)
    assert 'id="status-value"' not in response.get_data(as_text=True)


def test_wrong_codes_lock_the_address_out_even_for_the_right_pair(send_report, client, db):
    complaint, key = _codes(send_report, client, db)
    for _ in range(6):
        client.post("/status", data={"code": "12345678901234", "key": "ABCDEF"})
    response = client.post("/status", data={"code": complaint.receipt_code, "key": key})
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "错误次数过多，已暂停查询" in page
    assert 'id="status-value"' not in page


def test_wrong_keys_for_one_code_lock_that_code_from_every_address(public_app, send_report, client, db):
    complaint, key = _codes(send_report, client, db)
    for index in range(6):
        client.post("/status", data={"code": complaint.receipt_code, "key": "WRONG1"},
                    environ_base={"REMOTE_ADDR": f"10.0.0.{index + 1}"})
    other = public_app.test_client()
    response = other.post("/status", data={"code": complaint.receipt_code, "key": key},
                          environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert response.status_code == 403 and "错误次数过多" in response.get_data(as_text=True)


def test_a_followup_joins_the_matter_with_its_evidence_on_the_timeline(send_report, client, db):
    complaint, key = _codes(send_report, client, db)
    page = client.post("/status", data={"code": complaint.receipt_code, "key": key}).get_data(as_text=True)
    response = client.post("/status/add", data={
        "form_token": form_token(page), "text": "补充：王某的亲戚家有两套房。",
        "files": [(io.BytesIO(png_bytes()), "房产照片.png")]}, content_type="multipart/form-data")
    assert response.status_code == 200 and "补充材料已收到" in response.get_data(as_text=True)
    followup = db.exec(select(Contact).where(Contact.complaint_id == complaint.id, Contact.is_followup)).one()
    assert followup.raw_text == "补充：王某的亲戚家有两套房。"
    assert db.exec(select(Attachment).where(Attachment.contact_id == followup.id)).one().kind == "png"
    case = db.exec(select(Case).where(Case.complaint_id == complaint.id)).one()
    assert db.exec(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                           CaseEvent.kind == "public_followup")).first() is not None
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "complaint.followup")).first() is not None


def test_an_empty_followup_is_refused_in_chinese(send_report, client, db):
    complaint, key = _codes(send_report, client, db)
    page = client.post("/status", data={"code": complaint.receipt_code, "key": key}).get_data(as_text=True)
    response = client.post("/status/add", data={"form_token": form_token(page), "text": " "})
    assert response.status_code == 422 and "请填写补充内容或选择要上传的材料" in response.get_data(as_text=True)


def test_an_over_long_followup_says_how_far_over_and_keeps_the_text(send_report, client, db):
    complaint, key = _codes(send_report, client, db)
    page = client.post("/status", data={"code": complaint.receipt_code, "key": key}).get_data(as_text=True)
    text = ("补充：王某亲戚家的危房补助也是冒领的。" * 300)[:5003]
    response = client.post("/status/add", data={"form_token": form_token(page), "text": text})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "补充内容过长（5003字，超出3字）" in body and text in body
    assert db.exec(select(Contact).where(Contact.complaint_id == complaint.id, Contact.is_followup)).all() == []


def test_a_followup_without_a_lookup_is_refused(public_app, client, county):
    response = client.post("/status/add", data={"text": "补充"})
    assert response.status_code == 403 and "请重新输入查询码" in response.get_data(as_text=True)
