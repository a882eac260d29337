"""The case page records outcomes per person: only the steps allowed now, refusals in Chinese, audited."""
from __future__ import annotations

from sqlmodel import select

from hotline.cases import workflow
from models.audit import AuditEntry
from models.outcomes import CaseMeasure, Clearance, ToleranceApplication


def _found(db, case, staff, finding):
    workflow.assign(session=db, case=case, inspector=staff.inspector, actor=staff.supervisor)
    workflow.propose(session=db, case=case, disposition="preliminary_verification", reason="可查",
                     actor=staff.inspector)
    workflow.approve(session=db, case=case, actor=staff.supervisor)
    workflow.record_outcome(session=db, case=case, actor=staff.inspector,
                            outcome=workflow.Outcome(finding=finding, measures=[]))
    db.commit()


def test_the_page_offers_only_the_outcome_steps_that_apply(village_case, staff, as_user, db):
    _found(db, village_case, staff, "unfounded")
    page = as_user(staff.inspector).get(f"/complaints/{village_case.complaint_id}").get_data(as_text=True)
    assert "登记澄清正名" in page and "登记处理措施" not in page and "作出容错免责决定" not in page
    assert "会议澄清" in page


def test_an_inspector_records_a_graded_measure_and_a_bad_one_is_refused_with_nothing_changed(
        village_case, staff, as_user, db):
    _found(db, village_case, staff, "true")
    client = as_user(staff.inspector)
    page = client.get(f"/complaints/{village_case.complaint_id}").get_data(as_text=True)
    assert "登记处理措施" in page and "党内严重警告" in page and "登记澄清正名" not in page
    bad = client.post(f"/cases/{village_case.id}/measure", data={"type": "party_sanction", "person": "王某"})
    assert bad.status_code == 422 and "须选择档次" in bad.get_data(as_text=True)
    assert db.exec(select(CaseMeasure)).all() == []
    good = client.post(f"/cases/{village_case.id}/measure", data={"type": "party_sanction:serious_warning",
                                                                  "person": "王某"})
    assert good.status_code == 302
    row = db.exec(select(CaseMeasure)).one()
    assert (row.kind.value, row.grade.value, row.person_name) == ("party_sanction", "serious_warning", "王某")
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "case.measure_recorded")).first() is not None
    page = client.get(f"/complaints/{village_case.complaint_id}").get_data(as_text=True)
    assert "第二种形态" in page and "应于" in page  # its form, and the 回访教育 it scheduled


def test_an_outsider_and_an_operator_cannot_record_outcomes(village_case, staff, as_user, db):
    _found(db, village_case, staff, "partly_true")
    # Another office's inspector is outside the case's scope (403); the operator is in scope but
    # the step is not the operator's role (422, the workflow's refusal in Chinese).
    for user, status in ((staff.outsider, 403), (staff.operator, 422)):
        response = as_user(user).post(f"/cases/{village_case.id}/clearance", data={
            "person": "王某", "cleared_on": "2026-01-05", "method": "会议澄清", "scope": "村民会议", "done_by": "镇纪委",
            "note": "反映的亲属低保问题不属实"})
        assert response.status_code == status
    assert db.exec(select(Clearance)).all() == []


def test_a_supervisor_decides_an_application_through_the_page(village_case, staff, as_user, db):
    from hotline.cases import tolerance

    _found(db, village_case, staff, "partly_true")
    condition = tolerance.current_conditions(db)[0]
    db.commit()
    inspector, boss = as_user(staff.inspector), as_user(staff.supervisor)
    assert inspector.post(f"/cases/{village_case.id}/tolerance_apply", data={
        "person": "王某", "applicant": "本人", "condition_id": condition.id, "facts": "集体决策，主动挽回损失"}).status_code == 302
    application = db.exec(select(ToleranceApplication)).one()
    refused = inspector.post(f"/cases/{village_case.id}/tolerance_decide", data={
        "application_id": application.id, "decision": "exonerated", "reason": "符合", "unaffected": ["selection"]})
    assert refused.status_code == 422 and "角色" in refused.get_data(as_text=True)
    page = boss.get(f"/complaints/{village_case.complaint_id}").get_data(as_text=True)
    assert "作出容错免责决定" in page and condition.wording in page
    assert boss.post(f"/cases/{village_case.id}/tolerance_decide", data={
        "application_id": application.id, "decision": "exonerated", "reason": "符合第一项",
        "unaffected": ["selection", "promotion"]}).status_code == 302
    db.refresh(application)
    assert application.decision.value == "exonerated" and application.unaffected == ["selection", "promotion"]


def test_an_admin_revises_a_condition_as_a_new_version_and_others_may_not(staff, as_user, db):
    from models.outcomes import ToleranceCondition

    admin = as_user(staff.admin)
    page = admin.get("/outcomes/conditions").get_data(as_text=True)
    assert "党内法规、国家法律法规无明令禁止" in page and "其他（须写明依据）" in page
    first = db.exec(select(ToleranceCondition).where(ToleranceCondition.key == "seed-1")).one()
    assert as_user(staff.supervisor).post("/outcomes/conditions", data={
        "do": "revise", "condition_id": first.id, "wording": "改"}).status_code == 403
    empty = admin.post("/outcomes/conditions", data={"do": "revise", "condition_id": first.id, "wording": " "})
    assert empty.status_code == 422 and "请填写条件内容" in empty.get_data(as_text=True)
    assert admin.post("/outcomes/conditions", data={"do": "revise", "condition_id": first.id,
                                                    "wording": "本县办法第一项的新表述"}).status_code == 302
    db.expire_all()
    versions = db.exec(select(ToleranceCondition).where(ToleranceCondition.key == "seed-1")
                       .order_by(ToleranceCondition.version)).all()
    assert [(v.version, v.current) for v in versions] == [(1, False), (2, True)]
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "tolerance.condition_revised")).first() is not None


def test_due_education_visits_show_in_the_responsible_office_only(village_case, staff, as_user, db):
    from hotline.cases import outcomes
    from models.outcomes import EducationVisit

    _found(db, village_case, staff, "true")
    outcomes.record_measure(session=db, case=village_case, kind="government_sanction", grade="warning",
                            person="王某", actor=staff.inspector)
    visit = db.exec(select(EducationVisit)).one()
    visit.due_on = outcomes.today()  # due now
    db.add(visit)
    db.commit()
    assert "王某" in as_user(staff.inspector).get("/outcomes/visits").get_data(as_text=True)
    assert "回访教育：1 项已到期" in as_user(staff.inspector).get("/cases/").get_data(as_text=True)
    assert "回访教育：" not in as_user(staff.outsider).get("/cases/").get_data(as_text=True)
    assert "王某" not in as_user(staff.outsider).get("/outcomes/visits").get_data(as_text=True)
    assert as_user(staff.operator).get("/outcomes/visits").status_code == 403


def test_the_four_forms_page_counts_and_refuses_a_bad_period(village_case, staff, as_user, db):
    _found(db, village_case, staff, "true")
    from hotline.cases import outcomes

    outcomes.record_measure(session=db, case=village_case, kind="prosecution", grade=None, person="王某",
                            actor=staff.inspector)
    db.commit()
    boss = as_user(staff.supervisor)
    page = boss.get("/outcomes/forms").get_data(as_text=True)
    assert "<td>第四种形态</td><td>1</td><td>1</td>" in page
    bad = boss.get("/outcomes/forms?from=2026-12-01&to=2026-01-01")
    assert bad.status_code == 400 and "日期格式" in bad.get_data(as_text=True)
