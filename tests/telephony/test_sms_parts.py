"""A long report sent as several SMS within SMS_JOIN_MINUTES is one complaint: the later parts
join its text (no second receipt), and triage — in the background drain or again after it — reads
the joined text."""
from __future__ import annotations

import shutil

import pytest
from sqlmodel import select

from models.audit import AuditEntry
from models.complainants import Complainant
from models.complaints import Complaint, ComplaintStatus, IntakeJob, TriageState
from models.contacts import Contact
from models.telephony import SmsKind, SmsMessage

from tests.sql_capture import sent
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


def test_a_report_looks_up_its_senders_last_part_within_its_own_insert(factory, twilio, db, app):
    """As deployed (a join window) a new report is still one statement on PostgreSQL: the look-up
    of the sender's last report is a CTE of the insert, not a query of its own."""
    factory.county()
    with sent(app) as seen:
        assert "查询码" in message_text(twilio.sms(FIRST))
    assert db.exec(select(Complaint.text)).all() == [FIRST]
    if db.get_bind().dialect.name != "postgresql":
        assert any("FROM telephony_sms" in statement.text for statement in seen)  # looked up first
        return
    from psycopg import _queries

    assert len(seen) == 1
    statement = seen[0]
    assert statement.text.startswith("WITH unless_found AS (SELECT telephony_sms.complaint_id AS complaint_id FROM telephony_sms")
    assert statement.text.count(" FROM go RETURNING ") == 6  # every row's insert is conditional
    # Small enough for psycopg to keep its conversion (tests/test_linked_insert.py): the text as sent.
    assert len(statement.raw.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH
    assert len(statement.parameters) <= _queries.MAX_CACHED_STATEMENT_PARAMS


def test_a_part_writes_nothing_of_a_new_report(factory, twilio, db, app):
    factory.county()
    twilio.sms(FIRST)
    twilio.sms(SECOND)
    assert len(db.exec(select(Complaint)).all()) == 1
    assert len(db.exec(select(IntakeJob)).all()) == 1
    assert db.exec(select(AuditEntry.action).order_by(AuditEntry.id)).all() == [
        "complaint.create", "complaint.sms_part_joined"]
    assert len(db.exec(select(Complainant)).all()) == 1


@pytest.mark.parametrize("status", [ComplaintStatus.assigned, ComplaintStatus.closed, ComplaintStatus.merged])
def test_a_message_after_the_senders_report_was_taken_up_is_a_new_report(factory, twilio, db, status):
    """Found by the look-up but no longer open to joining: the same message goes in as a report of
    its own, with its own receipt code, in the same request."""
    factory.county()
    first = message_text(twilio.sms(FIRST))
    earlier = db.exec(select(Complaint)).one()
    earlier.status = status
    db.add(earlier)
    db.commit()
    reply = message_text(twilio.sms(SECOND))
    assert "查询码" in reply and reply != first
    complaints = db.exec(select(Complaint).order_by(Complaint.id)).all()
    assert [c.text for c in complaints] == [FIRST, SECOND]
    assert complaints[1].receipt_code in reply.replace(" ", "")
    kinds = [row.kind for row in db.exec(select(SmsMessage).order_by(SmsMessage.id)).all()]
    assert kinds == [SmsKind.report, SmsKind.report]
    assert db.exec(select(SmsMessage.complaint_id).order_by(SmsMessage.id)).all() == [c.id for c in complaints]
    assert len(db.exec(select(IntakeJob)).all()) == 2


def test_a_part_too_long_to_join_is_a_new_report(factory, twilio, db, app):
    factory.county()
    app.config["SETTINGS"].MAX_REPORT_CHARS = len(FIRST) + len(SECOND) - 1
    twilio.sms(FIRST)
    assert "查询码" in message_text(twilio.sms(SECOND))
    assert [c.text for c in db.exec(select(Complaint).order_by(Complaint.id)).all()] == [FIRST, SECOND]


def test_an_empty_message_is_refused_and_joins_nothing(factory, twilio, db):
    factory.county()
    twilio.sms(FIRST)
    reply = message_text(twilio.sms("   "))
    assert "短信未能受理" in reply
    assert db.exec(select(Complaint.text)).all() == [FIRST]
    kinds = [row.kind for row in db.exec(select(SmsMessage).order_by(SmsMessage.id)).all()]
    assert kinds == [SmsKind.report, SmsKind.invalid]
