"""Nothing lost: with the database down, webhooks spool the request, answer Twilio, and replay later."""
from __future__ import annotations

import json

from sqlmodel import select

from hotline.telephony import jobs, spool
from hotline.vault import vault
from models.complaints import Complaint
from models.contacts import Contact
from models.telephony import OutboxMessage, Recording

from tests.telephony.conftest import message_text, new_sid, said, twiml, verbs

REPORT = "石桥镇红旗村村支书王某把低保名额给了自己侄子，侄子家有小车。"


def _lines(app) -> list[dict]:
    path = app.config["SETTINGS"].SPOOL_DIR / spool.INBOX
    if not path.exists():
        return []
    with app.app_context():
        return [json.loads(vault().open(json.loads(line)["sealed"], field="spool"))
                for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_spool_keeps_no_number_or_text_in_clear(app, twilio, database_down):
    twilio.sms(REPORT)
    raw = (app.config["SETTINGS"].SPOOL_DIR / spool.INBOX).read_bytes()
    assert b"13812345678" not in raw and REPORT.encode() not in raw


def test_an_sms_during_an_outage_is_spooled_and_answered(app, twilio, database_down):
    sid = new_sid("SM")
    reply = message_text(twilio.sms(REPORT, sid=sid))
    assert "已收到" in reply and "短信" in reply
    (entry,) = _lines(app)
    assert entry["kind"] == "sms" and ["MessageSid", sid] in entry["form"] and ["Body", REPORT] in entry["form"]


def test_replay_ingests_the_spool_once_the_database_is_back(app, twilio, database_down, runner, db, factory):
    factory.county()
    sid = new_sid("SM")
    twilio.sms(REPORT, sid=sid)
    database_down()  # the database is back
    result = runner.invoke(args=["spool", "replay"])
    assert result.exit_code == 0, result.output
    assert "已导入 1 条" in result.output
    complaint = db.exec(select(Complaint)).one()
    assert complaint.text == REPORT
    assert db.exec(select(Contact)).one().external_id == sid
    receipt = db.exec(select(OutboxMessage)).one()  # the promised receipt goes out by SMS
    assert complaint.receipt_code[:4] in receipt.body and receipt.to_masked == "138****5678"
    assert _lines(app) == []


def test_replaying_twice_creates_nothing_new(app, twilio, database_down, runner, db, factory):
    factory.county()
    sid = new_sid("SM")
    twilio.sms(REPORT, sid=sid)
    twilio.sms(REPORT, sid=sid)  # Twilio retried during the outage
    database_down()
    runner.invoke(args=["spool", "replay"])
    runner.invoke(args=["spool", "replay"])
    assert len(db.exec(select(Complaint)).all()) == 1
    assert len(db.exec(select(OutboxMessage)).all()) == 1


def test_a_retry_after_the_outage_finds_the_replayed_message(app, twilio, database_down, runner, db, factory):
    factory.county()
    sid = new_sid("SM")
    twilio.sms(REPORT, sid=sid)
    database_down()
    runner.invoke(args=["spool", "replay"])
    assert "查询码" in message_text(twilio.sms(REPORT, sid=sid))
    assert len(db.exec(select(Complaint)).all()) == 1


def test_replay_keeps_the_spool_while_the_database_is_still_down(app, twilio, database_down, runner):
    twilio.sms(REPORT)
    result = runner.invoke(args=["spool", "replay"])
    assert result.exit_code != 0 and "仍不可用" in result.output
    assert spool.pending(app.config["SETTINGS"].SPOOL_DIR) == 1


def test_a_call_during_an_outage_records_a_message_that_replay_turns_into_a_complaint(
        app, twilio, database_down, runner, db, factory):
    factory.county()
    sid, rec = new_sid("CA"), new_sid("RE")
    root = twiml(twilio.call(sid=sid))
    assert "Record" in verbs(root) and "录音" in said(root)
    after = twiml(twilio.call("recorded", sid=sid, RecordingSid=rec, RecordingDuration="30",
                              RecordingUrl=f"https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/{rec}"))
    assert "短信" in said(after)
    database_down()
    runner.invoke(args=["spool", "replay"])
    complaint = db.exec(select(Complaint)).one()
    assert db.exec(select(Recording)).one().complaint_id == complaint.id


def test_the_fallback_url_spools_without_touching_the_database(app, twilio, db, factory, runner):
    factory.county()
    sid = new_sid("SM")
    response = twilio.post("/twilio/fallback", {"MessageSid": sid, "From": "+8613812345678", "Body": REPORT})
    assert "已收到" in message_text(response)
    assert db.exec(select(Complaint)).all() == []
    assert _lines(app)[0]["kind"] == "sms"
    runner.invoke(args=["spool", "replay"])
    assert db.exec(select(Complaint)).one().text == REPORT


def test_the_fallback_url_answers_a_call_with_a_recording_prompt(twilio, factory, app):
    factory.county()
    root = twiml(twilio.post("/twilio/fallback", {"CallSid": new_sid("CA"), "From": "+8613812345678"}))
    assert "Record" in verbs(root)
    assert _lines(app)[0]["kind"] == "voice.start"


def test_a_status_callback_during_an_outage_is_spooled_and_answered_200(app, twilio, database_down):
    response = twilio.post("/twilio/status?m=abc", {"MessageSid": "SMx", "MessageStatus": "delivered"})
    assert response.status_code == 200
    assert _lines(app)[0]["kind"] == "status"


def test_an_unreadable_spool_line_is_set_aside_and_the_rest_ingested(app, twilio, database_down, runner, db, factory):
    factory.county()
    twilio.sms(REPORT)
    path = app.config["SETTINGS"].SPOOL_DIR / spool.INBOX
    with path.open("a", encoding="utf-8") as out:
        out.write("{not json\n")
    database_down()
    result = runner.invoke(args=["spool", "replay"])
    assert "已导入 1 条，拒收 1 条" in result.output
    assert (app.config["SETTINGS"].SPOOL_DIR / spool.REJECTED).read_text(encoding="utf-8") == "{not json\n"
    assert len(db.exec(select(Complaint)).all()) == 1


def test_the_scheduled_job_replays_the_spool(app, twilio, database_down, db, factory):
    factory.county()
    twilio.sms(REPORT)
    database_down()
    with app.app_context():
        jobs.replay_spool(app)
    assert len(db.exec(select(Complaint)).all()) == 1


def test_a_connection_lost_in_the_middle_of_the_insert_logs_the_reason_but_not_the_report(
        app, twilio, db, factory, caplog, monkeypatch):
    """The server gone while the intake's statement runs: the error SQLAlchemy raises would carry
    the statement's values (the report's words, the sealed number) into the log; the engine hides
    them, and the log line gives the driver's reason only."""
    import logging

    factory.county()
    with app.app_context():
        from hotline.db import engine

        dialect, dbapi = engine().dialect, engine().dialect.loaded_dbapi
    real = dialect.do_execute

    def dropped(cursor, statement, parameters, context=None):
        if statement.lstrip().startswith(("WITH", "INSERT INTO complaint")):
            raise dbapi.OperationalError("server closed the connection unexpectedly")
        return real(cursor, statement, parameters, context)

    monkeypatch.setattr(dialect, "do_execute", dropped)
    caplog.set_level(logging.WARNING)
    answer = twilio.sms(REPORT, sender="+8613812345678")
    assert answer.status_code == 200 and "查询码将以短信发送给您" in message_text(answer)
    assert len(_lines(app)) == 1  # spooled, nothing lost
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "server closed the connection unexpectedly" in logged
    assert "红旗村" not in logged and "13812345678" not in logged and "138****5678" not in logged
    assert "INSERT INTO" not in logged  # the reason, not kilobytes of statement
