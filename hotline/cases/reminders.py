"""催办, escalation and progress chasing: the work behind the scheduler jobs.

Each notice is claimed first by inserting a CaseReminder with a unique claim_key (the deadline or
order, and the due time it is about). A second scheduler, or a re-run, fails to insert the same
key and skips it, so nobody is told twice. An extension changes the due time, hence a new key.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from hotline import settings
from hotline.cases import deadlines
from models.base import utcnow
from models.cases import (Case, CaseDeadline, CaseEvent, CaseNotice, CaseReminder, CaseStatus, DeadlineKind,
                          SupervisionOrder)
from models.complaints import Complaint
from models.offices import Office, OfficeKind
from models.users import Role, User


@dataclass
class RunReport:
    reminded: int = 0
    escalated: int = 0
    chased: int = 0
    skipped: int = 0  # already claimed by another run


def _supervisors(session: Session, case: Case) -> list[int]:
    """The handling office's supervisors, and the commission's (always told of escalations)."""
    county = select(Office.id).where(Office.kind.in_([OfficeKind.commission, OfficeKind.case_management]))
    rows = session.exec(select(User.id).where(User.role == Role.supervisor, User.active == True,  # noqa: E712
                                              (User.office_id == case.office_id) | User.office_id.in_(county)
                                              | User.office_id.is_(None))).all()
    return sorted(set(rows))


def _claim(session: Session, key: str, case: Case, kind: str, recipients: list[int]) -> bool:
    try:
        with session.begin_nested():
            session.add(CaseReminder(claim_key=key, case_id=case.id, kind=kind, recipient_ids=recipients,
                                     at=utcnow()))
    except IntegrityError:
        return False
    return True


def _notify(session: Session, case: Case, kind: str, text: str, recipients: list[int], note: str) -> None:
    for user_id in recipients:
        session.add(CaseNotice(user_id=user_id, case_id=case.id, kind=kind, text=text[:300], at=utcnow()))
    session.add(CaseEvent(case_id=case.id, at=utcnow(), kind=kind, office_id=case.office_id, note=note,
                          data={"recipient_ids": recipients}))


def _code(session: Session, case: Case) -> str:
    complaint = session.get(Complaint, case.complaint_id)
    return complaint.receipt_code if complaint else str(case.id)


def _open_deadlines(session: Session, until: dt.datetime):
    return session.exec(
        select(CaseDeadline, Case).join(Case, Case.id == CaseDeadline.case_id)
        .where(CaseDeadline.met_at.is_(None), CaseDeadline.cancelled_at.is_(None),
               CaseDeadline.due_at <= until,
               Case.status.notin_([CaseStatus.closed, CaseStatus.merged]))
        .order_by(CaseDeadline.due_at)).all()


def remind(session: Session, *, now: dt.datetime | None = None, report: RunReport | None = None) -> RunReport:
    """Tell the holder (or the office's supervisors) of deadlines within REMIND_BEFORE_DAYS working days."""
    now, report = now or utcnow(), report or RunReport()
    before = settings.current().REMIND_BEFORE_DAYS
    cal = deadlines.calendar_for(session)
    horizon = now + dt.timedelta(days=before * 3 + 14)
    for row, case in _open_deadlines(session, horizon):
        if row.due_at < now or cal.working_days_between(now, row.due_at) > before:
            continue
        recipients = [case.assignee_id] if case.assignee_id else _supervisors(session, case)
        key = f"remind:{row.id}:{row.due_at.isoformat()}"
        if not _claim(session, key, case, "remind", recipients):
            report.skipped += 1
            continue
        label = DeadlineKind(row.kind).label
        _notify(session, case, "remind", f"催办：线索{_code(session, case)}的{label}期限即将届满",
                recipients, f"{label}期限即将届满，已催办")
        report.reminded += 1
    return report


def escalate(session: Session, *, now: dt.datetime | None = None, report: RunReport | None = None) -> RunReport:
    """Tell the supervisors of every deadline that has passed (once per deadline and due time)."""
    now, report = now or utcnow(), report or RunReport()
    for row, case in _open_deadlines(session, now):
        if row.due_at >= now:
            continue
        recipients = _supervisors(session, case)
        key = f"escalate:{row.id}:{row.due_at.isoformat()}"
        if not _claim(session, key, case, "escalate", recipients):
            report.skipped += 1
            continue
        label = DeadlineKind(row.kind).label
        _notify(session, case, "escalate", f"超期：线索{_code(session, case)}的{label}期限已过，请督办",
                recipients, f"{label}超期，已报督办领导")
        report.escalated += 1
    return report


def chase(session: Session, *, now: dt.datetime | None = None, report: RunReport | None = None) -> RunReport:
    """Ask for the progress report of each supervised case whose report is due."""
    now, report = now or utcnow(), report or RunReport()
    rows = session.exec(select(SupervisionOrder, Case).join(Case, Case.id == SupervisionOrder.case_id)
                        .where(SupervisionOrder.lifted_at.is_(None),
                               SupervisionOrder.next_report_due_at <= now)).all()
    for order, case in rows:
        recipients = sorted({*([case.assignee_id] if case.assignee_id else []),
                             *session.exec(select(User.id).where(User.role == Role.supervisor,
                                                                 User.office_id == case.office_id)).all()})
        if not recipients:
            recipients = _supervisors(session, case)
        key = f"chase:{order.id}:{order.next_report_due_at.isoformat()}"
        if not _claim(session, key, case, "chase", recipients):
            report.skipped += 1
            continue
        _notify(session, case, "chase", f"督办：请报告挂牌督办线索{_code(session, case)}的办理进展",
                recipients, "督办进展报告已到期，已催报")
        report.chased += 1
    return report


def run_all(session: Session, *, now: dt.datetime | None = None) -> RunReport:
    report = RunReport()
    for step in (remind, escalate, chase):
        step(session, now=now, report=report)
    return report
