"""The outbox: queued once per dedupe key, sent through the REST client, retried, never twice."""
from __future__ import annotations

import datetime as dt

import pytest
import requests
from sqlmodel import select

from hotline.telephony import outbox, service
from models.base import utcnow
from models.telephony import OutboxMessage, OutboxStatus
from models.users import Role

from tests.telephony.conftest import accepted, twilio_error


def _queue(db, app, key="feedback:1", number="13812345678", **kw):
    with app.app_context():
        message = outbox.enqueue(session=db, to_number=number, body="您反映的问题已办结，结果：部分属实。",
                                 purpose="feedback", dedupe_key=key, lookup_key=app.config["LOOKUP_KEY"],
                                 **kw)
    db.commit()
    return message


def _later(minutes: int) -> dt.datetime:
    return utcnow() + dt.timedelta(minutes=minutes)


def _send(app, db, now=None):
    settings = app.config["SETTINGS"]
    client = outbox.make_client(settings, app.extensions["twilio_http_client"])
    with app.app_context():
        report = outbox.send_due(session=db, settings=settings, client=client,
                                 status_callback="https://hotline.example.cn/twilio/status", now=now)
    db.expire_all()
    return report


def test_the_same_dedupe_key_queues_one_message(db, app, factory):
    first = _queue(db, app)
    second = _queue(db, app)
    assert first.id == second.id
    assert len(db.exec(select(OutboxMessage)).all()) == 1


def test_a_complainant_without_a_phone_gets_a_suppressed_message(db, app, factory):
    complaint = factory.complaint("危房改造补助被截留。", name="李秀兰")
    with app.app_context():
        message = outbox.enqueue(session=db, complainant_id=complaint.complainant_id, body="反馈",
                                 purpose="feedback", dedupe_key="f:1", lookup_key=app.config["LOOKUP_KEY"])
    assert message.status is OutboxStatus.suppressed


def test_it_refuses_an_empty_body(db, app):
    with pytest.raises(outbox.OutboxError), app.app_context():
        outbox.enqueue(session=db, to_number="13812345678", body=" ", purpose="feedback", dedupe_key="k",
                       lookup_key=app.config["LOOKUP_KEY"])


def test_it_sends_through_the_rest_client_and_records_the_sid(db, app, http):
    message = _queue(db, app)
    http.answers.append(accepted("SM" + "1" * 32))
    report = _send(app, db)
    assert report.sent == 1
    db.refresh(message)
    assert (message.status, message.sid, message.attempts) == (OutboxStatus.sent, "SM" + "1" * 32, 1)
    sent = http.requests[0]
    assert sent["method"] == "POST" and sent["uri"].endswith("/Messages.json")
    assert sent["data"]["To"] == "+8613812345678" and sent["data"]["From"] == "+8610690000"
    assert sent["data"]["StatusCallback"].endswith(f"/twilio/status?m={message.token}")


def test_it_never_sends_the_same_message_twice(db, app, http):
    _queue(db, app)
    http.answers.append(accepted())
    _send(app, db)
    assert _send(app, db, now=_later(500)).sent == 0
    assert len(http.requests) == 1


def test_it_retries_a_server_error_with_back_off_then_sends(db, app, http):
    message = _queue(db, app)
    http.answers.extend([twilio_error(500, 20500), accepted()])
    assert _send(app, db).retried == 1
    db.refresh(message)
    assert message.status is OutboxStatus.queued and "500" in message.last_error
    assert message.next_attempt_at > utcnow()
    assert _send(app, db).sent == 0  # not due yet: back-off
    assert _send(app, db, now=_later(2)).sent == 1
    db.refresh(message)
    assert (message.status, message.attempts) == (OutboxStatus.sent, 2)


def test_it_retries_when_twilio_cannot_be_reached(db, app, http):
    message = _queue(db, app)
    http.answers.append(requests.ConnectionError("connection refused"))
    assert _send(app, db).retried == 1
    db.refresh(message)
    assert message.status is OutboxStatus.queued


