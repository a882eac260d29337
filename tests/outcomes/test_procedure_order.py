"""Procedure order: 立案 only after 初步核实; a finding only after 初步核实 or 立案; from every status."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hotline.cases import workflow
from hotline.cases.transitions import ACTIONS
from models.cases import CaseEvent, CaseStatus

S = CaseStatus
FINDING_FROM = {S.preliminary_verification, S.filed}
FILE_FROM = {S.preliminary_verification}


def test_the_table_allows_filing_only_from_preliminary_verification_and_findings_after_it_or_filing():
    assert set(ACTIONS["file"].from_statuses) == FILE_FROM
    assert set(ACTIONS["outcome"].from_statuses) == FINDING_FROM


@pytest.mark.parametrize("status", list(CaseStatus))
def test_from_every_status_filing_and_findings_are_refused_in_chinese_with_nothing_changed(
        status, village_case, staff, db):
    village_case.status = status
    db.add(village_case)
    db.commit()
    events_before = len(db.exec(select(CaseEvent)).all())
    steps = {
        "file": lambda: workflow.file_case(session=db, case=village_case, reason="立案", actor=staff.supervisor),
        "outcome": lambda: workflow.record_outcome(session=db, case=village_case, actor=None,
                                                   outcome=workflow.Outcome(finding="true", measures=[])),
    }
    allowed = {"file": FILE_FROM, "outcome": FINDING_FROM}
    for name, step in steps.items():
        if status in allowed[name]:
            continue
        with pytest.raises(workflow.WorkflowError, match="案件当前状态为“.+”，不能"):
            step()
        db.rollback()
        db.refresh(village_case)
        assert village_case.status is status and village_case.finding is None and village_case.filed_at is None
    assert len(db.exec(select(CaseEvent)).all()) == events_before


def _in(db, case, staff, disposition):
    workflow.assign(session=db, case=case, inspector=staff.inspector, actor=staff.supervisor)
    workflow.propose(session=db, case=case, disposition=disposition, reason="依规处置", actor=staff.inspector)
    workflow.approve(session=db, case=case, actor=staff.supervisor)
    db.commit()


def test_a_talk_inquiry_goes_to_preliminary_verification_before_it_can_be_filed_or_found(village_case, staff, db):
    _in(db, village_case, staff, "talk_inquiry")
    with pytest.raises(workflow.WorkflowError, match="不能立案审查调查"):
        workflow.file_case(session=db, case=village_case, reason="立案", actor=staff.supervisor)
    workflow.verify(session=db, case=village_case, reason="函询说明不清", actor=staff.supervisor)
    workflow.file_case(session=db, case=village_case, reason="立案", actor=staff.supervisor)
    workflow.record_outcome(session=db, case=village_case, actor=staff.inspector, outcome=workflow.Outcome(
        finding="true", measures=[("party_sanction", "王某", "warning")]))
    assert village_case.status is S.concluded and village_case.finding.value == "true"


def test_a_talk_inquiry_is_settled_without_a_finding_and_only_with_a_first_form_measure(village_case, staff, db):
    _in(db, village_case, staff, "talk_inquiry")
    with pytest.raises(workflow.WorkflowError, match="第一种形态"):
        workflow.settle(session=db, case=village_case, reason="采信了结", actor=staff.inspector,
                        measures=[("party_sanction", "王某", "warning")])
    workflow.settle(session=db, case=village_case, reason="说明属实，予以采信，提醒谈话", actor=staff.inspector,
                    measures=[("reminder_talk", "王某")])
    assert village_case.status is S.concluded and village_case.finding is None


def test_a_shelved_clue_is_settled_or_resumed_but_never_filed_directly(village_case, staff, db):
    _in(db, village_case, staff, "shelved")
    with pytest.raises(workflow.WorkflowError, match="不能立案审查调查"):
        workflow.file_case(session=db, case=village_case, reason="立案", actor=staff.supervisor)
    with pytest.raises(workflow.WorkflowError, match="不能登记核查结论"):
        workflow.record_outcome(session=db, case=village_case, actor=staff.inspector,
                                outcome=workflow.Outcome(finding="unfounded", measures=[]))
    workflow.settle(session=db, case=village_case, reason="暂存期满无新线索", actor=staff.inspector)
    assert village_case.status is S.concluded
