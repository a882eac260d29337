"""The audit trail: an append-only, hash-chained record of who did what."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from models.base import json_column, utc_column


# One audited action. It is inserted pending (no `seq`, no `hash`); the sequencer
# (hotline/audit.py) then gives it its place `seq` in the chain and `hash`, an HMAC-SHA256
# under AUDIT_KEY of its content and the previous entry's `hash`, so a row changed, deleted
# or re-chained without the key breaks the chain (`audit verify`, with its checkpoints).
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
    seq: int | None = Field(default=None, unique=True)
    prev_hash: str | None = Field(default=None, max_length=64)
    hash: str | None = Field(default=None, max_length=64, unique=True)
