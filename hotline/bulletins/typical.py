"""Typical cases (典型案例): proposed by the system, written up and approved by a supervisor, then
published once, in the next bulletin published.

A case is proposed only when its standing outcome (the latest outcome event, not reopened since)
is 属实 or 部分属实 and measures were taken. The draft is told from the verified facts only: the
township, the accused's level, the finding, the measures by kind and count, the money as the
outcome states it. Never the intake label, the complaint's text, or a name. A supervisor edits and
approves the text (names of the people involved are refused); nothing else is ever published.
"""
from __future__ import annotations

import decimal

import sqlalchemy as sa
from sqlmodel import Session, select

from models.users import Actor, Role
from hotline.cases import four_forms
from models.base import utcnow
from models.bulletins import TypicalCase, TypicalStatus
from models.cases import Case, CaseEvent, CaseMeasure, Finding, MeasureKind
from models.complaints import AccusedPerson, Complaint
from models.outcomes import MeasureGrade
from models.divisions import Township
from models.taxonomy import AccusedLevel, label

MAX_SUMMARY = 600


class TypicalError(ValueError):
    """A typical case that cannot be approved or published (the message is Chinese)."""


def standing_outcome(session: Session, case_id: int, before=None) -> dict | None:
    """The case's standing outcome (data of its latest outcome event, None if reopened since)."""
    where = [CaseEvent.case_id == case_id, CaseEvent.kind.in_(("outcome_recorded", "reopened"))]
    if before is not None:
        where.append(CaseEvent.at < before)
    latest = session.exec(select(CaseEvent).where(*where).order_by(CaseEvent.at.desc(), CaseEvent.id.desc())).first()
    if latest is None or latest.kind != "outcome_recorded":
        return None
    return dict(latest.data or {})


def _eligible(outcome: dict | None, measures: int) -> bool:
    return bool(outcome) and outcome.get("finding") in (Finding.true.value, Finding.partly_true.value) and measures > 0


def _measure(kind, grade) -> str:
    """The measure's name from the outcome record's table (党内警告, 诫勉 ...); the kind's name for an
    ungraded record."""
    kind = MeasureKind(kind)
    grade = MeasureGrade(grade) if grade else None
    found = four_forms.measure_type(kind, grade)
    return found.label if found and grade is not MeasureGrade.unspecified else kind.label


def draft(session: Session, case: Case, outcome: dict) -> str:
    """An anonymised summary of the verified facts of one case."""
    complaint = session.get(Complaint, case.complaint_id)
    town = session.get(Township, complaint.township_id) if complaint and complaint.township_id else None
    accused = session.exec(select(AccusedPerson.level).where(AccusedPerson.complaint_id == case.complaint_id)
                           .order_by(AccusedPerson.id)).first()
    who = label(AccusedLevel.labels(), accused) if accused is not None else "有关人员"
    kinds = session.exec(select(CaseMeasure.kind, CaseMeasure.grade, sa.func.count())
                         .where(CaseMeasure.case_id == case.id, CaseMeasure.reversed_at.is_(None))
                         .group_by(CaseMeasure.kind, CaseMeasure.grade)
                         .order_by(CaseMeasure.kind, CaseMeasure.grade)).all()
    text = f"{town.name if town else '某乡镇'}{who}违规违纪问题。经核查，反映问题{Finding(outcome['finding']).label}"
    if kinds:
        text += "，给予" + "、".join(f"{_measure(k, g)}{n}人" for k, g, n in kinds)
    amount = decimal.Decimal(outcome.get("money_recovered") or 0)
    if amount > 0:
        text += f"，追缴、退还资金{amount:,.2f}元"
    return text + "。"


