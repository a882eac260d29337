"""Bad input to the webhooks: a clear answer, no stack trace, nothing stored twice or lost."""
from __future__ import annotations

import pytest

from sqlmodel import select

from models.complaints import Complaint
from models.contacts import Contact
from models.telephony import SmsMessage

from tests.telephony.conftest import message_text, new_sid, sign


def test_it_answers_400_when_twilio_fields_are_missing(twilio, factory, db):
    factory.county()
    response = twilio.post("/twilio/sms", {"Body": "没有编号的短信"})
    assert response.status_code == 400
    assert "MessageSid" in response.get_data(as_text=True)
    assert db.exec(select(Complaint)).all() == []


def test_it_ignores_extra_fields(twilio, factory, db):
    factory.county()
    reply = message_text(twilio.sms("村干部把扶贫车间的工资扣了一半。", SmsStatus="received", ToCity="",
                                    Unexpected="值", NumSegments="2"))
    assert "查询码" in reply
    assert len(db.exec(select(Complaint)).all()) == 1


def test_it_refuses_a_body_over_64_kb(twilio, factory, db):
    factory.county()
    response = twilio.sms("低" * 30_000)  # 270 KB once form-encoded
    assert response.status_code == 413
    assert db.exec(select(Complaint)).all() == []


def test_it_refuses_bytes_that_are_not_utf8(client, factory, db):
    factory.county()
    body = b"MessageSid=SM1&From=%2B8613812345678&Body=%B5%CD%B1%A3"  # GBK, not UTF-8
    response = client.post("/twilio/sms", data=body, content_type="application/x-www-form-urlencoded",
                           headers={"X-Twilio-Signature": "x"})
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)
    assert db.exec(select(SmsMessage)).all() == []


@pytest.mark.parametrize("body, utf8", [
    (b"Body=%E4%BD%8E%E4%BF%9D&From=%2B86138", True),        # 低保
    (b"Body=%E4%BD%8E+%26+%E4%BF%9D", True),                # a & inside a value
    (b"Body=%E4%BD&To=%8E", False),                         # one character split over two fields
    (b"Body=%E4%BD%8E%26%8E", False),                       # a continuation byte after an encoded &
    (b"Body=%B5%CD%B1%A3", False),                          # GBK
    (b"Body=\xe4\xbd\x8e", False),                          # raw bytes, not percent-encoded
    (b"A=%F0%9F%98%80&B=%C3%A9&C=", True),                  # four- and two-byte characters, an empty value
    (b"Body=%E4a%BD%8E", False),                            # a letter inside a character's bytes
    (b"Body=%E4+%BD%8E", False),                            # a space (+) inside a character's bytes
    (b"Body=%e4%bd%8e%ZZ", True),                           # lowercase escapes; %ZZ is no escape, kept as text
    (b"Body=%E4%BD%8", False),                              # the last escape cut short
])
def test_the_utf8_check_agrees_with_decoding_every_field(app, body, utf8):
    """The webhook's one-pass check says what decoding each name and value strictly would."""
    from urllib.parse import parse_qsl

    from hotline.telephony.views import _utf8_form

    def every_field() -> bool:
        try:
            parse_qsl(body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            return False
        return True

    with app.test_request_context("/twilio/sms", method="POST", data=body,
                                  content_type="application/x-www-form-urlencoded"):
        assert _utf8_form() is every_field() is utf8


def test_it_refuses_a_body_that_is_not_a_form(client, factory):
    factory.county()
    response = client.post("/twilio/sms", json={"MessageSid": "SM1"})
    assert response.status_code == 415


def test_it_logs_a_report_from_a_sender_that_is_not_a_phone_number_without_identity(twilio, factory, db):
    factory.county()
    reply = message_text(twilio.sms("村里的危房改造名额都给了村干部亲戚。", sender="HOTLINE-TEST"))
    assert "查询码" in reply
    complaint = db.exec(select(Complaint)).one()
    assert complaint.complainant_id is None
    assert db.exec(select(Contact)).one().phone_hash is None


def test_it_asks_for_text_when_the_message_is_empty_and_logs_nothing(twilio, factory, db):
    factory.county()
    sid = new_sid("SM")
    reply = message_text(twilio.sms("  \x01 ", sid=sid))
    assert "未能受理" in reply
    assert db.exec(select(Complaint)).all() == []
    assert message_text(twilio.sms("  \x01 ", sid=sid)) == reply
    assert len(db.exec(select(SmsMessage)).all()) == 1


def test_it_answers_404_for_an_unknown_voice_step(twilio, factory):
    factory.county()
    assert twilio.call("nonsense", sid=new_sid("CA")).status_code == 404


def test_it_answers_400_for_a_call_without_a_call_sid(twilio, factory):
    factory.county()
    params = {"From": "+8613812345678"}
    response = twilio.client.post("/twilio/voice", data=params,
                                  headers={"X-Twilio-Signature": sign("/twilio/voice", params)})
    assert response.status_code == 400
