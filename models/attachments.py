"""Evidence attachments, the public reporter's access key, and per-address/per-code throttles."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import utc_column


# One evidence file sent with a report or a follow-up. The bytes are sealed with the identity
# vault (a photo can identify its taker); `sha256` is of the stored (EXIF-stripped) bytes.
class Attachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    filename: str = Field(max_length=120)
    kind: str = Field(max_length=10)  # jpeg, png, pdf, docx, xlsx
    size: int
    sha256: str = Field(max_length=64)
    location_kept: bool = False  # the reporter chose to keep the photo's EXIF (GPS) data
    sealed: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())


# The short second secret issued with a web report's receipt code: only its keyed hash is kept.
class PublicAccessKey(SQLModel, table=True):
    complaint_id: int = Field(foreign_key="complaint.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    key_hash: str = Field(max_length=64)
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())


# A counter of events (reports sent, wrong look-ups) for one subject (an address hash, a receipt
# code) in the current window; `locked_until` set once the limit is passed.
class PublicThrottle(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("kind", "subject", name="uq_public_throttle_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    subject: str = Field(max_length=64)
    count: int = 0
    window_start: dt.datetime = Field(sa_column=utc_column(default=False))
    locked_until: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))


# One picture (or file) of an MMS: recorded when the message arrives, fetched from Twilio by a
# scheduled job (hotline.telephony.media), checked like a web file and stored as an Attachment.
# (message_sid, position) is unique: a repeated webhook records nothing twice.
# status: pending → fetching → stored | refused (not acceptable) | failed (gave up) | skipped
# (not part of a report, e.g. a picture sent with 查询).
class MmsMedia(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("message_sid", "position", name="uq_mms_media_position"),)

    id: int | None = Field(default=None, primary_key=True)
    message_sid: str = Field(max_length=64, index=True)
    position: int  # N of MediaUrlN
    url: str = Field(max_length=500)
    content_type: str = Field(default="", max_length=100)
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    sender_enc: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))  # sealed number
    status: str = Field(default="pending", max_length=12, index=True)
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(sa_column=utc_column())
    claimed_until: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    error: str | None = Field(default=None, max_length=300)  # Chinese, for staff and the sender
    attachment_id: int | None = Field(default=None, foreign_key="attachment.id")
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    updated_at: dt.datetime | None = Field(default=None, sa_column=utc_column())


SPAM_STATES = {"suspected": "疑似无效", "spam": "已标记无效", "valid": "有效"}


# An operator's review of a public (web) report as spam / 无效. The report is never deleted: the
# mark is a state beside it, changed (both ways) with a reason, each change in the audit trail.
# A row in state "suspected" is a queue entry the system raised (`suspicion` says why).
class SpamMark(SQLModel, table=True):
    complaint_id: int = Field(foreign_key="complaint.id", primary_key=True,
                              sa_column_kwargs={"autoincrement": False})
    state: str = Field(default="suspected", max_length=12, index=True)
    suspicion: str = Field(default="", max_length=200)
    reason: str = Field(default="", max_length=300)
    marked_by_id: int | None = Field(default=None, foreign_key="user.id")
    marked_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
