"""Nightly retention purge, claimed per local day so two schedulers never purge twice."""
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


JOBS = [scheduler.Job(JOB, retention_purge, "cron", {"hour": 2, "minute": 30})]
