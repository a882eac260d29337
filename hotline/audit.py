"""Recording the audit trail, and sealing it into a keyed chain (see docs/security.md).

`record` only inserts a pending row in the caller's transaction: no lock, no read of the chain's
head, so parallel intakes never queue on the audit trail (inside `batched`, one INSERT for all the
entries of a transaction). The sequencer (`seal`) later gives
committed pending rows their place (`seq`, 1, 2, 3 ... without gaps) and their `hash`: an
HMAC-SHA256 under AUDIT_KEY (a key kept out of the database) of the row and the previous row's
`hash`. Like a Certificate Transparency log integrating entries after its merge delay, it runs
after every commit that recorded something (in a web request: once the response is sent, so no
reply waits for it), from a job every few seconds, and before
`audit verify` and the export. Checkpoints of the head, kept outside the database, are in
`hotline.audit_checkpoints`; `verify` checks the chain and every checkpoint.
"""
from __future__ import annotations

import base64
import contextlib
import binascii
import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import after_this_request, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlmodel import Session

from hotline.settings import SettingsError
from models.audit import AuditEntry
from models.base import new_row, utcnow

log = logging.getLogger(__name__)

GENESIS = "0" * 64
# PostgreSQL advisory lock held by the sequencer only, for one short sealing transaction.
SEQUENCER_LOCK = 965888
SEALED_FROM_HERE = "audit.sealed_from_here"
_BATCH = "audit_batch"
_TABLE = AuditEntry.__table__


class AuditKeyError(SettingsError):
    """AUDIT_KEY is not a usable key."""


