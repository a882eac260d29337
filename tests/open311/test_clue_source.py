"""A request passed in from a 12345 platform is registered as a clue from 12345转来."""
from __future__ import annotations

from sqlmodel import select

from models.clues import Clue, ClueSource

from tests.open311.conftest import complaint_for


def test_an_open311_request_is_a_12345_clue(post, db):
    response = post()
    assert response.status_code == 201
    code = response.get_json()[0]["service_request_id"]
    complaint = complaint_for(db, code)
    clue = db.exec(select(Clue).where(Clue.complaint_id == complaint.id)).one()
    assert clue.source is ClueSource.platform_12345
