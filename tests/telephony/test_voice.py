"""The voice line: menu in Mandarin, speech reports, recordings, progress by receipt code, operators."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from hotline.telephony.voice import in_office_hours
from models.calendar import CalendarDay
from models.cases import Case
from models.clues import Clue
from models.complaints import Complaint
from models.contacts import Contact
from models.telephony import CallState, OutboxMessage, PhoneCall, Recording

from tests.telephony.conftest import local_noon_today, new_sid, said, twiml, verbs

SPEECH = "我要反映石桥镇下湾村的村主任李某，他把危房改造补助给了自己的弟弟。"


def test_it_answers_a_call_with_the_recording_notice_and_a_menu(twilio, factory, db):
    factory.county()
    sid = new_sid("CA")
    root = twiml(twilio.call(sid=sid))
    assert verbs(root)[:2] == ["Say", "Gather"]
    assert all(say.get("language") == "cmn-CN" for say in root.iter("Say"))
    assert "录音" in said(root)
    gather = root.find("Gather")
    assert gather.get("input") == "dtmf" and gather.get("action") == "/twilio/voice/menu"
    assert "按1" in said(gather) and "按2" in said(gather) and "按0" in said(gather)
    assert db.exec(select(PhoneCall)).one().call_sid == sid


def test_a_repeated_call_sid_gets_the_same_menu_and_one_row(twilio, factory, db):
    factory.county()
    sid = new_sid("CA")
    first, second = twilio.call(sid=sid), twilio.call(sid=sid)
    assert first.get_data() == second.get_data()
    assert len(db.exec(select(PhoneCall)).all()) == 1


def test_pressing_1_gathers_mandarin_speech_and_falls_back_to_recording(twilio, factory):
    factory.county()
    sid = new_sid("CA")
    twilio.call(sid=sid)
    root = twiml(twilio.call("menu", sid=sid, Digits="1"))
    gather = root.find("Gather")
    assert gather.get("input") == "speech" and gather.get("language") == "cmn-Hans-CN"
    assert gather.get("action") == "/twilio/voice/report"
    assert "Record" in verbs(root)
    assert verbs(root).index("Record") > verbs(root).index("Gather")


def test_recognised_speech_becomes_a_complaint_and_the_receipt_is_said_and_texted(twilio, factory, db):
    factory.county()
    sid = new_sid("CA")
    twilio.call(sid=sid)
    root = twiml(twilio.call("report", sid=sid, SpeechResult=SPEECH, Confidence="0.91"))
    complaint = db.exec(select(Complaint)).one()
    assert complaint.text == SPEECH
    assert "，".join(complaint.receipt_code) in said(root)
    assert verbs(root)[-1] == "Hangup"
    contact = db.exec(select(Contact)).one()
    assert (contact.channel.value, contact.external_id) == ("voice", sid)
    receipt = db.exec(select(OutboxMessage)).one()
    assert receipt.purpose == "receipt" and complaint.receipt_code[:4] in receipt.body
    assert receipt.to_masked == "138****5678"
    # the caller heard the code before triage and routing, which the scheduler's drain does next
    assert db.exec(select(Case)).first() is None
    assert twilio.settle() == 1
    db.expire_all()
    case = db.exec(select(Case)).one()
    assert case.complaint_id == complaint.id
    assert db.exec(select(Clue.complaint_id)).all() == [complaint.id]


def test_a_repeated_speech_result_creates_nothing_new(twilio, factory, db):
    factory.county()
    sid = new_sid("CA")
    first = twilio.call("report", sid=sid, SpeechResult=SPEECH)
    second = twilio.call("report", sid=sid, SpeechResult=SPEECH)
    assert first.get_data() == second.get_data()
    assert len(db.exec(select(Complaint)).all()) == 1
    assert len(db.exec(select(OutboxMessage)).all()) == 1


def test_no_recognised_speech_asks_for_a_recording(twilio, factory, db):
    factory.county()
    root = twiml(twilio.call("report", sid=new_sid("CA"), SpeechResult=""))
    assert "Record" in verbs(root)
    assert root.find("Record").get("action") == "/twilio/voice/recorded"
    assert db.exec(select(Complaint)).all() == []


def _recorded(twilio, sid, recording_sid, seconds="42"):
    return twilio.call("recorded", sid=sid, RecordingSid=recording_sid, RecordingDuration=seconds,
                       RecordingUrl=f"https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/{recording_sid}")


def test_a_recording_becomes_a_complaint_with_the_recording_kept_as_reference(twilio, factory, db):
    factory.county()
    sid, rec = new_sid("CA"), new_sid("RE")
    root = twiml(_recorded(twilio, sid, rec))
    complaint = db.exec(select(Complaint)).one()
    assert "语音留言" in complaint.text and "42秒" in complaint.text
    recording = db.exec(select(Recording)).one()
    assert (recording.recording_sid, recording.complaint_id, recording.duration_seconds) == (rec, complaint.id, 42)
    assert "，".join(complaint.receipt_code) in said(root)


def test_a_repeated_recording_sid_creates_nothing_new(twilio, factory, db):
    factory.county()
    sid, rec = new_sid("CA"), new_sid("RE")
    assert _recorded(twilio, sid, rec).get_data() == _recorded(twilio, sid, rec).get_data()
    assert len(db.exec(select(Recording)).all()) == 1
    assert len(db.exec(select(Complaint)).all()) == 1


def test_a_recording_after_recognised_speech_joins_that_complaint(twilio, factory, db):
    factory.county()
    sid = new_sid("CA")
    twilio.call("report", sid=sid, SpeechResult=SPEECH)
    _recorded(twilio, sid, new_sid("RE"))
    complaint = db.exec(select(Complaint)).one()
    assert db.exec(select(Recording)).one().complaint_id == complaint.id


def test_pressing_2_and_keying_a_receipt_code_says_the_status_only(twilio, factory, db):
    complaint = factory.complaint("柳河乡回龙村文书冒领了三户人家的退耕还林补贴。")
    sid = new_sid("CA")
    menu = twiml(twilio.call("menu", sid=sid, Digits="2"))
    assert menu.find("Gather").get("action") == "/twilio/voice/query"
    root = twiml(twilio.call("query", sid=sid, Digits=complaint.receipt_code))
    assert "已受理" in said(root) and "承办机构" in said(root)
    assert "回龙村" not in said(root)
    assert db.exec(select(Contact).where(Contact.is_followup.is_(True))).one().complaint_id == complaint.id


@pytest.mark.parametrize("digits, expected", [("12345", "格式不正确"), ("", "格式不正确")])
def test_a_malformed_code_on_the_phone_is_asked_again(twilio, factory, digits, expected):
    factory.county()
    root = twiml(twilio.call("query", sid=new_sid("CA"), Digits=digits))
    assert expected in said(root) and root.find("Gather") is not None


def test_an_unknown_code_on_the_phone_is_said_to_be_unknown(twilio, factory):
    factory.county()
    from hotline import receipts

    root = twiml(twilio.call("query", sid=new_sid("CA"), Digits=receipts.new_code()))
    assert "未找到" in said(root)


def test_a_wrong_key_repeats_the_menu(twilio, factory):
    factory.county()
    root = twiml(twilio.call("menu", sid=new_sid("CA"), Digits="7"))
    assert root.find("Redirect").text == "/twilio/voice"


def _office_hours_now(app, db, spans):
    app.config["SETTINGS"].OFFICE_HOURS = spans
    db.add(CalendarDay(day=local_noon_today(), workday=True, name="测试工作日"))
    db.commit()


def test_pressing_0_after_hours_plays_a_message_and_records(app, db, twilio, factory):
    factory.county()
    _office_hours_now(app, db, "00:00-00:00")
    sid = new_sid("CA")
    root = twiml(twilio.call("menu", sid=sid, Digits="0"))
    assert "非工作时间" in said(root)
    assert "Record" in verbs(root) and "Dial" not in verbs(root)
    assert db.exec(select(PhoneCall)).one().state is CallState.after_hours


def test_pressing_0_in_office_hours_queues_for_the_operators(app, db, twilio, factory):
    factory.county()
    _office_hours_now(app, db, "00:00-23:59:59.999999")
    root = twiml(twilio.call("menu", sid=new_sid("CA"), Digits="0"))
    assert root.find("Enqueue").text == "operators"
    assert db.exec(select(PhoneCall)).one().state is CallState.operator


def test_pressing_0_in_office_hours_dials_the_configured_operators(app, db, twilio, factory):
    factory.county()
    _office_hours_now(app, db, "00:00-23:59:59.999999")
    app.config["SETTINGS"].TWILIO_OPERATOR_NUMBERS = "+8610690001, +8610690002"
    root = twiml(twilio.call("menu", sid=new_sid("CA"), Digits="0"))
    assert [n.text for n in root.find("Dial").iter("Number")] == ["+8610690001", "+8610690002"]


def test_an_unanswered_operator_line_offers_a_voice_message(twilio, factory):
    factory.county()
    root = twiml(twilio.call("dialed", sid=new_sid("CA"), DialCallStatus="no-answer"))
    assert "Record" in verbs(root)


def test_office_hours_are_closed_on_a_holiday(app, db):
    settings = app.config["SETTINGS"]
    settings.OFFICE_HOURS = "08:30-12:00"
    holiday = dt.date(2031, 3, 5)  # a Wednesday, entered as a holiday
    db.add(CalendarDay(day=holiday, workday=False, name="测试假日"))
    db.commit()
    ten_am = dt.datetime(2031, 3, 5, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 in Shanghai
    assert in_office_hours(settings, ten_am, db) is False
    assert in_office_hours(settings, ten_am + dt.timedelta(days=1), db) is True
    assert in_office_hours(settings, ten_am + dt.timedelta(days=1, hours=3), db) is False


def test_call_status_callbacks_record_how_the_call_ended(twilio, factory, db):
    factory.county()
    sid = new_sid("CA")
    twilio.call(sid=sid)
    response = twilio.post("/twilio/status", {"CallSid": sid, "CallStatus": "completed", "CallDuration": "65"})
    assert response.status_code == 200
    call = db.exec(select(PhoneCall)).one()
    db.refresh(call)
    assert (call.twilio_status, call.duration_seconds) == ("completed", 65) and call.ended_at is not None
