"""Reminders for the register's duties, in the manner of hotline/cases/reminders.py: 受理告知 to a named
reporter, a referred matter's 受理或转办 and its 报结 by the referrer's deadline. Before the due day
(REMIND_BEFORE_DAYS working days) the case's holder or its office's supervisors are reminded; once
overdue, the supervisors (and the commission's) are told. Each notice is claimed with a unique
CaseReminder key (duty, clue, due time), so a second scheduler or a re-run tells nobody twice."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from hotline import settings
from hotline.cases import deadlines
from models.base import utcnow
from models.cases import Case, CaseEvent, CaseNotice, CaseReminder, CaseStatus
from models.clues import Clue, ClueHandling
from models.offices import Office, OfficeKind
from models.users import Role, User

DUTY_LABELS = {"ack": "受理告知", "accept": "交办件受理或转办", "report": "向交办单位报结"}


@dataclass
class DutyReport:
    reminded: int = 0
    escalated: int = 0
    skipped: int = 0  # already claimed by another run


def open_duties(session: Session, clue: Clue) -> list[tuple[str, dt.datetime]]:
    """(duty, due) for each duty of the clue still owed."""
    owed = []
    if clue.named and clue.ack_due_at and clue.ack_given_at is None and clue.handling is ClueHandling.own:
        owed.append(("ack", clue.ack_due_at))
    if clue.accept_due_at and clue.accepted_at is None:
        owed.append(("accept", clue.accept_due_at))
    if clue.referral_due_date and clue.reported_back_at is None and clue.handling is ClueHandling.own:
        zone = ZoneInfo(settings.current().TIMEZONE)
        end = dt.datetime.combine(clue.referral_due_date, dt.time(23, 59, 59), tzinfo=zone)
        owed.append(("report", end.astimezone(dt.timezone.utc)))
    return owed


def _candidates(session: Session, until: dt.datetime):
    """Clues with a duty due by `until`, and their (not merged) case."""
    report_until = until.astimezone(ZoneInfo(settings.current().TIMEZONE)).date()
    owed = sa.or_(
        sa.and_(Clue.named == True, Clue.ack_given_at.is_(None), Clue.ack_due_at <= until),  # noqa: E712
        sa.and_(Clue.accepted_at.is_(None), Clue.accept_due_at <= until),
        sa.and_(Clue.reported_back_at.is_(None), Clue.referral_due_date <= report_until))
    return session.exec(select(Clue, Case).join(Case, Case.complaint_id == Clue.complaint_id)
                        .where(owed, Case.status != CaseStatus.merged).order_by(Clue.id)).all()


def _supervisors(session: Session, case: Case) -> list[int]:
    county = select(Office.id).where(Office.kind.in_([OfficeKind.commission, OfficeKind.case_management]))
    rows = session.exec(select(User.id).where(User.role == Role.supervisor, User.active == True,  # noqa: E712
                                              (User.office_id == case.office_id) | User.office_id.in_(county)
                                              | User.office_id.is_(None))).all()
    return sorted(set(rows))


def _tell(session: Session, *, clue: Clue, case: Case, kind: str, key: str, recipients: list[int], text: str,
          note: str) -> bool:
    """Claim `key`, then leave each recipient a notice and the case a timeline entry."""
    try:
        with session.begin_nested():
            session.add(CaseReminder(claim_key=key[:80], case_id=case.id, kind=kind, recipient_ids=recipients,
                                     at=utcnow()))
    except IntegrityError:
        return False
    for user_id in recipients:
        session.add(CaseNotice(user_id=user_id, case_id=case.id, kind=kind, text=text[:300], at=utcnow()))
    session.add(CaseEvent(case_id=case.id, at=utcnow(), kind=kind, office_id=case.office_id, note=note,
                          data={"recipient_ids": recipients, "clue_number": clue.number}))
    return True


def run(session: Session, *, now: dt.datetime | None = None) -> DutyReport:
    """Remind of duties due soon and escalate those overdue (safe to re-run)."""
    now, report = now or utcnow(), DutyReport()
    before = settings.current().REMIND_BEFORE_DAYS
    cal = deadlines.calendar_for(session)
    for clue, case in _candidates(session, now + dt.timedelta(days=before * 3 + 14)):
        for duty, due in open_duties(session, clue):
            label = DUTY_LABELS[duty]
            if due < now:
                kind, recipients = "escalate", _supervisors(session, case)
                text, note = f"超期：线索{clue.number}的{label}期限已过，请督办", f"{label}超期，已报督办领导"
            elif cal.working_days_between(now, due) <= before:
                kind = "remind"
                recipients = [case.assignee_id] if case.assignee_id else _supervisors(session, case)
                text, note = f"催办：线索{clue.number}的{label}期限即将届满", f"{label}期限即将届满，已催办"
            else:
                continue
            key = f"clue-{duty}-{kind}:{clue.id}:{due.isoformat()}"
            if not _tell(session, clue=clue, case=case, kind=kind, key=key, recipients=recipients, text=text,
                         note=note):
                report.skipped += 1
            elif kind == "remind":
                report.reminded += 1
            else:
                report.escalated += 1
    return report
