"""The case steps: assignment, disposition, filing, outcome, closing, reopening.

Every step checks the transition table (transitions.ACTIONS), validates its fields, writes a
CaseEvent (who, when, what, why) and an audit row, moves the deadlines and keeps the complaint's
status in step. Errors are WorkflowError with a Chinese message; nothing is committed here. The
kernel's names are re-exported here for the callers that reach them as `workflow.X`.
"""
from __future__ import annotations

import decimal
from dataclasses import dataclass

from sqlmodel import Session, select

from hotline import money, settings
from hotline.cases import deadlines, outcomes, supervision
from hotline.cases.transitions import (ACTIONS, WORKING, Action, S, WorkflowError, check,  # noqa: F401
                                       event, latest_visit, may, role_of, supervised_office_ids,
                                       sync_complaint, visit_satisfied)
from models.base import utcnow
from models.cases import Case, CaseStatus, DeadlineKind, Disposition, Finding
from models.complainants import Complainant
from models.complaints import Complaint
from models.offices import Office
from models.users import Actor, Role, User

DISPOSITION_STATUS = {Disposition.talk_inquiry: S.talk_inquiry,
                      Disposition.preliminary_verification: S.preliminary_verification,
                      Disposition.shelved: S.shelved, Disposition.dismissed: S.concluded}


def _set(session: Session, case: Case, status: CaseStatus) -> None:
    case.status, case.updated_at = status, utcnow()
    session.add(case)
    sync_complaint(session, case)


