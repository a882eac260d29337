"""A request passed in from a 12345 platform is registered as a clue from 12345转来, with the
platform as its 来源单位 and the platform's work-order number as its 来源文号."""
from __future__ import annotations

from sqlmodel import select

from models.clues import Clue, ClueSource

from tests.open311.conftest import complaint_for


def test_an_open311_request_is_a_12345_clue_with_its_work_order_number(post, db, partner):
    response = post(external_id="GD20260301-0042")
    assert response.status_code == 201
    complaint = complaint_for(db, response.get_json()[0]["service_request_id"])
    clue = db.exec(select(Clue).where(Clue.complaint_id == complaint.id)).one()
    assert clue.source is ClueSource.platform_12345
    assert (clue.referring_body, clue.referral_doc_number) == (partner.name, "GD20260301-0042")
