"""What the clue panel on the complaint page shows, and the clue numbers lists show beside receipt codes."""
from __future__ import annotations

from collections.abc import Iterable

from flask_login import current_user
from sqlmodel import select

from hotline.cases.routing_actions import LEVEL
from hotline.clues import actions, duties, reminders
from hotline.clues.transfer import COMPETENT_BODIES
from hotline.db import get_session
from models.base import utcnow
from models.cases import Case
from models.clues import (REFERRED_SOURCES, Clue, ClueHandling, ClueNotice, ClueObjection, ClueSource, NoticeKind,
                          NoticeMethod, ObjectionOutcome)
from models.complaints import Complaint
from models.offices import Office, OfficeKind
from models.users import User


def clue_numbers(complaint_ids: Iterable[int]) -> dict[int, str]:
    """complaint id → clue number, for a list's rows."""
    ids = [i for i in complaint_ids if i is not None]
    if not ids:
        return {}
    return dict(get_session().exec(select(Clue.complaint_id, Clue.number).where(Clue.complaint_id.in_(ids))).all())


def _offices(db, case: Case, complaint: Complaint) -> tuple[list[Office], list[Office]]:
    """Offices a supervisor may escalate to (a higher level) or cross-assign to (another township's)."""
    offices = db.exec(select(Office).where(Office.active == True).order_by(Office.id)).all()  # noqa: E712
    current = next((o for o in offices if o.id == case.office_id), None)
    level = LEVEL[current.kind] if current else 0
    higher = [o for o in offices if LEVEL[o.kind] > level]
    others = [o for o in offices if o.kind is OfficeKind.township_commission and o.id != case.office_id]
    return higher, others


def clue_panel(complaint: Complaint | None) -> dict:
    """Everything clues/_panel.html needs for one complaint and the current user ({}: no clue)."""
    if complaint is None:
        return {}
    db = get_session()
    clue = db.exec(select(Clue).where(Clue.complaint_id == complaint.id)).first()
    if clue is None:
        return {}
    case = db.exec(select(Case).where(Case.complaint_id == complaint.id)).first()
    steps = [name for name in actions.ACTIONS if case is not None and actions.may(db, name, case, current_user)]
    referred = clue.source in REFERRED_SOURCES
    steps = [s for s in steps if _applies(s, clue, referred, db)]
    higher, others = _offices(db, case, complaint) if case else ([], [])
    users = {u.id: u.full_name for u in db.exec(select(User)).all()}
    now = utcnow()
    return {
        "clue": clue, "case": case, "referred": referred, "steps": steps,
        "step_labels": {k: a.label for k, a in actions.ACTIONS.items()},
        "source_label": ClueSource(clue.source).label, "handling_label": ClueHandling(clue.handling).label,
        "duties": [(reminders.DUTY_LABELS[d], due, due < now) for d, due in reminders.open_duties(db, clue)],
        "notices": db.exec(select(ClueNotice).where(ClueNotice.clue_id == clue.id).order_by(ClueNotice.at)).all(),
        "objections": db.exec(select(ClueObjection).where(ClueObjection.clue_id == clue.id)
                              .order_by(ClueObjection.received_at)).all(),
        "notice_kinds": NoticeKind.labels(), "methods": NoticeMethod.labels(), "method_choices": list(NoticeMethod),
        "outcomes": ObjectionOutcome.labels(), "bodies": COMPETENT_BODIES, "higher": higher, "others": others,
        "users": users, "reachable": duties.reporter(db, clue) is not None,
    }


def _applies(step: str, clue: Clue, referred: bool, db) -> bool:
    """Offer only the steps that make sense for this clue (the functions refuse the rest anyway)."""
    if step == "acknowledge":
        return clue.named and clue.ack_given_at is None
    if step == "withdraw_name":
        return clue.named
    if step == "transfer":
        return clue.handling.value == "own"
    if step == "accept":
        return referred and clue.accepted_at is None
    if step == "report_back":
        return referred and clue.reported_back_at is None
    if step == "objection":
        return clue.named and duties.open_objection(db, clue) is None
    if step == "answer_objection":
        return duties.open_objection(db, clue) is not None
    return True
