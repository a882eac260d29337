"""The identity and household links the rules join with, kept between runs.

Three things every rules run needs depend on the rolls alone, not on the rules, the grant table
or the findings: the fuzzy identities of recipients without a valid ID
(`matching.resolve_recipients`), the roll members that registry rows with a mistyped ID stand for
(`matching.resolve_registries`), and the registry people found in each recipient's household
(`rules.build_households`). Built afresh by every run they cost about 4 s at full scale; here they
are built once after the rolls change (`refresh`, called after an import and after a withdrawal)
and kept in `crosscheck_link_resolved`, `crosscheck_link_registry` and `crosscheck_link_household`.

A run never trusts them blindly: `ensure` compares their stamp with the rolls' (every import and
whether it was withdrawn, the highest row id of every roll table, and `VERSION`) and rebuilds them
inside the run's transaction when the two differ, e.g. after an import whose refresh failed, or
rows written some other way. So what a run finds does not depend on whether they were current.
"""
from __future__ import annotations

import hashlib
import logging
import time

import sqlalchemy as sa
from sqlmodel import Session

from hotline.crosscheck.matching import Resolved, resolve_recipients, resolve_registries
from hotline.crosscheck.scratch import bulk_insert
from models.base import utcnow
from models.findings import (CrosscheckLinkHousehold, CrosscheckLinkRegistry, CrosscheckLinkResolved,
                             CrosscheckLinkState)
from models.rolls import ROW_TABLES, RollImport

log = logging.getLogger(__name__)

# Bump when what the links hold or how they are worked out changes (the matching, its scores or
# reasons, the household joins): links built by older code are then rebuilt by the next run.
VERSION = 1

RESOLVED = CrosscheckLinkResolved.__tablename__
REGISTRY = CrosscheckLinkRegistry.__tablename__
HOUSEHOLD = CrosscheckLinkHousehold.__tablename__
_RESOLVED_COLUMNS = ("rid", "id_number", "score", "match", "reason")
_REGISTRY_COLUMNS = ("kind", "tid", "id_number", "score", "match", "reason")
_STATE_ID = 1


def lock(connection: sa.Connection) -> None:
    """One rules run or links refresh at a time (PostgreSQL; SQLite writes one at a time anyway)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('hotline.crosscheck.run'))")


def stamp(session: Session) -> str:
    """What the rolls are now: every import (kind, withdrawn or not) and each roll table's highest
    row id (rows are only ever added by an import and deleted by a withdrawal)."""
    imports = session.execute(sa.select(RollImport.id, RollImport.kind, RollImport.withdrawn_at)
                              .order_by(RollImport.id)).all()
    highest = [session.execute(sa.select(sa.func.max(model.__table__.c.id))).scalar()
               for _kind, model in sorted(ROW_TABLES.items())]
    text = (f"v{VERSION}|" + ";".join(f"{i}:{k}:{'w' if gone else ''}" for i, k, gone in imports)
            + "|" + ",".join(str(h) for h in highest))
    return hashlib.sha256(text.encode()).hexdigest()


def ensure(session: Session) -> tuple[dict[int, Resolved], dict[tuple[str, int], Resolved], dict]:
    """The links for the rolls as they are (rebuilt here if they are not current), as
    ({recipient row: Resolved}, {(kind, registry row): Resolved}, what was done). The caller holds
    `lock`."""
    began = time.perf_counter()
    now = stamp(session)
    state = session.get(CrosscheckLinkState, _STATE_ID)
    if state is not None and state.stamp == now:
        info = {"links": "kept", "built_at": state.built_at.isoformat() if state.built_at else None}
    else:
        info = {"links": "rebuilt", **build(session, now)}
    resolved, registry = load(session)
    info["seconds"] = round(time.perf_counter() - began, 3)
    return resolved, registry, info


def load(session: Session) -> tuple[dict[int, Resolved], dict[tuple[str, int], Resolved]]:
    resolved = {rid: Resolved(number, score, match, reason) for rid, number, score, match, reason in
                session.execute(sa.text(f"SELECT {', '.join(_RESOLVED_COLUMNS)} FROM {RESOLVED}"))}
    registry = {(kind, tid): Resolved(number, score, match, reason) for kind, tid, number, score, match, reason in
                session.execute(sa.text(f"SELECT {', '.join(_REGISTRY_COLUMNS)} FROM {REGISTRY}"))}
    return resolved, registry


def build(session: Session, now: str | None = None) -> dict:
    """Work the links out afresh from the rolls and store them with their stamp; the caller holds
    `lock` and commits. Returns rows and seconds."""
    from hotline.crosscheck.rules import build_households  # rules reads these tables

    began = time.perf_counter()
    now = now or stamp(session)
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        conn.exec_driver_sql("SET LOCAL work_mem = '128MB'")
        conn.exec_driver_sql("SET LOCAL jit = off")
        # TRUNCATE, not DELETE: no dead rows left behind for the rules to step over (autovacuum may be off).
        conn.exec_driver_sql(f"TRUNCATE {RESOLVED}, {REGISTRY}, {HOUSEHOLD}")
    else:
        for table in (RESOLVED, REGISTRY, HOUSEHOLD):
            conn.exec_driver_sql(f"DELETE FROM {table}")
    resolved = resolve_recipients(session)
    bulk_insert(session, RESOLVED, _RESOLVED_COLUMNS,
                [(rid, r.id_number, r.score, r.match, r.reason) for rid, r in sorted(resolved.items())])
    registry = resolve_registries(session)
    bulk_insert(session, REGISTRY, _REGISTRY_COLUMNS,
                [(kind, tid, r.id_number, r.score, r.match, r.reason) for (kind, tid), r in sorted(registry.items())])
    if postgres:
        conn.exec_driver_sql(f"ANALYZE {RESOLVED}")
        conn.exec_driver_sql(f"ANALYZE {REGISTRY}")
    households = build_households(session)
    if postgres:
        conn.exec_driver_sql(f"ANALYZE {HOUSEHOLD}")
    stats = {"resolved": len(resolved), "registry": len(registry), "household": households,
             "build_seconds": round(time.perf_counter() - began, 3)}
    state = session.get(CrosscheckLinkState, _STATE_ID)
    if state is None:
        state = CrosscheckLinkState(id=_STATE_ID)
    state.stamp, state.built_at, state.stats = now, utcnow(), stats
    session.add(state)
    session.flush()
    return stats


def refresh(engine: sa.Engine) -> dict | None:
    """After an import or a withdrawal has committed: bring the links up to date in a transaction of
    their own (the next run would otherwise rebuild them). Returns what `build` did, None when they
    were current. A failure is logged, not raised: the rows are imported, and the next run rebuilds
    the links itself."""
    try:
        with Session(engine) as session:
            lock(session.connection())
            now = stamp(session)
            state = session.get(CrosscheckLinkState, _STATE_ID)
            if state is not None and state.stamp == now:
                return None
            stats = build(session, now)
            session.commit()
            return stats
    except Exception:  # noqa: BLE001 - the import has committed; the next run rebuilds the links
        log.warning("refreshing the cross-check links failed", exc_info=True)
        return None
