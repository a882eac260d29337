"""An SMS report is registered as a clue from 短信."""
from __future__ import annotations

from sqlmodel import select

from models.clues import Clue, ClueSource


def test_an_sms_report_is_an_sms_clue(factory, twilio, db):
    factory.county()
    twilio.sms("石桥镇危房改造资金被村主任截留，每户扣了两千元。")
    twilio.settle()
    db.expire_all()
    assert db.exec(select(Clue.source)).one() is ClueSource.sms
