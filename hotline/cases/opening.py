"""Opening a case for a new complaint and sending it to an office."""
from __future__ import annotations

from sqlmodel import Session, select

from hotline import audit
from models.base import utcnow
from models.cases import Case, CaseEvent
from models.complaints import Complaint
from models.offices import Office, OfficeKind


def case_management_office(session: Session) -> Office:
    """The 案管室: where complaints no routing rule claims wait for manual dispatch."""
    office = session.exec(select(Office).where(Office.kind == OfficeKind.case_management)).first()
    if office is None:
        office = Office(name="案件监督管理室", kind=OfficeKind.case_management)
        session.add(office)
        session.flush()
    return office


def open_case(*, session: Session, complaint: Complaint, actor: object | None) -> Case:
    """Create the complaint's case in the office chosen by routing (or the 案管室)."""
    office = case_management_office(session)
    case = Case(complaint_id=complaint.id, office_id=office.id, opened_at=complaint.received_at or utcnow())
    session.add(case)
    session.flush()
    session.add(CaseEvent(case_id=case.id, actor_id=getattr(actor, "id", None), kind="opened",
                          note=f"受理并转{office.name}", data={"office_id": office.id}))
    audit.record(session, actor=actor, action="case.open", entity="case", entity_id=case.id,
                 detail={"complaint_id": complaint.id, "office_id": office.id})
    return case
