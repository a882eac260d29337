"""The outcome per person through the case page: a graded measure, 澄清正名 of the untrue part,
a 容错免责 application decided by a supervisor; each form only where it applies."""
from __future__ import annotations

import os

import pytest
from sqlmodel import select

from models.cases import Case
from models.offices import Office
from models.outcomes import CaseMeasure, Clearance, ToleranceApplication
from models.users import Role
from tests.browser.steps import act, open_case_page

pytestmark = pytest.mark.browser


def test_an_inspector_and_a_supervisor_record_the_outcome_per_person(live):
    complaint = live.factory.complaint("柳河乡回龙村支书赵某把危房改造指标给了自己弟弟，还收了别人两千元好处费。",
                                       accused_name="赵某", accused_title="村支书", accused_level="village_cadre")
    with live.db() as db:
        case = db.exec(select(Case).where(Case.complaint_id == complaint.id)).one()
        office = db.get(Office, case.office_id).name
    supervisor = live.page_as(live.factory.user(Role.supervisor))
    inspector_user = live.factory.user(Role.inspector, office=office)
    inspector = live.page_as(inspector_user)
    act(supervisor, case, "assign", inspector_id=str(inspector_user.id), expect="已分办")
    act(inspector, case, "propose", disposition="preliminary_verification", reason="可查", expect="处置意见已提交")
    act(supervisor, case, "approve", expect="处置意见已批准")
    act(inspector, case, "outcome", finding="partly_true", measure_type="party_sanction:serious_warning",
        measure_person="赵某", note="优亲厚友属实，收受好处费不实", expect="办理结果已登记")
    act(inspector, case, "clearance", person="赵某", method="会议澄清", scope="回龙村村民代表会议", done_by="柳河乡纪委",
        note="反映其收受好处费问题不属实", expect="澄清正名已登记")
    act(inspector, case, "tolerance_apply", person="赵某", applicant="本人", condition_id=_first_condition(live),
        facts="指标分配经村民代表会议评议", expect="容错免责申请已登记")
    forms = "fs => fs.map(f => f.action.split('/').pop())"
    open_case_page(inspector, case)
    assert "tolerance_decide" not in inspector.locator("#case-outcomes form").evaluate_all(forms)  # supervisors decide
    open_case_page(supervisor, case)
    assert "tolerance_decide" in supervisor.locator("#case-outcomes form").evaluate_all(forms)
    act(supervisor, case, "tolerance_decide", decision="refused", reason="已受处分，不符合免责情形",
        expect="容错免责决定已登记")
    outcome = supervisor.locator("#case-outcomes").inner_text()
    assert "党内严重警告" in outcome and "第二种形态" in outcome and "会议澄清" in outcome and "不予容错" in outcome
    if os.environ.get("OUTCOME_SCREENSHOT"):
        supervisor.locator("#case-outcomes").screenshot(path=os.environ["OUTCOME_SCREENSHOT"])
    with live.db() as db:
        measure = db.exec(select(CaseMeasure).where(CaseMeasure.case_id == case.id)).one()
        assert (measure.grade.value, measure.person_name, measure.accused_person_id is not None) == (
            "serious_warning", "赵某", True)
        assert db.exec(select(Clearance).where(Clearance.case_id == case.id)).one().scope == "回龙村村民代表会议"
        assert db.exec(select(ToleranceApplication).where(ToleranceApplication.case_id == case.id)
                       ).one().decision.value == "refused"


def _first_condition(live) -> str:
    from hotline.cases import tolerance

    with live.db() as db:
        tolerance.ensure_defaults(db)
        db.commit()
        return str(tolerance.current_conditions(db)[0].id)
