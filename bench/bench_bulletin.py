"""Benchmark: build the weekly bulletin from a year of data (100,000 contacts and their cases).

    .venv/bin/python -m bench.bench_bulletin                      # SQLite (a temporary file)
    .venv/bin/python -m bench.bench_bulletin --database postgresql://postgres@127.0.0.1:5432/test

Reports the load, then the time and peak memory (tracemalloc: Python allocations; and the process's
max RSS) of computing the figures alone and of the whole build (figures, charts, .docx, .xlsx, .html).
On PostgreSQL it works in a schema of its own, dropped afterwards.
"""
from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
import tracemalloc

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

import models  # noqa: F401
from bench.bulletin_data import generate
from hotline import create_app
from hotline.bulletins import archive, figures
from hotline.bulletins.weeks import IsoWeek
from hotline.db import make_engine

SCHEMA = "bench_bulletin"


def _measure(label: str, func):
    started = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - started  # timed without tracemalloc, which slows Python down
    tracemalloc.start()
    func()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<34} {seconds:6.2f} s   peak Python memory {peak / 2**20:6.1f} MiB   max RSS {rss:6.0f} MiB")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="", help="postgresql://... (default: a temporary SQLite file)")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--week", default="2026-W47")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    url = args.database or f"sqlite:///{tmp}/bench.sqlite3"
    if url.startswith("postgresql"):
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            conn.execute(sa.text(f'CREATE SCHEMA "{SCHEMA}"'))
        admin.dispose()
        url = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{SCHEMA}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    week = IsoWeek.parse(args.week)
    year_start = IsoWeek(week.year, 1).start("Asia/Shanghai")
    started = time.perf_counter()
    counts = generate(engine, contacts=args.contacts, year_start=year_start - dt.timedelta(days=0))
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    print(f"database: {engine.dialect.name}; loaded in {time.perf_counter() - started:.1f} s: {counts}")
    app = create_app({"HOTLINE_ENV": "test", "SECRET_KEY": "bench-secret-key-not-for-production",
                      "DATABASE_URL": url, "INSTANCE_DIR": tmp, "SCHEDULER_IN_PROCESS": False})
    settings = app.config["SETTINGS"]
    with app.test_request_context(), Session(engine) as session:
        result = _measure("figures only", lambda: figures.compute(session, week, zone=settings.TIMEZONE))
        print(f"  {week}: contacts {result.key['contacts_week']} (year {result.key['contacts_ytd']}), "
              f"clues {result.key['clues_week']}, closed {result.key['cases_closed_week']}")
        built = _measure("whole build (figures+charts+files)",
                         lambda: archive.render(session, week, settings=settings, number="bench",
                                                built_at=dt.datetime.now(dt.timezone.utc)))
        print("  files: " + ", ".join(f"{n} {len(b) // 1024} KiB" for n, (b, _t) in built.files.items()
                                      if not n.startswith("charts/")))
    app.extensions["db_engine"].dispose()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{SCHEMA}" CASCADE'))
    engine.dispose()


if __name__ == "__main__":
    main()
