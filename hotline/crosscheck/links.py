"""The identity and household links the rules join with, kept between runs.

Three things every rules run needs depend on the rolls alone, not on the rules, the grant table
or the findings: the fuzzy identities of recipients without a valid ID
(`matching.resolve_recipients`), the roll members that registry rows with a mistyped ID stand for
(`matching.resolve_registries`), and the registry people found in each recipient's household
(`rules.build_households`). Built afresh by every run they cost about 4 s at full scale; here they
are built once after the rolls change (`refresh`, called after an import and after a withdrawal;
after a registry's, only that registry's links, see `build`) and kept in
`crosscheck_link_resolved`, `crosscheck_link_registry` and `crosscheck_link_household`.

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

from hotline.crosscheck.matching import REGISTRIES, Resolved, resolve_recipients, resolve_registries
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
# The registries the household rules link to a recipient's household (`rules.HOUSEHOLD_RULES`).
HOUSEHOLD_KINDS = ("payroll", "vehicles", "businesses", "property")


def lock(connection: sa.Connection) -> None:
    """One rules run or links refresh at a time (PostgreSQL; SQLite writes one at a time anyway)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('hotline.crosscheck.run'))")


def kind_stamps(session: Session) -> dict[str, str]:
    """What each kind of roll is now: its imports (withdrawn or not) and its table's highest row id
    (rows are only ever added by an import and deleted by a withdrawal)."""
    imports: dict[str, list[str]] = {kind: [] for kind in ROW_TABLES}
    for number, kind, gone in session.execute(sa.select(RollImport.id, RollImport.kind, RollImport.withdrawn_at)
                                              .order_by(RollImport.id)):
        imports.setdefault(kind, []).append(f"{number}{'w' if gone else ''}")
    out = {}
    for kind, numbers in sorted(imports.items()):
        model = ROW_TABLES.get(kind)
        highest = session.execute(sa.select(sa.func.max(model.__table__.c.id))).scalar() if model else None
        out[kind] = f"{','.join(numbers)}|{highest}"
    return out


