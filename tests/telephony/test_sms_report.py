"""An inbound SMS becomes a triaged complaint with a case; the reply gives the receipt code."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlmodel import select

from hotline import receipts
from hotline.intake.identity import open_identity
from models.cases import Case
from models.complainants import Complainant
from models.complaints import Complaint
from models.contacts import Contact
from models.telephony import SmsKind, SmsMessage

from tests.telephony.conftest import message_text, new_sid

REPORT = "石桥镇红旗村村支书王某把低保名额给了自己侄子，侄子家有小车和门面。"


def _code(text: str) -> str:
    return receipts.clean(re.search(r"查询码：([\d ]+)", text).group(1))


def test_it_logs_an_sms_as_a_complaint_and_replies_with_the_receipt_code(factory, twilio, db):
    factory.county()
    sid = new_sid("SM")
    reply = message_text(twilio.sms(REPORT, sid=sid))
    complaint = db.exec(select(Complaint)).one()
    assert _code(reply) == complaint.receipt_code
    assert "查询" in reply and "CX" in reply
    contact = db.exec(select(Contact)).one()
    assert (contact.channel.value, contact.external_id, contact.complaint_id) == ("sms", sid, complaint.id)
    assert complaint.text == REPORT
    assert twilio.settle() == 1  # triage and routing follow the reply
    assert db.exec(select(Case).where(Case.complaint_id == complaint.id)).one()


def test_it_keeps_the_senders_number_as_identity_not_in_the_text(factory, twilio, db, app):
    factory.county()
    twilio.sms(REPORT)
    complaint = db.exec(select(Complaint)).one()
    person = db.get(Complainant, complaint.complainant_id)
    with app.app_context():
        assert open_identity(person).phone == "13812345678"
    assert "13812345678" not in complaint.text
    assert db.exec(select(SmsMessage)).one().from_hash != "13812345678"


def test_a_repeated_message_sid_gets_the_same_answer_and_creates_nothing(factory, twilio, db):
    factory.county()
    sid = new_sid("SM")
    first = message_text(twilio.sms(REPORT, sid=sid))
    second = message_text(twilio.sms(REPORT, sid=sid))
    assert first == second
    assert len(db.exec(select(Complaint)).all()) == 1
    assert len(db.exec(select(Contact)).all()) == 1


def test_the_database_refuses_a_second_row_for_the_same_message_sid(factory, twilio, db):
    factory.county()
    sid = new_sid("SM")
    twilio.sms(REPORT, sid=sid)
    db.add(SmsMessage(message_sid=sid, from_hash="x", body="again", kind=SmsKind.report,
                      received_at=db.exec(select(SmsMessage.received_at)).one()))
    with pytest.raises(sa.exc.IntegrityError):
        db.commit()


def test_it_joins_the_parts_of_a_long_text_into_one_complaint(factory, twilio, db):
    factory.county()
    first = message_text(twilio.sms("柳河乡水井村会计刘某从2021年起代领五保户张大爷的"))
    second = twilio.sms("粮食补贴和养老金，每年约三千元，")
    third = twilio.sms("张大爷本人一分钱没拿到。")
    assert "查询码" in first
    assert message_text(second) == "" and message_text(third) == ""
    complaint = db.exec(select(Complaint)).one()
    assert complaint.text == "柳河乡水井村会计刘某从2021年起代领五保户张大爷的粮食补贴和养老金，每年约三千元，张大爷本人一分钱没拿到。"
    assert len(db.exec(select(Contact).where(Contact.complaint_id == complaint.id)).all()) == 3


def test_it_does_not_join_messages_from_another_number(factory, twilio, db):
    factory.county()
    twilio.sms(REPORT)
    twilio.sms("危房改造补助被村干部截留了一半。", sender="+8613900001111")
    assert len(db.exec(select(Complaint)).all()) == 2


def test_it_does_not_join_a_message_outside_the_window(factory, twilio, db):
    factory.county()
    twilio.sms(REPORT)
    old = db.exec(select(SmsMessage)).one()
    old.received_at = old.received_at.replace(year=old.received_at.year - 1)
    db.add(old)
    db.commit()
    twilio.sms("另外，村里的公益岗位都给了干部亲属。")
    assert len(db.exec(select(Complaint)).all()) == 2


def test_a_receipt_code_already_in_use_is_redrawn_and_the_report_kept(factory, twilio, db, monkeypatch):
    """The webhook inserts a drawn code without looking it up first; the unique constraint refuses
    a code in use and the retry, which looks first, stores the report under a fresh one."""
    factory.county()
    taken = _code(message_text(twilio.sms(REPORT)))
    fresh = iter([taken, "12345678901234", "12345678901234"])
    monkeypatch.setattr(receipts, "new_code", lambda: next(fresh))
    reply = message_text(twilio.sms(REPORT + "又一条", sender="+8613900001111"))
    assert _code(reply) == "12345678901234"
    codes = sorted(db.exec(select(Complaint.receipt_code)).all())
    assert codes == sorted([taken, "12345678901234"])
    assert len(db.exec(select(SmsMessage)).all()) == 2
