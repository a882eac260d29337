"""网上举报: a report from the public form enters intake like every channel and gets its codes."""
from __future__ import annotations

import hashlib

from sqlmodel import select

from hotline import receipts
from hotline.public import service
from models.attachments import Attachment, PublicAccessKey
from models.cases import Case
from models.clues import Clue, ClueSource
from models.complainants import Complainant
from models.complaints import Complaint
from models.contacts import Contact
from models.taxonomy import Channel

from tests.public.conftest import form_token, jpeg_with_gps


def _only_complaint(db) -> Complaint:
    rows = db.exec(select(Complaint)).all()
    assert len(rows) == 1
    return rows[0]


def test_the_form_is_public_and_explains_the_line(public_app, client, county):
    page = client.get("/report").get_data(as_text=True)
    assert "12345" in page and "965888" in page
    assert "石桥镇" in page and "红旗村" in page  # township and village lists from the database
    assert 'name="csrf_token"' in page and 'name="form_token"' in page


def test_an_anonymous_report_is_a_web_complaint_a_clue_from_the_web_and_a_case(send_report, client, db):
    response = send_report(township_id="", program="dibao", amount="2万", when="2025年3月")
    assert response.status_code == 302 and response.headers["Location"].endswith("/report/done")
    complaint = _only_complaint(db)
    contact = db.exec(select(Contact).where(Contact.complaint_id == complaint.id)).one()
    assert contact.channel is Channel.web and contact.external_id.startswith("web:")
    assert complaint.complainant_id is None
    assert "发生时间：2025年3月" in complaint.text
    clue = db.exec(select(Clue).where(Clue.complaint_id == complaint.id)).one()
    assert clue.source is ClueSource.online and not clue.named
    assert db.exec(select(Case).where(Case.complaint_id == complaint.id)).first() is not None
    assert str(complaint.amount_yuan) == "20000.00"
    done = client.get("/report/done").get_data(as_text=True)
    assert complaint.receipt_code in done.replace(" ", "") or receipts.spaced(complaint.receipt_code) in done
    key = done.split('id="access-key">')[1].split("<")[0]
    assert len(key) == service.KEY_LENGTH and set(key) <= set(service.KEY_ALPHABET)
    stored = db.get(PublicAccessKey, complaint.id)
    assert key not in stored.key_hash and stored.key_hash == service.key_hash(
        complaint.receipt_code, key, public_key(client))


def public_key(client) -> bytes:
    return client.application.config["LOOKUP_KEY"]


def test_the_receipt_can_be_saved_as_a_file(send_report, client, db):
    send_report()
    complaint = _only_complaint(db)
    response = client.get("/report/receipt.txt")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert complaint.receipt_code in response.get_data(as_text=True)


def test_a_named_report_keeps_the_identity_sealed_and_the_clue_named(send_report, db):
    response = send_report(identity="named", name="李四", phone="13812345678")
    assert response.status_code == 302
    complaint = _only_complaint(db)
    complainant = db.get(Complainant, complaint.complainant_id)
    assert complainant is not None and "13812345678" not in str(complainant.model_dump())
    assert db.exec(select(Clue).where(Clue.complaint_id == complaint.id)).one().named


def test_a_named_report_without_a_phone_is_refused_in_chinese(send_report, db):
    response = send_report(identity="named", name="李四", phone="")
    assert response.status_code == 422 and "实名举报请填写姓名和联系电话" in response.get_data(as_text=True)
    assert db.exec(select(Complaint)).all() == []


def test_an_empty_report_gets_a_chinese_message(send_report, db):
    response = send_report(text="   ")
    assert response.status_code == 422
    assert "请填写举报内容" in response.get_data(as_text=True)
    assert db.exec(select(Complaint)).all() == []


def test_a_30000_character_paste_is_kept_whole_with_a_clear_message(send_report, db):
    paste = ("村会计刘某冒领危房改造补助。" * 2200)[:30_000]
    response = send_report(text=paste)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "举报内容过长（30000字，超出10000字）" in page and "都保留在下面" in page
    assert paste in page  # nothing truncated: the textarea holds every character
    assert "maxlength" not in page.split('id="text"')[1].split(">")[0]
    assert db.exec(select(Complaint)).all() == []


def test_a_photo_is_stored_sealed_without_its_gps(send_report, db, opened):
    photo = jpeg_with_gps()
    assert b"Exif" in photo
    response = send_report(files=[("现场.jpg", photo)])
    assert response.status_code == 302
    attachment = db.exec(select(Attachment)).one()
    assert attachment.kind == "jpeg" and not attachment.location_kept
    assert "Exif" not in attachment.sealed and attachment.sealed.startswith("v1.")
    stored = opened(attachment)
    assert stored[:3] == b"\xff\xd8\xff" and b"Exif" not in stored and len(stored) < len(photo)
    assert attachment.sha256 != hashlib.sha256(photo).hexdigest()


def test_a_reporter_may_keep_the_photo_location(send_report, db):
    photo = jpeg_with_gps()
    send_report(files=[("现场.jpg", photo)], keep_location="on")
    attachment = db.exec(select(Attachment)).one()
    assert attachment.location_kept and attachment.sha256 == hashlib.sha256(photo).hexdigest()


def test_a_file_whose_content_is_not_its_extension_is_refused_and_the_text_kept(send_report, db):
    response = send_report(text="乡干部张某吃拿卡要，详见附件。", files=[("证据.pdf", b"MZ\x90\x00 not a pdf")])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“证据.pdf”的内容与扩展名不符" in page and "乡干部张某吃拿卡要" in page
    assert db.exec(select(Complaint)).all() == []


def test_the_same_form_sent_twice_is_one_report(public_app, client, county, db):
    page = client.get("/report").get_data(as_text=True)
    data = {"form_token": form_token(page), "text": "村支书王某优亲厚友，把低保给亲戚。", "identity": "anonymous"}
    first = client.post("/report", data=dict(data), content_type="multipart/form-data")
    second = client.post("/report", data=dict(data), content_type="multipart/form-data")
    assert first.status_code == second.status_code == 302
    assert len(db.exec(select(Complaint)).all()) == 1


def test_the_audit_trail_does_not_record_where_a_web_report_came_from(send_report, db):
    from models.audit import AuditEntry

    send_report()
    entries = db.exec(select(AuditEntry).where(AuditEntry.action == "complaint.create")).all()
    assert len(entries) == 1 and entries[0].remote_addr is None
