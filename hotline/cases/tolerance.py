"""容错免责/减责: the conditions (data, versioned), applications per person, a supervisor's decision,
and the reminder to the organisation department when a 减责's 影响期 ends.

A decision points at the condition version it was decided under: editing a condition adds a new
version and retires the old one, so a decision's wording never changes afterwards.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from hotline import audit
from hotline.cases.outcomes import active_measures, parse_date, person_of, today
from hotline.cases.transitions import WorkflowError, check, event
from models.base import utcnow
from models.cases import Case, CaseEvent, CaseNotice, CaseReminder, Finding
from models.complaints import Complaint
from models.offices import Office, OfficeKind
from models.outcomes import (SANCTIONS, UNAFFECTED, ToleranceApplication, ToleranceCondition, ToleranceDecision)
from models.users import Actor, Role, User

# The list loaded by default: the four conditions the county's rules state, in their words and whole
# (each is one compound condition), then situations a typical 容错纠错办法 lists (a commission
# replaces them with its own 办法's list), then "其他" which must state its basis.
DEFAULT_CONDITIONS: tuple[tuple[str, str, bool], ...] = (
    ("seed-1", "党内法规、国家法律法规无明令禁止，工作中出现失误或造成影响和损失，但经过科学民主决策程序、阳光运行，"
               "没有谋取不当利益的", False),
    ("seed-2", "符合国家大政方针和上级、本级党委、政府决策部署，出现工作失误和偏差，但积极采取措施，最大程度地主动挽回损失、"
               "消除不良影响或有效阻止危害结果发生的", False),
    ("seed-3", "根据中央和省、市有关精神进行先行先试改革，因大胆探索有利于改革创新和发展大局的工作，出现探索性失误或"
               "未达到预期效果的", False),
    ("seed-4", "在深入推进我市“一优三化”战略过程中，紧紧围绕市委、市政府工作安排，主动抓招商引资、抓项目落地、抓政策落实，"
               "因国家政策调整或上级党委、政府决策部署变化，工作未达到预期效果或造成负面影响和损失的", False),
    ("typical-1", "在处置突发事件、抢险救灾等紧急任务中，为维护群众利益和社会稳定，主动担当、履职尽责，但出现工作失误或"
                  "造成一定损失的", False),
    ("typical-2", "因不可抗力或难以预见的客观因素，导致工作未达到预期效果或造成一定损失，本人已尽到应尽职责的", False),
    ("typical-3", "在集体决策中明确提出反对意见或保留意见并记录在案，或执行上级决策时已提出改正意见未被采纳，"
                  "出现失误或造成损失的", False),
    ("typical-4", "在化解历史遗留问题、推进脱贫攻坚重点工作中敢于担当、破解难题，因触及固有利益被反映问题，"
                  "经核查未造成严重后果且没有谋取私利的", False),
    ("other", "其他（须写明依据）", True),
)


def ensure_defaults(session: Session) -> bool:
    """Load the default list once, into an empty table (an admin's edits are never overwritten).
    True if it loaded them (the caller commits)."""
    if session.exec(select(ToleranceCondition.id)).first() is not None:
        return False
    for position, (key, wording, basis) in enumerate(DEFAULT_CONDITIONS, start=1):
        session.add(ToleranceCondition(key=key, version=1, position=position, wording=wording,
                                       requires_basis=basis, current=True, created_at=utcnow()))
    session.flush()
    return True


def current_conditions(session: Session) -> list[ToleranceCondition]:
    ensure_defaults(session)
    return session.exec(select(ToleranceCondition).where(ToleranceCondition.current == True)  # noqa: E712
                        .order_by(ToleranceCondition.position, ToleranceCondition.id)).all()


def _admin(actor: Actor) -> None:
    if actor is not None and getattr(actor, "role", None) is not Role.admin:
        raise WorkflowError("只有系统管理员可以修改容错免责条件")


def _wording(text: str) -> str:
    text = (text or "").strip()
    if not text or len(text) > 1000:
        raise WorkflowError("请填写条件内容（最多1000字）")
    return text


def revise_condition(*, session: Session, condition_id, wording: str, actor: Actor) -> ToleranceCondition:
    """A new wording for a condition: a new version; the old one stays for the decisions made under it."""
    _admin(actor)
    old = session.get(ToleranceCondition, int(condition_id)) if str(condition_id).isdigit() else None
    if old is None or not old.current:
        raise WorkflowError("该条件不存在或已停用")
    wording = _wording(wording)
    if wording == old.wording:
        raise WorkflowError("条件内容没有变化")
    old.current, old.retired_at = False, utcnow()
    new = ToleranceCondition(key=old.key, version=old.version + 1, position=old.position, wording=wording,
                             requires_basis=old.requires_basis, current=True, created_by_id=getattr(actor, "id", None),
                             created_at=utcnow())
    session.add_all([old, new])
    session.flush()
    audit.record(session, actor=actor, action="tolerance.condition_revised", entity="tolerance_condition",
                 entity_id=new.id, detail={"key": new.key, "version": new.version, "previous_id": old.id})
    return new


def add_condition(*, session: Session, wording: str, requires_basis: bool = False, actor: Actor) -> ToleranceCondition:
    _admin(actor)
    ensure_defaults(session)
    wording = _wording(wording)
    position = max([c.position for c in current_conditions(session)] or [0]) + 1
    key = f"c{position}-{utcnow():%Y%m%d%H%M%S}"
    row = ToleranceCondition(key=key, version=1, position=position, wording=wording, requires_basis=requires_basis,
                             current=True, created_by_id=getattr(actor, "id", None), created_at=utcnow())
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="tolerance.condition_added", entity="tolerance_condition",
                 entity_id=row.id, detail={"key": key})
    return row


def retire_condition(*, session: Session, condition_id, actor: Actor) -> ToleranceCondition:
    _admin(actor)
    row = session.get(ToleranceCondition, int(condition_id)) if str(condition_id).isdigit() else None
    if row is None or not row.current:
        raise WorkflowError("该条件不存在或已停用")
    row.current, row.retired_at = False, utcnow()
    session.add(row)
    audit.record(session, actor=actor, action="tolerance.condition_retired", entity="tolerance_condition",
                 entity_id=row.id, detail={"key": row.key})
    return row


# --- applications and decisions ------------------------------------------------------------

def apply(*, session: Session, case: Case, person: str, applicant: str, condition_id, basis: str = "",
          facts: str, actor: Actor) -> ToleranceApplication:
    """Record an application for one person: who applied, under which condition, the facts."""
    check(session, "tolerance_apply", case, actor)
    if case.finding is Finding.unfounded:
        raise WorkflowError("核查不实的，不适用容错免责，可为其澄清正名")
    name, accused_id = person_of(session, case, person)
    applicant = (applicant or "").strip()
    if not applicant or len(applicant) > 60:
        raise WorkflowError("请填写申请人（本人或所在党组织等，最多60字）")
    ensure_defaults(session)
    condition = session.get(ToleranceCondition, int(condition_id)) if str(condition_id).strip().isdigit() else None
    if condition is None or not condition.current:
        raise WorkflowError("请选择所适用的容错免责条件")
    basis, facts = (basis or "").strip(), (facts or "").strip()
    if condition.requires_basis and not basis:
        raise WorkflowError("选择“其他”的，须写明依据")
    if not facts:
        raise WorkflowError("请填写申请的事实和理由")
    pending = session.exec(select(ToleranceApplication.id).where(
        ToleranceApplication.case_id == case.id, ToleranceApplication.person_name == name,
        ToleranceApplication.decision.is_(None))).first()
    if pending is not None:
        raise WorkflowError(f"{name}已有待决定的容错免责申请")
    row = ToleranceApplication(case_id=case.id, person_name=name, accused_person_id=accused_id, applicant=applicant,
                               condition_id=condition.id, basis=basis[:2000] or None, facts=facts[:4000],
                               applied_at=utcnow(), recorded_by_id=getattr(actor, "id", None))
    session.add(row)
    session.flush()
    event(session, case, actor, "tolerance_applied", facts[:2000], application_id=row.id, person=name,
          condition_id=condition.id)
    return row


def decide(*, session: Session, case: Case, application_id, decision: str, reason: str, reduction: str = "",
           unaffected: list[str] | tuple[str, ...] = (), influence_ends_on: str = "",
           actor: Actor) -> ToleranceApplication:
    """A supervisor decides: 免责 (with the 四个不受影响 that apply), 减责 (what it reduced, an 影响期),
    or refused; always with reasons. A 免责 cannot stand with a 处分 for the same matter."""
    check(session, "tolerance_decide", case, actor)
    row = session.get(ToleranceApplication, int(application_id)) if str(application_id).strip().isdigit() else None
    if row is None or row.case_id != case.id:
        raise WorkflowError("容错免责申请不存在")
    if row.decision is not None:
        raise WorkflowError("该申请已作出决定")
    try:
        chosen = ToleranceDecision(decision)
    except ValueError:
        raise WorkflowError("请选择决定（免责、减责、不予容错）") from None
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("容错免责决定须写明理由")
    kept, ends, what = None, None, None
    if chosen is ToleranceDecision.exonerated:
        sanctions = [m for m in active_measures(session, case, row.person_name) if m.kind in SANCTIONS]
        if sanctions:
            raise WorkflowError(f"{row.person_name}在本案已受处分，同一事项不能免责（处分撤销后方可决定免责）")
        kept = [key for key in UNAFFECTED if key in set(unaffected)]
        if not kept or len(kept) != len(set(unaffected)):
            raise WorkflowError("免责的，须选择适用的“四个不受影响”（" + "、".join(UNAFFECTED.values()) + "）")
    elif chosen is ToleranceDecision.reduced:
        what = (reduction or "").strip()
        if not what:
            raise WorkflowError("减责的，须写明减轻了什么（如“由留党察看减为严重警告”）")
        ends = parse_date(influence_ends_on, "影响期截止日期", required=False)
        if ends is not None and ends <= today():
            raise WorkflowError("影响期截止日期须晚于今天")
    elif unaffected or (reduction or "").strip() or (influence_ends_on or "").strip():
        raise WorkflowError("不予容错的，不能填写免责或减责事项")
    row.decision, row.decision_reason, row.reduction = chosen, reason[:4000], (what or None)
    row.unaffected, row.influence_ends_on = kept, ends
    row.decided_by_id, row.decided_at = getattr(actor, "id", None), utcnow()
    session.add(row)
    event(session, case, actor, "tolerance_decided", reason[:2000], application_id=row.id, person=row.person_name,
          decision=chosen.value, influence_ends_on=ends.isoformat() if ends else None)
    return row


# --- the end of a 减责's 影响期 -------------------------------------------------------------------

def _organisation_contacts(session: Session, case: Case) -> list[int]:
    """Who passes the word to the organisation department: the case office's supervisors, else the commission's."""
    own = session.exec(select(User.id).where(User.role == Role.supervisor, User.active == True,  # noqa: E712
                                             User.office_id == case.office_id)).all()
    if own:
        return sorted(set(own))
    county = select(Office.id).where(Office.kind == OfficeKind.commission)
    return sorted(set(session.exec(select(User.id).where(User.role == Role.supervisor, User.active == True,  # noqa: E712
                                                         User.office_id.in_(county))).all()))


def remind_influence_ended(session: Session, *, on: dt.date | None = None) -> tuple[int, int]:
    """Tell the organisation department (through the office's supervisors) of each 减责 whose 影响期
    has ended: once per decision, claimed like every reminder. Returns (sent, skipped)."""
    day, sent, skipped = on or today(), 0, 0
    rows = session.exec(select(ToleranceApplication, Case).join(Case, Case.id == ToleranceApplication.case_id)
                        .where(ToleranceApplication.decision == ToleranceDecision.reduced,
                               ToleranceApplication.influence_ends_on <= day,
                               ToleranceApplication.influence_reminded_at.is_(None))).all()
    for application, case in rows:
        recipients = _organisation_contacts(session, case)
        try:
            with session.begin_nested():
                session.add(CaseReminder(claim_key=f"influence-ended:{application.id}", case_id=case.id,
                                         kind="influence", recipient_ids=recipients, at=utcnow()))
        except IntegrityError:
            skipped += 1
            continue
        complaint = session.get(Complaint, case.complaint_id)
        code = complaint.receipt_code if complaint else str(case.id)
        text = (f"减责影响期已届满：线索{code}的{application.person_name}（{application.influence_ends_on:%Y-%m-%d}），"
                "请告知组织部门，其使用不再受影响")
        for user_id in recipients:
            session.add(CaseNotice(user_id=user_id, case_id=case.id, kind="influence", text=text[:300], at=utcnow()))
        session.add(CaseEvent(case_id=case.id, at=utcnow(), kind="influence_ended", office_id=case.office_id,
                              note=text, data={"application_id": application.id, "recipient_ids": recipients}))
        application.influence_reminded_at = utcnow()
        session.add(application)
        sent += 1
    return sent, skipped
