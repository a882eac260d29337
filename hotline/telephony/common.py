"""Small helpers shared by the phone line: caller numbers, configuration state, labels."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from hotline import phones
from hotline.settings import Settings
from models.cases import Case
from models.complaints import Complaint, ComplaintStatus
from models.offices import Office, OfficeKind


@dataclass(frozen=True)
class Caller:
    """Who is on the other end: the normalised Chinese number if it is one, and a hash to group by."""

    raw: str
    number: str | None
    hash: str


def caller(raw: str, lookup_key: bytes) -> Caller:
    """Parse Twilio's From (+8613812345678); a sender that is no Chinese number still gets a hash."""
    raw = (raw or "").strip()
    number = phones.try_normalize(raw)
    return Caller(raw, number, phones.lookup_hash(number or ("raw:" + raw), lookup_key))


def sending_enabled(settings: Settings) -> bool:
    """Outbound SMS needs the account, the token and the hotline's number."""
    return bool(settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN and settings.TWILIO_FROM)


def e164(number: str) -> str:
    """A normalised Chinese number as Twilio wants it."""
    return "+86" + number.lstrip("0") if not number.startswith("+") else number


def status_line(session: Session, complaint: Complaint) -> tuple[str, str]:
    """(status label, handling office level label): all a receipt look-up may reveal."""
    case = session.exec(select(Case).where(Case.complaint_id == complaint.id)).first()
    office = session.get(Office, case.office_id) if case else None
    level = OfficeKind(office.kind).label if office else "待定"
    return ComplaintStatus(complaint.status).label, level