def _reason(text: str | None, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise WorkflowError(f"{what}须填写理由")
    return text[:2000]


# --- assignment, send-back, reassignment, recusal -------------------------------------------

def assign(*, session: Session, case: Case, inspector: User | None, actor: Actor) -> Case:
    """A supervisor gives the case to an inspector of its office (conflicts of interest refused)."""
    from hotline.cases.conflicts import conflicts_for

    check(session, "assign", case, actor)
    if inspector is None or inspector.role is not Role.inspector or not inspector.active:
        raise WorkflowError("请选择本机构在岗的纪检监察干部")
    if inspector.office_id != case.office_id:
        raise WorkflowError("只能分办给承办机构的干部")
    if inspector.id == case.assignee_id:
        raise WorkflowError("该干部已是承办人")
    reasons = conflicts_for(session, inspector=inspector, case=case)
    if reasons:
        event(session, case, actor, "assign_refused", "；".join(reasons), inspector_id=inspector.id)
        raise WorkflowError("存在利害关系，不能分办给该干部：" + "；".join(reasons), logged=True)
    previous = case.assignee_id
    case.assignee_id, case.assigned_at = inspector.id, utcnow()
    deadlines.meet(session, case, DeadlineKind.assignment)
    if not any(d.kind is DeadlineKind.disposition for d in deadlines.open_deadlines(session, case)):
        deadlines.start(session, case, DeadlineKind.disposition)
    _set(session, case, S.assigned)
    event(session, case, actor, "assigned", f"分办给{inspector.full_name}", inspector_id=inspector.id,
          previous_assignee_id=previous)
    return case


def send_back_deadline(session: Session, case: Case):
    start = case.office_received_at or case.opened_at
    days = settings.current().DEADLINE_SEND_BACK_DAYS
    return deadlines.calendar_for(session).add_working_days(start, days)


def send_back(*, session: Session, case: Case, reason: str, actor: Actor) -> Case:
    """The office returns a misrouted case (退单) within its window, with a reason."""
    check(session, "send_back", case, actor)
    reason = _reason(reason, "退单")
    if utcnow() > send_back_deadline(session, case):
        raise WorkflowError("已超过退单期限（收到案件后1个工作日内），请联系督办领导改派")
    case.assignee_id = None
    deadlines.cancel(session, case)
    _set(session, case, S.sent_back)
    event(session, case, actor, "sent_back", reason)
    return case


def reassign(*, session: Session, case: Case, office: Office | None, reason: str, actor: Actor) -> Case:
    """A supervisor sends the case to another office (改派); the assignment clock restarts."""
    check(session, "reassign", case, actor)
    reason = _reason(reason, "改派")
    if office is None or not office.active:
        raise WorkflowError("改派的机构不存在或已停用")
    if office.id == case.office_id:
        raise WorkflowError("改派须选择另一个机构")
    previous = case.office_id
    deadlines.cancel(session, case)
    case.office_id, case.assignee_id, case.office_received_at = office.id, None, utcnow()
    deadlines.start(session, case, DeadlineKind.assignment)
    _set(session, case, S.pending_assignment)
    event(session, case, actor, "reassigned", reason, from_office_id=previous, to_office_id=office.id)
    return case


def recuse(*, session: Session, case: Case, reason: str, actor: Actor) -> Case:
    """The inspector holding the case steps aside (回避); it waits for a new assignment."""
    check(session, "recuse", case, actor)
    reason = _reason(reason, "回避")
    case.assignee_id = None
    deadlines.cancel(session, case)
    deadlines.start(session, case, DeadlineKind.assignment)
    _set(session, case, S.pending_assignment)
    event(session, case, actor, "recused", reason)
    return case


def extend(*, session: Session, case: Case, days, reason: str, actor: Actor):
    """A supervisor approves an extension: the current deadline moves, with the reason."""
    check(session, "extend", case, actor)
    try:
        ext = deadlines.extend(session=session, case=case, days=days, reason=reason, actor=actor)
    except deadlines.DeadlineError as exc:
        raise WorkflowError(str(exc)) from None
    event(session, case, actor, "extended", ext.reason, days=ext.days, deadline_id=ext.deadline_id,
          old_due_at=ext.old_due_at.isoformat(), new_due_at=ext.new_due_at.isoformat())
    return ext


# --- dispositions ---------------------------------------------------------------------------

def propose(*, session: Session, case: Case, disposition: str, reason: str, actor: Actor) -> Case:
    """The inspector proposes one of the four dispositions, with the grounds."""
    check(session, "propose", case, actor)
    try:
        chosen = Disposition(disposition)
    except ValueError:
        raise WorkflowError("请选择处置方式（谈话函询、初步核实、暂存待查、予以了结）") from None
    reason = _reason(reason, "处置意见")
    case.proposed_disposition, case.disposition_reason = chosen, reason
    _set(session, case, S.disposition_proposed)
    event(session, case, actor, "disposition_proposed", reason, disposition=chosen.value)
    return case


def approve(*, session: Session, case: Case, actor: Actor, note: str = "") -> Case:
    """A supervisor approves the proposed disposition; the case moves into it."""
    check(session, "approve", case, actor)
    chosen = case.proposed_disposition
    case.disposition, case.disposed_at = chosen, utcnow()
    deadlines.meet(session, case, DeadlineKind.disposition)
    if chosen in (Disposition.talk_inquiry, Disposition.preliminary_verification):
        deadlines.start(session, case, DeadlineKind.verification)
    if chosen is Disposition.dismissed:
        case.concluded_at = case.disposed_at
        _start_feedback(session, case)
    _set(session, case, DISPOSITION_STATUS[chosen])
    event(session, case, actor, "disposition_approved", note.strip() or None, disposition=chosen.value)
    return case


def reject(*, session: Session, case: Case, reason: str, actor: Actor) -> Case:
    check(session, "reject", case, actor)
    reason = _reason(reason, "退回处置意见")
    case.proposed_disposition = None
    _set(session, case, S.assigned)
    event(session, case, actor, "disposition_rejected", reason)
    return case


def file_case(*, session: Session, case: Case, reason: str, actor: Actor) -> Case:
    """Open a formal case (立案审查调查)."""
    check(session, "file", case, actor)
    reason = _reason(reason, "立案")
    case.filed_at = utcnow()
    deadlines.meet(session, case, DeadlineKind.verification)
    deadlines.start(session, case, DeadlineKind.investigation)
    _set(session, case, S.filed)
    event(session, case, actor, "filed", reason)
    return case


def resume(*, session: Session, case: Case, reason: str, actor: Actor) -> Case:
    """Take a shelved clue up again (初步核实)."""
    check(session, "resume", case, actor)
    reason = _reason(reason, "恢复核实")
    case.disposition = Disposition.preliminary_verification
    deadlines.start(session, case, DeadlineKind.verification)
    _set(session, case, S.preliminary_verification)
    event(session, case, actor, "resumed", reason)
    return case


# --- outcome --------------------------------------------------------------------------------

@dataclass
class Outcome:
    """An outcome as submitted (strings from a form are fine). Measures: (kind, person) or
    (kind, person, grade). 澄清正名 and 容错免责 are recorded per person (outcomes.py, tolerance.py):
    the two old per-case fields are refused when set."""

    finding: str
    measures: list[tuple[str, ...]]
    money_recovered: str = ""
    name_cleared: bool = False
    exoneration: str = ""
    exoneration_condition: str = ""
    note: str = ""


def _money(raw: str) -> decimal.Decimal | None:
    """Money recovered, read by the one money parser (3500, 3,500元, 2.5万, 三千五 ...)."""
    text = (raw or "").strip()
    if not text:
        return None
    if text.startswith(("-", "－")):
        raise WorkflowError("追缴/退还金额不能为负数")
    try:
        return money.parse_yuan(text)
    except ValueError as exc:
        raise WorkflowError(f"追缴/退还金额：{exc}") from None


def _clean_measures(session: Session, case: Case, finding: Finding | None, rows) -> list[outcomes.MeasureSpec]:
    specs: list[outcomes.MeasureSpec] = []
    for row in rows:
        kind, person, grade = (tuple(row) + ("",))[:3]
        if not kind and not (person or "").strip():
            continue  # an empty line of the form
        spec = outcomes.clean_measure(session, case, finding, kind=kind, grade=grade or None, person=person)
        outcomes.guard_measure(session, case, spec, specs)
        specs.append(spec)
    return specs


def _clean_outcome(session: Session, case: Case, data: Outcome):
    try:
        finding = Finding(data.finding)
    except ValueError:
        raise WorkflowError("请选择核查结论（不实、部分属实、属实）") from None
    if data.name_cleared or data.exoneration or data.exoneration_condition:
        raise WorkflowError("澄清正名、容错免责须在登记结论后按人登记")
    recovered = _money(data.money_recovered)
    if finding is Finding.unfounded and recovered:
        raise WorkflowError("核查不实的，不能登记追缴金额")
    return finding, _clean_measures(session, case, finding, data.measures), recovered


def record_outcome(*, session: Session, case: Case, outcome: Outcome, actor: Actor) -> Case:
    """The finding (after 初步核实 or 立案 only), money recovered, and measures per person."""
    check(session, "outcome", case, actor)
    finding, measures, recovered = _clean_outcome(session, case, outcome)
    case.finding, case.concluded_at, case.money_recovered_yuan = finding, utcnow(), recovered
    written = [outcomes.write_measure(session, case, spec, actor) for spec in measures]
    deadlines.meet(session, case, DeadlineKind.verification, DeadlineKind.investigation)
    _start_feedback(session, case)
    _set(session, case, S.concluded)
    event(session, case, actor, "outcome_recorded", (outcome.note or "").strip()[:2000] or None,
          finding=finding.value, measures=[[m.kind.value, m.grade.value if m.grade else None, m.person_name, m.id]
                                           for m in written],
          money_recovered=str(recovered) if recovered is not None else None)
    return case


def verify(*, session: Session, case: Case, reason: str, actor: Actor) -> Case:
    """Take a 谈话函询 into 初步核实 (the answers did not settle it)."""
    check(session, "verify", case, actor)
    reason = _reason(reason, "转初步核实")
    case.disposition = Disposition.preliminary_verification
    deadlines.meet(session, case, DeadlineKind.verification)
    deadlines.start(session, case, DeadlineKind.verification)
    _set(session, case, S.preliminary_verification)
    event(session, case, actor, "verification_begun", reason)
    return case


def settle(*, session: Session, case: Case, reason: str, measures=(), actor: Actor) -> Case:
    """予以了结 a 谈话函询 (采信了结, or with a first-form measure) or a shelved clue: no finding."""
    check(session, "settle", case, actor)
    reason = _reason(reason, "了结")
    if measures and case.status is not S.talk_inquiry:
        raise WorkflowError("暂存待查了结的，不能登记处理措施")
    specs = _clean_measures(session, case, None, measures)
    case.concluded_at = utcnow()
    written = [outcomes.write_measure(session, case, spec, actor) for spec in specs]
    deadlines.meet(session, case, DeadlineKind.verification)
    deadlines.cancel(session, case)
    _start_feedback(session, case)
    _set(session, case, S.concluded)
    event(session, case, actor, "settled", reason, measures=[[m.kind.value, m.person_name, m.id] for m in written])
    return case


# --- feedback gate, closing, reopening ------------------------------------------------------

def named_complainant(session: Session, case: Case) -> Complainant | None:
    complaint = session.get(Complaint, case.complaint_id)
    if complaint is None or complaint.complainant_id is None:
        return None
    person = session.get(Complainant, complaint.complainant_id)
    return None if person is None or person.anonymous or person.purged_at else person


def _start_feedback(session: Session, case: Case) -> None:
    if named_complainant(session, case) is not None:
        deadlines.start(session, case, DeadlineKind.feedback)


def feedback_missing(session: Session, case: Case) -> str | None:
    """Why the case cannot close yet for want of feedback or a return visit (None: it can)."""
    from models.cases import CaseFeedback

    if named_complainant(session, case) is None:
        return None
    if session.exec(select(CaseFeedback.id).where(CaseFeedback.case_id == case.id)).first() is None:
        return "实名举报须先向举报人反馈办理结果（短信或电话）"
    if latest_visit(session, case) is None:
        return "实名举报须先登记回访及满意度"
    return None


def propose_close(*, session: Session, case: Case, note: str, actor: Actor) -> Case:
    check(session, "propose_close", case, actor)
    missing = feedback_missing(session, case)
    if missing:
        raise WorkflowError(missing)
    _set(session, case, S.closing_proposed)
    event(session, case, actor, "closing_proposed", (note or "").strip() or None)
    return case


def close(*, session: Session, case: Case, actor: Actor, note: str = "") -> Case:
    """A supervisor approves the closing (办结)."""
    check(session, "close", case, actor)
    missing = feedback_missing(session, case)
    if missing:
        raise WorkflowError(missing)
    case.closed_at = utcnow()
    deadlines.cancel(session, case)
    supervision.lift_all(session, case, actor, "案件办结")
    _set(session, case, S.closed)
    event(session, case, actor, "closed", (note or "").strip() or None)
    return case


def reject_close(*, session: Session, case: Case, reason: str, actor: Actor) -> Case:
    check(session, "reject_close", case, actor)
    reason = _reason(reason, "退回办结")
    _set(session, case, S.concluded)
    event(session, case, actor, "closing_rejected", reason)
    return case


def reopen(*, session: Session, case: Case, reason: str, actor: Actor) -> Case:
    """A supervisor reopens a closed case, when the complainant was not satisfied (or never asked)."""
    check(session, "reopen", case, actor)
    reason = _reason(reason, "重新办理")
    if visit_satisfied(session, case):
        raise WorkflowError("举报人回访表示满意，不能重新办理；如有新情况请作为新线索登记")
    case.reopen_count += 1
    case.closed_at = None
    case.finding = case.proposed_disposition = case.disposition = None
    case.concluded_at = case.disposed_at = None
    # The conclusion is decided again. Money already recovered, measures applied, names cleared
    # and 容错免责 decisions stay: they happened (a wrong measure is reversed, dated), and the
    # timeline keeps the old outcome.
    if case.assignee_id:
        deadlines.start(session, case, DeadlineKind.disposition)
        _set(session, case, S.assigned)
    else:
        deadlines.start(session, case, DeadlineKind.assignment)
        _set(session, case, S.pending_assignment)
    event(session, case, actor, "reopened", reason)
    return case
