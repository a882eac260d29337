"""The state machine refuses every step its table does not allow, with a Chinese message, changing nothing."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hotline.cases import workflow
from hotline.cases.workflow import ACTIONS, WorkflowError
from models.cases import Case, CaseEvent, CaseStatus


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_it_refuses_each_action_from_every_status_it_does_not_come_from(action, village_case, db):
    spec = ACTIONS[action]
    for status in CaseStatus:
        village_case.status = status
        if status in spec.from_statuses:
            continue
        with pytest.raises(WorkflowError, match="不能"):
            workflow.check(db, action, village_case, None)


def _steps(db, case, staff):
    return {
        "approve": lambda: workflow.approve(session=db, case=case, actor=staff.supervisor),
        "outcome": lambda: workflow.record_outcome(session=db, case=case, actor=staff.inspector,
                                                   outcome=workflow.Outcome(finding="true", measures=[])),
        "close": lambda: workflow.close(session=db, case=case, actor=staff.supervisor),
        "reopen": lambda: workflow.reopen(session=db, case=case, reason="再查", actor=staff.supervisor),
        "propose": lambda: workflow.propose(session=db, case=case, disposition="shelved", reason="x",
                                            actor=staff.inspector),
    }


@pytest.mark.parametrize("step", ["approve", "outcome", "close", "reopen", "propose"])
def test_a_fresh_case_refuses_steps_out_of_order_and_records_nothing(step, village_case, staff, db):
    before = db.exec(select(CaseEvent)).all()
    with pytest.raises(WorkflowError) as caught:
        _steps(db, village_case, staff)[step]()
    assert "待分办" in str(caught.value)
    db.rollback()
    assert db.get(Case, village_case.id).status is CaseStatus.pending_assignment
    assert len(db.exec(select(CaseEvent)).all()) == len(before)


def test_a_reopen_of_a_case_that_is_not_closed_is_refused(village_case, staff, db):
    workflow.assign(session=db, case=village_case, inspector=staff.inspector, actor=staff.supervisor)
    with pytest.raises(WorkflowError, match="已分办.*不能重新办理"):
        workflow.reopen(session=db, case=village_case, reason="再查", actor=staff.supervisor)


def test_an_inspector_cannot_approve_or_act_on_another_inspectors_case(village_case, staff, db):
    workflow.assign(session=db, case=village_case, inspector=staff.inspector, actor=staff.supervisor)
    with pytest.raises(WorkflowError, match="只有承办人"):
        workflow.propose(session=db, case=village_case, disposition="shelved", reason="x", actor=staff.colleague)
    with pytest.raises(WorkflowError, match="只能办理本机构"):
        workflow.check(db, "send_back", village_case, staff.outsider)
    workflow.propose(session=db, case=village_case, disposition="shelved", reason="x", actor=staff.inspector)
    with pytest.raises(WorkflowError, match="角色"):
        workflow.approve(session=db, case=village_case, actor=staff.inspector)


def test_an_inspector_of_another_office_gets_403_from_the_web(village_case, staff, as_user):
    client = as_user(staff.outsider)
    assert client.post(f"/cases/{village_case.id}/send_back", data={"reason": "不归我们"}).status_code == 403
    assert client.get(f"/complaints/{village_case.complaint_id}").status_code == 403
