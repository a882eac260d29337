"""What the case panel on the complaint page shows: rule, deadlines, timeline, next actions."""
from __future__ import annotations

from flask_login import current_user
from sqlmodel import select

from hotline.cases import deadlines, duplicates, outcome_panel, supervision, transitions, workflow
from hotline.db import get_session
from models.base import utcnow
from models.cases import (Case, CaseDeadline, CaseEvent, CaseFeedback, DeadlineKind, Disposition, Finding, ReturnVisit,
                          Satisfaction, SupervisionReport)
from models.offices import Office
from models.users import Role, User

EVENT_LABELS = {
    "opened": "受理分流", "assigned": "分办", "assign_refused": "分办被拒（利害关系）", "sent_back": "退单",
    "reassigned": "改派", "recused": "回避", "disposition_proposed": "提出处置意见",
    "disposition_approved": "批准处置意见", "disposition_rejected": "退回处置意见", "filed": "立案审查调查",
    "resumed": "恢复核实", "outcome_recorded": "登记办理结果", "closing_proposed": "提请办结", "closed": "办结",
    "closing_rejected": "退回办结", "reopened": "重新办理", "extended": "延期", "supervised": "挂牌督办",
    "supervision_lifted": "解除督办", "progress_reported": "报告督办进展", "feedback": "反馈举报人",
    "return_visit": "回访", "merged_in": "并入重复举报", "merged_into": "并入其他线索",
    "clue_acknowledged": "受理告知", "clue_name_withdrawn": "撤回实名", "transferred": "不予受理并转送",
    "clue_accepted": "交办件受理", "clue_reported_back": "向交办单位报结", "escalated": "提级办理",
    "cross_assigned": "异地交叉办理", "clue_objection": "举报人异议", "clue_objection_answered": "答复异议",
    "supervision_suggested": "建议挂牌督办", "remind": "催办", "escalate": "超期上报", "chase": "督办催报",
    "verification_begun": "转初步核实", "settled": "予以了结", "measure_recorded": "登记处理措施",
    "measure_reversed": "撤销处理措施", "name_cleared": "澄清正名", "tolerance_applied": "容错免责申请",
    "tolerance_decided": "容错免责决定", "education_visit": "回访教育", "influence_ended": "减责影响期届满",
    "public_followup": "举报人补充材料",
}

# What an event decided, shown beside its label on the timeline (the reason alone does not say it):
# data key -> (label, vocabulary).
EVENT_FACTS = {"disposition": ("处置方式", Disposition), "satisfaction": ("满意度", Satisfaction),
               "days": ("天数", None)}


def event_facts(row: CaseEvent) -> list[str]:
    """The decided facts of a timeline event in Chinese, e.g. ['处置方式：初步核实']."""
    facts = []
    for key, (label, vocabulary) in EVENT_FACTS.items():
        value = (row.data or {}).get(key)
        if value is None or value == "":
            continue
        text = next((m.label for m in vocabulary if m.value == value), None) if vocabulary else str(value)
        if text:
            facts.append(f"{label}：{text}")
    return facts


def case_panel(case: Case | None) -> dict:
    """Everything cases/_panel.html needs for one case and the current user."""
    if case is None:
        return {}
    db = get_session()
    users = {u.id: u for u in db.exec(select(User)).all()}
    offices = {o.id: o for o in db.exec(select(Office).order_by(Office.id)).all()}
    now = utcnow()
    cal = deadlines.calendar_for(db)
    rows = db.exec(select(CaseDeadline).where(CaseDeadline.case_id == case.id).order_by(CaseDeadline.id)).all()
    deadline_rows = [{"label": DeadlineKind(d.kind).label, "row": d, "overdue": deadlines.is_overdue(d, now),
                      "left": cal.working_days_between(now, d.due_at) if d.met_at is None and d.cancelled_at is None
                      else None} for d in rows]
    events = db.exec(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at, CaseEvent.id)).all()
    actions = [name for name in transitions.ACTIONS
               if name not in outcome_panel.STEPS and transitions.may(db, name, case, current_user)]
    if case.status.value in ("assigned",) and "send_back" in actions and now > workflow.send_back_deadline(db, case):
        actions.remove("send_back")
    order = supervision.active_order(db, case)
    can_report = order is not None and (current_user.role is Role.supervisor or (
        current_user.role is Role.inspector and current_user.office_id == case.office_id))
    inspectors = [u for u in users.values() if u.role is Role.inspector and u.active and u.office_id == case.office_id]
    return {
        "office": offices.get(case.office_id), "helpers": [offices[i] for i in case.helper_office_ids or [] if i in offices],
        "assignee": users.get(case.assignee_id), "deadlines": deadline_rows, "events": events,
        "event_labels": EVENT_LABELS, "event_facts": event_facts, "users": users, "offices": offices, "actions": actions,
        "inspectors": inspectors, "order": order, "can_report": can_report,
        "reports": db.exec(select(SupervisionReport).where(SupervisionReport.case_id == case.id)
                           .order_by(SupervisionReport.at)).all(),
        "feedbacks": db.exec(select(CaseFeedback).where(CaseFeedback.case_id == case.id)).all(),
        "visits": db.exec(select(ReturnVisit).where(ReturnVisit.case_id == case.id)).all(),
        "merged": duplicates.merged_complaints(db, case),
        "merged_into": db.get(Case, case.merged_into_case_id) if case.merged_into_case_id else None,
        "named": workflow.named_complainant(db, case) is not None,
        "feedback_missing": workflow.feedback_missing(db, case),
        "can_merge": current_user.role in (Role.operator, Role.supervisor) and case.status.value not in ("closed", "merged"),
        "labels": {"disposition": Disposition.labels(), "finding": Finding.labels(),
                   "satisfaction": Satisfaction.labels()},
        "action_labels": {k: a.label for k, a in transitions.ACTIONS.items()},
    }
