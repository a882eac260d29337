"""The workflow kernel: the transition table (ACTIONS), who may take a step now, and what every step
writes (a CaseEvent on the timeline and an audit row) and keeps in step (the complaint's status).

The steps themselves live in workflow.py, supervision.py, feedback.py and outcomes.py; each imports
this module and none imports another back. Errors are WorkflowError with a Chinese message.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from hotline import audit, scope
from models.base import utcnow
from models.cases import Case, CaseEvent, CaseStatus, ReturnVisit, Satisfaction
from models.complaints import Complaint, ComplaintStatus
from models.offices import Office, OfficeKind
from models.users import Actor, Role

S = CaseStatus
WORKING = (S.talk_inquiry, S.preliminary_verification, S.shelved, S.filed)


class WorkflowError(ValueError):
    """A step refused; the message is in Chinese. `logged`: the refusal itself was recorded."""

    def __init__(self, message: str, *, logged: bool = False):
        super().__init__(message)
        self.logged = logged


@dataclass(frozen=True)
class Action:
    label: str
    from_statuses: tuple[CaseStatus, ...]
    roles: tuple[Role, ...]
    assignee_only: bool = False  # inspectors: only the inspector holding the case


ACTIONS: dict[str, Action] = {
    "assign": Action("分办给干部", (S.pending_assignment, S.assigned), (Role.supervisor,)),
    "send_back": Action("退单", (S.pending_assignment, S.assigned), (Role.inspector, Role.supervisor)),
    "reassign": Action("改派", (S.sent_back, S.pending_assignment, S.assigned), (Role.supervisor,)),
    "recuse": Action("申请回避", (S.assigned, S.disposition_proposed) + WORKING, (Role.inspector,), True),
    "propose": Action("提出处置意见", (S.assigned,), (Role.inspector, Role.supervisor), True),
    "approve": Action("批准处置意见", (S.disposition_proposed,), (Role.supervisor,)),
    "reject": Action("退回处置意见", (S.disposition_proposed,), (Role.supervisor,)),
    # Procedure order: 立案 only after 初步核实; a finding only after 初步核实 or 立案. A 谈话函询 or a
    # shelved clue is either settled (了结) or taken into 初步核实 first.
    "file": Action("立案审查调查", (S.preliminary_verification,), (Role.supervisor,)),
    "resume": Action("恢复核实", (S.shelved,), (Role.supervisor,)),
    "verify": Action("转初步核实", (S.talk_inquiry,), (Role.supervisor,)),
    "settle": Action("予以了结", (S.talk_inquiry, S.shelved), (Role.inspector, Role.supervisor), True),
    "outcome": Action("登记核查结论", (S.preliminary_verification, S.filed), (Role.inspector, Role.supervisor), True),
    "propose_close": Action("提请办结", (S.concluded,), (Role.inspector, Role.supervisor), True),
    "close": Action("批准办结", (S.closing_proposed,), (Role.supervisor,)),
    "reject_close": Action("退回办结", (S.closing_proposed,), (Role.supervisor,)),
    "reopen": Action("重新办理", (S.closed,), (Role.supervisor,)),
    "extend": Action("批准延期", (S.pending_assignment, S.assigned, S.disposition_proposed, S.concluded,
                             S.closing_proposed) + WORKING, (Role.supervisor,)),
    "supervise": Action("挂牌督办", (S.pending_assignment, S.assigned, S.sent_back, S.disposition_proposed)
                        + WORKING + (S.concluded, S.closing_proposed), (Role.supervisor,)),
    "feedback": Action("反馈举报人", (S.concluded, S.closing_proposed), (Role.operator, Role.supervisor)),
    "return_visit": Action("登记回访", (S.concluded, S.closing_proposed), (Role.operator, Role.supervisor)),
    # The outcome per person (hotline/cases/outcomes.py, tolerance.py): after the conclusion, before closing.
    "measure": Action("登记处理措施", (S.concluded, S.closing_proposed), (Role.inspector, Role.supervisor), True),
    "reverse_measure": Action("撤销处理措施", (S.concluded, S.closing_proposed, S.closed), (Role.supervisor,)),
    "clearance": Action("登记澄清正名", (S.concluded, S.closing_proposed, S.closed), (Role.inspector, Role.supervisor),
                        True),
    "tolerance_apply": Action("登记容错免责申请", (S.filed, S.concluded, S.closing_proposed),
                              (Role.inspector, Role.supervisor), True),
    "tolerance_decide": Action("作出容错免责决定", (S.filed, S.concluded, S.closing_proposed), (Role.supervisor,)),
    "education_visit": Action("登记回访教育", (S.concluded, S.closing_proposed, S.closed),
                              (Role.inspector, Role.supervisor)),
}


def role_of(actor: Actor) -> Role | None:
    return getattr(actor, "role", None)


def may(session: Session, action: str, case: Case, actor: Actor) -> bool:
    """Whether `actor` may take `action` on the case now (status, role, office, holder)."""
    try:
        check(session, action, case, actor)
    except WorkflowError:
        return False
    if action == "reopen":
        return not visit_satisfied(session, case)
    return True


def latest_visit(session: Session, case: Case) -> ReturnVisit | None:
    return session.exec(select(ReturnVisit).where(ReturnVisit.case_id == case.id)
                        .order_by(ReturnVisit.at.desc(), ReturnVisit.id.desc())).first()


def visit_satisfied(session: Session, case: Case) -> bool:
    """The complainant's latest return visit found them satisfied (a closed case then stays closed)."""
    visit = latest_visit(session, case)
    return visit is not None and visit.satisfaction is not Satisfaction.unsatisfied


