"""Inbound SMS: a report becomes a complaint, 查询/CX answers a receipt code, 退订/STOP opts out.

`handle_sms` is called by the webhook and by the spool replay alike. It returns the reply text
(the webhook wraps it in TwiML); the reply is stored with the message so a retried MessageSid
gets the same answer and creates nothing.
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from hotline import audit, controlchars, linked_insert, receipts
from hotline.intake import service
from hotline.public import throttle
from hotline.settings import Settings
from hotline.telephony import media, outbox
from hotline.telephony.common import Caller, caller, status_line
from models.base import new_row
from models.complaints import Complaint, ComplaintStatus, TriageState
from models.contacts import Contact
from models.taxonomy import Channel
from models.telephony import SmsKind, SmsMessage

log = logging.getLogger(__name__)

OPT_OUT_WORDS = {"退订", "TD", "T", "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
OPT_IN_WORDS = {"订阅", "START", "UNSTOP", "YES"}
# 查询 / CX followed by something code-like (a report that merely starts with 查询 is a report).
_QUERY = re.compile(r"^(?:查询|CX)[\s:：]*([0-9A-Za-z\s\-]{0,40})$", re.IGNORECASE)
REQUIRED_FIELDS = ("MessageSid", "From")


class BadWebhook(ValueError):
    """A webhook without the fields Twilio always sends; the message says which, in Chinese."""


@dataclass(frozen=True)
class InboundSms:
    sid: str
    sender: Caller
    body: str
    media: int = 0  # NumMedia: pictures sent with it (hotline.telephony.media)


def parse(form, lookup_key: bytes) -> InboundSms:
    """The fields we use; missing ones raise BadWebhook (extra ones are ignored)."""
    missing = [name for name in REQUIRED_FIELDS if not (form.get(name) or "").strip()]
    if missing:
        raise BadWebhook("缺少字段：" + "、".join(missing))
    sid = form["MessageSid"].strip()
    if len(sid) > 64:
        raise BadWebhook("MessageSid 过长")
    return InboundSms(sid, caller(form["From"], lookup_key), form.get("Body") or "", media.count(form))


def handle_sms(*, session: Session, form, settings: Settings, lookup_key: bytes,
               received_at: dt.datetime, replayed: bool = False, optimistic: bool = False) -> str:
    """Process one inbound SMS (idempotent by MessageSid); returns the reply text. Caller commits.

    `optimistic`: skip the look-up of an earlier copy (and of the receipt code drawn); the unique
    constraints on the sid and the code refuse a repeat at the insert, and the caller then retries
    without it, finding the stored message and answering as it did."""
    sms = parse(form, lookup_key)
    if not optimistic:
        existing = session.exec(select(SmsMessage).where(SmsMessage.message_sid == sms.sid)).first()
        if existing is not None:
            return existing.reply
    command = unicodedata.normalize("NFKC", sms.body).strip()
    row = new_row(SmsMessage, message_sid=sms.sid, from_hash=sms.sender.hash, body=sms.body,
                  kind=SmsKind.invalid, received_at=received_at, replayed=replayed)
    stored = False
    if command.upper() in OPT_OUT_WORDS:
        outbox.set_opt_out(session, phone_hash=sms.sender.hash, active=True)
        row.kind, row.reply = SmsKind.opt_out, (
            f"您已退订{settings.HOTLINE_NUMBER}热线短信通知，今后不再向您发送办理情况短信。"
            "如需恢复，请回复“订阅”。")
    elif command.upper() in OPT_IN_WORDS:
        outbox.set_opt_out(session, phone_hash=sms.sender.hash, active=False)
        row.kind, row.reply = SmsKind.opt_in, f"您已恢复接收{settings.HOTLINE_NUMBER}热线短信通知。"
    elif (match := _QUERY.match(command)) is not None:
        row.kind = SmsKind.query
        row.reply, row.complaint_id, row.contact_id = _answer_query(session, sms, match.group(1), received_at)
    else:  # a report: stored with its complaint, in one statement (unless refused or joined)
        stored = _report(session, sms, row, settings, lookup_key, received_at, optimistic=optimistic)
    if not stored:
        session.add(row)
        session.flush()
    if sms.media:  # MMS: its files are recorded now, fetched and stored by a job
        row.reply = media.with_media_note(row.reply, media.record(
            session, form, message_sid=sms.sid, sender_number=sms.sender.number, complaint_id=row.complaint_id,
            contact_id=row.contact_id, as_evidence=row.kind not in (SmsKind.query, SmsKind.opt_out, SmsKind.opt_in), now=received_at))
    if replayed and row.reply and sms.sender.number:
        # The live answer said the receipt would follow by SMS: send what we would have replied.
        outbox.enqueue(session=session, to_number=sms.sender.number, body=row.reply,
                       purpose="receipt" if row.kind is SmsKind.report else "reply",
                       dedupe_key=f"sms-reply:{sms.sid}", lookup_key=lookup_key)
    return row.reply


def _contact(session: Session, sms: InboundSms, received_at: dt.datetime, *, text: str,
             complaint: Complaint | None, followup: bool) -> Contact:
    contact = Contact(channel=Channel.sms, external_id=sms.sid, received_at=received_at, raw_text=text,
                      complainant_id=complaint.complainant_id if complaint else None,
                      phone_hash=sms.sender.hash if sms.sender.number else None,
                      complaint_id=complaint.id if complaint else None, is_followup=followup)
    session.add(contact)
    session.flush()
    return contact


def _answer_query(session: Session, sms: InboundSms, raw_code: str, received_at: dt.datetime):
    code = receipts.clean(raw_code)
    locked = throttle.caller_lock_minutes(session, sms.sender.hash, received_at)
    complaint = service.find_by_receipt(session, code) if code and locked is None else None
    contact = _contact(session, sms, received_at, text=sms.body[:500], complaint=complaint, followup=True)
    if locked is not None:
        return _locked_reply(locked), None, contact.id
    if receipts.is_well_formed(code) and complaint is not None:
        status, level = status_line(session, complaint)
        return (f"查询码 {receipts.spaced(code)}：办理状态“{status}”，承办机构：{level}。",
                complaint.id, contact.id)
    # A wrong code counts against the sender, as a wrong code on /status counts against the address.
    locked = throttle.wrong_caller_lookup(session, sms.sender.hash, channel="sms", now=received_at)
    if locked is not None:
        return _locked_reply(locked), None, contact.id
    if not receipts.is_well_formed(code):
        return ("查询码格式不正确：查询码为14位数字。请核对后发送“查询 查询码”，例如：查询 1234 5678 9012 34。",
                None, contact.id)
    return f"未找到查询码 {receipts.spaced(code)} 对应的反映，请核对后重新发送。", None, contact.id


def _locked_reply(minutes: int) -> str:
    return f"查询码输错次数过多，已暂停短信查询，请{minutes}分钟后再试。如需帮助，请拨打举报电话。"


def _report(session: Session, sms: InboundSms, row: SmsMessage, settings: Settings,
            lookup_key: bytes, received_at: dt.datetime, *, optimistic: bool = False) -> bool:
    """A report, or a further part of one. True when `row` was stored with the new complaint."""
    text = controlchars.drop(sms.body).strip() or (media.PLACEHOLDER.format(count=sms.media) if sms.media else "")
    data = service.IntakeData(text=sms.body if sms.body.strip() else text, channel=Channel.sms.value, phone=sms.sender.number or "",
                              external_id=sms.sid, received_at=received_at)
    # The reply quotes the code, and the message row holds the reply: it is drawn first so that
    # the message goes in with the complaint, in the same statement.
    code = service.draw_receipt_code(session, check=not optimistic)
    row.kind = SmsKind.report
    row.reply = (f"您反映的问题已受理，查询码：{receipts.spaced(code)}。请妥善保存；"
                 f"发送“查询 查询码”（或“CX 查询码”）可查询办理进度。内容较长时可继续发送，"
                 f"{settings.SMS_JOIN_MINUTES}分钟内的后续短信将并入本次反映。回复“退订”不再接收本热线短信。")
    # The sender waits for the receipt code only: triage and routing follow in the background.
    # No savepoint: an IntakeError is raised by validation, before anything is written.
    intake = functools.partial(service.log, session=session, data=data, actor=None, lookup_key=lookup_key,
                               max_chars=settings.MAX_REPORT_CHARS, defer=True, receipt_code=code, attach=[row])
    continues = _last_part(sms, settings, received_at) if text else None
    try:
        # Whether it continues the sender's last report is looked up in the insert's own statement.
        intake(unless=continues)
        return True
    except linked_insert.Found as found:
        previous = _joinable(session, found.value, text, settings)
    except service.IntakeError as exc:  # empty, or too long to be a report (or a part) at all
        _refused(row, exc, settings)
        return False
    if previous is not None:
        _join(session, sms, row, previous, text, received_at)
        return False
    intake()  # the sender's last report is already being handled: this one is a new report
    return True


def _refused(row: SmsMessage, exc: service.IntakeError, settings: Settings) -> None:
    row.kind = SmsKind.invalid
    row.reply = (f"短信未能受理：{exc}。请用文字说明反映的问题（何时、何地、何人、何事），"
                 f"或拨打{settings.HOTLINE_NUMBER}。")


def _last_part(sms: InboundSms, settings: Settings, received_at: dt.datetime) -> linked_insert.Unless | None:
    """The look-up of the complaint of the sender's report or part within the join window."""
    if settings.SMS_JOIN_MINUTES <= 0:
        return None
    since = received_at - dt.timedelta(minutes=settings.SMS_JOIN_MINUTES)
    return linked_insert.Unless(_last_report_part(), {"sender": sms.sender.hash, "since": since, "until": received_at})


