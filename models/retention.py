"""Retention: legal holds that keep a case's identity data, and tombstones of what was purged."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import json_column, utc_column


# A legal hold (依法留存) on a case: while it is active (released_at null) the retention job
# never purges the identity data of the case's complainants.
class LegalHold(SQLModel, table=True):
    __tablename__ = "retention_hold"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    reason: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    placed_by_id: int | None = Field(default=None, foreign_key="user.id")
    placed_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    released_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    released_by_id: int | None = Field(default=None, foreign_key="user.id")
    release_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))


# What the retention job removed from one complainant and when (the identity is gone, this row
# says it existed). Unique per complainant, so two schedulers can never both purge one person.
class RetentionTombstone(SQLModel, table=True):
    __tablename__ = "retention_tombstone"

    id: int | None = Field(default=None, primary_key=True)
    complainant_id: int = Field(foreign_key="complainant.id", unique=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    complaint_ids: list | None = Field(default=None, sa_column=json_column())
    case_closed_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    retention_days: int
    # {"complainant": [fields], "recordings": [RecordingSid...], "calls": n, "outbox": n, ...}
    removed: dict | None = Field(default=None, sa_column=json_column())
    purged_at: dt.datetime | None = Field(default=None, sa_column=utc_column(index=True))
