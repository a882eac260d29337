"""Benchmark: build the weekly bulletin from a year of data (100,000 contacts and their cases).

    .venv/bin/python -m bench.bench_bulletin                      # SQLite (a temporary file)
    .venv/bin/python -m bench.bench_bulletin --database postgresql://postgres@127.0.0.1:5432/test

Reports the load, then the time and peak memory (tracemalloc: Python allocations; and the process's
max RSS) of computing the figures alone and of the whole build (figures, charts, .docx, .xlsx, .html)
as the first build of a fresh process (what the CLI and the Monday job pay), then a second build
split into its phases, and the machine's load average before and after.
On PostgreSQL it works in a schema of its own, dropped afterwards (kept with --keep).
`--keep` also keeps the SQLite file in --dir; a second run with `--keep` reuses the loaded data.
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import resource
import tempfile
import time
import tracemalloc

import sqlalchemy as sa
from flask import render_template
from sqlmodel import Session, SQLModel

import models  # noqa: F401
from bench.bulletin_data import generate
from hotline import create_app
from hotline.bulletins import archive, charts, docx, figures, xlsx
from hotline.bulletins.periods import Period
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


def _load() -> str:
    return "load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


def _phases(session, week, settings) -> None:
    """One more build, timed step by step (the steps archive.render runs)."""
    steps = {}
    started = time.perf_counter()
    result = figures.compute(session, week, zone=settings.TIMEZONE)
    steps["figures"] = time.perf_counter() - started
    started = time.perf_counter()
    images = charts.draw_all(result)
    steps["charts"] = time.perf_counter() - started
    started = time.perf_counter()
    docx.build(result, images, commission="bench", number="bench", issued=dt.date(2026, 11, 23))
    steps["docx"] = time.perf_counter() - started
    started = time.perf_counter()
    xlsx.build(result, commission="bench", number="bench", built_at=dt.datetime.now(dt.timezone.utc))
    steps["xlsx"] = time.perf_counter() - started
    started = time.perf_counter()
    inline = {n: "data:image/png;base64," + base64.b64encode(d).decode() for n, d in images.items()}
    render_template("bulletins/standalone.html", **archive.page_context(
        result, settings=settings, number="bench", version=1, issued=dt.date(2026, 11, 23)), chart_src=inline)
    steps["html"] = time.perf_counter() - started
    print("second build by phase: " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items())
          + f" (total {sum(steps.values()):.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="", help="postgresql://... (default: a SQLite file in --dir)")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--week", default="2026-W47")
    parser.add_argument("--dir", default="", help="where the SQLite file lives (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the data (and reuse it when already loaded)")
    args = parser.parse_args()
    tmp = args.dir or tempfile.mkdtemp()
    url = args.database or f"sqlite:///{tmp}/bench.sqlite3"
    if url.startswith("postgresql"):
        admin = make_engine(url)
        with admin.begin() as conn:
            if not args.keep:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"'))
        admin.dispose()
        url = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{SCHEMA}"
    elif not args.keep and os.path.exists(f"{tmp}/bench.sqlite3"):
        os.remove(f"{tmp}/bench.sqlite3")
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    week = IsoWeek.parse(args.week)
    year_start = IsoWeek(week.year, 1).start("Asia/Shanghai")
    print(f"before: {_load()}")
    started = time.perf_counter()
    with engine.connect() as conn:
        loaded = conn.execute(sa.text("SELECT count(*) FROM contact")).scalar()
    if loaded:
        print(f"database: {engine.dialect.name}; reusing {loaded} contacts already loaded")
    else:
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
        print(f"  {week}: contacts {result.value('contacts')} (year {result.value('contacts', 1)}), "
              f"clues {result.value('clues')}, closed {result.value('cases_closed')}, "
              f"money {result.value('money_recovered')} (year {result.value('money_recovered', 1)})")
        period = Period.of(week, settings.TIMEZONE)
        built = _measure("whole build (figures+charts+files)",
                         lambda: archive.render(session, period, settings=settings, number="bench",
                                                built_at=dt.datetime.now(dt.timezone.utc), issued=dt.date(2026, 11, 23)))
        print("  files: " + ", ".join(f"{n} {len(b) // 1024} KiB" for n, (b, _t) in built.files.items()
                                      if not n.startswith("charts/")))
        _phases(session, week, settings)
    print(f"after: {_load()}")
    app.extensions["db_engine"].dispose()
    if engine.dialect.name == "postgresql" and not args.keep:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{SCHEMA}" CASCADE'))
    engine.dispose()


if __name__ == "__main__":
    main()
