"""Scheduled triage work: weekly retraining with promotion, and catching up unclassified reports."""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask

from classifiers.artifact import train_artifact
from hotline import jobclaims
from hotline.db import get_session
from hotline.scheduler import Job
from hotline.triage import service

log = logging.getLogger(__name__)


def retrain(app: Flask, now: dt.datetime | None = None) -> str | None:
    """Train on the corpus plus confirmed labels; promote only if not worse on the held-out split.

    Claimed per ISO week, so a second scheduler (or a re-run) does nothing.
    """
    settings = app.config["SETTINGS"]
    local = (now or dt.datetime.now(dt.timezone.utc)).astimezone(ZoneInfo(settings.TIMEZONE))
    year, week, _ = local.isocalendar()
    session = get_session()
    run = jobclaims.claim(session, job="triage.retrain", key=f"{year}-W{week:02d}")
    if run is None:
        return None
    result = train_artifact(settings.MODELS_DIR, service.confirmed_examples(session),
                            **training_corpus(settings.TRAINING_CORPUS_DIR))
    outcome = f"{result.version}: {'promoted' if result.promoted else 'kept current'} ({result.promotion_reason})"
    jobclaims.finish(session, run, outcome)
    log.info("retrain %s", outcome)
    return outcome


def training_corpus(corpus_dir: Path) -> dict[str, Path]:
    """train_artifact's corpus arguments for a corpus folder: its files and its own split.json."""
    return {"corpus_dir": corpus_dir, "split_path": Path(corpus_dir) / "split.json"}


def catch_up(app: Flask) -> int:
    """Classify complaints that arrived while no model was available.

    Also keeps the model loaded: after a promotion the scheduler, not a caller's request,
    pays the second or two of loading.
    """
    session = get_session()
    service.model_store(session).get()
    return service.retry_unclassified(session)


JOBS = [
    Job("triage.retrain", retrain, "cron", {"day_of_week": "sun", "hour": 2, "minute": 0}),
    Job("triage.catch_up", catch_up, "interval", {"minutes": 10}),
]
