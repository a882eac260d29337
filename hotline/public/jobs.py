"""Scheduled work of the public side: store the web reports spooled during an outage."""
from __future__ import annotations

import logging

from flask import Flask

from hotline.public import spool
from hotline.scheduler import Job

log = logging.getLogger(__name__)


def replay_spool(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    result = spool.replay(spool.directory(settings), engine=app.extensions["db_engine"],
                          lookup_key=app.config["LOOKUP_KEY"], max_chars=settings.MAX_REPORT_CHARS)
    if result.stored or result.rejected or result.database_down:
        log.info("public spool replay: %s", result)


JOBS = [Job("public.replay_spool", replay_spool, "interval", {"minutes": 2})]
