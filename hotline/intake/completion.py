"""Finishing the intakes a webhook stored: triage, routing into a case and the clue number.

A webhook answers the caller once the contact, the complaint with its receipt code, the sealed
identity and the audit entry are committed together with an IntakeJob row (intake.service.log with
defer=True). `drain` completes those rows, one transaction each, with the same `settle` and
`open_matter` as an intake done at once, so a deferred complaint ends exactly as it would have.

Exactly once: a job row is deleted in the transaction that opens the case, and taken with
FOR UPDATE SKIP LOCKED on PostgreSQL, so two drains (two scheduler processes, a command) never work
on the same row; on SQLite the DELETE's rowcount decides (one writer at a time). A job that fails
is put back with its error and retried later with a growing pause; the complaint stays visible
as 分办中 to those who see all complaints, and the readiness check reports jobs left waiting.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from hotline import audit
from hotline.intake import service
from models.base import utcnow
from models.complaints import Complaint, IntakeJob, TriageState
from models.users import User

log = logging.getLogger(__name__)

MAX_PAUSE = dt.timedelta(minutes=10)
# A waiting job older than this means no drain is running (or each attempt fails): readiness warns.
STALE_AFTER = dt.timedelta(minutes=5)


@dataclass
class DrainReport:
    done: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"completed {self.done}, failed {self.failed}"


def pause_after(attempts: int) -> dt.timedelta:
    """How long a failed job waits before its next attempt: 2, 4, 8 ... seconds, at most 10 minutes."""
    return min(dt.timedelta(seconds=2 ** min(attempts, 12)), MAX_PAUSE)


def _next_due(session: Session, now: dt.datetime) -> IntakeJob | None:
    due = sa.or_(IntakeJob.next_try_at.is_(None), IntakeJob.next_try_at <= now)
    return session.exec(select(IntakeJob).where(due).order_by(IntakeJob.id).limit(1)
                        .with_for_update(skip_locked=True)).first()


def _taken(session: Session, job: IntakeJob) -> bool:
    """Delete the job row in this transaction; False if another drain already did."""
    return session.execute(sa.delete(IntakeJob).where(IntakeJob.id == job.id)).rowcount == 1


def complete(session: Session, complaint: Complaint, inputs: dict | None) -> None:
    """Settle and route one stored complaint (the caller removes its job row and commits)."""
    typed = service.Typed.from_json(inputs)
    actor = session.get(User, complaint.created_by_id) if complaint.created_by_id else None
    with audit.batched(session):
        # Labels confirmed by an inspector while the job waited stand; anything else is triaged now.
        accused, chosen = service.settle(session, complaint, typed,
                                         triage=complaint.triage_state is not TriageState.confirmed)
        session.add(complaint)
        service.open_matter(session, complaint, accused, chosen, typed, actor=actor)


def drain(session: Session, *, limit: int = 1000, seconds: float | None = None,
          now: dt.datetime | None = None) -> DrainReport:
    """Complete due jobs, oldest first, until none is left, `limit` are done or `seconds` have passed."""
    report, started = DrainReport(), time.monotonic()
    while report.done + report.failed < limit and (seconds is None or time.monotonic() - started < seconds):
        job = _next_due(session, now or utcnow())
        if job is None:
            session.rollback()
            break
        job_id, complaint_id, inputs, attempts = job.id, job.complaint_id, job.inputs, job.attempts
        try:
            if not _taken(session, job):
                session.rollback()
                continue
            complete(session, session.get(Complaint, complaint_id), inputs)
            session.commit()
            report.done += 1
        except Exception as exc:  # the complaint is stored; its job goes back with the error
            session.rollback()
            log.exception("completing intake of complaint %s failed (attempt %s)", complaint_id, attempts + 1)
            _put_back(session, job_id, attempts + 1, exc, now or utcnow())
            report.failed += 1
    return report


def _put_back(session: Session, job_id: int, attempts: int, exc: Exception, now: dt.datetime) -> None:
    message = f"{type(exc).__name__}: {exc}"[:500]
    session.execute(sa.update(IntakeJob).where(IntakeJob.id == job_id).values(
        attempts=attempts, last_error=message, next_try_at=now + pause_after(attempts)))
    session.commit()


def waiting(session: Session, complaint_id: int) -> IntakeJob | None:
    """The complaint's job while it is still being settled (the complaint page shows 分办中)."""
    return session.exec(select(IntakeJob).where(IntakeJob.complaint_id == complaint_id)).first()


def backlog(session: Session, *, now: dt.datetime | None = None) -> tuple[int, int, int]:
    """(waiting, of which older than STALE_AFTER, of which failed at least once) for readiness."""
    now = now or utcnow()
    total, stale, failing = session.execute(select(
        sa.func.count(IntakeJob.id),
        sa.func.count(IntakeJob.id).filter(IntakeJob.queued_at < now - STALE_AFTER),
        sa.func.count(IntakeJob.id).filter(IntakeJob.attempts > 0))).one()
    return int(total or 0), int(stale or 0), int(failing or 0)
