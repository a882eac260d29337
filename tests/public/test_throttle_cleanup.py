"""The hourly job deletes throttle rows that no longer count (window over, no lock running), once
per hour however many schedulers run it."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from hotline.public import jobs, throttle
from models.attachments import PublicThrottle
from models.base import utcnow
from models.jobruns import JobRun


def _row(kind: str, subject: str, started: dt.datetime, locked_until: dt.datetime | None = None) -> PublicThrottle:
    return PublicThrottle(kind=kind, subject=subject, count=3, window_start=started, locked_until=locked_until)


def test_spent_rows_go_and_live_ones_stay(app, db):
    now = utcnow()
    rule = throttle.WRONG_PER_ADDRESS
    db.add_all([
        _row(rule.kind, "spent", now - rule.window - dt.timedelta(minutes=1)),
        _row(rule.kind, "in-window", now - rule.window + dt.timedelta(minutes=1)),
        _row(rule.kind, "still-locked", now - rule.window * 3, locked_until=now + dt.timedelta(minutes=5)),
        _row(rule.kind, "lock-over", now - rule.window * 3, locked_until=now - dt.timedelta(minutes=5)),
        _row("retired_kind", "old", now - dt.timedelta(days=8)),
        _row("retired_kind", "recent", now - dt.timedelta(days=1)),
    ])
    db.commit()
    assert jobs.cleanup_throttles(app, now=now) == 3
    with Session(app.extensions["db_engine"]) as session:
        left = sorted(row.subject for row in session.exec(select(PublicThrottle)).all())
    assert left == ["in-window", "recent", "still-locked"]


def test_the_job_is_claimed_once_per_hour(app, db):
    now = utcnow()
    assert jobs.cleanup_throttles(app, now=now) == 0
    assert jobs.cleanup_throttles(app, now=now) is None  # another scheduler, same hour
    assert jobs.cleanup_throttles(app, now=now + dt.timedelta(hours=1)) == 0
    runs = db.exec(select(JobRun).where(JobRun.job == jobs.CLEANUP_JOB)).all()
    assert len(runs) == 2 and all(run.outcome == "removed 0" for run in runs)


def test_the_scheduler_has_the_cleanup_job():
    from hotline import scheduler

    assert jobs.CLEANUP_JOB in {job.id for job in scheduler.collect_jobs()}
