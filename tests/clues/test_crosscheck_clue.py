"""A cross-check finding taken up as a clue is registered from 大数据比对."""
from __future__ import annotations

from models.findings import Finding, FindingStatus

from tests.clues.conftest import clue_of


def test_a_confirmed_finding_made_a_clue_is_a_big_data_clue(app, db, county, staff):
    from hotline.crosscheck import decisions
    from models.clues import ClueSource

    finding = Finding(fingerprint="fp-dead", rule="deceased_recipient", id_number="510122198001010011",
                      name="石甲某", name_key="石甲某", township="石桥镇", village="红旗村",
                      reason="享受人已死亡，低保金仍在发放", evidence=[], status=FindingStatus.confirmed)
    db.add(finding)
    db.commit()
    with app.app_context():
        complaint = decisions.make_clue(session=db, finding=finding, actor=staff.supervisor,
                                        lookup_key=app.config["LOOKUP_KEY"])
        db.commit()
    clue = clue_of(db, complaint)
    assert clue.source is ClueSource.crosscheck and not clue.named and clue.ack_due_at is None
