"""Finishing the intakes a webhook stored: triage, routing into a case and the clue number.

A webhook answers the caller once the contact, the complaint with its receipt code, the sealed
identity and the audit entry are committed together with an IntakeJob row (intake.service.log with
defer=True). `drain` completes those rows, one transaction each, with the same `settle` and
`open_matter` as an intake done at once, so a deferred complaint ends exactly as it would have.

Exactly once: a job row is deleted in the transaction that opens the case, and taken with
FOR UPDATE SKIP LOCKED on PostgreSQL, so two drains (two scheduler processes, a command) never work
on the same row; on SQLite the DELETE … RETURNING decides (one writer at a time). A job that fails
is put back with its error and retried later with a growing pause; the complaint stays visible
as 分办中 to those who see all complaints, and the readiness check reports jobs left waiting.

During a burst the scheduled drain steps aside (`Burst`): triage and routing cost several times
what answering a caller does, and on the same cores they would slow every answer. While reports
arrive faster than `INTAKE_BURST_PER_SECOND`, it waits, but never lets a report wait for its office
longer than `INTAKE_BURST_MAX_DELAY_SECONDS`; then it completes the oldest as usual.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from hotline import audit, db
from hotline.intake import service
from models.base import utcnow
from models.complaints import Complaint, IntakeJob, TriageState
from models.users import User

log = logging.getLogger(__name__)

MAX_PAUSE = dt.timedelta(minutes=10)
# Reports completed in one transaction: one commit and one audit seal for all of them. The clue
# counter's row lock is held from the batch's first number to its commit (tens of milliseconds a
# report), which an operator's intake meanwhile waits for.
BATCH = 25
# A waiting job older than this means no drain is running (or each attempt fails): readiness warns.
STALE_AFTER = dt.timedelta(minutes=5)


@dataclass
class DrainReport:
    done: int = 0
    failed: int = 0
    deferred: int = 0  # reports left waiting because a burst was on (Burst)

    def __str__(self) -> str:
        text = f"completed {self.done}, failed {self.failed}"
        return text + (f", {self.deferred} deferred during a burst" if self.deferred else "")


@dataclass(frozen=True)
class Burst:
    """When the drain steps aside for the intake: `per_second` reports arriving (0: never), for at
    most `max_delay` after the oldest waiting one arrived."""

    per_second: int
    max_delay: dt.timedelta
    # Arrivals are counted over this window: long enough to smooth a generator's jitter, short
    # enough that the drain resumes within seconds of a burst's end.
    window: dt.timedelta = dt.timedelta(seconds=2)

    @classmethod
    def from_settings(cls, settings) -> "Burst":
        return cls(settings.INTAKE_BURST_PER_SECOND, dt.timedelta(seconds=settings.INTAKE_BURST_MAX_DELAY_SECONDS))

    def waiting_on(self, session: Session, now: dt.datetime) -> int:
        """How many reports are left waiting because a burst is on: 0 when the drain should work.

        Counted from the jobs still waiting: while the drain keeps up, the jobs of the last
        seconds are gone and nothing counts as a burst, which is right — nothing needs deferring."""
        if self.per_second <= 0:
            return 0
        recent, oldest, total = session.execute(select(
            sa.func.count(IntakeJob.id).filter(IntakeJob.queued_at >= now - self.window),
            # A failed job waiting out its pause is not waiting for the drain: not the oldest.
            sa.func.min(IntakeJob.queued_at).filter(_due(now)), sa.func.count(IntakeJob.id))).one()
        if oldest is None or recent < self.per_second * self.window.total_seconds():
            return 0
        if oldest <= now - self.max_delay:  # UTCDateTime: aware on SQLite too
            return 0  # someone has waited long enough for their office: work, burst or not
        return int(total)


def pause_after(attempts: int) -> dt.timedelta:
    """How long a failed job waits before its next attempt: 2, 4, 8 ... seconds, at most 10 minutes."""
    return min(dt.timedelta(seconds=2 ** min(attempts, 12)), MAX_PAUSE)


@dataclass(frozen=True)
class Claimed:
    job_id: int
    complaint_id: int
    inputs: dict | None
    attempts: int
    queued_at: dt.datetime


def _due(now: dt.datetime):
    return sa.or_(IntakeJob.next_try_at.is_(None), IntakeJob.next_try_at <= now)


def _claim(session: Session, count: int, now: dt.datetime) -> list[Claimed]:
    """Take up to `count` due jobs, oldest first: their rows are deleted in this transaction (and
    come back with it if it rolls back). FOR UPDATE SKIP LOCKED lets parallel drains take
    different rows on PostgreSQL; on SQLite the DELETE's RETURNING says which rows this drain got."""
    ids = session.exec(select(IntakeJob.id).where(_due(now)).order_by(IntakeJob.id).limit(count)
                       .with_for_update(skip_locked=True)).all()
    if not ids:
        return []
    taken = session.execute(
        sa.delete(IntakeJob).where(IntakeJob.id.in_(ids))
        .returning(IntakeJob.id, IntakeJob.complaint_id, IntakeJob.inputs, IntakeJob.attempts, IntakeJob.queued_at)
        .execution_options(synchronize_session=False)).all()
    return sorted((Claimed(*row) for row in taken), key=lambda c: c.job_id)


