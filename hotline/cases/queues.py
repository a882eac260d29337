"""Office queues: the cases an office holds, filtered, with counts per status."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, func, select

from hotline.county.names import lineage
from models.base import utcnow
from models.cases import Case, CaseStatus
from models.clues import Clue
from models.complaints import Complaint
from models.divisions import Township

OPEN_STATUSES = [s for s in CaseStatus if s not in (CaseStatus.closed, CaseStatus.merged)]


@dataclass
class QueueFilter:
    office_ids: set[int] | None = None  # None: every office
    status: str = ""
    problem_type: str = ""
    program: str = ""
    township_id: int | None = None
    overdue: bool = False
    supervised: bool = False
    assignee_id: int | None = None
    include_finished: bool = False


def _where(stmt, f: QueueFilter, *, with_status: bool = True):
    if f.office_ids is not None:
        stmt = stmt.where(Case.office_id.in_(f.office_ids or {-1}))
    if with_status and f.status:
        stmt = stmt.where(Case.status == f.status)
    elif with_status and not f.include_finished:
        stmt = stmt.where(Case.status.in_(OPEN_STATUSES))
    if f.problem_type:
        stmt = stmt.where(Complaint.problem_type == f.problem_type)
    if f.program:
        stmt = stmt.where(Complaint.program == f.program)
    if f.township_id:  # townships merged into it (撤并) count as it
        stmt = stmt.where(Complaint.township_id.in_(lineage(Township, f.township_id)))
    if f.overdue:
        stmt = stmt.where(Case.due_at.is_not(None), Case.due_at < utcnow())
    if f.supervised:
        stmt = stmt.where(Case.supervised == True)  # noqa: E712
    if f.assignee_id:
        stmt = stmt.where(Case.assignee_id == f.assignee_id)
    return stmt


def cases(session: Session, f: QueueFilter, *, limit: int = 50, offset: int = 0) -> list[tuple[Case, Complaint]]:
    """The queue, most urgent first: supervised and high priority, named reports (实名) before
    anonymous ones at the same priority, then the nearest deadline."""
    stmt = (select(Case, Complaint).join(Complaint, Complaint.id == Case.complaint_id)
            .join(Clue, Clue.complaint_id == Complaint.id, isouter=True))
    stmt = _where(stmt, f).order_by(Case.priority.desc(), sa.func.coalesce(Clue.named, False).desc(),
                                    sa.case((Case.due_at.is_(None), 1), else_=0),
                                    Case.due_at, Case.id)
    return list(session.exec(stmt.offset(offset).limit(limit)).all())


def counts(session: Session, f: QueueFilter) -> dict[str, int]:
    """Cases per status under the other filters, plus overdue and supervised totals."""
    stmt = select(Case.status, func.count()).join(Complaint, Complaint.id == Case.complaint_id)
    stmt = _where(stmt, f, with_status=False).group_by(Case.status)
    result = {status.value if hasattr(status, "value") else status: n for status, n in session.exec(stmt).all()}
    base = select(func.count()).select_from(Case).join(Complaint, Complaint.id == Case.complaint_id)
    open_only = QueueFilter(**{**f.__dict__, "status": "", "include_finished": False})
    result["overdue"] = session.exec(_where(base, QueueFilter(**{**open_only.__dict__, "overdue": True}))).one()
    result["supervised"] = session.exec(_where(base, QueueFilter(**{**open_only.__dict__, "supervised": True}))).one()
    result["open"] = sum(result.get(s.value, 0) for s in OPEN_STATUSES)
    return result