def propose(session: Session, *, limit: int = 20) -> list[TypicalCase]:
    """Propose the cases now eligible and not yet proposed (most money first, then most measures)."""
    taken = select(TypicalCase.case_id)
    n_measures = (select(sa.func.count()).where(CaseMeasure.case_id == Case.id, CaseMeasure.reversed_at.is_(None))
                  .correlate(Case).scalar_subquery())
    candidates = session.exec(select(Case, n_measures).where(Case.id.not_in(taken), n_measures > 0)
                              .order_by(sa.func.coalesce(Case.money_recovered_yuan, 0).desc(), n_measures.desc(),
                                        Case.id)).all()
    made = []
    for case, count in candidates:
        outcome = standing_outcome(session, case.id)
        if not _eligible(outcome, count):
            continue
        row = TypicalCase(case_id=case.id, draft=draft(session, case, outcome), proposed_at=utcnow())
        session.add(row)
        made.append(row)
        if len(made) >= limit:
            break
    session.flush()
    return made


def _names(session: Session, case: Case) -> set[str]:
    people = set(session.exec(select(CaseMeasure.person_name).where(CaseMeasure.case_id == case.id)).all())
    people |= set(session.exec(select(AccusedPerson.name).where(AccusedPerson.complaint_id == case.complaint_id)).all())
    return {p.strip() for p in people if p and len(p.strip()) >= 2}


def approve(session: Session, typical: TypicalCase, *, summary: str, actor: Actor) -> TypicalCase:
    """A supervisor approves the text to publish (edited from the draft)."""
    if getattr(actor, "role", None) not in (Role.supervisor,):
        raise TypicalError("只有督办领导可以审定典型案例")
    if typical.status is TypicalStatus.published:
        raise TypicalError("该典型案例已通报，不能再修改")
    text = (summary or "").strip()
    if not text:
        raise TypicalError("请填写典型案例的通报文字")
    if len(text) > MAX_SUMMARY:
        raise TypicalError(f"通报文字最多{MAX_SUMMARY}字")
    case = session.get(Case, typical.case_id)
    found = [name for name in _names(session, case) if name in text]
    if found:
        raise TypicalError("通报文字不得出现当事人姓名，请改为“某某”")
    outcome = standing_outcome(session, case.id)
    count = session.exec(select(sa.func.count()).where(CaseMeasure.case_id == case.id,
                                                       CaseMeasure.reversed_at.is_(None))).one()
    if not _eligible(outcome, count):
        raise TypicalError("该案件当前没有属实或部分属实且有处理措施的结论，不能作为典型案例")
    typical.summary, typical.status = text, TypicalStatus.approved
    typical.approved_by_id, typical.approved_at = actor.id, utcnow()
    session.add(typical)
    return typical


def reject(session: Session, typical: TypicalCase, *, actor: Actor) -> TypicalCase:
    if getattr(actor, "role", None) not in (Role.supervisor,):
        raise TypicalError("只有督办领导可以审定典型案例")
    if typical.status is TypicalStatus.published:
        raise TypicalError("该典型案例已通报")
    typical.status = TypicalStatus.rejected
    session.add(typical)
    return typical


def approved(session: Session) -> list[TypicalCase]:
    """Approved and not yet published, in the order they were approved."""
    return list(session.exec(select(TypicalCase).where(TypicalCase.status == TypicalStatus.approved)
                             .order_by(TypicalCase.approved_at, TypicalCase.id)).all())


def as_item(row: TypicalCase) -> dict:
    return {"id": row.id, "case_id": row.case_id, "summary": row.summary}


def for_period(session: Session, period) -> list[dict]:
    """What a draft shows: the approved cases the next publication would carry (never a proposal)."""
    return [as_item(row) for row in approved(session)]


def mark_published(session: Session, items: list[dict], bulletin_id: int, at) -> None:
    """The cases a publication carried: published, each once. Refuses any not approved."""
    for item in items:
        row = session.get(TypicalCase, item["id"])
        if row is None or row.status is not TypicalStatus.approved or not row.summary:
            raise TypicalError("典型案例未经审定，不能通报")
        row.status, row.bulletin_id, row.published_at = TypicalStatus.published, bulletin_id, at
        session.add(row)


def published_counts(session: Session, ranges: list) -> list:
    """Typical cases published (in a published bulletin) in each range."""
    columns = [sa.func.coalesce(sa.func.sum(sa.case((sa.and_(TypicalCase.published_at >= a,
                                                             TypicalCase.published_at < b), 1), else_=0)), 0)
               for a, b in ranges]
    return [int(v) for v in session.execute(sa.select(*columns)).one()]
