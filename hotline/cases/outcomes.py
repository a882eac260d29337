"""The outcome per person: measures with their grades (and their reversal), 澄清正名, 回访教育.

Every step checks the transition table, validates before it writes anything, records a CaseEvent
and an audit row (transitions.event), and answers a refusal with a Chinese WorkflowError.
The four forms are counted in four_forms.py; 容错免责 lives in tolerance.py.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from hotline import settings
from hotline.cases import four_forms
from hotline.cases.transitions import WorkflowError, check, event
from models.base import utcnow
from models.cases import Case, Disposition, Finding
from models.complaints import AccusedPerson
from models.outcomes import (CLEARANCE_METHODS, SANCTIONS, CaseMeasure, Clearance, EducationVisit, MeasureGrade,
                             MeasureKind, ToleranceApplication, ToleranceDecision)
from models.users import Actor

FOUND = (Finding.true, Finding.partly_true)
NAME_MAX = 40


@dataclass(frozen=True)
class MeasureSpec:
    """A measure as validated, not yet written."""

    kind: MeasureKind
    grade: MeasureGrade | None
    person: str
    accused_id: int | None
    influence_ends_on: dt.date | None
    note: str | None


def accused_people(session: Session, case: Case) -> list[AccusedPerson]:
    """The accused persons of the case's complaint (those a measure can name), unknown ones left out."""
    return session.exec(select(AccusedPerson).where(AccusedPerson.complaint_id == case.complaint_id,
                                                    AccusedPerson.name != "不详")
                        .order_by(AccusedPerson.id)).all()


def person_of(session: Session, case: Case, name: str | None) -> tuple[str, int | None]:
    """The person's name and, when it is an accused person of the complaint, that row's id."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise WorkflowError(f"须填写被处理人姓名（最多{NAME_MAX}字）")
    match = next((p.id for p in accused_people(session, case) if p.name == name), None)
    return name, match


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_date(raw, what: str, *, required: bool = True) -> dt.date | None:
    text = str(raw or "").strip()
    if not text:
        if required:
            raise WorkflowError(f"请填写{what}（年-月-日）")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise WorkflowError(f"{what}格式不正确，应为年-月-日，如2026-03-01") from None


def today() -> dt.date:
    """Today in the commission's time zone (dates on outcome records are local dates)."""
    zone = settings.current().TIMEZONE
    return utcnow().astimezone(ZoneInfo(zone)).date()


def clean_measure(session: Session, case: Case, finding: Finding | None, *, kind: str, grade: str | None,
                  person: str, influence_ends_on: str | dt.date | None = None, note: str = "",
                  day: dt.date | None = None) -> MeasureSpec:
    """Validate one measure against the rules (kind, grade, person, what the finding allows)."""
    try:
        chosen = MeasureKind(kind)
    except ValueError:
        raise WorkflowError("请选择处理措施种类") from None
    value = None
    if chosen in four_forms.GRADED:
        offered = {t.grade.value: t.grade for t in four_forms.grades_of(chosen)}
        if (grade or "") not in offered:
            raise WorkflowError(f"{chosen.label}须选择档次（"
                                + "、".join(t.label for t in four_forms.grades_of(chosen)) + "）")
        value = offered[grade]
    elif grade:
        raise WorkflowError(f"{chosen.label}不分档次")
    if finding not in FOUND:
        settled_inquiry = finding is None and case.disposition is Disposition.talk_inquiry
        first_form = four_forms.measure_type(chosen, value).form == 1
        if not (settled_inquiry and first_form):
            raise WorkflowError("只有核查属实或部分属实的，才能登记处理措施（谈话函询了结的，可登记第一种形态措施）")
    name, accused_id = person_of(session, case, person)
    ends = influence_ends_on if isinstance(influence_ends_on, dt.date) else parse_date(
        influence_ends_on, "影响期截止日期", required=False)
    months = four_forms.measure_type(chosen, value).influence_months
    start = day or today()
    if ends is None and months:
        ends = add_months(start, months)
    if ends is not None and ends <= start:
        raise WorkflowError("影响期截止日期须晚于登记日期")
    return MeasureSpec(chosen, value, name, accused_id, ends, (note or "").strip()[:200] or None)


