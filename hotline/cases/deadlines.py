"""Working-day deadlines of a case's steps: opened, met, cancelled, extended."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from hotline import settings
from hotline.cases import calendar as workcal
from hotline.db import cached
from models.base import utcnow
from models.cases import Case, CaseDeadline, CaseExtension, DeadlineKind
from models.users import Actor

MAX_EXTENSION_DAYS = 60


class DeadlineError(ValueError):
    """A deadline change that cannot be made; the message is in Chinese."""


def days_for(kind: DeadlineKind) -> int:
    """Working days a step of this kind is given (settings DEADLINE_<KIND>_DAYS)."""
    return int(getattr(settings.current(), f"DEADLINE_{kind.value.upper()}_DAYS"))


def zone() -> str:
    return settings.current().TIMEZONE


def calendar_for(session: Session) -> workcal.WorkCalendar:
    return cached(session, "workcal", lambda: workcal.load(session, zone()))


def open_deadlines(session: Session, case: Case) -> list[CaseDeadline]:
    return list(session.exec(select(CaseDeadline).where(
        CaseDeadline.case_id == case.id, CaseDeadline.met_at.is_(None),
        CaseDeadline.cancelled_at.is_(None)).order_by(CaseDeadline.due_at)).all())


def refresh_due(session: Session, case: Case) -> None:
    """Case.due_at mirrors the earliest open deadline."""
    session.flush()
    pending = open_deadlines(session, case)
    case.due_at = pending[0].due_at if pending else None
    session.add(case)


def start(session: Session, case: Case, kind: DeadlineKind, *, at: dt.datetime | None = None) -> CaseDeadline:
    """Open the step's deadline, counted in working days from `at` (default now)."""
    begin = at or utcnow()
    due = calendar_for(session).add_working_days(begin, days_for(kind))
    row = CaseDeadline(case_id=case.id, office_id=case.office_id, kind=kind, started_at=begin, due_at=due)
    session.add(row)
    refresh_due(session, case)
    return row


def _close(session: Session, case: Case, kinds: tuple[DeadlineKind, ...] | None, field: str,
           at: dt.datetime | None) -> None:
    for row in open_deadlines(session, case):
        if kinds is None or row.kind in kinds:
            setattr(row, field, at or utcnow())
            session.add(row)
    refresh_due(session, case)


def meet(session: Session, case: Case, *kinds: DeadlineKind, at: dt.datetime | None = None) -> None:
    """Mark the open deadlines of these kinds as met (the step was done)."""
    _close(session, case, kinds, "met_at", at)


def cancel(session: Session, case: Case, *kinds: DeadlineKind) -> None:
    """Cancel open deadlines (of these kinds, or all): the step no longer applies."""
    _close(session, case, kinds or None, "cancelled_at", None)


def extend(*, session: Session, case: Case, days: int | str, reason: str, actor: Actor) -> CaseExtension:
    """A supervisor's approved extension: the current deadline moves by `days` working days."""
    reason = (reason or "").strip()
    if not reason:
        raise DeadlineError("延期须填写理由")
    try:
        days = int(str(days).strip())
    except ValueError:
        raise DeadlineError("延期天数须为整数（工作日）") from None
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise DeadlineError(f"延期天数须在1至{MAX_EXTENSION_DAYS}个工作日之间")
    pending = open_deadlines(session, case)
    if not pending:
        raise DeadlineError("该案件当前没有进行中的办理期限，无需延期")
    row = pending[0]
    old = row.due_at
    row.due_at = calendar_for(session).add_working_days(old, days)
    row.extended_days += days
    session.add(row)
    ext = CaseExtension(case_id=case.id, deadline_id=row.id, days=days, reason=reason[:2000],
                        old_due_at=old, new_due_at=row.due_at, approved_by_id=getattr(actor, "id", None))
    session.add(ext)
    refresh_due(session, case)
    return ext


def is_overdue(row: CaseDeadline, now: dt.datetime | None = None) -> bool:
    return row.met_at is None and row.cancelled_at is None and row.due_at < (now or utcnow())
