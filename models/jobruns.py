"""Claims for periodic work, so two schedulers (or a re-run) never do the same work twice."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import utc_column


# One claimed unit of scheduled work, e.g. ("triage.retrain", "2026-W48"): unique per job and key.
class JobRun(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("job", "key", name="uq_jobrun_job_key"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=60)
    key: str = Field(max_length=120)
    claimed_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    finished_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    outcome: str | None = Field(default=None, max_length=500)
