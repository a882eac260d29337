"""Assignment, send-back (退单) within its window, reassignment (改派), and conflict-of-interest refusal."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from hotline.cases import conflicts, workflow
from models.audit import AuditEntry
from models.cases import Case, CaseEvent
from models.complaints import Complaint


def test_an_office_sends_a_misrouted_case_back_and_the_supervisor_reassigns_it(village_case, staff, county,
                                                                              as_user, db):
    inspector = as_user(staff.inspector)
    response = inspector.post(f"/cases/{village_case.id}/send_back", data={"reason": "被反映人系县直部门人员"})
    assert response.status_code == 302
    db.expire_all()
    case = db.get(Case, village_case.id)
    assert case.status.value == "sent_back" and case.due_at is None
    assert db.get(Complaint, case.complaint_id).status.value == "received"
    target = county["offices"]["第一监督检查室"]
    response = as_user(staff.supervisor).post(f"/cases/{case.id}/reassign",
                                              data={"office_id": target.id, "reason": "改由监督检查室办理"})
    assert response.status_code == 302
    db.expire_all()
    case = db.get(Case, village_case.id)
    assert case.status.value == "pending_assignment" and case.office_id == target.id
    events = db.exec(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()
    assert [(e.kind, e.note) for e in events[1:]] == [("sent_back", "被反映人系县直部门人员"),
                                                    ("reassigned", "改由监督检查室办理")]
    assert events[1].office_id == county["offices"]["石桥镇纪委"].id  # the send-back counts against the office


def test_a_send_back_needs_a_reason_and_must_come_within_one_working_day(village_case, staff, db):
    with pytest.raises(workflow.WorkflowError, match="须填写理由"):
        workflow.send_back(session=db, case=village_case, reason="", actor=staff.inspector)
    village_case.office_received_at = village_case.office_received_at - dt.timedelta(days=10)
    with pytest.raises(workflow.WorkflowError, match="已超过退单期限"):
        workflow.send_back(session=db, case=village_case, reason="不归我们", actor=staff.inspector)


def test_a_supervisor_assigns_only_to_inspectors_of_the_handling_office(village_case, staff, db):
    with pytest.raises(workflow.WorkflowError, match="承办机构的干部"):
        workflow.assign(session=db, case=village_case, inspector=staff.outsider, actor=staff.supervisor)
    workflow.assign(session=db, case=village_case, inspector=staff.inspector, actor=staff.supervisor)
    assert village_case.assignee_id == staff.inspector.id and village_case.status.value == "assigned"


def test_an_inspector_from_the_accused_village_is_refused_and_the_refusal_is_logged(village_case, staff, county,
                                                                                   as_user, db):
    staff.inspector.home_village_id = county["villages"]["红旗村"].id
    db.add(staff.inspector)
    db.commit()
    response = as_user(staff.supervisor).post(f"/cases/{village_case.id}/assign",
                                              data={"inspector_id": staff.inspector.id})
    assert response.status_code == 422 and "存在利害关系" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Case, village_case.id).assignee_id is None
    refused = db.exec(select(CaseEvent).where(CaseEvent.kind == "assign_refused")).one()
    assert "红旗村" in refused.note
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "case.assign_refused")).first() is not None


def test_an_inspector_related_to_the_accused_is_refused(village_case, staff, db):
    conflicts.declare(session=db, user=staff.colleague, person_name="王某", relation="舅父", village_id=None,
                      actor=staff.admin)
    with pytest.raises(workflow.WorkflowError, match="舅父"):
        workflow.assign(session=db, case=village_case, inspector=staff.colleague, actor=staff.supervisor)
    workflow.assign(session=db, case=village_case, inspector=staff.inspector, actor=staff.supervisor)


def test_an_inspector_recuses_and_the_case_waits_for_a_new_assignment(village_case, staff, db):
    workflow.assign(session=db, case=village_case, inspector=staff.inspector, actor=staff.supervisor)
    workflow.recuse(session=db, case=village_case, reason="与被反映人系同学", actor=staff.inspector)
    assert village_case.status.value == "pending_assignment" and village_case.assignee_id is None
    kinds = [e.kind for e in db.exec(select(CaseEvent).where(CaseEvent.case_id == village_case.id))]
    assert kinds[-1] == "recused"
