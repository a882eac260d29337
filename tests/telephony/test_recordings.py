"""Recordings identify a voice: only roles that may see identities see or play them, audited."""
from __future__ import annotations

from sqlmodel import select

from models.audit import AuditEntry
from models.complaints import Complaint
from models.telephony import Recording
from models.users import Role

from tests.telephony.conftest import new_sid


def _voicemail(twilio, db):
    rec = new_sid("RE")
    twilio.call("recorded", sid=new_sid("CA"), RecordingSid=rec, RecordingDuration="20",
                RecordingUrl=f"https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/{rec}")
    return db.exec(select(Complaint)).one(), db.exec(select(Recording)).one()


def test_a_custodian_sees_the_recording_on_the_case_page_and_playing_it_is_audited(factory, twilio, db, login):
    complaint, recording = _voicemail(twilio, db)
    client = login.as_(factory.user(Role.custodian))
    page = client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert f"/twilio/recordings/{recording.id}" in page
    response = client.get(f"/twilio/recordings/{recording.id}")
    assert response.status_code == 302 and response.headers["Location"] == recording.url + ".mp3"
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "identity.recording")).one()


def test_an_inspector_neither_sees_nor_plays_the_recording(factory, twilio, db, login):
    complaint, recording = _voicemail(twilio, db)
    client = login.as_(factory.user(Role.inspector))
    page = client.get(f"/complaints/{complaint.id}")
    assert f"/twilio/recordings/{recording.id}" not in page.get_data(as_text=True)
    assert client.get(f"/twilio/recordings/{recording.id}").status_code == 403
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "identity.denied")).one()


def test_an_unknown_recording_is_404(factory, login):
    assert login.as_(factory.user(Role.custodian)).get("/twilio/recordings/999").status_code == 404