def write_measure(session: Session, case: Case, spec: MeasureSpec, actor: Actor) -> CaseMeasure:
    """Write a validated measure; a 处分 schedules its 回访教育 within the 影响期."""
    row = CaseMeasure(case_id=case.id, kind=spec.kind, grade=spec.grade, person_name=spec.person,
                      accused_person_id=spec.accused_id, influence_ends_on=spec.influence_ends_on, note=spec.note,
                      recorded_by_id=getattr(actor, "id", None), at=utcnow())
    session.add(row)
    session.flush()
    if spec.kind in SANCTIONS:
        schedule_education_visit(session, case, row)
    return row


def _standing_exoneration(session: Session, case: Case, person: str) -> ToleranceApplication | None:
    return session.exec(select(ToleranceApplication).where(
        ToleranceApplication.case_id == case.id, ToleranceApplication.person_name == person,
        ToleranceApplication.decision == ToleranceDecision.exonerated)).first()


def active_measures(session: Session, case: Case, person: str | None = None) -> list[CaseMeasure]:
    stmt = select(CaseMeasure).where(CaseMeasure.case_id == case.id, CaseMeasure.reversed_at.is_(None))
    if person is not None:
        stmt = stmt.where(CaseMeasure.person_name == person)
    return session.exec(stmt.order_by(CaseMeasure.id)).all()


def record_measure(*, session: Session, case: Case, kind: str, grade: str | None, person: str,
                   influence_ends_on: str = "", note: str = "", actor: Actor) -> CaseMeasure:
    """Record one measure against one person of a concluded case."""
    check(session, "measure", case, actor)
    spec = clean_measure(session, case, case.finding, kind=kind, grade=grade, person=person,
                         influence_ends_on=influence_ends_on, note=note)
    guard_measure(session, case, spec)
    row = write_measure(session, case, spec, actor)
    event(session, case, actor, "measure_recorded", spec.note, measure_id=row.id, measure_kind=spec.kind.value,
          grade=spec.grade.value if spec.grade else None, person=spec.person)
    return row


def guard_measure(session: Session, case: Case, spec: MeasureSpec, pending: list[MeasureSpec] = ()) -> None:
    """Rules across measures: no 处分 beside a standing 免责; 问责·纪律处分 needs the 处分 itself."""
    if spec.kind in SANCTIONS and _standing_exoneration(session, case, spec.person):
        raise WorkflowError(f"{spec.person}已决定容错免责，同一事项不能再给予处分")
    if spec.kind is MeasureKind.accountability and spec.grade is MeasureGrade.disciplinary:
        given = [m for m in active_measures(session, case, spec.person) if m.kind in SANCTIONS]
        given += [p for p in pending if p.person == spec.person and p.kind in SANCTIONS]
        if not given:
            raise WorkflowError("问责方式为纪律处分的，须先登记该人的党纪处分或政务处分（含档次）")


def reverse_measure(*, session: Session, case: Case, measure_id, reason: str, actor: Actor) -> CaseMeasure:
    """A supervisor reverses a wrong measure: it stays on record, dated, and stops counting."""
    check(session, "reverse_measure", case, actor)
    row = session.get(CaseMeasure, _int(measure_id))
    if row is None or row.case_id != case.id:
        raise WorkflowError("处理措施不存在")
    if row.reversed_at is not None:
        raise WorkflowError("该处理措施已撤销")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("撤销处理措施须填写理由")
    row.reversed_at, row.reversed_by_id, row.reversal_reason = utcnow(), getattr(actor, "id", None), reason[:2000]
    session.add(row)
    for visit in session.exec(select(EducationVisit).where(EducationVisit.measure_id == row.id,
                                                           EducationVisit.visited_on.is_(None))).all():
        session.delete(visit)  # an unvisited follow-up of a reversed 处分 no longer falls due
    event(session, case, actor, "measure_reversed", reason[:2000], measure_id=row.id)
    return row


def _int(raw) -> int:
    try:
        return int(str(raw).strip())
    except ValueError:
        return -1


# --- 澄清正名 --------------------------------------------------------------------------------

