"""Scheduled work of the public side: store the web reports spooled during an outage, fetch the
pictures of MMS reports, and delete throttle counters that no longer count."""
from __future__ import annotations

import datetime as dt
import logging

from flask import Flask
from sqlmodel import Session

from hotline import jobclaims
from hotline.public import spool, throttle
from hotline.scheduler import Job
from hotline.telephony import media
from models.base import utcnow

log = logging.getLogger(__name__)
CLEANUP_JOB = "public.cleanup_throttles"


def replay_spool(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    result = spool.replay(spool.directory(settings), engine=app.extensions["db_engine"],
                          lookup_key=app.config["LOOKUP_KEY"], max_chars=settings.MAX_REPORT_CHARS)
    if result.stored or result.rejected or result.database_down:
        log.info("public spool replay: %s", result)


def fetch_mms_media(app: Flask) -> media.FetchReport:
    """MMS pictures due for fetching, through the injected HTTP client if any (tests: no network)."""
    settings = app.config["SETTINGS"]
    client = None
    if settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN:
        client = media.make_client(settings, app.extensions.get("twilio_http_client"))
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        report = media.fetch_due(session=session, client=client, lookup_key=app.config["LOOKUP_KEY"])
    if report.stored or report.refused or report.failed:
        log.info("mms media: %s", report)
    return report


def cleanup_throttles(app: Flask, now: dt.datetime | None = None) -> int | None:
    """Delete spent throttle rows, claimed per UTC hour so two schedulers never both run it."""
    now = now or utcnow()
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        run = jobclaims.claim(session, job=CLEANUP_JOB, key=now.strftime("%Y-%m-%dT%H"))
        if run is None:
            return None
        try:
            removed = throttle.purge(session, now)
            session.commit()
        except Exception as exc:
            session.rollback()
            jobclaims.finish(session, run, f"failed: {type(exc).__name__}: {exc}")
            raise
        jobclaims.finish(session, run, f"removed {removed}")
    return removed


JOBS = [Job("public.replay_spool", replay_spool, "interval", {"minutes": 2}),
        Job("public.fetch_mms_media", fetch_mms_media, "interval", {"minutes": 1}),
        Job(CLEANUP_JOB, cleanup_throttles, "cron", {"minute": 17})]
