"""Fixtures for trust: cases closed long ago with a named complainant, a recording and phone-line rows."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlmodel import select

from hotline.intake.identity import seal_complainant
from hotline import phones
from models.base import utcnow
from models.cases import Case, CaseStatus
from models.telephony import OutboxMessage, PhoneCall, Recording

_seq = itertools.count(1)


class Closed:
    """Named complaints whose cases are closed `days_ago`, with the phone line's copies of the number."""

    def __init__(self, app, db, factory):
        self.app, self.db, self.factory = app, db, factory

    def case(self, days_ago: float, *, status: CaseStatus = CaseStatus.closed, phone: str = "13812345678",
             name: str = "李秀兰", recording: bool = True) -> Case:
        n = next(_seq)
        complaint = self.factory.complaint(f"石桥镇红旗村村支书王某把低保名额给了自己侄子（第{n}次）。",
                                           phone=phone, name=name)
        case = self.db.exec(select(Case).where(Case.complaint_id == complaint.id)).one()
        case.status = status
        case.closed_at = utcnow() - dt.timedelta(days=days_ago) if status is CaseStatus.closed else None
        self.db.add(case)
        if recording:
            with self.app.app_context():
                sealed = seal_complainant(name=None, phone="+86" + phone, phone_hash=None).phone_enc
            sid = f"CA{n:032x}"
            self.db.add(PhoneCall(call_sid=sid, from_number_enc=sealed, from_masked=phones.mask(phone),
                                  phone_hash="h" * 64, complaint_id=complaint.id, started_at=utcnow()))
            self.db.add(Recording(recording_sid=f"RE{n:032x}", call_sid=sid, complaint_id=complaint.id,
                                  url=f"https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE{n:032x}",
                                  duration_seconds=30))
            self.db.add(OutboxMessage(dedupe_key=f"receipt:{complaint.id}", purpose="receipt", to_number_enc=sealed,
                                      to_masked=phones.mask(phone), complainant_id=complaint.complainant_id,
                                      phone_hash="h" * 64, body="您的查询码", token=f"tok{n:030x}"))
        self.db.commit()
        return case


@pytest.fixture
def closed(app, db, factory) -> Closed:
    factory.county()
    return Closed(app, db, factory)