def record_clearance(*, session: Session, case: Case, person: str, cleared_on: str, method: str, scope: str,
                     done_by: str, note: str = "", actor: Actor) -> Clearance:
    """澄清正名 for a person named in a report found 不实 or 部分属实 (for its untrue part)."""
    check(session, "clearance", case, actor)
    if case.finding not in (Finding.unfounded, Finding.partly_true):
        raise WorkflowError("澄清正名只适用于核查不实或部分属实的举报")
    name, accused_id = person_of(session, case, person)
    day = parse_date(cleared_on, "澄清日期")
    if day > today():
        raise WorkflowError("澄清日期不能晚于今天")
    if method not in CLEARANCE_METHODS:
        raise WorkflowError("请选择澄清方式（" + "、".join(CLEARANCE_METHODS) + "）")
    scope, done_by = (scope or "").strip(), (done_by or "").strip()
    if not scope or len(scope) > 200:
        raise WorkflowError("请填写澄清范围（最多200字），如“红旗村村民代表会议”")
    if not done_by or len(done_by) > 60:
        raise WorkflowError("请填写澄清人或澄清单位（最多60字）")
    if case.finding is Finding.partly_true and not (note or "").strip():
        raise WorkflowError("部分属实的，须在说明中写明所澄清的不实部分")
    row = Clearance(case_id=case.id, person_name=name, accused_person_id=accused_id, cleared_on=day,
                    method=method, scope=scope, done_by=done_by, note=(note or "").strip()[:2000] or None,
                    recorded_by_id=getattr(actor, "id", None), at=utcnow())
    session.add(row)
    session.flush()
    event(session, case, actor, "name_cleared", row.note, clearance_id=row.id, person=name, method=method)
    return row


# --- 回访教育 --------------------------------------------------------------------------------

VISIT_AFTER_MONTHS = 3  # a first visit three months after the 处分, or halfway through a shorter 影响期


def schedule_education_visit(session: Session, case: Case, measure: CaseMeasure) -> EducationVisit:
    recorded = today()
    due = add_months(recorded, VISIT_AFTER_MONTHS)
    if measure.influence_ends_on is not None and due >= measure.influence_ends_on:
        due = recorded + (measure.influence_ends_on - recorded) / 2
    visit = EducationVisit(case_id=case.id, measure_id=measure.id, office_id=case.office_id,
                           person_name=measure.person_name, due_on=due, at=utcnow())
    session.add(visit)
    return visit


def record_education_visit(*, session: Session, case: Case, visit_id, visited_on: str, visited_by: str,
                           notes: str, actor: Actor) -> EducationVisit:
    """Record a 回访教育 that took place: date, who visited, what was said."""
    check(session, "education_visit", case, actor)
    visit = session.get(EducationVisit, _int(visit_id))
    if visit is None or visit.case_id != case.id:
        raise WorkflowError("回访教育安排不存在")
    if visit.visited_on is not None:
        raise WorkflowError("该次回访教育已登记")
    day = parse_date(visited_on, "回访日期")
    if day > today():
        raise WorkflowError("回访日期不能晚于今天")
    visited_by, notes = (visited_by or "").strip(), (notes or "").strip()
    if not visited_by or len(visited_by) > 60:
        raise WorkflowError("请填写回访人（最多60字）")
    if not notes:
        raise WorkflowError("请填写回访教育情况")
    visit.visited_on, visit.visited_by, visit.notes = day, visited_by, notes[:4000]
    visit.recorded_by_id = getattr(actor, "id", None)
    session.add(visit)
    event(session, case, actor, "education_visit", notes[:2000], visit_id=visit.id, person=visit.person_name)
    return visit


def due_education_visits(session: Session, office_ids: set[int] | None, *, within_days: int = 14,
                         on: dt.date | None = None) -> list[EducationVisit]:
    """Visits not yet made that fall due within `within_days` (or are overdue), for an office queue."""
    limit = (on or today()) + dt.timedelta(days=within_days)
    stmt = select(EducationVisit).where(EducationVisit.visited_on.is_(None), EducationVisit.due_on <= limit)
    if office_ids is not None:
        stmt = stmt.where(EducationVisit.office_id.in_(office_ids or {-1}))
    return session.exec(stmt.order_by(EducationVisit.due_on, EducationVisit.id)).all()
