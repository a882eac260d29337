"""Fixtures for the clue register: the routed county, its staff, and cases taken to a conclusion."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hotline.cases import feedback, workflow
from models.cases import Case
from models.clues import Clue

from tests.cases.conftest import Staff, as_user, staff  # noqa: F401  (fixtures)


def case_of(db, complaint) -> Case:
    db.expire_all()
    return db.exec(select(Case).where(Case.complaint_id == complaint.id)).one()


def clue_of(db, complaint) -> Clue:
    db.expire_all()
    return db.exec(select(Clue).where(Clue.complaint_id == complaint.id)).one()


@pytest.fixture
def named(factory, county, staff):
    """A named report about a 石桥镇 village cadre (routed to 石桥镇纪委)."""
    return factory.complaint("石桥镇红旗村村支书王某把低保名额给了自己侄子。", user=staff.operator, name="李秀兰",
                             phone="13812345678", village_id=county["villages"]["红旗村"].id,
                             accused_name="王某", accused_title="村支书", accused_level="village_cadre")


def conclude(app, db, case: Case, staff: Staff) -> Case:
    """Assign, verify and record an unfounded finding (the case is then 已出结论)."""
    with app.app_context():
        workflow.assign(session=db, case=case, inspector=staff.inspector, actor=staff.supervisor)
        workflow.propose(session=db, case=case, disposition="preliminary_verification", reason="需核实",
                         actor=staff.inspector)
        workflow.approve(session=db, case=case, actor=staff.supervisor)
        workflow.record_outcome(session=db, case=case, outcome=workflow.Outcome(finding="unfounded", measures=[]),
                                actor=staff.inspector)
        db.commit()
    return case


def close(app, db, case: Case, staff: Staff, satisfaction: str = "unsatisfied") -> Case:
    """Feedback by phone, a return visit, and the closing (a named report's path to 已办结)."""
    with app.app_context():
        feedback.record_feedback(session=db, case=case, channel="call", note="已电话告知核查结论", actor=staff.operator)
        feedback.record_return_visit(session=db, case=case, satisfaction=satisfaction, note="", actor=staff.operator)
        workflow.propose_close(session=db, case=case, note="", actor=staff.inspector)
        workflow.close(session=db, case=case, actor=staff.supervisor)
        db.commit()
    return case
