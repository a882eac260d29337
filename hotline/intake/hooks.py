"""What happens to a complaint at intake: triage before it is stored, routing into a case after.

Each step is owned by its capability; a failing classifier never loses a report
(the complaint simply stays unclassified), so triage errors are contained here.
"""
from __future__ import annotations

import logging

from sqlmodel import Session

from models.complaints import Complaint, TriageState
from models.users import Actor

log = logging.getLogger(__name__)


def classify(*, session: Session, complaint: Complaint) -> None:
    """Triage a complaint not yet stored (best effort: on failure it stays unclassified)."""
    from hotline.triage.service import triage_complaint

    try:
        triage_complaint(session=session, complaint=complaint)
    except Exception:  # the report matters more than its labels: keep it, unclassified
        log.exception("triage failed; the complaint is left unclassified")
        complaint.triage_state = TriageState.unclassified


def choose_route(*, session: Session, complaint: Complaint, levels: set) -> object:
    """The route (office, rule) of a complaint not yet stored, from its fields and accused levels."""
    from hotline.cases.opening import choose

    return choose(session, complaint, levels)


def route(*, session: Session, complaint: Complaint, actor: Actor, merge_into: int | None = None,
          chosen: object | None = None) -> None:
    """Open the complaint's case in the office the routing table chooses (merged when asked)."""
    from hotline.cases.opening import open_case

    open_case(session=session, complaint=complaint, actor=actor, merge_into=merge_into, chosen=chosen)
