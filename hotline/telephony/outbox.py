"""Outbound SMS: queue (`enqueue`), opt-outs (退订), and the sender that drains the outbox.

A message is queued once per `dedupe_key` (unique in the database). The sender claims each
message with an optimistic UPDATE before calling Twilio, so two senders never send it twice;
a call that may have reached Twilio without an answer is marked `uncertain`, never resent.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, field

import requests
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from twilio.base.exceptions import TwilioRestException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from hotline.intake.identity import complainant_phone
from hotline import phones
from hotline.settings import Settings
from hotline.telephony.common import e164, sending_enabled
from hotline.vault import vault
from models.base import utcnow
from models.complainants import Complainant
from models.telephony import OutboxMessage, OutboxStatus, SmsOptOut

log = logging.getLogger(__name__)

MAX_BODY = 1000
MAX_ATTEMPTS = 6
BACKOFF_MINUTES = (1, 5, 15, 60, 240)  # after attempt 1, 2, ...; the last value repeats
CLAIM_MINUTES = 5
# Twilio errors that will not go away by retrying: bad or unreachable number, opted out, bad body.
PERMANENT_CODES = {21211, 21214, 21408, 21610, 21612, 21614, 21617, 30003, 30004, 30005, 30006}


class OutboxError(ValueError):
    """A message that cannot be queued as given."""


def is_opted_out(session: Session, phone_hash: str | None) -> bool:
    if not phone_hash:
        return False
    row = session.exec(select(SmsOptOut).where(SmsOptOut.phone_hash == phone_hash)).first()
    return bool(row and row.active)


def set_opt_out(session: Session, *, phone_hash: str, active: bool) -> None:
    """Record 退订 (active) or 订阅 (not active) for a number, and on its complainants."""
    row = session.exec(select(SmsOptOut).where(SmsOptOut.phone_hash == phone_hash)).first()
    if row is None:
        try:
            with session.begin_nested():
                session.add(SmsOptOut(phone_hash=phone_hash, active=active, changed_at=utcnow()))
        except IntegrityError:  # the same number, at the same moment, from another worker
            row = session.exec(select(SmsOptOut).where(SmsOptOut.phone_hash == phone_hash)).one()
    if row is not None:
        row.active, row.changed_at = active, utcnow()
        session.add(row)
    session.execute(sa.update(Complainant).where(Complainant.phone_hash == phone_hash)
                    .values(sms_opt_out=active))
    if active:
        session.execute(sa.update(OutboxMessage).where(OutboxMessage.phone_hash == phone_hash,
                                                       OutboxMessage.status == OutboxStatus.queued)
                        .values(status=OutboxStatus.suppressed, last_error="收件人已退订", updated_at=utcnow()))


def enqueue(*, session: Session, to_number: str | None = None, complainant_id: int | None = None,
            body: str, purpose: str, dedupe_key: str, lookup_key: bytes | None = None) -> OutboxMessage:
    """Queue an SMS once per dedupe_key (the existing message is returned on a repeat); caller commits.

    Give `to_number` or `complainant_id` (the complainant's phone is used). A number that opted
    out (退订), or no mobile number at all, gives a `suppressed` message that is never sent.
    """
    body = (body or "").strip()
    if not body or len(body) > MAX_BODY:
        raise OutboxError(f"短信内容不能为空且不超过{MAX_BODY}字")
    if not dedupe_key or len(dedupe_key) > 120:
        raise OutboxError("dedupe_key 不能为空且不超过120字符")
    existing = session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)).first()
    if existing is not None:
        return existing
    key = lookup_key if lookup_key is not None else _lookup_key()
    person = session.get(Complainant, complainant_id) if complainant_id else None
    number = phones.try_normalize(to_number) if to_number else complainant_phone(session, complainant_id)
    number = phones.try_normalize(number) if number else None
    phone_hash = phones.lookup_hash(number, key) if number else None
    message = OutboxMessage(dedupe_key=dedupe_key, purpose=purpose[:40],
                            to_number_enc=vault().seal(number, field="phone"), to_masked=phones.mask(number) or None,
                            complainant_id=complainant_id, phone_hash=phone_hash, body=body,
                            token=secrets.token_urlsafe(24), next_attempt_at=utcnow())
    if number is None:
        message.status, message.last_error = OutboxStatus.suppressed, "无有效手机号码"
    elif (person is not None and person.sms_opt_out) or is_opted_out(session, phone_hash):
        message.status, message.last_error = OutboxStatus.suppressed, "收件人已退订"
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:  # queued by a concurrent run of the same job
        return session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)).one()
    return message


def _lookup_key() -> bytes:
    from flask import current_app

    return current_app.config["LOOKUP_KEY"]


@dataclass
class SendReport:
    """What one run of the sender did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0
    disabled: bool = False
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def make_client(settings: Settings, http_client: HttpClient | None = None) -> Client:
    """The REST client; tests inject an HttpClient that answers without the network."""
    return Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN,
                  http_client=http_client or TwilioHttpClient(timeout=15))


