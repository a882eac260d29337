"""Contacts: each call, SMS, letter or web submission as it arrived."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import enum_column, utc_column
from models.taxonomy import Channel


# One contact with the hotline. external_id is the provider's id (Twilio CallSid/MessageSid):
# unique per channel so a retried webhook can never create a second row.
class Contact(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("channel", "external_id", name="uq_contact_channel_external"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: Channel = Field(sa_column=enum_column(Channel, index=True))
    external_id: str | None = Field(default=None, max_length=64)
    received_at: dt.datetime = Field(sa_column=utc_column(index=True))
    raw_text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    complainant_id: int | None = Field(default=None, foreign_key="complainant.id", index=True)
    phone_hash: str | None = Field(default=None, max_length=64, index=True)
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    logged_by_id: int | None = Field(default=None, foreign_key="user.id")
    # A follow-up (查询) rather than a new report.
    is_followup: bool = False
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
