"""Opening a case for a new complaint and sending it to the office the routing table names."""
from __future__ import annotations

import logging

from sqlmodel import Session, select

from hotline.cases import deadlines
from models.base import utcnow
from models.cases import Case, DeadlineKind
from models.complaints import Complaint
from models.offices import Office, OfficeKind

log = logging.getLogger(__name__)


def case_management_office(session: Session) -> Office:
    """The 案管室: where complaints no routing rule claims wait for manual dispatch."""
    office = session.exec(select(Office).where(Office.kind == OfficeKind.case_management)).first()
    if office is None:
        office = Office(name="案件监督管理室", kind=OfficeKind.case_management)
        session.add(office)
        session.flush()
    return office


def open_case(*, session: Session, complaint: Complaint, actor: object | None) -> Case:
    """Create the complaint's case in the office chosen by routing (or the 案管室).

    When the operator ticked a likely duplicate on the intake form (`merge_into`), the new case is
    merged into that one at once and the surviving case is returned.
    """
    from hotline.cases import routing, workflow

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
    workflow.event(session, case, actor, "opened", note, office_id=chosen.office.id,
                   rule_id=chosen.rule.id if chosen.rule else None, helper_office_ids=chosen.helper_office_ids)
    workflow.sync_complaint(session, case)
    target = _requested_merge_target(session, complaint)
    if target is not None:
        from hotline.cases.duplicates import merge

        try:
            with session.begin_nested():
                return merge(session=session, source=complaint, target=target, actor=actor,
                             reason="接线员登记时确认为重复举报")
        except workflow.WorkflowError as exc:  # never lose the report over a merge
            log.warning("merge at intake refused: %s", exc)
    return case


def _requested_merge_target(session: Session, complaint: Complaint) -> Complaint | None:
    """The duplicate the operator chose on the intake form (cases/_duplicates_slot.html), if any."""
    from flask import has_request_context, request

    if not has_request_context() or request.endpoint != "intake.new" or request.method != "POST":
        return None
    raw = request.form.get("merge_into", "")
    if not raw.isdigit():
        return None
    target = session.get(Complaint, int(raw))
    return target if target is not None and target.id != complaint.id else None
