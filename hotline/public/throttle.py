"""Counters per address and per receipt code, kept in the database so every worker shares them.

A subject (an address's keyed hash, a receipt code) may have `limit` events in `window`; the event
past the limit locks it for `lock_for`. The voice and SMS look-ups have no such counter; the web,
open to anyone, does.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.attachments import PublicThrottle
from models.base import utcnow


@dataclass(frozen=True)
class Rule:
    kind: str
    limit: int
    window: dt.timedelta
    lock_for: dt.timedelta


REPORTS_PER_ADDRESS = Rule("report_addr", 5, dt.timedelta(hours=1), dt.timedelta(hours=1))
WRONG_PER_ADDRESS = Rule("lookup_addr", 5, dt.timedelta(minutes=15), dt.timedelta(minutes=30))
WRONG_PER_CODE = Rule("lookup_code", 5, dt.timedelta(hours=24), dt.timedelta(hours=1))
FOLLOWUPS_PER_CODE = Rule("followup_code", 10, dt.timedelta(hours=24), dt.timedelta(hours=24))


def address_subject(remote_addr: str | None, key: bytes) -> str:
    """An address as a keyed hash: the counter works without keeping reporters' addresses."""
    return hmac.new(key, b"public-addr:" + (remote_addr or "").encode(), hashlib.sha256).hexdigest()


def _row(session: Session, rule: Rule, subject: str) -> PublicThrottle | None:
    return session.exec(select(PublicThrottle).where(PublicThrottle.kind == rule.kind,
                                                     PublicThrottle.subject == subject)).first()


def locked_until(session: Session, rule: Rule, subject: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the subject's lock ends, or None when it is not locked."""
    now = now or utcnow()
    row = _row(session, rule, subject)
    return row.locked_until if row is not None and row.locked_until and row.locked_until > now else None


def hit(session: Session, rule: Rule, subject: str, now: dt.datetime | None = None) -> bool:
    """Count one event; True when the subject is now locked."""
    now = now or utcnow()
    row = _row(session, rule, subject)
    if row is None:
        try:
            with session.begin_nested():
                row = PublicThrottle(kind=rule.kind, subject=subject, count=0, window_start=now)
                session.add(row)
                session.flush()
        except IntegrityError:  # another worker made it first
            row = _row(session, rule, subject)
    if row.window_start + rule.window <= now:
        row.count, row.window_start = 0, now
    row.count += 1
    if row.count > rule.limit:
        row.locked_until = now + rule.lock_for
    session.add(row)
    session.flush()
    return row.locked_until is not None and row.locked_until > now


def clear(session: Session, rule: Rule, subject: str) -> None:
    row = _row(session, rule, subject)
    if row is not None:
        session.delete(row)
