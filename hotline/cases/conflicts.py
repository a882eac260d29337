"""Conflict of interest (利害关系回避): an inspector from the accused's village, or related to
the accused, or the accused themself, cannot be given the case."""
from __future__ import annotations

from sqlmodel import Session, select

from hotline import audit
from models.cases import Case, ConflictDeclaration
from models.complaints import AccusedPerson, Complaint
from models.divisions import Village
from models.users import Actor, User


class ConflictDataError(ValueError):
    """A declaration that cannot be saved; the message is in Chinese."""


def _complaint_ids(session: Session, case: Case) -> list[int]:
    merged = session.exec(select(Complaint.id).where(Complaint.merged_into_id == case.complaint_id)).all()
    return [case.complaint_id, *merged]


def conflicts_for(session: Session, *, inspector: User, case: Case) -> list[str]:
    """Reasons the inspector may not handle the case (empty: none found)."""
    ids = _complaint_ids(session, case)
    complaints = session.exec(select(Complaint).where(Complaint.id.in_(ids))).all()
    accused = session.exec(select(AccusedPerson).where(AccusedPerson.complaint_id.in_(ids))).all()
    names = {a.name.strip() for a in accused if a.name and a.name.strip() not in ("", "不详")}
    reasons = []
    villages = {c.village_id for c in complaints if c.village_id}
    if inspector.home_village_id and inspector.home_village_id in villages:
        village = session.get(Village, inspector.home_village_id)
        reasons.append(f"该干部的家乡（{village.name if village else ''}）即被反映事项所在村")
    if inspector.full_name and inspector.full_name.strip() in names:
        reasons.append("该干部本人是被反映人")
    for row in session.exec(select(ConflictDeclaration).where(ConflictDeclaration.user_id == inspector.id)).all():
        if row.person_name.strip() in names:
            reasons.append(f"被反映人“{row.person_name}”是该干部申报的{row.relation or '亲属'}")
        elif row.village_id and row.village_id in villages:
            reasons.append(f"该干部申报的{row.relation or '亲属'}“{row.person_name}”住在被反映事项所在村")
    return reasons


def declare(*, session: Session, user: User, person_name: str, relation: str, village_id: int | None,
            actor: Actor) -> ConflictDeclaration:
    """Record a relative (or other close tie) of a staff member."""
    person_name, relation = (person_name or "").strip(), (relation or "").strip()
    if not person_name or len(person_name) > 40:
        raise ConflictDataError("请填写亲属姓名（最多40字）")
    if len(relation) > 20:
        raise ConflictDataError("关系过长（最多20字）")
    if village_id is not None and session.get(Village, village_id) is None:
        raise ConflictDataError("所选村（社区）不存在")
    row = ConflictDeclaration(user_id=user.id, person_name=person_name, relation=relation, village_id=village_id)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="conflict.declare", entity="user", entity_id=user.id,
                 detail={"declaration_id": row.id, "relation": relation})
    return row
