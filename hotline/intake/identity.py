"""Who may see a complainant's identity, and revealing it (always audited)."""
from __future__ import annotations

from sqlmodel import Session

from hotline import audit
from models.cases import Case
from models.complainants import Complainant
from models.complaints import Complaint
from models.users import Role, User


def can_reveal(user: User, complaint: Complaint, case: Case | None) -> bool:
    """The operator who logged it, a supervisor of the handling office, or an identity custodian."""
    if complaint.complainant_id is None:
        return False
    if user.role is Role.custodian:
        return True
    if user.role is Role.operator:
        return complaint.created_by_id == user.id
    if user.role is Role.supervisor:
        return case is None or user.office_id is None or case.office_id == user.office_id
    return False


def reveal_identity(session: Session, *, complaint: Complaint, actor: User, reason: str) -> Complainant | None:
    """The complainant behind a complaint, with the view recorded in the audit trail."""
    person = session.get(Complainant, complaint.complainant_id) if complaint.complainant_id else None
    audit.record(session, actor=actor, action="identity.view", entity="complaint", entity_id=complaint.id,
                 detail={"complainant_id": complaint.complainant_id, "reason": reason[:200]})
    return person
