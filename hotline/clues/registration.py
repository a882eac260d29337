"""Registering a clue: the number, the source, and the duties the register starts (受理告知,
受理或转办). Called from intake's log_contact inside the complaint's own transaction."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from hotline import audit, settings
from hotline.cases import calendar as workcal
from hotline.clues import numbers
from hotline.clues.sources import CleanSource
from models.base import utcnow
from models.clues import Clue
from models.complaints import Complaint
from models.users import Actor


def calendar(session: Session) -> workcal.WorkCalendar:
    return workcal.load(session, settings.current().TIMEZONE)


def register_clue(*, session: Session, complaint: Complaint, source: CleanSource, named: bool,
                  actor: Actor) -> Clue:
    """Number the (flushed) complaint as a clue of this year; the caller commits."""
    now = utcnow()
    commission = settings.current().COMMISSION_NAME[:60]
    year = now.astimezone(ZoneInfo(settings.current().TIMEZONE)).year
    seq = numbers.draw(session, commission=commission, year=year)
    clue = Clue(complaint_id=complaint.id, commission=commission, year=year, seq=seq,
                number=numbers.format_number(settings.current().CLUE_NUMBER_PATTERN, year=year, seq=seq),
                source=source.source, referring_body=source.referring_body,
                referral_doc_number=source.doc_number, referral_date=source.date,
                referral_due_date=source.due_date, named=named, received_at=complaint.received_at,
                registered_at=now, registered_by_id=getattr(actor, "id", None))
    work = calendar(session) if (named or source.referred) else None
    if named:
        clue.ack_due_at = work.add_working_days(complaint.received_at, settings.current().CLUE_ACK_DAYS)
    if source.referred:
        clue.accept_due_at = work.add_working_days(complaint.received_at, settings.current().CLUE_ACCEPT_DAYS)
    session.add(clue)
    session.flush()
    audit.record(session, actor=actor, action="clue.register", entity="clue", entity_id=clue.id,
                 detail={"number": clue.number, "complaint_id": complaint.id, "source": clue.source.value,
                         "named": named, "doc_number": clue.referral_doc_number})
    return clue


def clue_of(session: Session, complaint_id: int) -> Clue | None:
    return session.exec(select(Clue).where(Clue.complaint_id == complaint_id)).first()


def clue_json(complaint: Complaint) -> dict:
    """The clue fields of a complaint's API representation."""
    from sqlalchemy.orm import object_session

    from models.clues import ClueSource

    session = object_session(complaint)
    clue = clue_of(session, complaint.id) if session is not None and complaint.id else None
    if clue is None:
        return {"clue_number": None, "clue_source": None, "clue_source_label": None}
    return {"clue_number": clue.number, "clue_source": clue.source.value,
            "clue_source_label": ClueSource(clue.source).label}