def stamp(kinds: dict[str, str]) -> str:
    """One stamp for all the rolls and this code's `VERSION`."""
    text = f"v{VERSION}|" + ";".join(f"{kind}={value}" for kind, value in sorted(kinds.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def ensure(session: Session) -> tuple[dict[int, Resolved], dict[tuple[str, int], Resolved], dict]:
    """The links for the rolls as they are (brought up to date here if they are not), as
    ({recipient row: Resolved}, {(kind, registry row): Resolved}, what was done). The caller holds
    `lock`."""
    began = time.perf_counter()
    kinds = kind_stamps(session)
    state = session.get(CrosscheckLinkState, _STATE_ID)
    if state is not None and state.stamp == stamp(kinds):
        info = {"links": "kept", "built_at": state.built_at.isoformat() if state.built_at else None}
    else:
        info = {"links": "rebuilt", **build(session, kinds, state)}
    resolved, registry = load(session)
    info["seconds"] = round(time.perf_counter() - began, 3)
    return resolved, registry, info


def load(session: Session) -> tuple[dict[int, Resolved], dict[tuple[str, int], Resolved]]:
    resolved = {rid: Resolved(number, score, match, reason) for rid, number, score, match, reason in
                session.execute(sa.text(f"SELECT {', '.join(_RESOLVED_COLUMNS)} FROM {RESOLVED}"))}
    registry = {(kind, tid): Resolved(number, score, match, reason) for kind, tid, number, score, match, reason in
                session.execute(sa.text(f"SELECT {', '.join(_REGISTRY_COLUMNS)} FROM {REGISTRY}"))}
    return resolved, registry


def _changed(kinds: dict[str, str], state: CrosscheckLinkState | None) -> set[str] | None:
    """The kinds of roll that changed since the links were built; None: build them all (never
    built, built by other code, or a change that reaches every link)."""
    before = (state.stats or {}).get("kinds") if state is not None else None
    if not before or (state.stats or {}).get("version") != VERSION:
        return None
    changed = {kind for kind in set(kinds) | set(before) if kinds.get(kind) != before.get(kind)}
    # Every link goes through the household registry and the recipients.
    return None if changed & {"households", "recipients"} else changed


def build(session: Session, kinds: dict[str, str] | None = None, state: CrosscheckLinkState | None = None) -> dict:
    """Bring the links up to the rolls and store them with their stamp; the caller holds `lock`
    and commits. Returns rows and seconds.

    After an import or withdrawal of a registry only that registry's links are worked out again,
    unless the recipients' fuzzy identities changed too (a registry's IDs are among the
    candidates they are chosen from): then, as after a change of the household registry or the
    recipients, all of them. `tests/crosscheck/test_links.py` checks that either way gives the
    same links."""
    began = time.perf_counter()
    kinds = kinds if kinds is not None else kind_stamps(session)
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        conn.exec_driver_sql("SET LOCAL work_mem = '128MB'")
        conn.exec_driver_sql("SET LOCAL jit = off")
    changed = _changed(kinds, state)
    resolved = resolve_recipients(session)
    if changed is not None and resolved != load(session)[0]:
        changed = None
    if changed is None:
        _empty(conn, (RESOLVED, REGISTRY, HOUSEHOLD))
        bulk_insert(session, RESOLVED, _RESOLVED_COLUMNS,
                    [(rid, r.id_number, r.score, r.match, r.reason) for rid, r in sorted(resolved.items())])
    registries = tuple(kind for kind in REGISTRIES if changed is None or kind in changed)
    if changed is not None and registries:
        _delete_kinds(conn, REGISTRY, registries)
    registry = resolve_registries(session, registries) if registries else {}
    bulk_insert(session, REGISTRY, _REGISTRY_COLUMNS,
                [(kind, tid, r.id_number, r.score, r.match, r.reason) for (kind, tid), r in sorted(registry.items())])
    if postgres:
        conn.exec_driver_sql(f"ANALYZE {RESOLVED}")
        conn.exec_driver_sql(f"ANALYZE {REGISTRY}")
    households = tuple(kind for kind in HOUSEHOLD_KINDS if changed is None or kind in changed)
    if changed is not None and households:
        _delete_kinds(conn, HOUSEHOLD, households)
    linked = _build_households(session, households) if households else 0
    if postgres and households:
        conn.exec_driver_sql(f"ANALYZE {HOUSEHOLD}")
    stats = {"version": VERSION, "kinds": kinds, "rebuilt": "all" if changed is None else sorted(changed),
             "resolved": len(resolved), "registry": len(registry), "household": linked,
             "build_seconds": round(time.perf_counter() - began, 3)}
    state = session.get(CrosscheckLinkState, _STATE_ID)
    if state is None:
        state = CrosscheckLinkState(id=_STATE_ID)
    state.stamp, state.built_at, state.stats = stamp(kinds), utcnow(), stats
    session.add(state)
    session.flush()
    return stats


def _empty(conn: sa.Connection, tables: tuple[str, ...]) -> None:
    if conn.dialect.name == "postgresql":
        # TRUNCATE, not DELETE: no dead rows left behind for the rules to step over (autovacuum may be off).
        conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)}")
    else:
        for table in tables:
            conn.exec_driver_sql(f"DELETE FROM {table}")


def _delete_kinds(conn: sa.Connection, table: str, kinds: tuple[str, ...]) -> None:
    """Take out these registry kinds' links before they are worked out again."""
    conn.execute(sa.text(f"DELETE FROM {table} WHERE kind IN :kinds")
                 .bindparams(sa.bindparam("kinds", expanding=True)), {"kinds": list(kinds)})


def _build_households(session: Session, kinds: tuple[str, ...]) -> int:
    from hotline.crosscheck.rules import build_households  # imported here: rules imports this module

    return build_households(session, kinds)


def refresh(engine: sa.Engine) -> dict | None:
    """After an import or a withdrawal has committed: bring the links up to date in a transaction of
    their own (the next run would otherwise rebuild them). Returns what `build` did, None when they
    were current. A failure is logged, not raised: the rows are imported, and the next run rebuilds
    the links itself."""
    try:
        with Session(engine) as session:
            lock(session.connection())
            kinds = kind_stamps(session)
            state = session.get(CrosscheckLinkState, _STATE_ID)
            if state is not None and state.stamp == stamp(kinds):
                return None
            stats = build(session, kinds, state)
            session.commit()
            return stats
    except Exception:  # noqa: BLE001 - the import has committed; the next run rebuilds the links
        log.warning("refreshing the cross-check links failed", exc_info=True)
        return None
