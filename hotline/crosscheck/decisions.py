"""The inspector's decisions on a finding: confirm or dismiss with a reason, turn a confirmed
finding into a clue (source 大数据比对), or attach it to an existing complaint."""
from __future__ import annotations

from sqlmodel import Session, select

from hotline import audit
from hotline.crosscheck.findings import FindingError
from hotline.crosscheck.matching import MATCH_LABELS
from hotline.crosscheck.rules import RULES
from models.base import utcnow
from models.complaints import Complaint
from models.findings import Finding, FindingComplaint, FindingStatus
from models.users import User


def decide(*, session: Session, finding: Finding, action: str, reason: str, actor: User) -> Finding:
    """Confirm or dismiss a finding, with a reason; the caller commits."""
    reason = (reason or "").strip()
    if action not in ("confirm", "dismiss"):
        raise FindingError("操作不正确")
    if len(reason) < 2:
        raise FindingError("请填写核查结论的理由（至少2个字）")
    finding.status = FindingStatus.confirmed if action == "confirm" else FindingStatus.dismissed
    finding.decision_reason, finding.decided_by_id, finding.decided_at = reason[:2000], actor.id, utcnow()
    finding.updated_at = utcnow()
    session.add(finding)
    audit.record(session, actor=actor, action=f"finding.{action}", entity="finding", entity_id=finding.id,
                 detail={"rule": finding.rule, "reason": reason[:200]})
    return finding


def links(session: Session, finding: Finding) -> list[tuple[FindingComplaint, Complaint]]:
    return list(session.exec(select(FindingComplaint, Complaint)
                             .join(Complaint, Complaint.id == FindingComplaint.complaint_id)
                             .where(FindingComplaint.finding_id == finding.id)).all())


def clue_text(finding: Finding) -> str:
    rule = RULES[finding.rule]
    lines = [f"【大数据比对】{rule.name}：{finding.name}（身份证号{finding.id_number or '不详'}），"
             f"{finding.township or ''}{finding.village or ''}，项目：{finding.programme or '不详'}。",
             finding.reason + "。",
             f"匹配程度：{MATCH_LABELS.get(finding.match, finding.match)}（{finding.score:.2f}）。证据："]
    for item in finding.evidence or []:
        shown = "，".join(f"{k}：{v}" for k, v in item["fields"].items() if v)
        lines.append(f"- {item['kind_label']}（第{item['import_id']}批第{item['row_no']}行，{item['role']}）{shown}")
    if finding.decision_reason:
        lines.append(f"核查意见：{finding.decision_reason}")
    return "\n".join(lines)


def make_clue(*, session: Session, finding: Finding, actor: User, lookup_key: bytes) -> Complaint:
    """Turn a confirmed finding into a new clue (source 大数据比对), triaged and routed like any other."""
    from hotline.intake.service import IntakeData, log_contact
    from models.divisions import Township, Village

    if finding.status is not FindingStatus.confirmed:
        raise FindingError("只有已确认的疑点才能转为问题线索")
    if any(link.kind == "clue" for link, _c in links(session, finding)):
        raise FindingError("该疑点已转为问题线索，不能重复转办")
    township = session.exec(select(Township).where(Township.name == (finding.township or ""))).first()
    village = None
    if finding.village:
        stmt = select(Village).where(Village.name == finding.village)
        if township is not None:
            stmt = stmt.where(Village.township_id == township.id)
        candidates = session.exec(stmt).all()
        village = candidates[0] if len(candidates) == 1 else None
    data = IntakeData(text=clue_text(finding), channel="crosscheck", source="crosscheck",
                      township_id=township.id if township else None, village_id=village.id if village else None,
                      program=finding.program if finding.program else "")
    complaint = log_contact(session=session, data=data, actor=actor, lookup_key=lookup_key)
    session.add(FindingComplaint(finding_id=finding.id, complaint_id=complaint.id, kind="clue",
                                 created_by_id=actor.id))
    audit.record(session, actor=actor, action="finding.clue", entity="finding", entity_id=finding.id,
                 detail={"complaint_id": complaint.id})
    return complaint


def attach(*, session: Session, finding: Finding, complaint: Complaint, actor: User) -> FindingComplaint:
    """Attach a finding to an existing complaint as evidence for its case."""
    if finding.status is FindingStatus.dismissed:
        raise FindingError("已排除的疑点不能关联到问题线索")
    if any(c.id == complaint.id for _link, c in links(session, finding)):
        raise FindingError(f"该疑点已关联到线索{complaint.receipt_code}")
    link = FindingComplaint(finding_id=finding.id, complaint_id=complaint.id, kind="attached", created_by_id=actor.id)
    session.add(link)
    session.flush()
    audit.record(session, actor=actor, action="finding.attach", entity="finding", entity_id=finding.id,
                 detail={"complaint_id": complaint.id})
    return link