def check(session: Session, action: str, case: Case, actor: Actor) -> Action:
    """Refuse (WorkflowError) unless `actor` may take `action` on the case now; None is the system."""
    spec = ACTIONS[action]
    if case.status not in spec.from_statuses:
        raise WorkflowError(f"案件当前状态为“{CaseStatus(case.status).label}”，不能{spec.label}")
    if actor is None:  # the system (commands, jobs)
        return spec
    role = role_of(actor)
    if role not in spec.roles:
        raise WorkflowError(f"您的角色不能{spec.label}")
    if role in (Role.inspector, Role.supervisor) and not scope.may_act_on_case(session, actor, case):
        raise WorkflowError("只能办理本机构的案件" if role is Role.inspector else "只能督办本机构或所联系乡镇机构的案件")
    if role is Role.inspector and spec.assignee_only and case.assignee_id != actor.id:
        raise WorkflowError(f"只有承办人可以{spec.label}")
    return spec


def supervised_office_ids(session: Session, actor: Actor) -> set[int]:
    """Offices a supervisor acts for, as a set of ids (the rule is hotline.scope.supervised_offices)."""
    offices = scope.supervised_offices(session, actor)
    return set(session.exec(select(Office.id)).all()) if offices is None else set(offices)


def event(session: Session, case: Case, actor: Actor, kind: str, note: str | None = None, **data) -> CaseEvent:
    """Append to the timeline and the audit trail."""
    row = CaseEvent(case_id=case.id, at=utcnow(), actor_id=getattr(actor, "id", None), kind=kind,
                    office_id=case.office_id, note=note, data=data or None)
    session.add(row)
    audit.record(session, actor=actor, action=f"case.{kind}", entity="case", entity_id=case.id,
                 detail={"note": (note or "")[:200], **{k: str(v) for k, v in data.items()}})
    return row


def sync_complaint(session: Session, case: Case) -> None:
    """The complaint's status (what callers hear from a receipt look-up) follows the case."""
    complaint = session.get(Complaint, case.complaint_id)
    if complaint is None:
        return
    if case.status is S.merged:
        status = ComplaintStatus.merged
    elif case.status is S.closed:
        status = ComplaintStatus.closed
    elif case.status in (S.pending_assignment, S.sent_back):
        office = session.get(Office, case.office_id)
        in_dispatch = case.status is S.sent_back or (office and office.kind is OfficeKind.case_management)
        status = ComplaintStatus.received if in_dispatch else ComplaintStatus.assigned
    elif case.status is S.assigned:
        status = ComplaintStatus.assigned
    else:
        status = ComplaintStatus.in_progress
    if complaint.status != status:
        complaint.status, complaint.updated_at = status, utcnow()
        session.add(complaint)
