"""查询/CX <receipt code> answers with the status and the handling office's level, nothing more."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hotline import receipts
from models.contacts import Contact
from models.offices import OfficeKind

from tests.telephony.conftest import message_text


@pytest.mark.parametrize("command", ["查询 {code}", "CX {code}", "cx{code}", "查询：{spaced}", "ＣＸ {spaced}"])
def test_it_answers_a_known_receipt_code_with_status_and_office_level(factory, twilio, command):
    complaint = factory.complaint("石桥镇红旗村村支书王某把低保给了自己亲戚，亲戚家有两台车。")
    reply = message_text(twilio.sms(command.format(code=complaint.receipt_code,
                                                   spaced=receipts.spaced(complaint.receipt_code))))
    assert "办理状态“已受理”" in reply
    assert "承办机构：" in reply
    assert "王某" not in reply and "低保" not in reply


def test_it_reveals_only_the_office_level_not_the_office_or_the_text(factory, twilio):
    complaint = factory.complaint("柳河乡水井村会计刘某代领五保户的粮食补贴。")
    reply = message_text(twilio.sms(f"查询 {complaint.receipt_code}"))
    level = reply.split("承办机构：", 1)[1].rstrip("。")
    assert level in OfficeKind.labels().values()
    assert "刘某" not in reply and "柳河乡" not in reply


def test_it_says_when_a_well_formed_code_is_unknown(factory, twilio):
    factory.county()
    code = receipts.new_code()
    reply = message_text(twilio.sms(f"查询 {code}"))
    assert "未找到" in reply


@pytest.mark.parametrize("text", ["查询 1234", "查询 12345678901234", "CX abcdefg", "查询"])
def test_it_explains_a_malformed_code(factory, twilio, text):
    factory.county()
    reply = message_text(twilio.sms(text))
    assert "查询码格式不正确" in reply


def test_a_query_is_recorded_as_a_follow_up_contact_of_the_complaint(factory, twilio, db):
    complaint = factory.complaint("危房改造补助被截留。")
    twilio.sms(f"CX {complaint.receipt_code}")
    followup = db.exec(select(Contact).where(Contact.is_followup.is_(True))).one()
    assert followup.complaint_id == complaint.id and followup.channel.value == "sms"


def test_a_report_that_starts_with_the_word_query_is_still_a_report(factory, twilio):
    factory.county()
    reply = message_text(twilio.sms("查询一下为什么我家的低保被村干部取消了，他亲戚家有车却能拿低保"))
    assert "已受理" in reply and "查询码：" in reply
