"""Hostile input to the Twilio webhooks (correctly signed): no 500, nothing sent to the spool while the
database is up (the spool catches exceptions, so a bug would hide there), and stored rows match the request."""
from __future__ import annotations

import itertools

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select
from twilio.request_validator import RequestValidator

from hotline.telephony import spool, voice
from models.telephony import PhoneCall, Recording, SmsMessage

TOKEN = "hostile-twilio-auth-token-0123456"
BASE = "https://hotline.example.cn"
ACCOUNT = "AC" + "b" * 32
_sids = itertools.count(1)
HYPOTHESIS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])


def _text(max_size: int, **kw) -> st.SearchStrategy[str]:
    """Any text but NUL (see test_a_nul_byte_in_a_webhook_is_stored_not_spooled for NUL)."""
    return st.text(alphabet=st.characters(exclude_characters="\x00", exclude_categories=("Cs",), **kw), max_size=max_size)


TEXT = st.one_of(_text(160), _text(20, max_codepoint=0x7f),
                 st.sampled_from(["查询", "CX 1234 5678 9012 34", "退订", "STOP", "<Response><Dial>110</Dial></Response>",
                                  "<script>alert(1)</script>", "\x01\x1f", "低保" * 900, "订阅", "查询" + "9" * 60]))
SENDERS = st.one_of(st.sampled_from(["+8613812345678", "13812345678", "+14155550100", "+8601012345678", "anonymous",
                                     "", "+", "client:alice", "+86138123456789999999"]), _text(40))
EXTRA = st.dictionaries(_text(12).filter(bool), _text(30), max_size=3)


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_FROM": "+8610690000", "PUBLIC_BASE_URL": BASE}


@pytest.fixture
def post(client, factory, app):
    factory.county()
    directory = app.config["SETTINGS"].SPOOL_DIR

    def send(path: str, params: dict):
        signature = RequestValidator(TOKEN).compute_signature(BASE + path, params)
        spooled = spool.pending(directory)
        response = client.post(path, data=params, headers={"X-Twilio-Signature": signature})
        assert response.status_code < 500, response.get_data(as_text=True)
        assert spool.pending(directory) == spooled, f"{path} {params!r} went to the spool with the database up"
        return response

    return send


def _sms_rows(db, sid: str) -> list[SmsMessage]:
    db.expire_all()
    return list(db.exec(select(SmsMessage).where(SmsMessage.message_sid == sid)).all())


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@HYPOTHESIS
@given(body=TEXT, sender=SENDERS, extra=EXTRA)
def test_any_signed_sms_is_answered_and_stored_once_as_sent(post, db, body, sender, extra):
    sid = f"SM{next(_sids):032x}"
    params = {**extra, "MessageSid": sid, "AccountSid": ACCOUNT, "From": sender, "To": "+8610690000", "Body": body}
    response = post("/twilio/sms", params)
    rows = _sms_rows(db, sid)
    if response.status_code == 200:
        assert len(rows) <= 1
        if rows:
            # Stored as sent, less the control characters the webhook drops (no NUL in a text column).
            assert rows[0].body == CONTROL.sub("", body)
    else:
        assert response.status_code in (400, 413) and rows == []
    again = post("/twilio/sms", params)  # Twilio retries: the same answer, nothing new
    assert again.status_code == response.status_code and len(_sms_rows(db, sid)) == len(rows)


@HYPOTHESIS
@given(sid=st.one_of(_text(80), st.just("")), sender=SENDERS, body=TEXT)
def test_hostile_message_sids_are_refused_or_stored_exactly(post, db, sid, sender, body):
    before = db.exec(select(func.count()).select_from(SmsMessage)).one()
    response = post("/twilio/sms", {"MessageSid": sid, "From": sender, "Body": body})
    db.expire_all()
    after = db.exec(select(func.count()).select_from(SmsMessage)).one()
    if response.status_code != 200:
        assert after == before
    else:
        assert after - before <= 1
        if after > before:
            assert _sms_rows(db, CONTROL.sub("", sid).strip()) != []


@HYPOTHESIS
@given(step=st.sampled_from(["", "/menu", "/report", "/recorded", "/query", "/dialed", "/nowhere"]),
       sender=SENDERS, digits=st.one_of(_text(30), st.sampled_from(["1", "2", "0", "9", "#", ""])),
       speech=TEXT, duration=st.one_of(_text(8), st.integers(-10, 2**31 - 1).map(str)), extra=EXTRA)
def test_any_signed_voice_step_is_answered_without_a_server_error(post, db, step, sender, digits, speech,
                                                                  duration, extra):
    sid = f"CA{next(_sids):032x}"
    params = {**extra, "CallSid": sid, "AccountSid": ACCOUNT, "From": sender, "To": "+8610690000",
              "CallStatus": "in-progress", "Digits": digits, "SpeechResult": speech,
              "RecordingSid": f"RE{next(_sids):032x}", "RecordingUrl": "https://api.twilio.com/x",
              "RecordingDuration": duration, "DialCallStatus": "no-answer"}
    response = post("/twilio/voice" + step, params)
    if response.status_code == 200:
        db.expire_all()
        assert len(db.exec(select(PhoneCall).where(PhoneCall.call_sid == sid)).all()) <= 1


@HYPOTHESIS
@given(params=st.dictionaries(st.sampled_from(["MessageSid", "CallSid", "MessageStatus", "CallStatus", "ErrorCode",
                                               "CallDuration", "From", "To"]) | _text(10),
                              _text(40), max_size=8))
def test_any_signed_status_callback_is_answered_without_a_server_error(post, params):
    response = post("/twilio/status", params)  # post() asserts: below 500, nothing spooled
    assert response.status_code in (200, 204, 400, 415)


def test_an_unsigned_request_is_refused_and_stores_nothing(client, db, factory):
    response = client.post("/twilio/sms", data={"MessageSid": "SM" + "0" * 32, "From": "+8613812345678", "Body": "x"})
    assert response.status_code == 403 and db.exec(select(SmsMessage)).all() == []


@pytest.mark.parametrize("field", ["Body", "MessageSid"])
def test_a_nul_byte_in_a_webhook_is_stored_not_spooled(post, db, field):
    sid = f"SM{next(_sids):032x}"
    params = {"MessageSid": sid, "AccountSid": ACCOUNT, "From": "+8613812345678", "To": "+8610690000",
              "Body": "石桥镇低保被冒领"}
    params[field] = params[field][:10] + "\x00" + params[field][10:]
    assert post("/twilio/sms", params).status_code == 200  # post() asserts nothing was spooled
    (row,) = _sms_rows(db, sid)  # stored under the SID as sent, less the NUL
    assert row.body == "石桥镇低保被冒领"


def test_a_recording_duration_beyond_an_integer_is_stored_not_spooled(post, db):
    n = next(_sids)
    response = post("/twilio/voice/recorded", {
        "CallSid": f"CA{n:032x}", "AccountSid": ACCOUNT, "From": "+8613812345678", "To": "+8610690000",
        "RecordingSid": f"RE{n:032x}", "RecordingDuration": "2147483648", "RecordingUrl": "https://api.twilio.com/x"})
    assert response.status_code == 200  # post() asserts nothing was spooled
    db.expire_all()
    (recording,) = db.exec(select(Recording).where(Recording.recording_sid == f"RE{n:032x}")).all()
    assert recording.duration_seconds == voice.MAX_RECORDING_SECONDS and recording.complaint_id is not None
