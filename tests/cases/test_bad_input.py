"""Bad input from the issue: a clear Chinese message, nothing changed."""
from __future__ import annotations

from sqlmodel import select

from hotline.cases import workflow
from models.cases import Case, CaseExtension, CaseMeasure
from models.routing import RoutingRule


def test_a_rule_naming_an_unknown_office_is_refused(staff, as_user, db):
    before = len(db.exec(select(RoutingRule)).all())
    client = as_user(staff.admin)
    response = client.post("/cases/rules", data={"name": "错误规则", "lead_office_id": "99999", "active": "on"})
    assert response.status_code == 422
    assert "承办机构不存在" in response.get_data(as_text=True)
    assert 'value="错误规则"' in response.get_data(as_text=True)
    assert len(db.exec(select(RoutingRule)).all()) == before


def test_a_rule_with_an_unknown_helper_office_or_no_office_is_refused(staff, as_user, county):
    client = as_user(staff.admin)
    page = client.post("/cases/rules", data={"name": "无承办"}).get_data(as_text=True)
    assert "请选择承办机构" in page
    page = client.post("/cases/rules", data={"name": "协办错", "lead_by_jurisdiction": "township_commission",
                                             "helper_office_ids": ["424242"]}).get_data(as_text=True)
    assert "协办机构不存在" in page


def _assigned(db, case, staff):
    workflow.assign(session=db, case=case, inspector=staff.inspector, actor=staff.supervisor)
    db.commit()
    return case


def test_a_disposition_without_its_kind_or_grounds_is_refused(village_case, staff, as_user, db):
    _assigned(db, village_case, staff)
    client = as_user(staff.inspector)
    response = client.post(f"/cases/{village_case.id}/propose", data={"disposition": "", "reason": "有依据"})
    assert response.status_code == 422 and "请选择处置方式" in response.get_data(as_text=True)
    response = client.post(f"/cases/{village_case.id}/propose", data={"disposition": "shelved", "reason": " "})
    assert response.status_code == 422 and "须填写理由" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Case, village_case.id).status.value == "assigned"


def test_an_outcome_missing_required_fields_is_refused(village_case, staff, db):
    _assigned(db, village_case, staff)
    workflow.propose(session=db, case=village_case, disposition="preliminary_verification", reason="可查",
                     actor=staff.inspector)
    workflow.approve(session=db, case=village_case, actor=staff.supervisor)
    cases = [
        (workflow.Outcome(finding="", measures=[]), "核查结论"),
        (workflow.Outcome(finding="true", measures=[("criticism", "")]), "被处理人姓名"),
        (workflow.Outcome(finding="unfounded", measures=[("criticism", "王某")]), "才能登记处理措施"),
        (workflow.Outcome(finding="true", measures=[("party_sanction", "王某")]), "须选择档次"),
        (workflow.Outcome(finding="true", measures=[("party_sanction", "王某", "demerit")]), "须选择档次"),
        (workflow.Outcome(finding="true", measures=[], name_cleared=True), "按人登记"),
        (workflow.Outcome(finding="partly_true", measures=[], exoneration="reduced"), "按人登记"),
        (workflow.Outcome(finding="true", measures=[], money_recovered="-5"), "不能为负数"),
    ]
    for outcome, message in cases:
        try:
            workflow.record_outcome(session=db, case=village_case, outcome=outcome, actor=staff.inspector)
        except workflow.WorkflowError as exc:
            assert message in str(exc)
        else:
            raise AssertionError(f"accepted {outcome}")
    assert village_case.status.value == "preliminary_verification"
    assert db.exec(select(CaseMeasure)).all() == []


def test_an_extension_with_no_reason_is_refused_and_with_one_moves_the_deadline(village_case, staff, as_user, db):
    client = as_user(staff.supervisor)
    before = village_case.due_at
    response = client.post(f"/cases/{village_case.id}/extend", data={"days": "3", "reason": ""})
    assert response.status_code == 422 and "延期须填写理由" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Case, village_case.id).due_at == before and db.exec(select(CaseExtension)).all() == []
    response = client.post(f"/cases/{village_case.id}/extend", data={"days": "3", "reason": "涉及人员外出务工"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Case, village_case.id).due_at > before
    assert db.exec(select(CaseExtension)).one().reason == "涉及人员外出务工"
