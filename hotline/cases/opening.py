"""Opening a case for a new complaint and sending it to the office the routing table names."""
from __future__ import annotations

import logging

from sqlmodel import Session

from hotline.cases import deadlines, routing, transitions
from models.base import utcnow
from models.cases import Case, DeadlineKind
from models.complaints import Complaint

log = logging.getLogger(__name__)


def open_case(*, session: Session, complaint: Complaint, actor: object | None,
              merge_into: int | None = None) -> Case:
    """Create the complaint's case in the office chosen by routing (or the 案管室).

    When the operator ticked a likely duplicate on the intake form, `merge_into` is that complaint's
    id: the new case is merged into it at once and the surviving case is returned.
    """
    chosen = routing.route(session, complaint)
    opened = complaint.received_at or utcnow()
    case = Case(complaint_id=complaint.id, office_id=chosen.office.id, opened_at=opened,
                office_received_at=utcnow(), routing_rule_id=chosen.rule.id if chosen.rule else None,
                routing_rule_name=chosen.rule.name if chosen.rule else None,
                helper_office_ids=chosen.helper_office_ids or None,
                priority=10 * max(0, (complaint.repeat_count or 1) - 1))
    session.add(case)
    session.flush()
    deadlines.start(session, case, DeadlineKind.assignment, at=opened)
    note = (f"按规则“{chosen.rule.name}”转{chosen.office.name}" if chosen.rule
            else f"无匹配的分办规则，转{chosen.office.name}人工分办")
    transitions.event(session, case, actor, "opened", note, office_id=chosen.office.id,
                   rule_id=chosen.rule.id if chosen.rule else None, helper_office_ids=chosen.helper_office_ids)
    transitions.sync_complaint(session, case)
    target = _merge_target(session, complaint, merge_into)
    if target is not None:
        from hotline.cases.duplicates import merge

        try:
            with session.begin_nested():
                return merge(session=session, source=complaint, target=target, actor=actor,
                             reason="接线员登记时确认为重复举报")
        except transitions.WorkflowError as exc:  # never lose the report over a merge
            log.warning("merge at intake refused: %s", exc)
    return case


def _merge_target(session: Session, complaint: Complaint, merge_into: int | None) -> Complaint | None:
    """The earlier complaint the operator chose to merge into (cases/_duplicates_slot.html), if any."""
    if merge_into is None:
        return None
    target = session.get(Complaint, merge_into)
    return target if target is not None and target.id != complaint.id else None
