"""Merged reports (并单): likely duplicates found while the operator types, and merging.

A merged complaint keeps its receipt code and contacts; its case becomes `merged` and points at
the surviving case, whose complaint's repeat_count grows (raising priority, suggesting 挂牌督办).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from rapidfuzz import fuzz
from sqlmodel import Session, select

from hotline import settings
from hotline.cases import deadlines
from hotline.cases.transitions import WorkflowError, event, sync_complaint
from models.base import utcnow
from models.cases import Case, CaseStatus
from models.complaints import AccusedPerson, Complaint, ComplaintStatus
from models.users import Actor, Role

LOOKBACK_DAYS = 365
POOL = 300
THRESHOLD = 0.45


@dataclass
class Candidate:
    complaint: Complaint
    score: float
    reasons: list[str] = field(default_factory=list)


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def text_similarity(a: str, b: str) -> float:
    """0..1: how much of the shorter text the longer one contains (character level, fits Chinese)."""
    if not a or not b:
        return 0.0
    return fuzz.partial_ratio(a[:600], b[:600]) / 100.0 if min(len(a), len(b)) >= 8 else fuzz.ratio(a, b) / 100.0


@dataclass
class TextHints:
    """What a report's text says about where and whom, for a form that left those empty."""

    township_id: int | None = None
    village_id: int | None = None
    names: list[str] = field(default_factory=list)


def text_hints(session: Session, text: str) -> TextHints:
    """Known places and named people in the text (the county's divisions, 王某某, 村支书李某)."""
    from classifiers.extract import extract_entities
    from hotline.triage.service import known_divisions

    hints = TextHints()
    for entity in extract_entities(text, known_divisions(session)):
        attrs = entity.attrs or {}
        if entity.kind == "place" and attrs.get("known") and attrs.get("ref") is not None:
            if attrs.get("level") == "village" and hints.village_id is None:
                hints.village_id = int(attrs["ref"])
            elif attrs.get("level") == "township" and hints.township_id is None:
                hints.township_id = int(attrs["ref"])
        elif entity.kind == "person" and entity.value and entity.value not in hints.names:
            hints.names.append(str(entity.value))
    return hints


def find(session: Session, *, text: str = "", village_id=None, township_id=None, program: str = "",
         accused_name: str = "", exclude_id: int | None = None, limit: int = 5,
         now: dt.datetime | None = None) -> list[Candidate]:
    """Open complaints that look like the same matter, best first (score >= THRESHOLD).

    Where the form leaves place or accused empty (a repeat report typed in a hurry: "我再反映
    一下，青山镇那个村支书王某某的弟弟…"), the places and names the text itself gives are used.
    """
    village_id, township_id = _int(village_id), _int(township_id)
    accused_name, text, program = (accused_name or "").strip(), (text or "").strip(), (program or "").strip()
    if not (text or accused_name or village_id):
        return []
    names_from_text: list[str] = []
    if text and not (village_id and accused_name):
        hints = text_hints(session, text)
        village_id = village_id or hints.village_id
        township_id = township_id or hints.township_id
        names_from_text = [] if accused_name else hints.names
    since = (now or utcnow()) - dt.timedelta(days=LOOKBACK_DAYS)
    wanted = [accused_name] if accused_name else names_from_text
    named = select(AccusedPerson.complaint_id).where(AccusedPerson.name.in_(wanted)) if wanted else None
    near = [Complaint.village_id == village_id] if village_id else []
    if township_id:
        near.append(Complaint.township_id == township_id)
    if named is not None:
        near.append(Complaint.id.in_(named))
    if not near:
        return []
    stmt = (select(Complaint).join(Case, Case.complaint_id == Complaint.id)
            .where(sa.or_(*near), Complaint.merged_into_id.is_(None), Complaint.received_at >= since,
                   Case.status.notin_([CaseStatus.closed, CaseStatus.merged]))
            .order_by(Complaint.received_at.desc()).limit(POOL))
    if exclude_id:
        stmt = stmt.where(Complaint.id != exclude_id)
    found = []
    for complaint in session.exec(stmt).all():
        names = set(session.exec(select(AccusedPerson.name).where(AccusedPerson.complaint_id == complaint.id)).all())
        score, reasons = 0.0, []
        if set(wanted) & names:
            score += 0.35
            reasons.append("被反映人相同" if accused_name else "被反映人相同（据反映内容）")
        if village_id and complaint.village_id == village_id:
            score += 0.2
            reasons.append("同一村")
        elif township_id and complaint.township_id == township_id and not village_id:
            score += 0.1
            reasons.append("同一乡镇")
        if program and complaint.program and complaint.program.value == program:
            score += 0.15
            reasons.append("同一领域")
        similarity = text_similarity(text, complaint.text)
        score += 0.4 * similarity
        if similarity >= 0.5:
            reasons.append(f"内容相似（{similarity:.0%}）")
        if score >= THRESHOLD:
            found.append(Candidate(complaint, round(score, 3), reasons))
    found.sort(key=lambda c: (-c.score, -c.complaint.id))
    return found[:limit]


