"""Feedback to a named complainant (反馈: an SMS through the outbox, or a recorded call) and the
return visit (回访) with satisfaction."""
from __future__ import annotations

from sqlmodel import Session, select

from hotline.cases import deadlines
from hotline.clues import duties as clue_duties
from hotline.cases.transitions import WorkflowError, check, event
from hotline.cases.workflow import named_complainant
from models.base import utcnow
from models.cases import Case, CaseFeedback, DeadlineKind, Finding, ReturnVisit, Satisfaction
from models.complaints import Complaint
from models.users import Actor

CHANNELS = {"sms": "短信", "call": "电话"}


def sms_body(session: Session, case: Case) -> str:
    """The outcome SMS: no names, no details beyond the finding; the receipt code lets them ask more."""
    complaint = session.get(Complaint, case.complaint_id)
    finding = Finding(case.finding).label if case.finding else "已依规处理"
    return (f"您反映的问题（查询码{complaint.receipt_code}）已办理完毕，核查结论：{finding}。"
            "如有疑问请致电举报热线并提供查询码。")


def record_feedback(*, session: Session, case: Case, channel: str, note: str, actor: Actor) -> CaseFeedback:
    """Give feedback: `sms` queues a message to the complainant, `call` records a call made."""
    check(session, "feedback", case, actor)
    person = named_complainant(session, case)
    if person is None:
        raise WorkflowError("匿名举报无法反馈，举报人可凭查询码查询办理结果")
    if channel not in CHANNELS:
        raise WorkflowError("请选择反馈方式（短信或电话）")
    note = (note or "").strip()
    outbox_id = None
    if channel == "call":
        if not note:
            raise WorkflowError("电话反馈须填写反馈情况")
    else:
        from hotline.telephony.outbox import OutboxError, enqueue
        from models.telephony import OutboxStatus

        try:
            message = enqueue(session=session, complainant_id=person.id, body=sms_body(session, case),
                              purpose="feedback", dedupe_key=f"case-feedback:{case.id}:{case.reopen_count}")
        except OutboxError as exc:
            raise WorkflowError(str(exc)) from None
        if message.status is OutboxStatus.suppressed:
            raise WorkflowError(f"短信无法发送（{message.last_error or '已退订'}），请电话反馈")
        session.flush()
        if session.exec(select(CaseFeedback.id).where(CaseFeedback.outbox_id == message.id)).first():
            raise WorkflowError("反馈短信已发送，无需重复发送")
        outbox_id = message.id
    row = CaseFeedback(case_id=case.id, channel=channel, note=note[:2000] or None, outbox_id=outbox_id,
                       by_id=getattr(actor, "id", None), at=utcnow())
    session.add(row)
    deadlines.meet(session, case, DeadlineKind.feedback)
    clue_duties.feedback_given(session, case, row)  # the named reporter's duties in the clue register
    event(session, case, actor, "feedback", note[:2000] or None, channel=channel, outbox_id=outbox_id)
    return row


def record_return_visit(*, session: Session, case: Case, satisfaction: str, note: str, actor: Actor) -> ReturnVisit:
    """A return visit after feedback, with the complainant's satisfaction."""
    check(session, "return_visit", case, actor)
    if named_complainant(session, case) is None:
        raise WorkflowError("匿名举报无法回访")
    if session.exec(select(CaseFeedback.id).where(CaseFeedback.case_id == case.id)).first() is None:
        raise WorkflowError("请先向举报人反馈办理结果，再登记回访")
    try:
        value = Satisfaction(satisfaction)
    except ValueError:
        raise WorkflowError("请选择满意度（满意、基本满意、不满意）") from None
    row = ReturnVisit(case_id=case.id, satisfaction=value, note=(note or "").strip()[:2000] or None,
                      by_id=getattr(actor, "id", None), at=utcnow())
    session.add(row)
    event(session, case, actor, "return_visit", row.note, satisfaction=value.value)
    return row
