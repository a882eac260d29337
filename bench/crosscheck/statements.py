"""Where a rules run spends its database time: one run over already imported rolls (PostgreSQL),
the statements that took the backend the most CPU seconds, heaviest first.

    .venv/bin/python -m bench.crosscheck.statements postgresql://postgres@127.0.0.1:5432/hotline_ccbench2 [--top 30] [--rerun]

The database is the benchmark's (`bench.crosscheck.run`, schema `bench_crosscheck`); its findings
are emptied first, as `--rules-only` does, so this is a first run (`--rerun`: a first run
unmeasured, then the re-run measured). CPU is the backend's own
(`/proc/PID/stat` before and after each statement): the parallel workers a statement starts are
not counted, so a statement that runs in parallel shows less CPU than it costs (its wall seconds
show it). On a loaded machine the wall seconds say little; compare CPU seconds.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def profile(url: str, top: int, rerun: bool = False) -> None:
    import sqlalchemy as sa
    from sqlmodel import Session

    from bench.crosscheck.run import _backend_pid, database
    from hotline.crosscheck import findings

    engine = database(url, fresh=False)
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE crosscheck_finding_complaint, crosscheck_finding, crosscheck_run"))
    state: dict = {}
    seen: list[tuple[float, float, str]] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        if "pid" in state:
            state["start"] = (time.perf_counter(), backend_cpu(state["pid"]))

    @sa.event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        if "start" in state:
            wall, cpu = state.pop("start")
            seen.append((backend_cpu(state["pid"]) - cpu, time.perf_counter() - wall, " ".join(statement.split())))

    if rerun:
        with Session(engine) as session:
            findings.run_rules(session=session)
            session.commit()
    with Session(engine) as session:
        state["pid"] = _backend_pid(session)
        started = backend_cpu(state["pid"])
        findings.run_rules(session=session)
        session.commit()
        total = backend_cpu(state["pid"]) - started
    print(f"backend CPU {total:.2f} s over {len(seen)} statements; load average {os.getloadavg()[0]:.1f}")
    print(f"{'cpu s':>7}{'wall s':>8}  statement")
    for cpu, wall, statement in sorted(seen, reverse=True)[:top]:
        print(f"{cpu:>7.2f}{wall:>8.2f}  {statement[:140]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="PostgreSQL URL of a database imported by bench.crosscheck.run")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--rerun", action="store_true", help="measure a re-run (every finding exists)")
    args = parser.parse_args()
    profile(args.db, args.top, args.rerun)


if __name__ == "__main__":
    main()