def case_of(session: Session, complaint: Complaint) -> Case | None:
    return session.exec(select(Case).where(Case.complaint_id == complaint.id)).first()


def merge(*, session: Session, source: Complaint, target: Complaint, actor: Actor, reason: str = "") -> Case:
    """Merge `source` into `target` (并单); returns the surviving case."""
    from hotline.cases import supervision

    role = getattr(actor, "role", None)
    if role not in (Role.operator, Role.supervisor, None):
        raise WorkflowError("您的角色不能并单")
    if source.id == target.id:
        raise WorkflowError("不能与自身并单")
    if target.merged_into_id is not None:
        raise WorkflowError("目标线索已并入其他线索，请选择最终承办的线索")
    if source.merged_into_id is not None:
        raise WorkflowError("该线索已并单")
    target_case, source_case = case_of(session, target), case_of(session, source)
    if actor is not None and not _in_scope(session, actor, source, source_case, target_case):
        raise WorkflowError("只能合并您职责范围内的线索")
    if target_case is None or target_case.status in (CaseStatus.closed, CaseStatus.merged):
        raise WorkflowError("目标线索已办结或不存在，不能并入")
    if source_case is not None and source_case.status is CaseStatus.closed:
        raise WorkflowError("已办结的线索不能并单")
    now = utcnow()
    # Earlier merges into the source now belong to the target too.
    session.execute(sa.update(Complaint).where(Complaint.merged_into_id == source.id)
                    .values(merged_into_id=target.id))
    source.merged_into_id, source.status, source.updated_at = target.id, ComplaintStatus.merged, now
    target.repeat_count = (target.repeat_count or 1) + (source.repeat_count or 1)
    target.updated_at = now
    session.add_all([source, target])
    if source_case is not None:
        deadlines.cancel(session, source_case)
        supervision.lift_all(session, source_case, actor, "并单")
        source_case.status, source_case.merged_into_case_id = CaseStatus.merged, target_case.id
        source_case.updated_at = now
        session.add(source_case)
        event(session, source_case, actor, "merged_into", reason or None, into_case_id=target_case.id,
              into_complaint_id=target.id)
        sync_complaint(session, source_case)
    target_case.priority = max(target_case.priority, 0) + 10 * (source.repeat_count or 1)
    session.add(target_case)
    event(session, target_case, actor, "merged_in", reason or None, complaint_id=source.id,
          repeat_count=target.repeat_count)
    threshold = settings.current().SUPERVISE_REPEAT_THRESHOLD
    if target.repeat_count >= threshold and not target_case.supervised:
        event(session, target_case, None, "supervision_suggested",
              f"同一问题已被反映{target.repeat_count}次，建议挂牌督办", repeat_count=target.repeat_count)
    return target_case


def _in_scope(session: Session, actor: Actor, source: Complaint, source_case: Case | None,
              target_case: Case | None) -> bool:
    """Both cases within the actor's scope (the source also if he has just logged it himself)."""
    from hotline import scope

    own_source = source.created_by_id is not None and source.created_by_id == actor.id
    return ((source_case is None or own_source or scope.may_act_on_case(session, actor, source_case))
            and (target_case is None or scope.may_act_on_case(session, actor, target_case)))


def merged_complaints(session: Session, case: Case) -> list[Complaint]:
    return list(session.exec(select(Complaint).where(Complaint.merged_into_id == case.complaint_id)
                             .order_by(Complaint.received_at)).all())
