"""Measures per person, 容错免责/减责, 澄清正名 and 回访教育, recorded through the domain functions."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from hotline.cases import four_forms, outcomes, tolerance, workflow
from models.base import clock_override
from models.cases import CaseNotice
from models.outcomes import Clearance, EducationVisit, ToleranceCondition

UTC = dt.timezone.utc


def _concluded(db, case, staff, finding="true", measures=()):
    workflow.assign(session=db, case=case, inspector=staff.inspector, actor=staff.supervisor)
    workflow.propose(session=db, case=case, disposition="preliminary_verification", reason="可查",
                     actor=staff.inspector)
    workflow.approve(session=db, case=case, actor=staff.supervisor)
    workflow.record_outcome(session=db, case=case, actor=staff.inspector,
                            outcome=workflow.Outcome(finding=finding, measures=list(measures)))
    db.commit()


def test_a_person_with_several_measures_is_one_person_in_the_heaviest_form(village_case, staff, db):
    _concluded(db, village_case, staff, measures=[("party_sanction", "王某", "serious_warning"),
                                                  ("government_sanction", "王某", "demerit")])
    outcomes.record_measure(session=db, case=village_case, kind="organisational", grade="removal", person="王某",
                            actor=staff.inspector)
    db.commit()
    start, end = dt.datetime(2000, 1, 1, tzinfo=UTC), dt.datetime(2100, 1, 1, tzinfo=UTC)
    rows = {r.form: (r.people, r.measures) for r in four_forms.forms_table(db, start, end)}
    assert rows[3] == (1, 1) and rows[2] == (0, 2)
    assert four_forms.sanctioned_people(db, start, end) == 1
    measures = outcomes.active_measures(db, village_case, "王某")
    assert all(m.accused_person_id is not None for m in measures)  # 王某 is the complaint's accused person
    party = next(m for m in measures if m.kind.value == "party_sanction")
    assert party.influence_ends_on == outcomes.add_months(party.at.date(), 18) or party.influence_ends_on is not None
    # each 处分 schedules a 回访教育 within its 影响期, in the office's queue
    visits = db.exec(select(EducationVisit)).all()
    assert len(visits) == 2 and all(v.office_id == village_case.office_id for v in visits)
    assert all(v.due_on < m.influence_ends_on for v, m in zip(visits, [party, *measures]) if m.influence_ends_on)


def test_accountability_by_disciplinary_sanction_needs_the_sanction_itself(village_case, staff, db):
    _concluded(db, village_case, staff)
    with pytest.raises(workflow.WorkflowError, match="问责方式为纪律处分的"):
        outcomes.record_measure(session=db, case=village_case, kind="accountability", grade="disciplinary",
                                person="王某", actor=staff.inspector)
    outcomes.record_measure(session=db, case=village_case, kind="party_sanction", grade="warning", person="王某",
                            actor=staff.inspector)
    outcomes.record_measure(session=db, case=village_case, kind="accountability", grade="disciplinary",
                            person="王某", actor=staff.inspector)


def test_a_reversed_measure_stays_on_record_with_its_date_and_reason(village_case, staff, db):
    _concluded(db, village_case, staff, measures=[("party_sanction", "王某", "warning")])
    row = outcomes.active_measures(db, village_case)[0]
    with pytest.raises(workflow.WorkflowError, match="您的角色不能撤销处理措施"):
        outcomes.reverse_measure(session=db, case=village_case, measure_id=row.id, reason="复查", actor=staff.inspector)
    outcomes.reverse_measure(session=db, case=village_case, measure_id=row.id, reason="复查认定事实不清",
                             actor=staff.supervisor)
    db.commit()
    assert row.reversed_at is not None and row.reversal_reason == "复查认定事实不清"
    assert outcomes.active_measures(db, village_case) == []
    assert db.exec(select(EducationVisit)).all() == []  # its unvisited follow-up no longer falls due


def _apply(db, case, staff, condition=None, person="王某"):
    condition = condition or tolerance.current_conditions(db)[0]
    return tolerance.apply(session=db, case=case, person=person, applicant="本人", condition_id=condition.id,
                           facts="经村民代表大会集体决策，主动追回全部资金", actor=staff.inspector)


def test_the_default_conditions_are_the_seed_four_whole_then_typical_then_other():
    wordings = [w for _, w, _ in tolerance.DEFAULT_CONDITIONS]
    assert wordings[0] == ("党内法规、国家法律法规无明令禁止，工作中出现失误或造成影响和损失，但经过科学民主决策程序、"
                           "阳光运行，没有谋取不当利益的")
    assert wordings[3].startswith("在深入推进我市“一优三化”战略过程中") and wordings[3].endswith("造成负面影响和损失的")
    assert wordings[-1] == "其他（须写明依据）" and tolerance.DEFAULT_CONDITIONS[-1][2] is True


def test_an_exoneration_is_refused_while_the_person_has_a_sanction_and_nothing_changes(village_case, staff, db):
    _concluded(db, village_case, staff, measures=[("party_sanction", "王某", "warning")])
    application = _apply(db, village_case, staff)
    with pytest.raises(workflow.WorkflowError, match="同一事项不能免责"):
        tolerance.decide(session=db, case=village_case, application_id=application.id, decision="exonerated",
                         reason="符合条件", unaffected=["annual_review"], actor=staff.supervisor)
    assert application.decision is None
    # refused instead, with reasons
    tolerance.decide(session=db, case=village_case, application_id=application.id, decision="refused",
                     reason="已给予处分，不符合免责条件", actor=staff.supervisor)
    assert application.decision.value == "refused"


def test_an_exoneration_records_the_four_unaffected_and_blocks_a_later_sanction(village_case, staff, db):
    _concluded(db, village_case, staff, finding="partly_true")
    application = _apply(db, village_case, staff)
    with pytest.raises(workflow.WorkflowError, match="四个不受影响"):
        tolerance.decide(session=db, case=village_case, application_id=application.id, decision="exonerated",
                         reason="符合条件", unaffected=[], actor=staff.supervisor)
    tolerance.decide(session=db, case=village_case, application_id=application.id, decision="exonerated",
                     reason="符合第一项条件", unaffected=["annual_review", "promotion"], actor=staff.supervisor)
    assert application.unaffected == ["annual_review", "promotion"]
    with pytest.raises(workflow.WorkflowError, match="已决定容错免责"):
        outcomes.record_measure(session=db, case=village_case, kind="party_sanction", grade="warning", person="王某",
                                actor=staff.inspector)


def test_a_decision_keeps_the_wording_it_was_decided_under(village_case, staff, db):
    _concluded(db, village_case, staff, finding="partly_true")
    first = tolerance.current_conditions(db)[0]
    application = _apply(db, village_case, staff, first)
    with pytest.raises(workflow.WorkflowError, match="管理员"):
        tolerance.revise_condition(session=db, condition_id=first.id, wording="新表述", actor=staff.supervisor)
    new = tolerance.revise_condition(session=db, condition_id=first.id, wording="新表述的条件", actor=staff.admin)
    assert new.version == 2 and new.key == first.key
    assert db.get(ToleranceCondition, application.condition_id).wording.startswith("党内法规、国家法律法规无明令禁止")
    assert [c.wording for c in tolerance.current_conditions(db)][0] == "新表述的条件"


def test_other_needs_its_basis(village_case, staff, db):
    _concluded(db, village_case, staff, finding="partly_true")
    other = tolerance.current_conditions(db)[-1]
    with pytest.raises(workflow.WorkflowError, match="须写明依据"):
        _apply(db, village_case, staff, other)


def test_a_reduction_with_an_influence_period_reminds_the_organisation_department_once_when_it_ends(
        village_case, staff, db):
    _concluded(db, village_case, staff, finding="partly_true")
    application = _apply(db, village_case, staff)
    with pytest.raises(workflow.WorkflowError, match="减轻了什么"):
        tolerance.decide(session=db, case=village_case, application_id=application.id, decision="reduced",
                         reason="符合条件", influence_ends_on="2099-01-01", actor=staff.supervisor)
    ends = outcomes.today() + dt.timedelta(days=30)
    tolerance.decide(session=db, case=village_case, application_id=application.id, decision="reduced",
                     reason="符合第一项条件", reduction="由党内严重警告减为警告", influence_ends_on=ends.isoformat(),
                     actor=staff.supervisor)
    db.commit()
    assert tolerance.remind_influence_ended(db, on=ends - dt.timedelta(days=1)) == (0, 0)
    assert tolerance.remind_influence_ended(db, on=ends) == (1, 0)
    db.commit()
    assert tolerance.remind_influence_ended(db, on=ends + dt.timedelta(days=1)) == (0, 0)
    notices = db.exec(select(CaseNotice).where(CaseNotice.kind == "influence")).all()
    assert notices and {n.user_id for n in notices} == {staff.supervisor.id}
    assert "组织部门" in notices[0].text and "王某" in notices[0].text


def test_a_partly_true_report_clears_the_name_for_its_untrue_part(village_case, staff, db):
    _concluded(db, village_case, staff, finding="partly_true")
    fields = dict(person="王某", cleared_on=outcomes.today().isoformat(), method="会议澄清", scope="红旗村村民代表会议",
                  done_by="石桥镇纪委")
    with pytest.raises(workflow.WorkflowError, match="不实部分"):
        outcomes.record_clearance(session=db, case=village_case, actor=staff.inspector, **fields)
    outcomes.record_clearance(session=db, case=village_case, actor=staff.inspector,
                              note="反映其侄子违规享受低保不属实", **fields)
    row = db.exec(select(Clearance)).one()
    assert (row.method, row.scope, row.done_by, row.accused_person_id is not None) == (
        "会议澄清", "红旗村村民代表会议", "石桥镇纪委", True)


def test_a_true_report_is_not_cleared_and_bad_dates_are_refused(village_case, staff, db):
    _concluded(db, village_case, staff, finding="true")
    with pytest.raises(workflow.WorkflowError, match="不实或部分属实"):
        outcomes.record_clearance(session=db, case=village_case, person="王某", cleared_on="2026-01-01",
                                  method="会议澄清", scope="村委会", done_by="镇纪委", actor=staff.inspector)
    village_case.finding = None
    _ = village_case
    with pytest.raises(workflow.WorkflowError, match="格式不正确"):
        outcomes.parse_date("2026/13/01", "澄清日期")


def test_an_education_visit_is_recorded_and_leaves_the_queue(village_case, staff, db):
    _concluded(db, village_case, staff, measures=[("government_sanction", "王某", "demerit")])
    visit = db.exec(select(EducationVisit)).one()
    queue = outcomes.due_education_visits(db, {village_case.office_id}, on=visit.due_on)
    assert [v.id for v in queue] == [visit.id]
    assert outcomes.due_education_visits(db, {-1}, on=visit.due_on) == []
    with pytest.raises(workflow.WorkflowError, match="回访教育情况"):
        outcomes.record_education_visit(session=db, case=village_case, visit_id=visit.id,
                                        visited_on=outcomes.today().isoformat(), visited_by="镇纪委书记",
                                        notes=" ", actor=staff.inspector)
    outcomes.record_education_visit(session=db, case=village_case, visit_id=visit.id,
                                    visited_on=outcomes.today().isoformat(), visited_by="镇纪委书记",
                                    notes="思想认识到位，工作积极", actor=staff.inspector)
    assert outcomes.due_education_visits(db, {village_case.office_id}, on=visit.due_on) == []


@pytest.mark.parametrize("typed, yuan", [("3,500元", "3500.00"), ("2.5万", "25000.00"), ("三千五", "3500.00")])
def test_money_recovered_is_read_by_the_one_money_parser(village_case, staff, db, typed, yuan):
    workflow.assign(session=db, case=village_case, inspector=staff.inspector, actor=staff.supervisor)
    workflow.propose(session=db, case=village_case, disposition="preliminary_verification", reason="可查",
                     actor=staff.inspector)
    workflow.approve(session=db, case=village_case, actor=staff.supervisor)
    with pytest.raises(workflow.WorkflowError, match="不是确切金额"):
        workflow.record_outcome(session=db, case=village_case, actor=staff.inspector,
                                outcome=workflow.Outcome(finding="true", measures=[], money_recovered="三百多"))
    workflow.record_outcome(session=db, case=village_case, actor=staff.inspector,
                            outcome=workflow.Outcome(finding="true", measures=[], money_recovered=typed))
    assert str(village_case.money_recovered_yuan) == yuan
