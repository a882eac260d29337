"""Benchmark the roll import and the cross-check rules; compare with DuckDB over the same files.

    .venv/bin/python -m bench.crosscheck.generate /tmp/ccb --scale 1.0
    .venv/bin/python -m bench.crosscheck.run /tmp/ccb --db sqlite:////tmp/ccb/bench.sqlite3
    .venv/bin/python -m bench.crosscheck.run /tmp/ccb --db postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python -m bench.crosscheck.run /tmp/ccb --duckdb

The database gets a fresh schema (PostgreSQL: schema `bench_crosscheck`; SQLite: the file is
replaced). Prints rows/s per file, seconds per rule, peak memory (max RSS of this process), and
precision/recall against truth.csv, split into exact-ID and fuzzy cases.
"""
from __future__ import annotations

import argparse
import csv
import os
import resource
import time
from pathlib import Path

KINDS = ("households", "payroll", "deaths", "vehicles", "businesses", "property", "cadres", "disability",
         "recipients")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def database(url: str, fresh: bool = True):
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    import models  # noqa: F401
    from hotline.db import make_engine

    if not fresh:
        if not url.startswith("sqlite"):
            url += ("&" if "?" in url else "?") + "options=-csearch_path%3Dbench_crosscheck"
        return make_engine(url)
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    else:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS bench_crosscheck CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA bench_crosscheck"))
        engine.dispose()
        url += ("&" if "?" in url else "?") + "options=-csearch_path%3Dbench_crosscheck"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    return engine


def run_db(folder: Path, url: str, rules_only: bool = False, runs: int = 1, dump: Path | None = None) -> None:
    from hotline.crosscheck import importer

    engine = database(url, fresh=not rules_only)
    if not rules_only:
        import_all(folder, engine, importer)
    else:  # the first run measured is a first run: no findings yet
        import sqlalchemy as sa

        # As on a database that never ran the rules: TRUNCATE leaves no dead rows behind (a DELETE
        # would leave every fingerprint's dead twin for the unique index to step over).
        tables = ("crosscheck_finding_complaint", "crosscheck_finding", "crosscheck_run")
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text(f"TRUNCATE {', '.join(tables)}"))
            else:
                for table in tables:
                    conn.execute(sa.text(f"DELETE FROM {table}"))
    run_rules(folder, engine, runs, dump)


def import_all(folder: Path, engine, importer) -> None:
    import sqlalchemy as sa
    from sqlmodel import Session

    total_rows, total_seconds, total_client, total_server, total_links = 0, 0.0, 0.0, 0.0, 0.0
    # links: of `seconds`, the cross-check links' refresh after the import (`importer.settle`).
    print(f"{'file':<16}{'rows':>10}{'seconds':>10}{'rows/s':>10}{'cpu: own':>10}{'backend':>9}{'load':>6}"
          f"{'links':>7}")
    for kind in KINDS:
        path = folder / f"{kind}.csv"
        with Session(engine) as session:
            backend = _backend_pid(session)
            cpu = _cpu_seconds(backend)
            began = time.perf_counter()
            report = importer.process(path, kind=kind, filename=path.name, session=session)
            session.commit()
            refreshed = importer.settle(engine, report) or {}  # as the import command does
            seconds = time.perf_counter() - began
            client, server = (after - before if before is not None else 0.0
                              for after, before in zip(_cpu_seconds(backend), cpu))
        total_rows += report.rows_imported
        total_seconds += seconds
        total_client += client
        total_server += server
        total_links += refreshed.get("build_seconds", 0.0)
        print(f"{kind:<16}{report.rows_imported:>10}{seconds:>10.2f}{report.rows_imported / seconds:>10.0f}"
              f"{client:>10.2f}{server:>9.2f}{os.getloadavg()[0]:>6.1f}{refreshed.get('build_seconds', 0.0):>7.2f}")
    print(f"{'all':<16}{total_rows:>10}{total_seconds:>10.2f}{total_rows / total_seconds:>10.0f}"
          f"{total_client:>10.2f}{total_server:>9.2f}{'':>6}{total_links:>7.2f}   peak memory {peak_mb():.0f} MB")
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("roll_recipient", "roll_household_member", "roll_payroll", "roll_death", "roll_vehicle",
                          "roll_business", "roll_property", "roll_cadre"):
                conn.execute(sa.text(f"ANALYZE {table}"))