def test_it_gives_up_after_the_last_attempt(db, app, http):
    message = _queue(db, app)
    http.answers.extend([twilio_error(503, 20503)] * outbox.MAX_ATTEMPTS)
    now = utcnow()
    for _ in range(outbox.MAX_ATTEMPTS):
        _send(app, db, now=now)
        now += dt.timedelta(hours=5)
    db.refresh(message)
    assert (message.status, message.attempts) == (OutboxStatus.failed, outbox.MAX_ATTEMPTS)
    assert _send(app, db, now=now).sent == 0


def test_a_permanent_error_fails_at_once(db, app, http):
    message = _queue(db, app)
    http.answers.append(twilio_error(400, 21211, "Invalid 'To' Phone Number"))
    assert _send(app, db).failed == 1
    db.refresh(message)
    assert message.status is OutboxStatus.failed and "21211" in message.last_error


def test_a_timeout_after_sending_is_never_resent(db, app, http):
    message = _queue(db, app)
    http.answers.append(requests.ReadTimeout("read timed out"))
    assert _send(app, db).uncertain == 1
    assert _send(app, db, now=_later(500)).sent == 0
    db.refresh(message)
    assert message.status is OutboxStatus.uncertain and len(http.requests) == 1


def test_a_sender_that_died_mid_call_leaves_the_message_uncertain(db, app, http):
    message = _queue(db, app)
    message.status, message.claimed_until = OutboxStatus.sending, utcnow() - dt.timedelta(minutes=1)
    db.add(message)
    db.commit()
    _send(app, db)
    db.refresh(message)
    assert message.status is OutboxStatus.uncertain and http.requests == []


def test_without_credentials_messages_wait_and_the_page_says_sending_is_disabled(db, app, login, factory):
    app.config["SETTINGS"].TWILIO_ACCOUNT_SID = ""
    message = _queue(db, app)
    with app.app_context():
        report = service.send_outbox(app)
    assert report.disabled
    db.refresh(message)
    assert message.status is OutboxStatus.queued
    page = login.as_(factory.user(Role.supervisor)).get("/twilio/outbox").get_data(as_text=True)
    assert 'id="sending-disabled"' in page and "138****5678" in page and "13812345678" not in page


def test_the_outbox_page_is_for_supervisors_and_admins(login, factory):
    assert login.as_(factory.user(Role.operator)).get("/twilio/outbox").status_code == 403


def test_a_status_callback_updates_delivery(db, app, http, twilio):
    message = _queue(db, app)
    http.answers.append(accepted("SM" + "2" * 32))
    _send(app, db)
    response = twilio.post(f"/twilio/status?m={message.token}",
                           {"MessageSid": "SM" + "2" * 32, "MessageStatus": "delivered"})
    assert response.status_code == 200
    db.refresh(message)
    assert message.status is OutboxStatus.delivered
    twilio.post(f"/twilio/status?m={message.token}", {"MessageSid": "SM" + "2" * 32, "MessageStatus": "sent"})
    db.refresh(message)
    assert message.status is OutboxStatus.delivered  # a late callback never moves it back


def test_a_status_callback_for_an_unknown_message_still_answers_200(twilio, factory):
    factory.county()
    response = twilio.post("/twilio/status?m=nope", {"MessageSid": "SMunknown", "MessageStatus": "failed"})
    assert response.status_code == 200


def test_the_cli_sends_the_outbox(db, app, http, runner):
    _queue(db, app)
    http.answers.append(accepted())
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "已发送 1 条" in result.output


def test_the_scheduler_has_the_sender_and_the_replay_jobs():
    from hotline.scheduler import collect_jobs

    ids = {job.id for job in collect_jobs()}
    assert {"telephony.send_outbox", "telephony.replay_spool"} <= ids