def key_from_settings(settings) -> bytes:
    """The chain's MAC key: AUDIT_KEY (base64 of 32 bytes); derived from SECRET_KEY outside production."""
    if settings.AUDIT_KEY:
        try:
            key = base64.b64decode(settings.AUDIT_KEY, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise AuditKeyError("AUDIT_KEY must be base64 (python -m hotline identity new-key)") from exc
        if len(key) < 32:
            raise AuditKeyError("AUDIT_KEY must hold at least 32 bytes")
        return key
    return hashlib.sha256(b"audit:" + settings.SECRET_KEY.encode()).digest()


# --- recording ----------------------------------------------------------------------------------

def new_entry(*, actor: object | None, action: str, entity: str, entity_id: object = None,
              detail: dict | None = None) -> AuditEntry:
    """A pending audit entry, not yet added: `record` adds it; an insert that writes it with other
    rows in one statement (hotline.linked_insert) calls `recorded` after."""
    detail = json.loads(json.dumps(detail, ensure_ascii=False, default=str)) if detail else None
    return new_row(
        AuditEntry,
        at=utcnow(), actor_id=getattr(actor, "id", None), actor_name=getattr(actor, "username", "") or "",
        action=action, entity=entity, entity_id=None if entity_id is None else str(entity_id),
        detail=detail, remote_addr=request.remote_addr if has_request_context() else None,
    )


def recorded(session: Session) -> None:
    """This transaction inserted pending entries: its commit (or the background) seals them."""
    session.info["audit_pending"] = True


def record(session: Session, *, actor: object | None, action: str, entity: str,
           entity_id: object = None, detail: dict | None = None) -> AuditEntry:
    """Insert a pending audit entry in the caller's transaction (it commits with the change it records)."""
    entry = new_entry(actor=actor, action=action, entity=entity, entity_id=entity_id, detail=detail)
    batch = session.info.get(_BATCH)
    if batch is not None and batch[0] is session.get_nested_transaction():
        batch[1].append(entry)  # added with the others when the batch ends: one INSERT for all
    else:
        session.add(entry)
        session.flush()
    recorded(session)
    return entry


@contextlib.contextmanager
def batched(session: Session) -> Iterator[None]:
    """Entries recorded inside are inserted together when it ends (one multi-row INSERT), not
    flushed one by one: an intake records three (complaint, clue, case) in one transaction.
    Nothing about an entry changes; on an exception they are dropped with the caller's rollback.
    An entry recorded inside a savepoint opened within the batch is inserted at once, so it
    rolls back with that savepoint."""
    if _BATCH in session.info:  # already inside a batch: the outer one inserts them
        yield
        return
    entries: list[AuditEntry] = []
    session.info[_BATCH] = (session.get_nested_transaction(), entries)
    try:
        yield
    finally:
        session.info.pop(_BATCH, None)
    session.add_all(entries)
    session.flush()


def seal_in_background(session: Session) -> None:
    """This transaction's entries are left to the background work that follows it (the intake
    drain seals after each of its commits, the sequencer job every 15 seconds): a webhook's worker
    answers the next caller instead of sealing after its response."""
    session.info["audit_seal_in_background"] = True


@event.listens_for(Session, "after_soft_rollback")
def _forget_seal_in_background(session, previous_transaction) -> None:
    """The promise belongs to the transaction that made it: one rolled back (a webhook's retry
    after a unique-constraint refusal) must not stop a later commit of the session from sealing.
    A savepoint's rollback leaves it: the outer transaction still commits what it promised."""
    if previous_transaction.parent is None:
        session.info.pop("audit_seal_in_background", None)


@event.listens_for(Session, "after_commit")
def _seal_after_commit(session) -> None:
    """Seal what this commit recorded, unless another sequencer is at it (the job catches up).

    In a request the seal runs once the response has been sent (the reply never waits for the
    sequencer); elsewhere (commands, jobs) right away. A released savepoint also fires
    after_commit: its entries are not committed yet, so the flag waits for the real commit.
    """
    if session.in_nested_transaction():
        return
    if not session.info.pop("audit_pending", False) or not has_app_context():
        return
    if session.info.pop("audit_seal_in_background", False):
        return
    key = current_app.config.get("AUDIT_KEY")
    if key is None:
        return
    engine = session.get_bind()
    if has_request_context():
        if not g.get("audit_seal_after_response"):
            g.audit_seal_after_response = True
            after_this_request(lambda response: _seal_on_close(response, engine, key))
        return
    _seal_quietly(engine, key)


def _seal_on_close(response, engine, key: bytes):
    response.call_on_close(lambda: _seal_quietly(engine, key))
    return response


def _seal_quietly(engine, key: bytes) -> None:
    try:
        seal(engine, key, wait=False)
    except sa.exc.SQLAlchemyError:
        log.exception("sealing the audit trail after a commit failed; the sequencer job will retry")


# --- the keyed chain ----------------------------------------------------------------------------

def _payload(row) -> list:
    at = row.at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return [row.id, at, row.actor_id, row.actor_name, row.action, row.entity, row.entity_id,
            row.detail, row.remote_addr]


def mac(key: bytes, seq: int, prev: str, row) -> str:
    """The chain value of `row` at place `seq` after `prev`."""
    message = json.dumps([seq, prev, *_payload(row)], sort_keys=True, ensure_ascii=False, default=str)
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def _legacy_digest(row) -> str:
    """The plain SHA-256 chain written before migration 0004 (no key)."""
    at = row.at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
    payload = json.dumps([row.prev_hash, at, row.actor_id, row.actor_name, row.action, row.entity,
                          row.entity_id, row.detail, row.remote_addr],
                         sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _lock(conn: sa.Connection, wait: bool) -> bool:
    """The sequencer's lock on PostgreSQL; SQLite serialises writers and `seq` is unique anyway."""
    if conn.dialect.name != "postgresql":
        return True
    # Keyed by this trail's table (its oid, shifted into int4), not only by a constant: advisory locks
    # are per database, so trails in other schemas of the same database (other deployments, parallel
    # test runs) would otherwise take each other's lock, and a `wait=False` seal would skip its own rows.
    function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    table = conn.dialect.identifier_preparer.format_table(_TABLE)
    taken = conn.execute(sa.text(f"SELECT {function}(:k, ((CAST(:t AS regclass))::oid::bigint - 2147483648)::int)"),
                         {"k": SEQUENCER_LOCK, "t": table}).scalar()
    return wait or bool(taken)


def _head(conn: sa.Connection) -> tuple[int, str]:
    row = conn.execute(sa.select(_TABLE.c.seq, _TABLE.c.hash).where(_TABLE.c.seq.is_not(None))
                       .order_by(_TABLE.c.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def seal(bind: sa.Engine | sa.Connection, key: bytes, *, wait: bool = True, batch: int = 1000) -> int:
    """Give every committed pending entry its place and MAC, in batches; the number sealed.

    With `wait=False` it returns 0 at once when another sequencer holds the lock.
    """
    engine = bind.engine if isinstance(bind, sa.Connection) else bind
    sealed = 0
    while True:
        with engine.begin() as conn:
            if not _lock(conn, wait):
                return sealed
            seq, prev = _head(conn)
            if seq == 0:
                _mark_legacy_rows(conn)
            rows = conn.execute(sa.select(_TABLE).where(_TABLE.c.seq.is_(None))
                                .order_by(_TABLE.c.id).limit(batch)).all()
            if not rows:
                return sealed
            values = []
            for row in rows:
                seq += 1
                value = mac(key, seq, prev, row)
                values.append({"b_id": row.id, "b_seq": seq, "b_prev": prev, "b_hash": value})
                prev = value
            conn.execute(_TABLE.update().where(_TABLE.c.id == sa.bindparam("b_id"))
                         .values(seq=sa.bindparam("b_seq"), prev_hash=sa.bindparam("b_prev"),
                                 hash=sa.bindparam("b_hash")), values)
            sealed += len(rows)
        if len(rows) < batch:
            return sealed


def _mark_legacy_rows(conn: sa.Connection) -> None:
    """Before the first seal of a trail written before migration 0004: say what it was.

    Rows from before the upgrade carry the old plain SHA-256 chain (anyone with the database could
    recompute it). They are sealed under the key like new rows, once; this entry, placed after
    them, records how many there were, their old head and whether their old chain still held, so
    `audit verify` can say that the key protects them only from the upgrade on.
    """
    legacy = conn.execute(sa.select(_TABLE).where(_TABLE.c.seq.is_(None), _TABLE.c.hash.is_not(None))
                          .order_by(_TABLE.c.id)).all()
    if not legacy:
        return
    prev, broken = GENESIS, None
    for row in legacy:
        if row.prev_hash != prev or _legacy_digest(row) != row.hash:
            broken = row.id
            break
        prev = row.hash
    conn.execute(_TABLE.insert().values(
        at=utcnow(), actor_id=None, actor_name="", action=SEALED_FROM_HERE, entity="audit", entity_id=None,
        detail={"legacy_rows": len(legacy), "legacy_last_id": legacy[-1].id, "legacy_head": legacy[-1].hash,
                "legacy_chain": "intact" if broken is None else f"broken at id {broken}"}))


# --- verifying ------------------------------------------------------------------------------------

@dataclass
class ChainReport:
    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    head_id: int | None = None
    broken_at: int | None = None
    reason: str = ""
    pending: int = 0
    legacy: dict | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problems


def verify_chain(bind: sa.Engine | sa.Connection, key: bytes, *, after: tuple[int, str] | None = None,
                 batch: int = 5000) -> ChainReport:
    """Walk the sealed chain in `seq` order; report the first row whose place, link or MAC does not hold.

    `after` = (seq, hash) of a trusted checkpoint: walk only the rows after it (the job's check).
    """
    engine = bind.engine if isinstance(bind, sa.Connection) else bind
    report = ChainReport()
    prev, expected = GENESIS, 1
    with engine.connect() as conn:
        if after and after[0] > 0:
            row = conn.execute(sa.select(_TABLE).where(_TABLE.c.seq == after[0])).first()
            if row is None or row.hash != after[1]:
                return _broken(report, row.id if row else 0, f"第 {after[0]} 条记录（上一检查点的链头）已被改写或删除")
            prev, expected = row.hash, after[0] + 1
            report.head_seq, report.head_hash, report.head_id = row.seq, row.hash, row.id
        while True:
            rows = conn.execute(sa.select(_TABLE).where(_TABLE.c.seq >= expected)
                                .order_by(_TABLE.c.seq).limit(batch)).all()
            for row in rows:
                if row.seq != expected:
                    return _broken(report, row.id, f"链中第 {expected} 至 {row.seq - 1} 条记录缺失（被删除）")
                if row.prev_hash != prev:
                    return _broken(report, row.id, "上一条记录缺失或被改动（链接不符）")
                if not hmac.compare_digest(mac(key, row.seq, prev, row), row.hash or ""):
                    return _broken(report, row.id, "本条记录内容被改动或链被无密钥重算（MAC不符）")
                if row.action == SEALED_FROM_HERE:
                    report.legacy = dict(row.detail or {}, sealed_at_seq=row.seq)
                prev, expected = row.hash, expected + 1
                report.checked, report.head_seq, report.head_hash, report.head_id = row.seq, row.seq, row.hash, row.id
            if len(rows) < batch:
                break
        report.pending = conn.execute(sa.select(sa.func.count()).select_from(_TABLE)
                                      .where(_TABLE.c.seq.is_(None))).scalar_one()
    return report


def _broken(report: ChainReport, row_id: int, reason: str) -> ChainReport:
    report.broken_at, report.reason = row_id, reason
    report.problems.append(f"第 {row_id} 号记录：{reason}")
    return report


def verify(session: Session, key: bytes, checkpoints=None) -> ChainReport:
    """Seal what is pending, check the chain and, when given a checkpoint file, every checkpoint in it."""
    from hotline import audit_checkpoints

    bind = session.get_bind()
    seal(bind, key)
    report = verify_chain(bind, key)
    if checkpoints is not None:
        audit_checkpoints.check_all(bind, key, checkpoints, report)
    return report