def complete(session: Session, complaint: Complaint, inputs: dict | None) -> None:
    """Settle and route one stored complaint (the caller has taken its job row and commits)."""
    typed = service.Typed.from_json(inputs)
    actor = session.get(User, complaint.created_by_id) if complaint.created_by_id else None
    with audit.batched(session):
        # Labels confirmed by an inspector while the job waited stand; anything else is triaged now.
        accused, chosen = service.settle(session, complaint, typed,
                                         triage=complaint.triage_state is not TriageState.confirmed)
        service.open_matter(session, complaint, accused, chosen, typed, actor=actor)


def drain(session: Session, *, limit: int = 1000, seconds: float | None = None, batch: int = BATCH,
          now: dt.datetime | None = None, burst: Burst | None = None) -> DrainReport:
    """Complete due jobs, oldest first, `batch` to a transaction, until none is left, `limit` are
    handled or `seconds` have passed — or, given `burst`, until a burst is on (checked before each
    batch). Each report is completed in its own savepoint: one that fails goes back to the queue
    with its error (and a pause) while the rest of the batch commits."""
    report, started = DrainReport(), time.monotonic()
    while report.done + report.failed < limit and (seconds is None or time.monotonic() - started < seconds):
        at = now or utcnow()
        if burst is not None and (deferred := burst.waiting_on(session, at)):
            session.rollback()
            report.deferred = deferred
            break
        claimed = _claim(session, min(batch, limit - report.done - report.failed), at)
        if not claimed:
            session.rollback()
            break
        with db.reference_cache(session):
            _complete_batch(session, claimed, now, report)
        session.commit()  # one commit, and one audit seal after it, for the whole batch
    return report


def _complete_batch(session: Session, claimed: list[Claimed], now: dt.datetime | None, report: DrainReport) -> None:
    for job in claimed:
        try:
            with session.begin_nested():
                # Locked, so an SMS part joining this report waits or is waited for (telephony.sms).
                complaint = session.get(Complaint, job.complaint_id, with_for_update=True, populate_existing=True)
                complete(session, complaint, job.inputs)
            report.done += 1
        except Exception as exc:  # the complaint is stored; its job goes back with the error
            log.exception("completing intake of complaint %s failed (attempt %s)", job.complaint_id,
                          job.attempts + 1)
            session.add(IntakeJob(complaint_id=job.complaint_id, inputs=job.inputs, queued_at=job.queued_at,
                                  attempts=job.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:500],
                                  # the pause counts from the failure (a batch can take seconds)
                                  next_try_at=(now or utcnow()) + pause_after(job.attempts + 1)))
            report.failed += 1


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
