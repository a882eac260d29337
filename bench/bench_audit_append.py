"""Parallel intakes and the audit chain: does an intake transaction wait for another's audit entry?

    .venv/bin/python -m bench.bench_audit_append [--threads 8] [--per-thread 50] [--hold-ms 20]

Each of --threads threads (its own PostgreSQL connection) runs --per-thread transactions shaped like
an intake: record an audit entry first, then --hold-ms of the rest of the transaction (the contact,
the sealed identity, triage and routing, stood in for by a sleep so the machine's load does not
decide the figure), then commit. Two ways of appending are timed on the same fresh database:

- `locked`: the append before migration 0004, reproduced here: take the chain's advisory lock
  (pg_advisory_xact_lock, held to the end of the transaction), read the head, hash, insert;
- `sequenced`: today's `audit.record` (a pending insert, no lock), sealed by the sequencer after
  each commit (pg_try_advisory_xact_lock: a busy sequencer is skipped, the next one takes the rows).

Prints transactions per second, p50/p99 transaction time, and for `sequenced` that the chain
verifies with every entry sealed.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, SQLModel, select  # noqa: E402

import models  # noqa: E402,F401
from bench.harness import fresh_pg_database  # noqa: E402
from hotline import audit  # noqa: E402
from hotline.db import make_engine  # noqa: E402
from models.audit import AuditEntry  # noqa: E402
from models.base import utcnow  # noqa: E402

KEY = hashlib.sha256(b"bench audit key").digest()


def locked_record(session: Session, n: str) -> None:
    """The pre-0004 append: lock held from here to the commit, head read, plain SHA-256."""
    session.execute(sa.text("SELECT pg_advisory_xact_lock(965888)"))
    last = session.exec(select(AuditEntry.hash).where(AuditEntry.hash.is_not(None))
                        .order_by(AuditEntry.id.desc()).limit(1)).first()
    entry = AuditEntry(at=utcnow(), actor_name="bench", action="complaint.create", entity="complaint",
                       entity_id=n, prev_hash=last or audit.GENESIS)
    entry.hash = hashlib.sha256(json.dumps([entry.prev_hash, n, entry.at.isoformat()]).encode()).hexdigest()
    session.add(entry)
    session.flush()


def sequenced_record(session: Session, n: str) -> None:
    audit.record(session, actor=None, action="complaint.create", entity="complaint", entity_id=n)


def run(engine, mode: str, threads: int, per_thread: int, hold: float) -> dict:
    record = locked_record if mode == "locked" else sequenced_record
    times: list[float] = []
    lock = threading.Lock()

    def worker(w: int) -> None:
        mine = []
        with Session(engine) as session:
            for i in range(per_thread):
                start = time.perf_counter()
                record(session, f"{mode}-{w}-{i}")
                time.sleep(hold)  # the rest of the intake transaction
                session.commit()
                if mode == "sequenced":
                    audit.seal(engine, KEY, wait=False)  # what the after-commit hook does
                mine.append(time.perf_counter() - start)
        with lock:
            times.extend(mine)

    pool = [threading.Thread(target=worker, args=(w,)) for w in range(threads)]
    start = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - start
    times.sort()
    result = {"mode": mode, "transactions": len(times), "wall_s": round(wall, 2),
              "tx_per_s": round(len(times) / wall, 1),
              "p50_ms": round(1000 * statistics.median(times), 1),
              "p99_ms": round(1000 * times[int(0.99 * (len(times) - 1))], 1)}
    if mode == "sequenced":
        audit.seal(engine, KEY)
        report = audit.verify_chain(engine, KEY)
        result.update(chain_ok=report.ok, sealed=report.head_seq, pending=report.pending)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--per-thread", type=int, default=50)
    parser.add_argument("--hold-ms", type=float, default=20)
    parser.add_argument("--database", default="hotline_bench_audit")
    args = parser.parse_args()
    for mode in ("locked", "sequenced"):
        engine = make_engine(fresh_pg_database(args.database))
        SQLModel.metadata.create_all(engine)
        engine = sa.create_engine(engine.url, pool_size=args.threads + 2)
        print(json.dumps(run(engine, mode, args.threads, args.per_thread, args.hold_ms / 1000),
                         ensure_ascii=False))
        engine.dispose()


if __name__ == "__main__":
    main()
