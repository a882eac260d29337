"""Claiming a unit of scheduled work in the database (insert-or-lose on a unique key)."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.base import utcnow
from models.jobruns import JobRun


def claim(session: Session, *, job: str, key: str) -> JobRun | None:
    """The claim row if this caller won it, None if another run already holds it.

    Committed at once: the unique constraint, not a check in Python, decides the winner.
    """
    run = JobRun(job=job, key=key)
    session.add(run)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return run


def finish(session: Session, run: JobRun, outcome: str) -> None:
    run.finished_at, run.outcome = utcnow(), outcome[:500]
    session.add(run)
    session.commit()


def last_run(session: Session, job: str) -> JobRun | None:
    return session.exec(select(JobRun).where(JobRun.job == job).order_by(JobRun.id.desc())).first()
