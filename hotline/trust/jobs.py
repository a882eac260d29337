"""Nightly retention purge, claimed per local day so two schedulers never purge twice; the audit
trail's sequencer and its checkpoints (claimed per interval, so only one scheduler writes one)."""
from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from flask import Flask

from hotline import jobclaims, scheduler
from hotline.db import get_session
from hotline.trust import retention
from models.base import utcnow

log = logging.getLogger(__name__)
JOB = "trust.retention"


def retention_purge(app: Flask, now: dt.datetime | None = None) -> retention.PurgeReport | None:
    """Claim today's purge; run it unless another scheduler (or an earlier run today) has it."""
    settings = app.config["SETTINGS"]
    now = now or utcnow()
    session = get_session()
    day = now.astimezone(ZoneInfo(settings.TIMEZONE)).date().isoformat()
    run = jobclaims.claim(session, job=JOB, key=day)
    if run is None:
        log.info("retention purge for %s already claimed; nothing to do", day)
        return None
    try:
        report = retention.purge(session=session, days=retention.retention_days(settings), now=now)
    except Exception as exc:
        session.rollback()
        jobclaims.finish(session, run, f"failed: {type(exc).__name__}: {exc}")
        raise
    jobclaims.finish(session, run, report.summary())
    log.info("retention purge %s: %s", day, report.summary())
    return report


def audit_seal(app: Flask) -> int:
    """Seal audit entries that no after-commit sealing took (the merge delay's upper bound)."""
    from hotline import audit

    return audit.seal(get_session().get_bind(), app.config["AUDIT_KEY"])


def audit_checkpoint(app: Flask, now: dt.datetime | None = None):
    """Write a checkpoint of the audit chain's head, once per AUDIT_CHECKPOINT_MINUTES across schedulers."""
    from hotline import audit_checkpoints

    settings = app.config["SETTINGS"]
    now = now or utcnow()
    session = get_session()
    minutes = settings.AUDIT_CHECKPOINT_MINUTES
    bucket = now.replace(minute=now.minute - now.minute % minutes, second=0, microsecond=0)
    run = jobclaims.claim(session, job=AUDIT_CHECKPOINT_JOB, key=bucket.isoformat(timespec="minutes"))
    if run is None:
        return None
    report = audit_checkpoints.checkpoint_since_last(session.get_bind(), app.config["AUDIT_KEY"],
                                                     audit_checkpoints.checkpoint_path(settings))
    outcome = f"checkpoint at {report.head_seq}" if report.ok else "refused: " + "; ".join(report.problems)
    if not report.ok:
        log.error("audit chain check failed, no checkpoint written: %s", report.problems)
    jobclaims.finish(session, run, outcome)
    return report


AUDIT_CHECKPOINT_JOB = "audit.checkpoint"
JOBS = [scheduler.Job(JOB, retention_purge, "cron", {"hour": 2, "minute": 30}),
        scheduler.Job("audit.seal", audit_seal, "interval", {"seconds": 15}),
        scheduler.Job(AUDIT_CHECKPOINT_JOB, audit_checkpoint, "interval", {"minutes": 1})]