def _claim(session: Session, message_id: int, now: dt.datetime) -> bool:
    """Take the message for this sender (optimistic update): False if another sender has it."""
    result = session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.queued,
               OutboxMessage.next_attempt_at <= now)
        .values(status=OutboxStatus.sending, attempts=OutboxMessage.attempts + 1,
                claimed_until=now + dt.timedelta(minutes=CLAIM_MINUTES), updated_at=now))
    session.commit()
    return result.rowcount == 1


def send_due(*, session: Session, settings: Settings, client: Client | None = None,
             status_callback: str | None = None, now: dt.datetime | None = None,
             limit: int = 100) -> SendReport:
    """Send every queued message that is due; commits after each message."""
    report = SendReport()
    if not sending_enabled(settings):
        report.disabled = True
        return report
    now = now or utcnow()
    _give_up_on_stale_claims(session, now)
    client = client or make_client(settings)
    due = session.exec(select(OutboxMessage.id).where(
        OutboxMessage.status == OutboxStatus.queued, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)).all()
    for message_id in due:
        if not _claim(session, message_id, now):
            continue
        message = session.get(OutboxMessage, message_id)
        session.refresh(message)
        if is_opted_out(session, message.phone_hash):
            _finish(session, message, OutboxStatus.suppressed, "收件人已退订")
            continue
        _send_one(session, settings, client, message, status_callback, now, report)
    return report


def _send_one(session, settings, client, message, status_callback, now, report) -> None:
    callback = f"{status_callback}?m={message.token}" if status_callback else None
    try:
        number = vault().open(message.to_number_enc, field="phone")
        result = client.messages.create(to=e164(number), from_=settings.TWILIO_FROM,
                                        body=message.body, status_callback=callback)
    except TwilioRestException as exc:
        permanent = exc.code in PERMANENT_CODES or (400 <= exc.status < 500 and exc.status != 429)
        _retry_or_fail(session, message, f"Twilio {exc.status} {exc.code}: {exc.msg}"[:500],
                       permanent, now, report)
        return
    except (requests.ConnectionError, ConnectionError) as exc:  # incl. ConnectTimeout: never sent
        _retry_or_fail(session, message, f"网络错误：{exc}"[:500], False, now, report)
        return
    except requests.Timeout as exc:
        # The request may have reached Twilio: sending again could send twice.
        _finish(session, message, OutboxStatus.uncertain, f"超时，可能已发送：{exc}"[:500])
        report.uncertain += 1
        return
    message.sid, message.sent_at = result.sid, utcnow()
    _finish(session, message, OutboxStatus.sent, None)
    report.sent += 1


def _retry_or_fail(session, message, error, permanent, now, report) -> None:
    if permanent or message.attempts >= MAX_ATTEMPTS:
        _finish(session, message, OutboxStatus.failed, error)
        report.failed += 1
        report.errors.append(error)
        return
    message.next_attempt_at = now + backoff(message.attempts)
    _finish(session, message, OutboxStatus.queued, error)
    report.retried += 1


def _finish(session: Session, message: OutboxMessage, status: OutboxStatus, error: str | None) -> None:
    message.status, message.last_error, message.claimed_until = status, error, None
    message.updated_at = utcnow()
    session.add(message)
    session.commit()


def _give_up_on_stale_claims(session: Session, now: dt.datetime) -> None:
    """A sender that died mid-call leaves `sending`: whether Twilio got it is unknown."""
    session.execute(sa.update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.sending,
                                                   OutboxMessage.claimed_until < now)
                    .values(status=OutboxStatus.uncertain, last_error="发送进程中断，可能已发送",
                            updated_at=now))
    session.commit()


# Twilio's delivery states, in the order they happen; a late callback never moves backwards.
_STATUS_RANK = {"accepted": 0, "queued": 0, "sending": 1, "sent": 2, "delivered": 3, "read": 3,
                "undelivered": 3, "failed": 3}
_STATUS_MAP = {"delivered": OutboxStatus.delivered, "read": OutboxStatus.delivered,
               "undelivered": OutboxStatus.undelivered, "failed": OutboxStatus.failed,
               "sent": OutboxStatus.sent}


def apply_status(session: Session, *, token: str | None, sid: str | None, status: str,
                 error_code: str | None = None) -> OutboxMessage | None:
    """Update delivery from a status callback; unknown messages are ignored. Caller commits."""
    message = None
    if token:
        message = session.exec(select(OutboxMessage).where(OutboxMessage.token == token)).first()
    if message is None and sid:
        message = session.exec(select(OutboxMessage).where(OutboxMessage.sid == sid)).first()
    new = _STATUS_MAP.get(status)
    if message is None or new is None:
        return message
    current_rank = {OutboxStatus.sent: 2, OutboxStatus.delivered: 3, OutboxStatus.undelivered: 3,
                    OutboxStatus.failed: 3}.get(message.status, 0)
    if _STATUS_RANK.get(status, 0) < current_rank or message.status is new:
        return message
    message.status = new
    if sid and not message.sid:
        message.sid = sid
    if error_code:
        message.last_error = f"Twilio 错误码 {error_code}"[:500]
    message.updated_at = utcnow()
    session.add(message)
    return message
