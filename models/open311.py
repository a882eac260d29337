"""Open311 GeoReport v2: partner platforms (a city's 12345 line) and the requests they passed in."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import enum_column, utc_column
from models.taxonomy import ProblemType


# A partner platform allowed to post requests; only the SHA-256 of its api_key is kept.
class Open311Client(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True)
    key_hash: str = Field(max_length=64, unique=True)
    # The key's first characters, so an operator can tell keys apart without knowing them.
    key_prefix: str = Field(max_length=12)
    note: str = Field(default="", max_length=200)
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    last_used_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    revoked_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))


# One request a partner posted: which complaint it became, under which service, with the partner's
# own id (e.g. the 12345 ticket number). GET requests only ever show a client its own rows.
class Open311Request(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("client_id", "partner_id", name="uq_open311request_client_partner"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="open311client.id", index=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    service_code: ProblemType = Field(sa_column=enum_column(ProblemType, index=True))
    partner_id: str | None = Field(default=None, max_length=50)
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column(index=True))
