"""Who may take which clue-register step on a case now: the same rules as the case workflow
(hotline/cases/transitions.py: status, role, office), for the steps this package owns."""
from __future__ import annotations

from sqlmodel import Session

from hotline.cases.transitions import WORKING, Action, S, WorkflowError, supervised_office_ids
from models.cases import Case, CaseStatus
from models.users import Actor, Role

BEFORE_DISPOSITION = (S.pending_assignment, S.assigned, S.sent_back)
LIVE = BEFORE_DISPOSITION + (S.disposition_proposed,) + WORKING + (S.concluded, S.closing_proposed)
CONCLUDED = (S.concluded, S.closing_proposed, S.closed)
DESK = (Role.operator, Role.supervisor)  # the 信访举报 desk and the leaders

ACTIONS: dict[str, Action] = {
    "acknowledge": Action("登记受理告知", LIVE + (S.closed,), DESK),
    "withdraw_name": Action("撤回实名（转为匿名）", LIVE + (S.closed,), DESK),
    "transfer": Action("不予受理并转送", BEFORE_DISPOSITION, DESK),
    "accept": Action("登记受理（交办件）", BEFORE_DISPOSITION + (S.disposition_proposed,) + WORKING, (Role.supervisor,)),
    "report_back": Action("向交办单位报结", CONCLUDED, (Role.supervisor,)),
    "escalate": Action("提级办理", BEFORE_DISPOSITION, (Role.supervisor,)),
    "cross_assign": Action("异地交叉办理", BEFORE_DISPOSITION, (Role.supervisor,)),
    "objection": Action("登记举报人异议", CONCLUDED, DESK),
    "answer_objection": Action("答复异议", CONCLUDED, (Role.supervisor,)),
}


def check(session: Session, action: str, case: Case, actor: Actor) -> Action:
    """Refuse (WorkflowError) unless `actor` may take `action` now; None is the system."""
    spec = ACTIONS[action]
    if case.status not in spec.from_statuses:
        raise WorkflowError(f"案件当前状态为“{CaseStatus(case.status).label}”，不能{spec.label}")
    if actor is None:
        return spec
    role = getattr(actor, "role", None)
    if role not in spec.roles:
        raise WorkflowError(f"您的角色不能{spec.label}")
    if role is Role.supervisor and case.office_id not in supervised_office_ids(session, actor):
        raise WorkflowError("只能办理本机构或所联系乡镇机构的案件")
    return spec


def may(session: Session, action: str, case: Case, actor: Actor) -> bool:
    try:
        check(session, action, case, actor)
    except WorkflowError:
        return False
    return True
