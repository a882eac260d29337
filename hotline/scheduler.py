"""APScheduler: one place that collects every capability's periodic jobs.

In production the scheduler runs as its own process (`python -m hotline scheduler`), never
inside web workers; with the dev server it runs in a background thread. Jobs must claim
their work in the database, so a second scheduler or a re-run never repeats a side effect.
"""
from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

log = logging.getLogger(__name__)
# APScheduler logs every run at INFO; the intake drain runs every second, so only its failures
# (WARNING and above, and our own job logs) reach the log.
logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)

JOB_MODULES = ("hotline.intake.jobs", "hotline.triage.jobs", "hotline.telephony.jobs", "hotline.cases.jobs", "hotline.clues.jobs",
               "hotline.bulletins.jobs", "hotline.trust.jobs", "hotline.readiness.jobs",
               "hotline.public.jobs")


@dataclass(frozen=True)
class Job:
    """A periodic job: `func(app)` runs inside an app context on the given trigger."""

    id: str
    func: Callable[[Flask], object]
    trigger: str  # "cron" or "interval"
    trigger_args: dict = field(default_factory=dict)


def collect_jobs() -> list[Job]:
    jobs: list[Job] = []
    for name in JOB_MODULES:
        jobs.extend(importlib.import_module(name).JOBS)  # a broken import fails the start, loudly
    return jobs


def _runner(app: Flask, job: Job) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            try:
                job.func(app)
            except Exception:
                log.exception("scheduled job %s failed", job.id)

    return run


def configure(scheduler, app: Flask) -> None:
    zone = app.config["SETTINGS"].TIMEZONE
    for job in collect_jobs():
        scheduler.add_job(_runner(app, job), job.trigger, id=job.id, replace_existing=True,
                          coalesce=True, max_instances=1, misfire_grace_time=3600,
                          timezone=zone, **job.trigger_args)


def start_background(app: Flask) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=app.config["SETTINGS"].TIMEZONE)
    configure(scheduler, app)
    scheduler.start()
    log.info("scheduler started in-process with %d jobs", len(scheduler.get_jobs()))
    return scheduler


def run_blocking(app: Flask) -> None:
    scheduler = BlockingScheduler(timezone=app.config["SETTINGS"].TIMEZONE)
    configure(scheduler, app)
    log.info("scheduler process starting with %d jobs", len(scheduler.get_jobs()))
    scheduler.start()
