"""Recording and verifying the audit trail (hash-chained, append-only)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa
from flask import has_request_context, request
from sqlmodel import Session, select

from models.audit import AuditEntry
from models.base import utcnow

GENESIS = "0" * 64
# Any constant: PostgreSQL advisory lock that serialises appends so the chain never forks.
_CHAIN_LOCK = 965888


def _digest(prev_hash: str, at: dt.datetime, actor_id: int | None, actor_name: str, action: str,
            entity: str, entity_id: str | None, detail: dict | None, remote_addr: str | None) -> str:
    at_utc = at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
    payload = json.dumps([prev_hash, at_utc, actor_id, actor_name, action, entity, entity_id,
                          detail, remote_addr], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _entry_digest(entry: AuditEntry) -> str:
    return _digest(entry.prev_hash, entry.at, entry.actor_id, entry.actor_name, entry.action,
                   entry.entity, entry.entity_id, entry.detail, entry.remote_addr)


def record(session: Session, *, actor: object | None, action: str, entity: str,
           entity_id: object = None, detail: dict | None = None) -> AuditEntry:
    """Append an audit entry in the caller's transaction (it commits with the change it records)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    last = session.exec(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    detail = json.loads(json.dumps(detail, ensure_ascii=False, default=str)) if detail else None
    entry = AuditEntry(
        at=utcnow(), actor_id=getattr(actor, "id", None), actor_name=getattr(actor, "username", "") or "",
        action=action, entity=entity, entity_id=None if entity_id is None else str(entity_id),
        detail=detail, remote_addr=request.remote_addr if has_request_context() else None,
        prev_hash=last or GENESIS, hash="",
    )
    entry.hash = _entry_digest(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in id order; report the first row whose link or content does not hold."""
    prev, checked, last_id = GENESIS, 0, 0
    while True:
        rows = session.exec(select(AuditEntry).where(AuditEntry.id > last_id)
                            .order_by(AuditEntry.id).limit(batch)
                            .execution_options(populate_existing=True)).all()
        if not rows:
            return ChainReport(checked)
        for entry in rows:
            if entry.prev_hash != prev:
                return ChainReport(checked, entry.id, "上一条记录缺失或被改动（链接不符）")
            if _entry_digest(entry) != entry.hash:
                return ChainReport(checked, entry.id, "本条记录内容被改动（哈希不符）")
            prev, last_id, checked = entry.hash, entry.id, checked + 1
