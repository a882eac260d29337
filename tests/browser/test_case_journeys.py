"""Inspectors and supervisors on the case page: correct a classification; take a case from
assignment to closing with feedback and a return visit, each step through its own button."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.cases import Case, CaseFeedback, CaseStatus, ReturnVisit
from models.complaints import Complaint, TriageState
from models.offices import Office
from models.triage import LabelCorrection
from models.users import Role
from tests.browser.steps import act, open_case_page

pytestmark = pytest.mark.browser


def _case_of(live, complaint: Complaint) -> Case:
    with live.db() as db:
        return db.exec(select(Case).where(Case.complaint_id == complaint.id)).one()


def test_a_supervisor_corrects_the_classification_on_the_case_page(live):
    complaint = live.factory.complaint("石桥镇下湾村主任给自己亲戚办了危房改造，房子明明是新修的。")
    page = live.page_as(live.factory.user(Role.supervisor))
    page.goto(f"/complaints/{complaint.id}")
    page.select_option("#label-problem-type", "favoritism")
    page.locator("#triage input[name=secondary_types][value=lowered_standard]").check()
    page.select_option("#label-program", "housing")
    with page.expect_navigation():
        page.click("#confirm-labels")
    assert "分类已" in page.locator(".flash").inner_text()
    assert "已人工确认" in page.locator("#triage").inner_text()
    with live.db() as db:
        saved = db.get(Complaint, complaint.id)
        assert (saved.problem_type.value, saved.program.value) == ("favoritism", "housing")
        assert saved.secondary_types == ["lowered_standard"] and saved.triage_state is TriageState.confirmed
        correction = db.exec(select(LabelCorrection).where(LabelCorrection.complaint_id == complaint.id)).one()
        assert correction.changed and correction.after["problem_type"] == "favoritism"


def test_a_case_goes_from_assignment_to_closing_through_the_case_page(live):
    complaint = live.factory.complaint("柳河乡回龙村会计刘某冒领已故村民的低保金两年。", phone="13700002222",
                                       name="王桂英", accused_name="刘某", accused_title="村会计",
                                       accused_level="village_cadre")
    case = _case_of(live, complaint)
    with live.db() as db:
        office = db.get(Office, case.office_id).name
    supervisor = live.page_as(live.factory.user(Role.supervisor))
    inspector_user = live.factory.user(Role.inspector, office=office)
    inspector = live.page_as(inspector_user)
    operator = live.page_as(live.factory.user(Role.operator))

    act(supervisor, case, "assign", inspector_id=str(inspector_user.id), expect="已分办")
    act(inspector, case, "propose", disposition="preliminary_verification", reason="线索具体，拟初步核实。",
        expect="处置意见已提交")
    act(supervisor, case, "approve", note="同意初核", expect="处置意见已批准")
    act(inspector, case, "outcome", finding="true", measure_type="party_sanction:warning", measure_person="刘某",
        money_recovered="7200", note="冒领属实，已追缴。", expect="办理结果已登记")
    act(operator, case, "feedback", channel="call", note="已电话告知办理结果", expect="反馈已登记")
    act(operator, case, "return_visit", satisfaction="satisfied", note="举报人表示满意", expect="回访已登记")
    act(inspector, case, "propose_close", note="已反馈回访，提请办结", expect="已提请办结")
    act(supervisor, case, "close", note="同意办结", expect="已办结")

    timeline = supervisor.locator("ol.timeline").inner_text()
    for step in ("分办", "提出处置意见", "批准处置意见", "登记办理结果", "反馈举报人", "回访", "提请办结", "办结"):
        assert step in timeline
    assert supervisor.locator(f"#case-panel form[action='/cases/{case.id}/reopen']").count() == 0
    with live.db() as db:
        closed = db.get(Case, case.id)
        assert closed.status is CaseStatus.closed and closed.assignee_id == inspector_user.id
        assert str(closed.money_recovered_yuan) == "7200.00"
        assert db.exec(select(CaseFeedback).where(CaseFeedback.case_id == case.id)).one().note == "已电话告知办理结果"
        assert db.exec(select(ReturnVisit).where(ReturnVisit.case_id == case.id)).one().satisfaction.value == "satisfied"


def test_the_case_page_offers_only_the_next_allowed_actions(live):
    complaint = live.factory.complaint("双龙镇安乐村低保评议没开会，名单是村主任一个人定的。")
    case = _case_of(live, complaint)
    with live.db() as db:
        office = db.get(Office, case.office_id).name
    inspector = live.page_as(live.factory.user(Role.inspector, office=office))
    open_case_page(inspector, case)
    offered = inspector.locator("#case-panel form").evaluate_all("fs => fs.map(f => f.action.split('/').pop())")
    assert "assign" not in offered and "approve" not in offered and "close" not in offered
