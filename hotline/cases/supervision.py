"""挂牌督办: supervised cases with a deadline, a reporting interval and progress reports."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from hotline.cases import deadlines
from hotline.cases.transitions import WorkflowError, check, event
from models.base import utcnow
from models.cases import Case, CaseStatus, SupervisionOrder, SupervisionReport
from models.users import Actor, Role

MAX_DAYS = 250


def active_order(session: Session, case: Case) -> SupervisionOrder | None:
    return session.exec(select(SupervisionOrder).where(SupervisionOrder.case_id == case.id,
                                                       SupervisionOrder.lifted_at.is_(None))
                        .order_by(SupervisionOrder.id.desc())).first()


def _days(raw, what: str) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise WorkflowError(f"{what}须为整数（工作日）") from None
    if not 1 <= value <= MAX_DAYS:
        raise WorkflowError(f"{what}须在1至{MAX_DAYS}个工作日之间")
    return value


def supervise(*, session: Session, case: Case, days: int | str, interval_days: int | str, reason: str,
              actor: Actor) -> SupervisionOrder:
    """Mark the case as supervised: finish within `days` working days, report every `interval_days`."""
    check(session, "supervise", case, actor)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("挂牌督办须填写督办事由")
    if active_order(session, case) is not None:
        raise WorkflowError("该案件已在挂牌督办中")
    days, interval = _days(days, "督办期限"), _days(interval_days, "报告间隔")
    if interval > days:
        raise WorkflowError("报告间隔不能长于督办期限")
    cal, now = deadlines.calendar_for(session), utcnow()
    order = SupervisionOrder(case_id=case.id, reason=reason[:2000], due_at=cal.add_working_days(now, days),
                             interval_days=interval, next_report_due_at=cal.add_working_days(now, interval),
                             set_by_id=getattr(actor, "id", None), set_at=now)
    session.add(order)
    case.supervised = True
    case.priority = max(case.priority, 0) + 100
    session.add(case)
    session.flush()
    event(session, case, actor, "supervised", reason, order_id=order.id, days=days, interval_days=interval)
    return order


def report_progress(*, session: Session, case: Case, progress: str, actor: Actor) -> SupervisionReport:
    """The handling office reports progress; the next report falls due an interval later."""
    order = active_order(session, case)
    if order is None:
        raise WorkflowError("该案件未挂牌督办")
    role = getattr(actor, "role", None)
    if role is Role.inspector and actor.office_id != case.office_id:
        raise WorkflowError("只能报告本机构案件的进展")
    if role not in (Role.inspector, Role.supervisor, None):
        raise WorkflowError("您的角色不能报告督办进展")
    progress = (progress or "").strip()
    if not progress:
        raise WorkflowError("请填写进展情况")
    now = utcnow()
    report = SupervisionReport(order_id=order.id, case_id=case.id, progress=progress[:4000],
                               by_id=getattr(actor, "id", None), at=now)
    order.next_report_due_at = deadlines.calendar_for(session).add_working_days(now, order.interval_days)
    session.add_all([report, order])
    event(session, case, actor, "progress_reported", progress[:2000], order_id=order.id)
    return report


def lift_all(session: Session, case: Case, actor: Actor, reason: str) -> None:
    """End supervision (the case closed or was merged)."""
    for order in session.exec(select(SupervisionOrder).where(SupervisionOrder.case_id == case.id,
                                                             SupervisionOrder.lifted_at.is_(None))).all():
        order.lifted_at = utcnow()
        session.add(order)
        event(session, case, actor, "supervision_lifted", reason, order_id=order.id)


@dataclass
class BoardRow:
    case: Case
    order: SupervisionOrder
    reports: int
    last_report_at: dt.datetime | None
    days_left: int
    report_overdue: bool


def board(session: Session, office_ids: set[int] | None = None) -> list[BoardRow]:
    """Active supervision orders with progress and working days left, most urgent first."""
    stmt = (select(SupervisionOrder, Case).join(Case, Case.id == SupervisionOrder.case_id)
            .where(SupervisionOrder.lifted_at.is_(None), Case.status != CaseStatus.closed))
    if office_ids is not None:
        stmt = stmt.where(Case.office_id.in_(office_ids or {-1}))
    cal, now, rows = deadlines.calendar_for(session), utcnow(), []
    for order, case in session.exec(stmt).all():
        reports = session.exec(select(SupervisionReport.at).where(SupervisionReport.order_id == order.id)
                               .order_by(SupervisionReport.at.desc())).all()
        rows.append(BoardRow(case, order, len(reports), reports[0] if reports else None,
                             cal.working_days_between(now, order.due_at), order.next_report_due_at < now))
    return sorted(rows, key=lambda r: (r.days_left, r.case.id))
