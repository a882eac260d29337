"""Sealing and opening a complainant's identity; revealing it is always audited (who may: hotline.scope)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from hotline import audit, phones
from hotline.vault import vault
from models.base import new_row
from models.complainants import Complainant
from models.complaints import Complaint
from models.users import User


@dataclass(frozen=True)
class Identity:
    """A complainant's identity, opened. Never stored, never logged."""

    name: str | None
    phone: str | None
    id_number: str | None


def seal_complainant(*, name: str | None, phone: str | None, id_number: str | None = None,
                     phone_hash: str | None) -> Complainant:
    """A new Complainant row with every identity field sealed and the masked forms for lists."""
    box = vault()
    return new_row(Complainant, name_enc=box.seal(name, field="name"), phone_enc=box.seal(phone, field="phone"),
                   id_number_enc=box.seal(id_number, field="id_number"),
                   name_masked=phones.mask_name(name) or None, phone_masked=phones.mask(phone) or None,
                   phone_hash=phone_hash)


def open_identity(person: Complainant) -> Identity:
    """Decrypt a complainant's identity (callers audit the view where a person sees it)."""
    box = vault()
    return Identity(box.open(person.name_enc, field="name"), box.open(person.phone_enc, field="phone"),
                    box.open(person.id_number_enc, field="id_number"))


def complainant_phone(session: Session, complainant_id: int | None) -> str | None:
    """The number to send a complainant an SMS (feedback, receipts): opened for sending only."""
    person = session.get(Complainant, complainant_id) if complainant_id else None
    return open_identity(person).phone if person is not None else None


def reveal_identity(session: Session, *, complaint: Complaint, actor: User, reason: str) -> Identity | None:
    """The identity behind a complaint, with the view recorded in the audit trail."""
    person = session.get(Complainant, complaint.complainant_id) if complaint.complainant_id else None
    audit.record(session, actor=actor, action="identity.view", entity="complaint", entity_id=complaint.id,
                 detail={"complainant_id": complaint.complainant_id, "reason": reason[:200]})
    return open_identity(person) if person is not None else None
