"""Scheduled work of the phone line: drain the outbox, ingest the outage spool."""
from __future__ import annotations

import logging

from flask import Flask

from hotline.scheduler import Job
from hotline.telephony import service

log = logging.getLogger(__name__)


def send_outbox(app: Flask) -> None:
    report = service.send_outbox(app)
    if report.sent or report.failed or report.uncertain:
        log.info("outbox: %s", report)


def replay_spool(app: Flask) -> None:
    report = service.replay_spool(app)
    if report.ingested or report.rejected or report.database_down:
        log.info("spool replay: %s", report)


JOBS = [
    Job("telephony.send_outbox", send_outbox, "interval", {"seconds": 30}),
    Job("telephony.replay_spool", replay_spool, "interval", {"minutes": 2}),
]
