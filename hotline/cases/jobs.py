"""Scheduled jobs of the case workflow; each claims its work in the database (see reminders.py)."""
from __future__ import annotations

import logging

from flask import Flask

from hotline.scheduler import Job

log = logging.getLogger(__name__)


def _run(step_name: str):
    def run(app: Flask) -> None:
        from hotline.cases import reminders
        from hotline.db import get_session

        session = get_session()
        report = getattr(reminders, step_name)(session)
        session.commit()
        log.info("cases.%s: %s", step_name, report)

    return run


def _influence_ended(app: Flask) -> None:
    """减责 whose 影响期 ended: tell the organisation department (through the supervisors), once."""
    from hotline.cases import tolerance
    from hotline.db import get_session

    session = get_session()
    sent, skipped = tolerance.remind_influence_ended(session)
    session.commit()
    log.info("cases.influence_ended: sent=%s skipped=%s", sent, skipped)


JOBS = [
    Job("cases.remind", _run("remind"), "cron", {"hour": "8-18", "minute": 5}),
    Job("cases.escalate", _run("escalate"), "cron", {"hour": "8-18", "minute": 35}),
    Job("cases.chase", _run("chase"), "cron", {"hour": 9, "minute": 15}),
    Job("cases.influence_ended", _influence_ended, "cron", {"hour": 9, "minute": 25}),
]
