"""Complainants: the people who report, kept apart from what they report."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from models.base import utc_column


# A reporting person's identity. Complaints point here; lists never join it in.
# phone_hash is a keyed hash so caller history can be looked up without reading identities.
class Complainant(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    anonymous: bool = False
    name: str | None = Field(default=None, max_length=255)
    phone: str | None = Field(default=None, max_length=255)
    id_number: str | None = Field(default=None, max_length=255)
    phone_hash: str | None = Field(default=None, max_length=64, index=True)
    # Whether the person refused outbound SMS (退订).
    sms_opt_out: bool = False
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    purged_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