def run_rules(folder: Path, engine, runs: int, dump: Path | None = None) -> None:
    """Run all rules `runs` times (the second run is the re-run path: findings exist already)."""
    import sqlalchemy as sa
    from sqlmodel import Session

    from hotline.crosscheck import findings

    for number in range(runs):
        with Session(engine) as session:
            backend = _backend_pid(session)
            cpu = _cpu_seconds(backend)
            run = findings.run_rules(session=session)
            session.commit()
            client, server = (after - before if before is not None else None
                              for after, before in zip(_cpu_seconds(backend), cpu))
            print(f"rules, run {number + 1}:    found     new refreshed  seconds")
            order = ["_prepare", *[c for c in findings.RULES if c in run.stats], "_insert", "_total"]
            print(f"  links (fuzzy identities, household links): {run.stats['_prepare'].get('links')}")
            for code in order:
                stat = run.stats[code]
                print(f"  {code:<22}{stat.get('found', ''):>8}{stat.get('new', ''):>8}{stat.get('refreshed', ''):>10}"
                      f"{stat['seconds']:>8.2f}s")
            # CPU time is what the machine's load does not change much: this process and its backend.
            print(f"  cpu seconds: this process {client:.2f}, database backend "
                  f"{'n/a' if server is None else f'{server:.2f}'}; load average {os.getloadavg()[0]:.1f}")
            found = session.execute(sa.text("SELECT rule, id_number, match FROM crosscheck_finding")).all()
    print(f"peak memory {peak_mb():.0f} MB")
    score(folder, found)
    if dump:
        dump_findings(engine, dump)


def _backend_pid(session) -> int | None:
    import sqlalchemy as sa

    if session.get_bind().dialect.name != "postgresql":
        return None
    return session.execute(sa.text("SELECT pg_backend_pid()")).scalar()


def _cpu_seconds(backend: int | None) -> tuple[float, float | None]:
    """(user+system CPU of this process, of the PostgreSQL backend if on this machine and readable)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    server = None
    if backend is not None:
        try:
            fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
            server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            server = None
    return own.ru_utime + own.ru_stime, server


def dump_findings(engine, path: Path) -> None:
    """Every finding as one JSON line, sorted by fingerprint: to compare two versions' output."""
    import json

    import sqlalchemy as sa

    from models.findings import Finding

    table = Finding.__table__
    keep = ("fingerprint", "rule", "id_number", "name", "name_key", "programme", "program", "township",
            "village", "score", "match", "reason", "evidence", "status")
    with engine.connect() as conn, open(path, "w", encoding="utf-8") as handle:
        for row in conn.execute(sa.select(*[table.c[k] for k in keep]).order_by(table.c.fingerprint)).mappings():
            item = {k: row[k] for k in keep}
            item["status"] = getattr(item["status"], "value", item["status"])
            handle.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")


def score(folder: Path, found) -> None:
    with open(folder / "truth.csv", encoding="utf-8") as handle:
        truth = [(r["rule"], r["id_number"], r["how"]) for r in csv.DictReader(handle)]
    # An exact-ID finding about a planted person is right even if that person was planted as fuzzy
    # (another row of theirs carries the correct ID): precision counts against every planted pair.
    planted = {(rule, pid) for rule, pid, _h in truth}
    for how in ("exact", "fuzzy", "registry", "birth"):
        want = {(rule, pid) for rule, pid, h in truth if h == how}
        got = {(rule, pid) for rule, pid, match in found if _how(match) == how}
        anything = {(rule, pid) for rule, pid, _m in found}
        for rule in sorted({r for r, _ in want | got}):
            w = {p for r, p in want if r == rule}
            g = {p for r, p in got if r == rule}
            right = len({p for p in g if (rule, p) in planted})
            recall_hits = len({p for p in w if (rule, p) in anything})
            precision = right / len(g) if g else 1.0
            recall = recall_hits / len(w) if w else 1.0
            print(f"  {how:<9}{rule:<22} planted {len(w):>6} flagged {len(g):>6} "
                  f"precision {precision:.3f} recall {recall:.3f}")


def _how(match: str) -> str:
    """A finding's match as truth.csv names it: exact, fuzzy (the recipient side), registry."""
    if match == "exact_id":
        return "exact"
    if match == "registry_birth_typo_name":
        return "birth"
    return "registry" if match.startswith("registry_") else "fuzzy"


