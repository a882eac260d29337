"""Retention covers evidence: a due case's photos lose their sealed bytes (a photo can identify its
taker) and its MMS rows their sender number; kind, size and hash stay, and the purge is audited."""
from __future__ import annotations

import hashlib

from sqlmodel import select

from hotline.public import files as evidence, service as public
from hotline.trust import retention
from hotline.vault import vault
from models.attachments import Attachment, MmsMedia
from models.audit import AuditEntry
from models.base import utcnow
from models.cases import Case
from models.complaints import Complaint
from models.retention import RetentionTombstone

DAYS = 1826
PHOTO = b"\xff\xd8\xff\xe0 a photo of the village office \xff\xd9"


def _evidence(app, db, complaint_id: int, *, mms_status: str = "stored") -> tuple[Attachment, MmsMedia]:
    with app.app_context():
        attachment = public.store_files(db, complaint_id, None, [evidence.CheckedFile(
            filename="李秀兰拍的村委会.jpg", kind="jpeg", data=PHOTO, location_kept=False)])[0]
        sender = vault().seal("+8613812345678", field="phone")
    media = MmsMedia(message_sid=f"MM{complaint_id:032x}", position=0,
                     url=f"https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM{complaint_id}/Media/ME1",
                     content_type="image/jpeg", complaint_id=complaint_id, sender_enc=sender, status=mms_status,
                     attachment_id=attachment.id if mms_status == "stored" else None, next_attempt_at=utcnow())
    db.add(media)
    db.commit()
    return attachment, media


def _purge(db, **kw):
    report = retention.purge(session=db, days=DAYS, **kw)
    db.commit()
    db.expire_all()
    return report


def _anonymous_case(closed, db, factory, days_ago: float) -> Case:
    case = closed.case(days_ago=days_ago, recording=False)
    complaint = db.get(Complaint, case.complaint_id)
    complaint.complainant_id = None  # a web report sent without name or number
    db.add(complaint)
    db.commit()
    return case


def test_a_due_case_loses_the_bytes_of_its_files_and_keeps_their_metadata(app, closed, db):
    case = closed.case(days_ago=DAYS + 1)
    attachment, media = _evidence(app, db, case.complaint_id)
    report = _purge(db)
    kept = db.get(Attachment, attachment.id)
    assert report.attachments == 1 and report.mms == 1
    assert kept.sealed == "" and kept.filename == ""
    assert (kept.kind, kept.size, kept.sha256) == ("jpeg", len(PHOTO), hashlib.sha256(PHOTO).hexdigest())
    row = db.get(MmsMedia, media.id)
    assert row.sender_enc is None and row.url == "" and row.status == "stored"


def test_the_tombstone_and_the_audit_entry_say_which_files_went(app, closed, db):
    case = closed.case(days_ago=DAYS + 1)
    attachment, _ = _evidence(app, db, case.complaint_id)
    _purge(db)
    stone = db.exec(select(RetentionTombstone)).one()
    assert stone.removed["attachments"] == [{"id": attachment.id, "kind": "jpeg", "size": len(PHOTO),
                                             "sha256": hashlib.sha256(PHOTO).hexdigest()}]
    assert stone.removed["mms"] == 1
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "retention.purge")).one()
    assert entry.detail["attachments"] == 1 and entry.detail["mms"] == 1


def test_an_anonymous_reports_files_go_when_its_case_is_due(app, closed, db, factory):
    case = _anonymous_case(closed, db, factory, DAYS + 1)
    attachment, media = _evidence(app, db, case.complaint_id, mms_status="pending")
    report = _purge(db)
    assert report.cases == [case.id] and report.complainants == 0 and report.attachments == 1
    assert db.get(Attachment, attachment.id).sealed == ""
    row = db.get(MmsMedia, media.id)
    assert row.url == "" and row.status == "skipped"  # the fetch job never fetches it now
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "retention.purge")).one()
    assert (entry.entity, entry.entity_id) == ("complaint", str(case.complaint_id))
    assert entry.detail["attachments"][0]["sha256"] == hashlib.sha256(PHOTO).hexdigest()
    assert _purge(db).attachments == 0  # nothing left the second time, and no second audit entry
    assert len(db.exec(select(AuditEntry).where(AuditEntry.action == "retention.purge")).all()) == 1


def test_files_of_a_case_within_the_period_or_under_a_legal_hold_are_kept(app, closed, db, factory):
    recent = _anonymous_case(closed, db, factory, DAYS - 1)
    held = closed.case(days_ago=DAYS + 1)
    retention.place_hold(session=db, case=held, actor=factory.user("custodian"), reason="涉及司法机关调取证据")
    db.commit()
    files = [_evidence(app, db, c.complaint_id)[0] for c in (recent, held)]
    report = _purge(db)
    assert report.attachments == 0 and report.held == [held.id]
    assert all(db.get(Attachment, f.id).sealed for f in files)
    assert all(m.sender_enc for m in db.exec(select(MmsMedia)))


def test_a_dry_run_counts_the_files_and_removes_none(app, closed, db, factory):
    named = closed.case(days_ago=DAYS + 1)
    anonymous = _anonymous_case(closed, db, factory, DAYS + 1)
    files = [_evidence(app, db, c.complaint_id)[0] for c in (named, anonymous)]
    report = _purge(db, dry_run=True)
    assert report.attachments == 2 and report.mms == 2 and "2 份举报材料" in report.summary()
    assert all(db.get(Attachment, f.id).sealed for f in files)


def test_files_left_on_a_complaint_purged_before_go_at_the_next_run(app, closed, db):
    case = closed.case(days_ago=DAYS + 1)
    _purge(db)  # the identity went before retention covered files
    attachment, _ = _evidence(app, db, case.complaint_id)
    assert _purge(db).attachments == 1 and db.get(Attachment, attachment.id).sealed == ""


def test_staff_see_the_file_was_purged_and_cannot_open_it(app, closed, db, factory, login):
    case = closed.case(days_ago=DAYS + 1)
    attachment, _ = _evidence(app, db, case.complaint_id)
    _purge(db)
    client = login.as_(factory.user("supervisor"))
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 410 and "已按规定清除" in response.get_data(as_text=True)
    assert not db.exec(select(AuditEntry).where(AuditEntry.action == "attachment.view")).all()
