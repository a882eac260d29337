"""What the commission owes a named reporter (受理告知, 反馈, 异议 → 复查) and a referring body
(受理或转办, 报结), and a reporter's withdrawal of the name. Each step checks hotline/clues/actions.py,
writes the case timeline and the audit trail (transitions.event) and leaves the commit to the caller."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from hotline import settings
from hotline.cases import workflow
from hotline.cases.transitions import WorkflowError, event
from hotline.clues import actions
from models.base import utcnow
from models.cases import Case, CaseFeedback
from models.clues import REFERRED_SOURCES, Clue, ClueNotice, ClueObjection, NoticeKind, NoticeMethod, ObjectionOutcome
from models.complainants import Complainant
from models.complaints import Complaint
from models.users import Actor

MAX_NOTE = 2000


def _text(value: str | None, limit: int = MAX_NOTE) -> str:
    return (value or "").strip()[:limit]


def _method(raw: str) -> NoticeMethod:
    try:
        return NoticeMethod(raw)
    except ValueError:
        raise WorkflowError("请选择告知方式（短信、电话或书面）") from None


def reporter(session: Session, clue: Clue) -> Complainant | None:
    """The named reporter on record (None once anonymous, purged, or never named)."""
    complaint = session.get(Complaint, clue.complaint_id)
    person = session.get(Complainant, complaint.complainant_id) if complaint and complaint.complainant_id else None
    return None if person is None or person.anonymous or person.purged_at or not clue.named else person


def notify(session: Session, *, clue: Clue, kind: NoticeKind, method: str, note: str, sms_body: str,
           actor: Actor, about: object = "") -> ClueNotice:
    """Tell the named reporter: an SMS through the outbox, or a call or letter already made (noted).
    `about` tells apart two notices of one kind (each objection's answer is its own message)."""
    from hotline.telephony.outbox import OutboxError, enqueue
    from models.telephony import OutboxStatus

    chosen, note = _method(method), _text(note)
    person = reporter(session, clue)
    if person is None:
        raise WorkflowError("该线索不是实名举报（或已撤回实名），无法告知举报人")
    outbox_id = None
    if chosen is NoticeMethod.sms:
        try:
            message = enqueue(session=session, complainant_id=person.id, body=sms_body, purpose=f"clue-{kind.value}",
                              dedupe_key=f"clue-{kind.value}:{clue.id}:{about}")
        except OutboxError as exc:
            raise WorkflowError(str(exc)) from None
        if message.status is OutboxStatus.suppressed:
            raise WorkflowError(f"短信无法发送（{message.last_error or '已退订'}），请电话或书面告知")
        session.flush()
        outbox_id = message.id
    elif not note:
        raise WorkflowError(f"{chosen.label}告知须填写告知情况（时间、对象或文书编号）")
    row = ClueNotice(clue_id=clue.id, kind=kind, method=chosen, note=note or None, outbox_id=outbox_id,
                     by_id=getattr(actor, "id", None), at=utcnow())
    session.add(row)
    return row


def acknowledge(*, session: Session, clue: Clue, case: Case, method: str, note: str, actor: Actor) -> ClueNotice:
    """受理告知: the named reporter is told the report was accepted (once)."""
    actions.check(session, "acknowledge", case, actor)
    if clue.ack_given_at is not None:
        raise WorkflowError("已告知举报人受理情况，无需重复告知")
    complaint = session.get(Complaint, clue.complaint_id)
    body = (f"您实名反映的问题已受理（查询码{complaint.receipt_code}），我们将依规依纪办理并向您反馈结果。"
            "如有疑问请致电举报热线并提供查询码。")
    row = notify(session, clue=clue, kind=NoticeKind.acknowledgement, method=method, note=note, sms_body=body,
                 actor=actor)
    clue.ack_given_at = row.at
    session.add(clue)
    event(session, case, actor, "clue_acknowledged", row.note, method=row.method.value, outbox_id=row.outbox_id,
          clue_number=clue.number)
    return row


def feedback_given(session: Session, case: Case, feedback: CaseFeedback) -> None:
    """The outcome feedback (hotline/cases/feedback.py) recorded against the named reporter's duties."""
    clue = session.exec(select(Clue).where(Clue.complaint_id == case.complaint_id)).first()
    if clue is None:
        return
    method = NoticeMethod.sms if feedback.channel == "sms" else NoticeMethod.phone
    session.add(ClueNotice(clue_id=clue.id, kind=NoticeKind.feedback, method=method, note=feedback.note,
                           outbox_id=feedback.outbox_id, by_id=feedback.by_id, at=feedback.at or utcnow()))


def withdraw_name(*, session: Session, clue: Clue, case: Case, reason: str, actor: Actor) -> Clue:
    """The reporter withdraws the name: the clue becomes anonymous, the sealed identity stays sealed
    (only the roles allowed to see it may open it, each view logged) and nothing more is sent."""
    actions.check(session, "withdraw_name", case, actor)
    if not clue.named:
        raise WorkflowError("该线索已是匿名举报")
    reason = _text(reason)
    if not reason:
        raise WorkflowError("撤回实名须填写情况说明（举报人何时、以何种方式提出）")
    complaint = session.get(Complaint, clue.complaint_id)
    person = session.get(Complainant, complaint.complainant_id) if complaint.complainant_id else None
    if person is not None:
        person.anonymous = True
        session.add(person)
    clue.named, clue.name_withdrawn_at = False, utcnow()
    session.add(clue)
    event(session, case, actor, "clue_name_withdrawn", reason, clue_number=clue.number)
    return clue


# --- the reporter's objection (异议) and its answer ----------------------------------------

def open_objection(session: Session, clue: Clue) -> ClueObjection | None:
    return session.exec(select(ClueObjection).where(ClueObjection.clue_id == clue.id,
                                                    ClueObjection.answered_at.is_(None))).first()


def record_objection(*, session: Session, clue: Clue, case: Case, text: str, actor: Actor) -> ClueObjection:
    """The named reporter objects to the outcome (异议): recorded, waiting for an answer."""
    actions.check(session, "objection", case, actor)
    if reporter(session, clue) is None:
        raise WorkflowError("只有实名举报人可以对办理结果提出异议（匿名举报可凭查询码查询）")
    if open_objection(session, clue) is not None:
        raise WorkflowError("该线索已有未答复的异议，请先答复")
    text = _text(text)
    if not text:
        raise WorkflowError("请填写举报人提出的异议内容")
    row = ClueObjection(clue_id=clue.id, text=text, received_at=utcnow(), recorded_by_id=getattr(actor, "id", None))
    session.add(row)
    session.flush()
    event(session, case, actor, "clue_objection", text, objection_id=row.id, clue_number=clue.number)
    return row


def answer_objection(*, session: Session, clue: Clue, case: Case, outcome: str, answer: str, method: str,
                     actor: Actor) -> ClueObjection:
    """Answer the open objection: the conclusion stands (维持), or the case goes back for review
    (复查: reopened as the workflow reopens a closed case). The reporter is told either way."""
    actions.check(session, "answer_objection", case, actor)
    row = open_objection(session, clue)
    if row is None:
        raise WorkflowError("该线索没有待答复的异议")
    try:
        chosen = ObjectionOutcome(outcome)
    except ValueError:
        raise WorkflowError("请选择答复结果（维持原处理结论或启动复查）") from None
    answer = _text(answer)
    if not answer:
        raise WorkflowError("请填写答复意见")
    if chosen is ObjectionOutcome.review:
        if case.status.value != "closed":
            raise WorkflowError("案件尚未办结：复查在办结后以“重新办理”进行，请先答复维持或待办结后启动复查")
        workflow.reopen(session=session, case=case, reason=f"举报人异议复查：{answer}", actor=actor)
    complaint = session.get(Complaint, clue.complaint_id)
    body = (f"您对反映问题（查询码{complaint.receipt_code}）办理结果提出的异议已收到，"
            + ("我们已启动复查，将另行反馈复查结果。" if chosen is ObjectionOutcome.review else "经审核，维持原处理结论。")
            + "如有疑问请致电举报热线。")
    notify(session, clue=clue, kind=NoticeKind.objection_answer, method=method, note=answer, sms_body=body,
           actor=actor, about=row.id)
    row.outcome, row.answer, row.answered_at, row.answered_by_id = chosen, answer, utcnow(), getattr(actor, "id", None)
    session.add(row)
    event(session, case, actor, "clue_objection_answered", answer, outcome=chosen.value,
          outcome_label=chosen.label, objection_id=row.id)
    return row


# --- referred matters: 受理或转办 and 报结 --------------------------------------------------

def _referred(clue: Clue) -> None:
    if clue.source not in REFERRED_SOURCES:
        raise WorkflowError("只有上级交办、转办及巡察、审计、职能部门移交的线索需要登记受理和报结")


def accept(*, session: Session, clue: Clue, case: Case, note: str, actor: Actor) -> Clue:
    """The referred matter is accepted for handling here (受理), within its 5 working days."""
    actions.check(session, "accept", case, actor)
    _referred(clue)
    if clue.accepted_at is not None:
        raise WorkflowError("该交办件已登记受理")
    clue.accepted_at = utcnow()
    session.add(clue)
    event(session, case, actor, "clue_accepted", _text(note) or None, clue_number=clue.number,
          doc_number=clue.referral_doc_number)
    return clue


def _local_date(raw: str) -> dt.date:
    today = utcnow().astimezone(ZoneInfo(settings.current().TIMEZONE)).date()
    text = (raw or "").strip()
    if not text:
        return today
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise WorkflowError("报结日期格式不正确，例如：2026-03-15") from None
    if day > today:
        raise WorkflowError("报结日期不能晚于今天")
    return day


def report_back(*, session: Session, clue: Clue, case: Case, date: str, note: str, actor: Actor) -> Clue:
    """报结: the result reported to the referring body, on the date it was sent (default today)."""
    actions.check(session, "report_back", case, actor)
    _referred(clue)
    if clue.reported_back_at is not None:
        raise WorkflowError("已向交办单位报结")
    note = _text(note)
    if not note:
        raise WorkflowError("请填写报结情况（报结文号或报送方式）")
    day = _local_date(date)
    zone = ZoneInfo(settings.current().TIMEZONE)
    clue.reported_back_at = dt.datetime.combine(day, dt.time(12), tzinfo=zone).astimezone(dt.timezone.utc)
    clue.report_back_note, clue.reported_back_by_id = note, getattr(actor, "id", None)
    if clue.accepted_at is None:
        clue.accepted_at = clue.reported_back_at
    session.add(clue)
    event(session, case, actor, "clue_reported_back", note, date=day.isoformat(), referring_body=clue.referring_body,
          doc_number=clue.referral_doc_number)
    return clue
