"""Opening a case for a new complaint and sending it to the office the routing table names.

Intake chooses the route before the complaint is stored (`choose`), so the complaint is inserted
with the status its case gives it and the case with its first deadline: no UPDATE of a row just
inserted, no re-read of it.
"""
from __future__ import annotations

import logging

from sqlmodel import Session

from hotline.cases import deadlines, routing, transitions
from models.base import utcnow
from models.cases import Case, CaseDeadline, DeadlineKind
from models.complaints import Complaint, ComplaintStatus
from models.offices import OfficeKind
from models.taxonomy import AccusedLevel

log = logging.getLogger(__name__)


def choose(session: Session, complaint: Complaint, levels: set[AccusedLevel] | None = None) -> routing.Route:
    """The route of a complaint (stored or not yet): the office, the rule, the helpers."""
    return routing.route(session, complaint, levels)


def status_on_opening(chosen: routing.Route) -> ComplaintStatus:
    """The complaint's status once its case opens with this route (the rule of
    transitions.sync_complaint for a case awaiting assignment): still 已受理 at the 案管室,
    which dispatches by hand, 已交办 at any other office. sync_complaint stays the authority."""
    return ComplaintStatus.received if chosen.office.kind is OfficeKind.case_management else ComplaintStatus.assigned


def open_case(*, session: Session, complaint: Complaint, actor: object | None,
              merge_into: int | None = None, chosen: routing.Route | None = None) -> Case:
    """Create the complaint's case in the office chosen by routing (or the 案管室).

    `chosen`: the route already taken for this complaint (intake); otherwise routed here.
    When the operator ticked a likely duplicate on the intake form, `merge_into` is that complaint's
    id: the new case is merged into it at once and the surviving case is returned.
    """
    chosen = chosen or choose(session, complaint)
    opened = complaint.received_at or utcnow()
    # A new case has one open deadline, so its due_at is that deadline's (deadlines.refresh_due).
    due = deadlines.calendar_for(session).add_working_days(opened, deadlines.days_for(DeadlineKind.assignment))
    case = Case(complaint_id=complaint.id, office_id=chosen.office.id, opened_at=opened,
                office_received_at=utcnow(), routing_rule_id=chosen.rule.id if chosen.rule else None,
                routing_rule_name=chosen.rule.name if chosen.rule else None,
                helper_office_ids=chosen.helper_office_ids or None,
                priority=10 * max(0, (complaint.repeat_count or 1) - 1), due_at=due)
    session.add(case)
    session.flush()
    session.add(CaseDeadline(case_id=case.id, office_id=case.office_id, kind=DeadlineKind.assignment,
                             started_at=opened, due_at=due))
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
