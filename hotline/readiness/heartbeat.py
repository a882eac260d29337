"""The scheduler's heartbeat: one row it touches every minute, so `doctor` can tell it is running.

Kept in the database (not a file) because the scheduler and the web may run on different hosts.
"""
from __future__ import annotations

import datetime as dt
import os
import socket

from flask import Flask
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.base import utcnow
from models.jobruns import JobRun

JOB, KEY = "scheduler.heartbeat", "latest"


def beat(session: Session, *, now: dt.datetime | None = None) -> None:
    """Record that a scheduler is alive now (one row, updated in place)."""
    now = now or utcnow()
    row = session.exec(select(JobRun).where(JobRun.job == JOB, JobRun.key == KEY)).first()
    if row is None:
        row = JobRun(job=JOB, key=KEY, claimed_at=now)
    row.finished_at, row.outcome = now, f"{socket.gethostname()}:{os.getpid()}"
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # a second scheduler inserted it first: its beat counts as well
        session.rollback()


def last_seen(session: Session) -> dt.datetime | None:
    row = session.exec(select(JobRun).where(JobRun.job == JOB, JobRun.key == KEY)).first()
    return row.finished_at if row is not None else None


def job(app: Flask) -> None:
    from hotline.db import get_session

    beat(get_session())
