"""A long report sent as several SMS within SMS_JOIN_MINUTES is one complaint: the later parts
join its text (no second receipt), and triage — in the background drain or again after it — reads
the joined text."""
from __future__ import annotations

import shutil

import pytest
from sqlmodel import select

from models.complaints import Complaint, TriageState
from models.contacts import Contact
from models.telephony import SmsKind, SmsMessage

from tests.telephony.conftest import message_text

FIRST = "我要反映低保的问题，村支书王某把低保名额给了自己侄子，"
SECOND = "侄子家有小车和门面，是石桥镇红旗村的事。"


@pytest.fixture
def settings_overrides(settings_overrides, trained_models, tmp_path):
    target = tmp_path / "models"
    shutil.copytree(trained_models, target)
    return {**settings_overrides, "MODELS_DIR": target, "SMS_JOIN_MINUTES": 5}


def test_a_part_sent_before_the_drain_joins_the_text_it_triages(factory, twilio, db):
    factory.county()
    assert "查询码" in message_text(twilio.sms(FIRST))
    assert twilio.sms(SECOND).get_data(as_text=True).count("<Message>") == 0  # no second receipt
    complaint = db.exec(select(Complaint)).one()
    assert complaint.text == FIRST + SECOND and complaint.triage_state is TriageState.pending
    assert twilio.settle() == 1
    db.expire_all()
    complaint = db.exec(select(Complaint)).one()
    assert complaint.triage_state is not TriageState.pending
    assert complaint.township_id is not None  # the place is only in the second part
    kinds = [row.kind for row in db.exec(select(SmsMessage).order_by(SmsMessage.id)).all()]
    assert kinds == [SmsKind.report, SmsKind.part]
    assert len(db.exec(select(Contact)).all()) == 2


def test_a_part_sent_after_the_drain_is_triaged_again(factory, twilio, db):
    factory.county()
    twilio.sms(FIRST)
    assert twilio.settle() == 1
    db.expire_all()
    before = db.exec(select(Complaint)).one()
    entities_before = len(before.entities or [])
    twilio.sms(SECOND)
    db.expire_all()
    after = db.exec(select(Complaint)).one()
    assert after.text == FIRST + SECOND
    assert len(after.entities or []) > entities_before  # the joined text was classified again
    assert twilio.settle() == 0
