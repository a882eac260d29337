"""Two routing decisions a supervisor takes with a reason, beside the routing table:
提级办理 (a higher level takes the case up) and 异地交叉 (another township's commission handles it,
away from local ties). Both move the case like 改派: the new office's assignment clock starts."""
from __future__ import annotations

from sqlmodel import Session, select

from hotline.cases import deadlines
from hotline.cases.transitions import WorkflowError, event, sync_complaint
from hotline.clues import actions
from models.base import utcnow
from models.cases import Case, CaseStatus, DeadlineKind
from models.complaints import Complaint
from models.offices import Office, OfficeJurisdiction, OfficeKind
from models.users import Actor

# Levels for 提级: township commissions below the county's offices, below the commission itself.
LEVEL = {OfficeKind.township_commission: 1, OfficeKind.supervision_office: 2, OfficeKind.resident_group: 2,
         OfficeKind.case_management: 2, OfficeKind.hotline: 2, OfficeKind.commission: 3}


def _reason(text: str | None, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise WorkflowError(f"{what}须填写理由")
    return text[:2000]


def _move(session: Session, case: Case, office: Office, actor: Actor, kind: str, reason: str) -> Case:
    previous = case.office_id
    deadlines.cancel(session, case)
    case.office_id, case.assignee_id, case.office_received_at = office.id, None, utcnow()
    case.status, case.updated_at = CaseStatus.pending_assignment, utcnow()
    session.add(case)
    deadlines.start(session, case, DeadlineKind.assignment)
    sync_complaint(session, case)
    event(session, case, actor, kind, reason, from_office_id=previous, to_office_id=office.id)
    return case


def escalate(*, session: Session, case: Case, office: Office | None, reason: str, actor: Actor) -> Case:
    """提级办理: an office of a higher level than the one holding the case takes it up."""
    actions.check(session, "escalate", case, actor)
    reason = _reason(reason, "提级办理")
    if office is None or not office.active:
        raise WorkflowError("请选择提级办理的机构")
    current = session.get(Office, case.office_id)
    if LEVEL[office.kind] <= LEVEL[current.kind]:
        raise WorkflowError(f"提级办理须交由更高一级的机构（当前为{current.name}）")
    return _move(session, case, office, actor, "escalated", reason)


def cross_assign(*, session: Session, case: Case, office: Office | None, reason: str, actor: Actor) -> Case:
    """异地交叉: a township commission other than the one covering the complaint's township."""
    actions.check(session, "cross_assign", case, actor)
    reason = _reason(reason, "异地交叉办理")
    if office is None or not office.active or office.kind is not OfficeKind.township_commission:
        raise WorkflowError("异地交叉办理须选择其他乡镇的纪委")
    if office.id == case.office_id:
        raise WorkflowError("异地交叉办理须交由另一个乡镇纪委")
    complaint = session.get(Complaint, case.complaint_id)
    local = set(session.exec(select(OfficeJurisdiction.office_id)
                             .where(OfficeJurisdiction.township_id == complaint.township_id)).all())
    if complaint.township_id is not None and office.id in local:
        raise WorkflowError("异地交叉办理不能交由线索所在乡镇的纪委")
    return _move(session, case, office, actor, "cross_assigned", reason)
