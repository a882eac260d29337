"""退订/STOP stops outbound SMS to that number; 订阅 restores them."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hotline.telephony import outbox
from models.complainants import Complainant
from models.telephony import OutboxStatus

from tests.telephony.conftest import message_text


def _queue(db, app, number="13812345678", key="feedback:1"):
    with app.app_context():
        message = outbox.enqueue(session=db, to_number=number, body="您反映的问题已办结。", purpose="feedback",
                                 dedupe_key=key, lookup_key=app.config["LOOKUP_KEY"])
    db.commit()
    return message


@pytest.mark.parametrize("word", ["退订", "STOP", "stop", " TD "])
def test_it_suppresses_outbound_sms_after_an_opt_out(factory, twilio, db, app, word):
    factory.county()
    reply = message_text(twilio.sms(word))
    assert "退订" in reply
    assert _queue(db, app).status is OutboxStatus.suppressed


def test_it_marks_the_complainant_as_opted_out_and_suppresses_feedback_by_complainant(factory, twilio, db, app):
    factory.county()
    twilio.sms("石桥镇危房改造资金被村主任截留。")
    twilio.sms("退订")
    person = db.exec(select(Complainant)).one()
    db.refresh(person)
    assert person.sms_opt_out is True
    with app.app_context():
        message = outbox.enqueue(session=db, complainant_id=person.id, body="反馈：已查实。", purpose="feedback",
                                 dedupe_key="feedback:x", lookup_key=app.config["LOOKUP_KEY"])
    assert message.status is OutboxStatus.suppressed


def test_an_opt_out_suppresses_messages_already_waiting(factory, twilio, db, app):
    factory.county()
    waiting = _queue(db, app)
    assert waiting.status is OutboxStatus.queued
    twilio.sms("退订")
    db.refresh(waiting)
    assert waiting.status is OutboxStatus.suppressed


def test_it_resumes_sending_after_subscribing_again(factory, twilio, db, app):
    factory.county()
    twilio.sms("退订")
    assert "恢复" in message_text(twilio.sms("订阅"))
    assert _queue(db, app, key="feedback:2").status is OutboxStatus.queued


def test_opting_out_one_number_leaves_others_alone(factory, twilio, db, app):
    factory.county()
    twilio.sms("STOP", sender="+8613900001111")
    assert _queue(db, app).status is OutboxStatus.queued
