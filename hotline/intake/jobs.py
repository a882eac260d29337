"""Scheduled intake work: finish the reports that webhooks stored (triage, routing, clue number)."""
from __future__ import annotations

import logging

from flask import Flask

from hotline.db import get_session
from hotline.intake import completion
from hotline.scheduler import Job

log = logging.getLogger(__name__)

# Every second: a caller's report reaches its office's queue within seconds (during a burst, within
# INTAKE_BURST_MAX_DELAY_SECONDS: completion.Burst). One run works for at most RUN_SECONDS, so a
# backlog is drained across runs without holding the scheduler's thread.
EVERY_SECONDS = 1
RUN_SECONDS = 20


def complete_pending(app: Flask) -> completion.DrainReport:
    burst = completion.Burst.from_settings(app.config["SETTINGS"])
    report = completion.drain(get_session(), seconds=RUN_SECONDS, burst=burst)
    if report.done or report.failed:
        log.info("intake completion: %s", report)
    return report


JOBS = [Job("intake.complete_pending", complete_pending, "interval", {"seconds": EVERY_SECONDS})]
