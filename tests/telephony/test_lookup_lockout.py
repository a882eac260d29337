"""Wrong receipt codes by SMS (查询) and on the voice menu (按2) count against the caller; past the
limit the caller is refused for a while in Chinese (even with a right code), and the lock is audited."""
from __future__ import annotations

from sqlmodel import select

from hotline import receipts
from hotline.public import throttle
from models.audit import AuditEntry

from tests.telephony.conftest import message_text, new_sid, said, twiml

LIMIT = throttle.WRONG_PER_CALLER.limit


def _locks(db) -> list[AuditEntry]:
    return db.exec(select(AuditEntry).where(AuditEntry.action == "receipt.lookup_locked")).all()


def test_repeated_wrong_codes_by_sms_lock_the_sender_out(factory, twilio, db):
    complaint = factory.complaint("危房改造补助被村会计截留。")
    replies = [message_text(twilio.sms(f"查询 {receipts.new_code()}")) for _ in range(LIMIT)]
    assert all("未找到" in reply for reply in replies)
    locked = message_text(twilio.sms("查询 1234"))  # one too many (a malformed code counts too)
    assert "输错次数过多" in locked and "分钟后再试" in locked
    # While locked, even the right code is not looked up.
    right = message_text(twilio.sms(f"查询 {complaint.receipt_code}"))
    assert "输错次数过多" in right and "办理状态" not in right
    entries = _locks(db)
    assert len(entries) == 1 and entries[0].detail["channel"] == "sms"


def test_another_sender_is_not_locked_by_someone_elses_mistakes(factory, twilio):
    complaint = factory.complaint("危房改造补助被村会计截留。")
    for _ in range(LIMIT + 1):
        twilio.sms(f"查询 {receipts.new_code()}")
    reply = message_text(twilio.sms(f"查询 {complaint.receipt_code}", sender="+8613900001111"))
    assert "办理状态" in reply


def test_a_right_code_does_not_count(factory, twilio):
    complaint = factory.complaint("危房改造补助被村会计截留。")
    for _ in range(LIMIT + 2):
        reply = message_text(twilio.sms(f"查询 {complaint.receipt_code}"))
    assert "办理状态" in reply


def test_repeated_wrong_codes_on_the_voice_menu_lock_the_caller_out(factory, twilio, db):
    complaint = factory.complaint("危房改造补助被村会计截留。")
    for _ in range(LIMIT):
        root = twiml(twilio.call("query", sid=new_sid("CA"), Digits=receipts.new_code()))
        assert "未找到" in said(root)
    root = twiml(twilio.call("query", sid=new_sid("CA"), Digits=receipts.new_code()))
    assert "输错次数过多" in said(root) and "分钟后再试" in said(root)
    root = twiml(twilio.call("query", sid=new_sid("CA"), Digits=complaint.receipt_code))
    assert "输错次数过多" in said(root) and "办理状态" not in said(root)
    assert [e.detail["channel"] for e in _locks(db)] == ["voice"]


def test_a_withheld_number_is_counted_per_call(factory, twilio):
    factory.county()
    sid = new_sid("CA")
    for _ in range(LIMIT):
        twilio.call("query", sid=sid, sender="anonymous", Digits=receipts.new_code())
    root = twiml(twilio.call("query", sid=sid, sender="anonymous", Digits=receipts.new_code()))
    assert "输错次数过多" in said(root)
    root = twiml(twilio.call("query", sid=new_sid("CA"), sender="anonymous", Digits=receipts.new_code()))
    assert "未找到" in said(root)
