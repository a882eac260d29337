"""The demo county's cases: every stage, through the real workflow, consistent with their age."""
from __future__ import annotations

import statistics

from sqlmodel import select

from hotline import audit
from models.cases import (Case, CaseDeadline, CaseEvent, CaseMeasure, CaseStatus, Disposition, ReturnVisit,
                          Satisfaction, SupervisionOrder, SupervisionReport)
from hotline.cases import four_forms
from models.cases import Finding
from models.complaints import Complaint
from models.outcomes import (SANCTIONS, Clearance, EducationVisit, MeasureGrade, MeasureKind, ToleranceApplication,
                             ToleranceDecision)
from models.contacts import Contact
from models.users import User
from tests.demo.conftest import NOW, count


def test_it_plays_every_step_without_a_refusal(demo):
    assert demo["未能执行的步骤"] == 0
    assert demo["来电来信"] >= 160 and demo["办理步骤"] > 500


def test_it_leaves_cases_at_every_stage(session):
    statuses = set(session.exec(select(Case.status)).all())
    assert {CaseStatus.pending_assignment, CaseStatus.assigned, CaseStatus.disposition_proposed,
            CaseStatus.talk_inquiry, CaseStatus.preliminary_verification, CaseStatus.shelved, CaseStatus.filed,
            CaseStatus.concluded, CaseStatus.closed, CaseStatus.merged} <= statuses


def test_older_cases_are_further_along(session):
    def median_age(*statuses) -> float:
        opened = session.exec(select(Case.opened_at).where(Case.status.in_(statuses))).all()
        return statistics.median((NOW - t).total_seconds() for t in opened)

    assert median_age(CaseStatus.closed) > median_age(CaseStatus.preliminary_verification, CaseStatus.talk_inquiry)
    assert median_age(CaseStatus.talk_inquiry) > median_age(CaseStatus.pending_assignment, CaseStatus.assigned)


def test_every_step_happened_after_the_report_and_before_now(session):
    rows = session.exec(select(CaseEvent.at, Complaint.received_at).join(Case, Case.id == CaseEvent.case_id)
                        .join(Complaint, Complaint.id == Case.complaint_id)).all()
    assert rows and all(received <= at <= NOW for at, received in rows)


def test_the_cases_are_worked_by_the_demo_inspectors(session):
    holders = set(session.exec(select(User.username).join(Case, Case.assignee_id == User.id)).all())
    assert {"inspector", "inspector2", "inspector3"} <= holders


def test_a_case_is_sent_back_and_reassigned(session):
    sent_back = set(session.exec(select(CaseEvent.case_id).where(CaseEvent.kind == "sent_back")).all())
    reassigned = set(session.exec(select(CaseEvent.case_id).where(CaseEvent.kind == "reassigned")).all())
    assert sent_back and sent_back <= reassigned


def test_it_uses_each_disposition_and_finding(session):
    assert set(session.exec(select(Case.disposition).where(Case.disposition.is_not(None))).all()) == set(Disposition)
    assert {f.value for f in session.exec(select(Case.finding).where(Case.finding.is_not(None))).all()} == {
        "unfounded", "partly_true", "true"}


def test_measures_name_the_people_they_applied_to_and_money_is_recovered(session):
    measures = session.exec(select(CaseMeasure)).all()
    assert {m.kind for m in measures} == set(MeasureKind) and all(m.person_name for m in measures)
    graded = [m for m in measures if m.kind in four_forms.GRADED]
    assert graded and all(m.grade is not None and m.grade is not MeasureGrade.unspecified for m in graded)
    assert {four_forms.measure_type(m.kind, m.grade).form for m in measures} >= {1, 2, 3, 4}
    assert sum(session.exec(select(Case.money_recovered_yuan).where(Case.money_recovered_yuan.is_not(None))).all()) > 0


def test_measures_only_follow_true_or_partly_true_findings_or_a_settled_inquiry(session):
    for measure in session.exec(select(CaseMeasure)).all():
        case = session.get(Case, measure.case_id)
        if case.reopen_count:  # reopened: the finding is decided again, the measures taken stay
            continue
        assert case.finding in (Finding.true, Finding.partly_true) or (
            case.finding is None and case.disposition is Disposition.talk_inquiry
            and four_forms.measure_type(measure.kind, measure.grade).form == 1)


def test_names_are_cleared_and_fault_tolerance_is_decided_every_way(session):
    cleared = session.exec(select(Clearance)).all()
    findings = {session.get(Case, c.case_id).finding for c in cleared}
    assert findings == {Finding.unfounded, Finding.partly_true}
    decisions = session.exec(select(ToleranceApplication)).all()
    assert {a.decision for a in decisions} == set(ToleranceDecision)
    for application in decisions:
        sanctioned = [m for m in session.exec(select(CaseMeasure).where(CaseMeasure.case_id == application.case_id,
                                                                        CaseMeasure.person_name == application.person_name))
                      if m.kind in SANCTIONS]
        assert not (application.decision is ToleranceDecision.exonerated and sanctioned)


def test_disciplined_cadres_get_education_visits_some_made_some_due(session):
    visits = session.exec(select(EducationVisit)).all()
    assert any(v.visited_on for v in visits) and any(v.visited_on is None for v in visits)
    assert all(v.notes and v.visited_by for v in visits if v.visited_on)


def test_named_reports_get_feedback_and_a_return_visit_before_closing(session):
    assert set(session.exec(select(ReturnVisit.satisfaction)).all()) == set(Satisfaction)
    assert count(session, CaseEvent, CaseEvent.kind == "reopened") == 1
    closed = session.exec(select(Case).where(Case.status == CaseStatus.closed)).all()
    assert len(closed) >= 20


def test_a_few_cases_are_overdue_and_escalated(session):
    overdue = count(session, CaseDeadline, CaseDeadline.met_at.is_(None), CaseDeadline.cancelled_at.is_(None),
                    CaseDeadline.due_at < NOW)
    assert 1 <= overdue <= 12
    assert count(session, CaseEvent, CaseEvent.kind == "escalate") >= 1


def test_supervised_cases_report_progress(session):
    supervised = session.exec(select(SupervisionOrder).where(SupervisionOrder.lifted_at.is_(None))).all()
    assert len(supervised) >= 2
    reported = set(session.exec(select(SupervisionReport.order_id)).all())
    assert {o.id for o in supervised} <= reported


def test_the_repeat_reports_are_merged_into_the_teacher_letter(session):
    contact = session.exec(select(Contact).where(Contact.external_id == "demo-teacher")).one()
    letter = session.get(Complaint, contact.complaint_id)
    assert letter.repeat_count == 3
    assert count(session, Complaint, Complaint.merged_into_id == letter.id) == 2
    case = session.exec(select(Case).where(Case.complaint_id == letter.id)).one()
    assert case.supervised and case.status is CaseStatus.preliminary_verification


def test_the_audit_chain_of_the_played_history_holds(session, demo_app):
    assert audit.verify(session, demo_app.config["AUDIT_KEY"]).ok
