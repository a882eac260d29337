"""Counters per address and per receipt code, kept in the database so every worker shares them.

A subject (an address's keyed hash, a receipt code) may have `limit` events in `window`; the event
past the limit locks it for `lock_for`. The voice and SMS look-ups have no such counter; the web,
open to anyone, does, and so do the SMS and voice receipt look-ups (per caller).
Rows whose window and lock are over count for nothing: `purge` (a nightly job) deletes them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

import sqlalchemy as sa
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
# Wrong receipt codes from one phone number (SMS 查询, voice menu 2): the web's per-address rule.
WRONG_PER_CALLER = Rule("lookup_caller", 5, dt.timedelta(minutes=15), dt.timedelta(minutes=30))
RULES = (REPORTS_PER_ADDRESS, WRONG_PER_ADDRESS, WRONG_PER_CODE, FOLLOWUPS_PER_CODE, WRONG_PER_CALLER)
# A row of a kind no rule has any more (renamed, retired) is kept this long, then purged.
UNKNOWN_KIND_KEEP = dt.timedelta(days=7)


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


def purge(session: Session, now: dt.datetime | None = None) -> int:
    """Delete the rows that no longer count: window over and no lock running. The caller commits."""
    now = now or utcnow()
    unlocked = sa.or_(PublicThrottle.locked_until.is_(None), PublicThrottle.locked_until <= now)
    removed = 0
    for rule in RULES:
        removed += session.execute(sa.delete(PublicThrottle).where(
            PublicThrottle.kind == rule.kind, PublicThrottle.window_start <= now - rule.window, unlocked)).rowcount
    removed += session.execute(sa.delete(PublicThrottle).where(
        PublicThrottle.kind.not_in([rule.kind for rule in RULES]),
        PublicThrottle.window_start <= now - UNKNOWN_KIND_KEEP, unlocked)).rowcount
    return removed


def count(session: Session, rule: Rule, subject: str, now: dt.datetime | None = None) -> int:
    """Events counted for the subject in its current window."""
    now = now or utcnow()
    row = _row(session, rule, subject)
    return row.count if row is not None and row.window_start + rule.window > now else 0


def clear(session: Session, rule: Rule, subject: str) -> None:
    row = _row(session, rule, subject)
    if row is not None:
        session.delete(row)


# --- receipt look-ups by phone (SMS 查询, voice menu 2) -------------------------------------------

def caller_lock_minutes(session: Session, caller_subject: str, now: dt.datetime | None = None) -> int | None:
    """Minutes left of a caller's look-up lock, or None when the caller may look up."""
    now = now or utcnow()
    until = locked_until(session, WRONG_PER_CALLER, caller_subject, now)
    return None if until is None else max(1, int((until - now).total_seconds() // 60) + 1)


def wrong_caller_lookup(session: Session, caller_subject: str, *, channel: str,
                        now: dt.datetime | None = None) -> int | None:
    """Count a wrong receipt code from a caller; the minutes of the lock when this one locked it
    (audited: the lock, not each try, so a caller's mistakes do not fill the trail)."""
    from hotline import audit

    now = now or utcnow()
    if not hit(session, WRONG_PER_CALLER, caller_subject, now):
        return None
    minutes = int(WRONG_PER_CALLER.lock_for.total_seconds() // 60)
    audit.record(session, actor=None, action="receipt.lookup_locked", entity="caller", entity_id=caller_subject[:16],
                 detail={"channel": channel, "limit": WRONG_PER_CALLER.limit, "minutes": minutes})
    return caller_lock_minutes(session, caller_subject, now)