def _joinable(session: Session, complaint_id: int, text: str, settings: Settings) -> Complaint | None:
    """The report (the sender's last, found by `_last_part`) this SMS continues, if still untouched."""
    # Locked: the intake drain may be triaging this report right now; the part joins the text it
    # will classify, or waits for its commit and re-triages the joined text (see _retriage).
    complaint = session.get(Complaint, complaint_id, with_for_update=True)
    if complaint is None or complaint.status is not ComplaintStatus.received:
        return None
    if len(complaint.text) + len(text) > settings.MAX_REPORT_CHARS:
        return None
    return complaint


@functools.lru_cache(maxsize=1)
def _last_report_part() -> sa.Select:
    """The complaint of the sender's latest report or part in a window. Built once: every report
    runs it, and building it cost as much as the rest of the report's Python (bench/profile_intake.py)."""
    # Each bound value takes the type of the column it is compared with (UTCDateTime for the window).
    return (sa.select(SmsMessage.complaint_id)
            .where(SmsMessage.from_hash == sa.bindparam("sender"),
                   # The kinds as SQL constants: bound, they would take two more of the parameters that
                   # psycopg's cache limits; rendered at execution (literal_execute), SQLAlchemy would
                   # rewrite the whole guarded insert's text at every report.
                   SmsMessage.kind.in_([sa.literal_column(f"'{kind.value}'") for kind in (SmsKind.report, SmsKind.part)]),
                   SmsMessage.complaint_id.is_not(None),
                   SmsMessage.received_at >= sa.bindparam("since"), SmsMessage.received_at <= sa.bindparam("until"))
            .order_by(SmsMessage.received_at.desc(), SmsMessage.id.desc()).limit(1))


def _join(session: Session, sms: InboundSms, row: SmsMessage, complaint: Complaint, text: str,
          received_at: dt.datetime) -> None:
    """Append a further part to the report it continues; no reply (the first part had the receipt)."""
    from models.base import utcnow

    complaint.text = complaint.text + text
    complaint.updated_at = utcnow()
    session.add(complaint)
    contact = _contact(session, sms, received_at, text=text, complaint=complaint, followup=False)
    audit.record(session, actor=None, action="complaint.sms_part_joined", entity="complaint",
                 entity_id=complaint.id, detail={"contact_id": contact.id, "chars": len(text)})
    row.kind, row.complaint_id, row.contact_id, row.reply = SmsKind.part, complaint.id, contact.id, ""
    _retriage(session, complaint)


def _retriage(session: Session, complaint: Complaint) -> None:
    """Classify again on the joined text (best effort, as at intake); a report still waiting for
    its background triage gets the joined text there."""
    from hotline.triage.service import triage_complaint

    if complaint.triage_state is TriageState.pending:
        return
    try:
        with session.begin_nested():
            triage_complaint(session=session, complaint=complaint)
    except Exception:  # the report matters more than its labels
        log.exception("re-triage failed for complaint %s", complaint.id)
