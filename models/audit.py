"""The audit trail: an append-only, hash-chained record of who did what."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from models.base import json_column, utc_column


# One audited action. `hash` covers this row's content and the previous row's hash,
# so a row changed or deleted outside the app breaks the chain (`audit verify`).
class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_column=utc_column(index=True))
    actor_id: int | None = Field(default=None, index=True)
    actor_name: str = Field(default="", max_length=40)
    action: str = Field(max_length=40, index=True)
    entity: str = Field(max_length=40)
    entity_id: str | None = Field(default=None, max_length=40)
    detail: dict | None = Field(default=None, sa_column=json_column())
    remote_addr: str | None = Field(default=None, max_length=64)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
