"""Every Monday at 08:00 (the scheduler's zone, Asia/Shanghai): build and publish last week's bulletin."""
from __future__ import annotations

import logging

from flask import Flask

from hotline import scheduler
from hotline.bulletins import archive
from hotline.bulletins.weeks import last_complete_week
from hotline.db import get_session
from hotline.intake import completion
from models.base import utcnow

log = logging.getLogger(__name__)


def weekly_bulletin(app: Flask, now=None):
    """Claim last week's scheduled build; build and publish it unless another scheduler has it (a
    week a supervisor already published is built as a draft: a period is published once)."""
    settings = app.config["SETTINGS"]
    week = last_complete_week(now or utcnow(), settings.TIMEZONE)
    db = get_session()
    # Reports the intake drain has not finished yet would hold the publication up: finish them here.
    completion.drain(db, seconds=60)
    bulletin = archive.claim_scheduled(session=db, week=week, settings=settings)
    if bulletin is None:
        db.rollback()
        log.info("bulletin %s already claimed or built; nothing to do", week)
        return None
    db.commit()  # the claim is visible to other schedulers before the slow part starts
    try:
        publish = archive.published_of(db, str(week)) is None
        archive.complete(session=db, bulletin=bulletin, settings=settings, publish=publish)
        db.commit()
    except Exception as exc:
        db.rollback()
        archive.mark_failed(session=db, bulletin_id=bulletin.id, error=f"{type(exc).__name__}: {exc}")
        db.commit()
        raise
    log.info("bulletin %s version %s built and archived (%s)", week, bulletin.version, bulletin.number)
    return bulletin


JOBS = [scheduler.Job("bulletins.weekly", weekly_bulletin, "cron",
                      {"day_of_week": "mon", "hour": 8, "minute": 0})]
