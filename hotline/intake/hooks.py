"""What happens to a complaint right after intake: triage, then routing into a case.

Each step is owned by its capability; a failing classifier never loses a report
(the complaint simply stays unclassified), so triage errors are contained here.
"""
from __future__ import annotations

import logging

from sqlmodel import Session

from models.complaints import Complaint
from models.contacts import Contact

log = logging.getLogger(__name__)


def after_intake(*, session: Session, complaint: Complaint, contact: Contact, user: object | None) -> None:
    """Triage (best effort) and open the case."""
    from hotline.cases.opening import open_case

    _triage(session, complaint)
    open_case(session=session, complaint=complaint, actor=user)


def _triage(session: Session, complaint: Complaint) -> None:
    try:
        from hotline.triage.service import triage_complaint
    except ImportError:
        return
    try:
        with session.begin_nested():
            triage_complaint(session=session, complaint=complaint)
    except Exception:  # the report matters more than its labels: keep it, unclassified
        log.exception("triage failed for complaint %s; left unclassified", complaint.id)