DUCK_RULES = {
    "payroll_household": """
        WITH hh AS (SELECT DISTINCT r.rid, h.户编号 AS hno FROM r JOIN h ON h.户编号 = r.户编号),
        m AS (SELECT hh.rid, h.身份证号 AS pid FROM hh JOIN h ON h.户编号 = hh.hno UNION ALL SELECT rid, 身份证号 FROM r)
        SELECT count(DISTINCT m.rid) FROM m JOIN p ON p.身份证号 = m.pid""",
    "vehicle_owner": """
        WITH m AS (SELECT r.rid, h.身份证号 AS pid FROM r JOIN h ON h.户编号 = r.户编号)
        SELECT count(DISTINCT m.rid) FROM m JOIN v ON v.身份证号 = m.pid WHERE v.车辆类型 NOT LIKE '%拖拉机%'""",
    "deceased_recipient": "SELECT count(*) FROM r JOIN d ON d.身份证号 = r.身份证号 WHERE r.发放日期 > d.死亡日期",
    "duplicate_payment": """SELECT count(*) FROM (SELECT 身份证号, 项目, substr(发放日期, 1, 7) FROM r
                             GROUP BY ALL HAVING count(*) > 1)""",
    "cadre_relative": "SELECT count(*) FROM r JOIN c ON c.亲属身份证号 = r.身份证号 AND c.村 = r.村",
}


def run_duckdb(folder: Path) -> None:
    import duckdb

    con = duckdb.connect()
    began = time.perf_counter()
    for alias, name in (("r", "recipients"), ("h", "households"), ("p", "payroll"), ("d", "deaths"),
                        ("v", "vehicles"), ("c", "cadres")):
        con.execute(f"CREATE TABLE {alias} AS SELECT row_number() OVER () AS rid, * FROM "
                    f"read_csv('{folder / (name + '.csv')}', all_varchar = true, header = true)")
    print(f"duckdb load (no validation) {time.perf_counter() - began:.2f}s")
    total = 0.0
    for code, sql in DUCK_RULES.items():
        began = time.perf_counter()
        count = con.execute(sql).fetchone()[0]
        seconds = time.perf_counter() - began
        total += seconds
        print(f"  {code:<22}{count:>8}{seconds:>8.2f}s")
    print(f"  total {total:.2f}s   peak memory {peak_mb():.0f} MB")


def validate_all(folder: Path) -> None:
    """Rows per second and CPU seconds of reading and validating alone (no database)."""
    from hotline.crosscheck import importer

    print(f"{'file':<16}{'rows':>10}{'seconds':>10}{'rows/s':>10}{'cpu':>8}")
    total_rows, total_seconds = 0, 0.0
    for kind in KINDS:
        path = folder / f"{kind}.csv"
        started, cpu = time.perf_counter(), time.process_time()
        report = importer.process(path, kind=kind, filename=path.name)
        seconds = time.perf_counter() - started
        total_rows, total_seconds = total_rows + report.rows_read, total_seconds + seconds
        print(f"{kind:<16}{report.rows_read:>10}{seconds:>10.2f}{report.rows_read / seconds:>10.0f}"
              f"{time.process_time() - cpu:>8.2f}")
    print(f"{'all':<16}{total_rows:>10}{total_seconds:>10.2f}{total_rows / total_seconds:>10.0f}"
          f"   peak memory {peak_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--duckdb", action="store_true")
    parser.add_argument("--rules-only", action="store_true",
                        help="keep the imported rolls (and findings) of an earlier run; run the rules only")
    parser.add_argument("--runs", type=int, default=1, help="run the rules this many times (2: the re-run path)")
    parser.add_argument("--dump", type=Path, help="write every finding as a JSON line (sorted) to this file")
    parser.add_argument("--validate-only", action="store_true",
                        help="read and validate every file without a database (the importer's dry run)")
    args = parser.parse_args()
    if args.validate_only:
        validate_all(args.folder)
    if args.duckdb:
        run_duckdb(args.folder)
    if args.db:
        run_db(args.folder, args.db, rules_only=args.rules_only, runs=args.runs, dump=args.dump)


if __name__ == "__main__":
    main()
