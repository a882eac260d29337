"""Complaints are routed by the admin-edited table: ordered rules, first match wins."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hotline.cases import routing
from models.routing import RoutingRule
from tests.cases.conftest import case_for


def test_it_routes_a_village_cadre_report_to_the_township_commission(village_case, county, db):
    assert village_case.office_id == county["offices"]["石桥镇纪委"].id
    assert village_case.routing_rule_name == "反映村干部的转属地乡镇纪委"


def test_it_routes_a_township_cadre_to_the_supervision_office_in_charge(factory, county, db):
    complaint = factory.complaint("柳河乡副乡长张某克扣危房改造补助", township_id=county["townships"]["柳河乡"].id,
                                  accused_name="张某", accused_level="township_cadre", program="housing")
    assert case_for(db, complaint).office_id == county["offices"]["第一监督检查室"].id


def test_it_routes_teachers_to_the_education_group(factory, county, db):
    complaint = factory.complaint("某中学老师夫妻的孩子领助学金", accused_level="teacher_school", accused_name="张某某")
    assert case_for(db, complaint).office_id == county["offices"]["派驻县教育局纪检监察组"].id


def test_it_sends_large_sums_to_the_commission_before_any_other_rule(factory, county, db):
    complaint = factory.complaint("村主任截留危房改造资金", accused_level="village_cadre", amount="25万")
    case = case_for(db, complaint)
    assert case.office_id == county["offices"]["县纪委监委"].id
    assert case.routing_rule_name.startswith("涉及金额10万元以上")


def test_it_sends_an_unmatched_complaint_to_case_management(factory, county, db):
    complaint = factory.complaint("我想问一下低保怎么申请", township_id=None)
    case = case_for(db, complaint)
    assert case.office_id == county["offices"]["案件监督管理室"].id
    assert case.routing_rule_id is None and case.routing_rule_name is None


def test_the_first_matching_rule_wins_and_moving_a_rule_changes_the_result(factory, county, staff, db):
    first = routing.save_rule(session=db, actor=staff.admin, form={
        "name": "低保统一由第一监督检查室办理", "program": "dibao",
        "lead_office_id": str(county["offices"]["第一监督检查室"].id), "active": "on"})
    db.commit()
    complaint = factory.complaint("红旗村村支书优亲厚友低保", accused_level="village_cadre", program="dibao")
    assert case_for(db, complaint).office_id == county["offices"]["石桥镇纪委"].id  # appended last
    for _ in range(20):
        routing.move_rule(session=db, rule=first, direction="up", actor=staff.admin)
    db.commit()
    assert routing.rules(db)[0].id == first.id
    again = factory.complaint("红旗村村支书优亲厚友低保又一次", accused_level="village_cadre", program="dibao")
    assert case_for(db, again).office_id == county["offices"]["第一监督检查室"].id


def test_an_inactive_rule_is_skipped(factory, county, staff, db):
    for rule in db.exec(select(RoutingRule)).all():
        rule.active = rule.name != "反映村干部的转属地乡镇纪委"
    db.commit()
    complaint = factory.complaint("红旗村村支书优亲厚友", accused_level="village_cadre", township_id=None)
    assert case_for(db, complaint).office_id == county["offices"]["案件监督管理室"].id


def test_the_admin_edits_a_rule_through_the_web(county, staff, as_user, db):
    client = as_user(staff.admin)
    page = client.get("/cases/rules").get_data(as_text=True)
    assert "反映村干部的转属地乡镇纪委" in page
    rule = db.exec(select(RoutingRule).where(RoutingRule.name == "反映村干部的转属地乡镇纪委")).one()
    response = client.post(f"/cases/rules/{rule.id}", data={
        "name": "村干部转属地乡镇纪委（修订）", "accused_level": "village_cadre",
        "lead_by_jurisdiction": "township_commission", "active": "on"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(RoutingRule, rule.id).name == "村干部转属地乡镇纪委（修订）"
    assert as_user(staff.inspector).get("/cases/rules").status_code == 403


def test_a_rules_amount_threshold_is_read_as_intake_reads_amounts(county, db):
    # The threshold is compared with the amount intake parsed, so both take the same forms.
    form = {"name": "涉及金额五千以上", "lead_office_id": str(county["offices"]["县纪委监委"].id)}
    for typed, yuan in (("5000", "5000.00"), ("五千", "5000.00"), ("0.5万", "5000.00"), ("2.5万元", "25000.00")):
        assert str(routing.clean_rule(db, {**form, "min_amount_yuan": typed})["min_amount_yuan"]) == yuan
    for typed, reason in (("五千多", "不是确切金额"), ("-5", "格式不正确"), ("很多", "格式不正确")):
        with pytest.raises(routing.RoutingError) as refused:
            routing.clean_rule(db, {**form, "min_amount_yuan": typed})
        message = refused.value.errors["min_amount_yuan"]
        assert message.startswith("金额下限：") and reason in message
