"""The phone line: raw inbound SMS and calls, recordings, opt-outs and the outbound SMS outbox.

Every provider id (MessageSid, CallSid, RecordingSid) is unique in the database, so a webhook
Twilio retries can never create a second row, whatever the Python code checks first.
"""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, enum_column, utc_column


class SmsKind(str, enum.Enum):
    report = "report"  # a new report: became a complaint
    part = "part"  # a further part of a long text, joined into the previous report
    query = "query"  # 查询/CX <receipt code>
    opt_out = "opt_out"  # 退订/STOP
    opt_in = "opt_in"  # 订阅/START
    invalid = "invalid"  # nothing usable (empty text, bad field): answered, not logged


# One inbound SMS as Twilio delivered it, with the answer given (returned again on a retry).
class SmsMessage(SQLModel, table=True):
    __tablename__ = "telephony_sms"
    # The join window's look-up (telephony.sms._last_report_part) runs at every report: one probe by
    # sender, newest first. With one index per column PostgreSQL combined the sender's entries with
    # every message of the last minutes (a bitmap AND): during a burst each report read the whole
    # window, thousands of entries (bench/intake_vs_peer.py; migration 0011).
    __table_args__ = (sa.Index("ix_telephony_sms_sender_received", "from_hash", "received_at"),)

    id: int | None = Field(default=None, primary_key=True)
    message_sid: str = Field(max_length=64, unique=True)
    # Keyed hash of the sender (of the raw From when it is not a Chinese number): groups parts.
    from_hash: str = Field(max_length=64)
    body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    kind: SmsKind = Field(sa_column=enum_column(SmsKind))
    reply: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, default=""))
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    received_at: dt.datetime = Field(sa_column=utc_column())
    replayed: bool = False  # ingested from the spool after a database outage
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())


class CallState(str, enum.Enum):
    menu = "menu"
    reporting = "reporting"
    querying = "querying"
    operator = "operator"  # routed to the operators: shows on their screen
    after_hours = "after_hours"
    voicemail = "voicemail"
    completed = "completed"  # Twilio said the call ended


# One inbound call to the voice line and where the caller went in the menu.
class PhoneCall(SQLModel, table=True):
    __tablename__ = "telephony_call"

    id: int | None = Field(default=None, primary_key=True)
    call_sid: str = Field(max_length=64, unique=True)
    # The caller's number, sealed by the identity vault (shown to operators while they take the
    # call) and masked for lists.
    from_number_enc: str | None = Field(default=None, max_length=255)
    from_masked: str | None = Field(default=None, max_length=32)
    phone_hash: str | None = Field(default=None, max_length=64, index=True)
    state: CallState = Field(default=CallState.menu, sa_column=enum_column(CallState, index=True))
    twilio_status: str | None = Field(default=None, max_length=20)
    duration_seconds: int | None = None
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    started_at: dt.datetime = Field(sa_column=utc_column(index=True))
    routed_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    ended_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))


# A voice recording kept as a reference (a voice identifies a person: identity-level access).
class Recording(SQLModel, table=True):
    __tablename__ = "telephony_recording"

    id: int | None = Field(default=None, primary_key=True)
    recording_sid: str = Field(max_length=64, unique=True)
    call_sid: str = Field(max_length=64, index=True)
    url: str = Field(max_length=500)
    duration_seconds: int | None = None
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())


# A number that asked for no more outbound SMS (退订), by keyed hash.
class SmsOptOut(SQLModel, table=True):
    __tablename__ = "telephony_opt_out"

    id: int | None = Field(default=None, primary_key=True)
    phone_hash: str = Field(max_length=64, unique=True)
    active: bool = True
    changed_at: dt.datetime | None = Field(default=None, sa_column=utc_column())


class OutboxStatus(LabelledEnum):
    queued = "queued", "待发送"  # waiting for the sender (or for credentials)
    sending = "sending", "发送中"  # claimed by a sender; the API call is in flight
    sent = "sent", "已提交"  # accepted by Twilio (has a sid)
    delivered = "delivered", "已送达"
    undelivered = "undelivered", "未送达"
    failed = "failed", "发送失败"  # gave up: permanent error or too many attempts
    uncertain = "uncertain", "状态不明（需人工核对）"  # the API call may have gone through: never resent automatically
    suppressed = "suppressed", "不发送（已退订或无号码）"  # opted out (退订) or no mobile number: never sent



# One outbound SMS. dedupe_key is unique so a retried job never queues the same message twice.
class OutboxMessage(SQLModel, table=True):
    __tablename__ = "telephony_outbox"

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=120, unique=True)
    purpose: str = Field(max_length=40, index=True)  # receipt | feedback | reply ...
    to_number_enc: str | None = Field(default=None, max_length=255)  # sealed by the identity vault
    to_masked: str | None = Field(default=None, max_length=32)
    complainant_id: int | None = Field(default=None, foreign_key="complainant.id", index=True)
    phone_hash: str | None = Field(default=None, max_length=64, index=True)
    body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    status: OutboxStatus = Field(default=OutboxStatus.queued, sa_column=enum_column(OutboxStatus, index=True))
    attempts: int = 0
    next_attempt_at: dt.datetime | None = Field(default=None, sa_column=utc_column(index=True))
    claimed_until: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    last_error: str | None = Field(default=None, max_length=500)
    # Unguessable id in the status-callback URL; Twilio's sid once accepted.
    token: str = Field(max_length=40, unique=True)
    sid: str | None = Field(default=None, max_length=64, unique=True)
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    sent_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    updated_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
