"""Scheduled job of the clue register: duty reminders (see reminders.py), beside the cases' own."""
from __future__ import annotations

import logging

from flask import Flask

from hotline.scheduler import Job

log = logging.getLogger(__name__)


def remind_duties(app: Flask) -> None:
    from hotline.clues import reminders
    from hotline.db import get_session

    session = get_session()
    report = reminders.run(session)
    session.commit()
    log.info("clues.duties: %s", report)


JOBS = [Job("clues.duties", remind_duties, "cron", {"hour": "8-18", "minute": 20})]
