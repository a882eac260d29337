"""The full life of a named report, from the intake form to the return visit, through the web."""
from __future__ import annotations

from sqlmodel import select

from models.cases import Case, CaseDeadline, CaseEvent, CaseMeasure, ReturnVisit
from models.complaints import Complaint
from models.telephony import OutboxMessage
from tests.factories import post_case


def test_it_takes_a_named_report_from_intake_to_return_visit(village_case, staff, as_user, db):
    case = village_case
    assert case.status.value == "pending_assignment"
    assert db.get(Complaint, case.complaint_id).status.value == "assigned"

    boss, inspector, operator = as_user(staff.supervisor), as_user(staff.inspector), as_user(staff.operator)
    response = post_case(boss, case, "assign", inspector_id=staff.inspector.id)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    page = inspector.get(f"/complaints/{case.complaint_id}").get_data(as_text=True)
    assert "反映村干部的转属地乡镇纪委" in page and "提出处置意见" in page
    assert post_case(inspector, case, "propose", disposition="preliminary_verification",
                 reason="线索具体，可查性强").status_code == 302
    assert post_case(boss, case, "approve", note="同意").status_code == 302
    response = inspector.post(f"/cases/{case.id}/outcome", data={
        "finding": "true", "measure_kind": ["party_sanction", "criticism"], "measure_person": ["王某", "李某"],
        "measure_grade": ["serious_warning", ""], "money_recovered": "3500", "note": "经核实属实"})
    assert response.status_code == 302
    assert post_case(operator, case, "feedback", channel="sms").status_code == 302
    assert post_case(operator, case, "return_visit", satisfaction="basically_satisfied", note="基本满意").status_code == 302
    assert post_case(inspector, case, "propose_close", note="已办结").status_code == 302
    assert post_case(boss, case, "close").status_code == 302

    db.expire_all()
    case = db.get(Case, case.id)
    assert case.status.value == "closed" and case.closed_at is not None
    assert str(case.money_recovered_yuan) == "3500.00" and case.finding.value == "true"
    assert db.get(Complaint, case.complaint_id).status.value == "closed"
    measures = {(m.kind.value, m.grade and m.grade.value, m.person_name) for m in db.exec(select(CaseMeasure)).all()}
    assert measures == {("party_sanction", "serious_warning", "王某"), ("criticism", None, "李某")}
    kinds = [e.kind for e in db.exec(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))]
    assert kinds == ["opened", "assigned", "disposition_proposed", "disposition_approved", "outcome_recorded",
                     "feedback", "return_visit", "closing_proposed", "closed"]
    sms = db.exec(select(OutboxMessage)).one()
    assert sms.purpose == "feedback" and "属实" in sms.body and "王某" not in sms.body
    assert db.exec(select(ReturnVisit)).one().satisfaction.value == "basically_satisfied"
    met = db.exec(select(CaseDeadline).where(CaseDeadline.case_id == case.id)).all()
    assert {d.kind.value for d in met} == {"assignment", "disposition", "verification", "feedback"}
    assert all(d.met_at is not None and d.met_at <= d.due_at for d in met)
    timeline = boss.get(f"/complaints/{case.complaint_id}").get_data(as_text=True)
    assert "办理记录" in timeline and "批准处置意见" in timeline and "重新办理理由" not in timeline
    assert "登记回访教育" in timeline  # the 处分's follow-up visit is still to come after closing


def test_a_named_case_cannot_close_before_feedback_and_return_visit(village_case, staff, as_user, db):
    from hotline.cases import workflow

    workflow.assign(session=db, case=village_case, inspector=staff.inspector, actor=staff.supervisor)
    workflow.propose(session=db, case=village_case, disposition="dismissed", reason="反映问题已另案处理",
                     actor=staff.inspector)
    workflow.approve(session=db, case=village_case, actor=staff.supervisor)
    db.commit()
    response = post_case(as_user(staff.inspector), village_case, "propose_close", note="")
    assert response.status_code == 422
    assert "反馈" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Case, village_case.id).status.value == "concluded"


def test_an_unsatisfied_return_visit_lets_the_supervisor_reopen(village_case, staff, db):
    from hotline.cases import feedback, workflow

    workflow.assign(session=db, case=village_case, inspector=staff.inspector, actor=staff.supervisor)
    workflow.propose(session=db, case=village_case, disposition="dismissed", reason="已另案处理", actor=staff.inspector)
    workflow.approve(session=db, case=village_case, actor=staff.supervisor)
    feedback.record_feedback(session=db, case=village_case, channel="call", note="已电话告知", actor=staff.operator)
    feedback.record_return_visit(session=db, case=village_case, satisfaction="unsatisfied", note="不认可",
                                 actor=staff.operator)
    workflow.propose_close(session=db, case=village_case, note="", actor=staff.inspector)
    workflow.close(session=db, case=village_case, actor=staff.supervisor)
    workflow.reopen(session=db, case=village_case, reason="举报人不满意，重新核查", actor=staff.supervisor)
    db.commit()
    assert village_case.status.value == "assigned" and village_case.reopen_count == 1
    assert db.get(Complaint, village_case.complaint_id).status.value == "assigned"
