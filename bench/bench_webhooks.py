"""Benchmark: signed SMS webhooks that each create a triaged complaint, against gunicorn.

    .venv/bin/python bench/bench_webhooks.py --db sqlite --requests 400 --concurrency 8
    .venv/bin/python bench/bench_webhooks.py --db postgresql --requests 400 --concurrency 8

Starts gunicorn (separate processes) on a fresh database with the demo county and a trained
triage model, fires signed Twilio SMS webhooks from another process (a thread pool there),
then reports median/p99 latency and the contacts stored against the requests sent.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import BASE, PY, TEXTS, TOKEN, environment, fresh_pg_database, free_port  # noqa: E402
from bench.harness import start_gunicorn as _start_gunicorn  # noqa: E402


def fresh_database(kind: str, workdir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    return fresh_pg_database("bench_telephony")


def prepare(env: dict) -> str:
    """Schema, demo county and a triage model; returns how the model step went."""
    subprocess.run([PY, "-c", "import models; from sqlmodel import SQLModel; from hotline.db import make_engine;"
                    "import os; SQLModel.metadata.create_all(make_engine(os.environ['DATABASE_URL']))"],
                   env=env, check=True, cwd=ROOT)
    subprocess.run([PY, "-m", "hotline", "demo"], env=env, check=True, cwd=ROOT, capture_output=True)
    trained = subprocess.run([PY, "-m", "hotline", "model", "train"], env=env, cwd=ROOT, capture_output=True,
                             text=True)
    return "trained" if trained.returncode == 0 else f"no model ({trained.stderr.strip()[-200:]})"


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    return _start_gunicorn(env, port, workers, "--log-level", "warning", settle=1.0)


def _one(args) -> tuple[float, int, bool]:
    import requests
    from twilio.request_validator import RequestValidator

    port, index = args
    params = {"MessageSid": f"SM{index:032x}", "AccountSid": "AC" + "b" * 32,
              "From": f"+86139{index:08d}", "To": "+8610690000", "Body": TEXTS[index % len(TEXTS)], "NumMedia": "0"}
    signature = RequestValidator(TOKEN).compute_signature(BASE + "/twilio/sms", params)
    started = time.perf_counter()
    response = requests.post(f"http://127.0.0.1:{port}/twilio/sms", data=params,
                             headers={"X-Twilio-Signature": signature}, timeout=60)
    elapsed = time.perf_counter() - started
    return elapsed, response.status_code, "查询码：" in response.text


def load(port: int, count: int, warmup: int, concurrency: int, queue) -> None:
    """Runs in its own process: `warmup` untimed webhooks (each worker loads the triage model on
    its first report), then `count` timed ones with `concurrency` threads."""
    with ThreadPoolExecutor(concurrency) as pool:
        warm = list(pool.map(_one, [(port, 10_000_000 + i) for i in range(warmup)]))
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(_one, [(port, i) for i in range(count)]))
    queue.put({"results": results, "warm": warm, "wall": time.perf_counter() - started})


def counts(env: dict) -> dict:
    code = ("import json, os, models; import sqlalchemy as sa; from hotline.db import make_engine;"
            "e = make_engine(os.environ['DATABASE_URL']); c = e.connect();"
            "q = lambda s: c.execute(sa.text(s)).scalar();"
            "print(json.dumps({'contacts': q(\"select count(*) from contact where channel='sms'\"),"
            "'complaints': q('select count(*) from complaint'),"
            "'triaged': q(\"select count(*) from complaint where triage_state in ('classified','needs_review')\"),"
            "'cases': q('select count(*) from \"case\"'), 'spooled_lines': 0}))")
    out = subprocess.run([PY, "-c", code], env=env, check=True, cwd=ROOT, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(kind: str, requests_: int, concurrency: int, workers: int, warmup: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-telephony-"))
    try:
        url = fresh_database(kind, workdir)
        env = environment(url, workdir)
        model = prepare(env)
        before = counts(env)
        port = free_port()
        server = start_gunicorn(env, port, workers)
        try:
            queue = multiprocessing.get_context("spawn").Queue()
            client = multiprocessing.get_context("spawn").Process(target=load,
                                                                args=(port, requests_, warmup, concurrency, queue))
            client.start()
            outcome = queue.get(timeout=1800)
            client.join()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        after = counts(env)
        spool_dir = workdir / "instance" / "spool"
        spooled = sum(1 for f in spool_dir.glob("*.jsonl") for _ in f.open()) if spool_dir.exists() else 0
        times = sorted(t for t, _, _ in outcome["results"])
        every = outcome["results"] + outcome["warm"]
        ok = sum(1 for _, status, receipt in every if status == 200 and receipt)
        return {
            "database": kind, "timed_requests": requests_, "warmup_requests": warmup,
            "requests_sent": len(every), "concurrency": concurrency, "workers": workers,
            "model": model, "ok_with_receipt": ok,
            "median_ms": round(statistics.median(times) * 1000, 1),
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1000, 1),
            "max_ms": round(times[-1] * 1000, 1), "throughput_rps": round(requests_ / outcome["wall"], 1),
            "contacts_stored": after["contacts"] - before["contacts"],
            "complaints_created": after["complaints"] - before["complaints"],
            "triaged": after["triaged"] - before["triaged"], "spooled": spooled,
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=None, help="untimed requests first (default 4 per worker)")
    args = parser.parse_args()
    warmup = args.warmup if args.warmup is not None else 4 * args.workers
    for kind in args.db or ["sqlite", "postgresql"]:
        print(json.dumps(run(kind, args.requests, args.concurrency, args.workers, warmup), ensure_ascii=False),
              flush=True)


if __name__ == "__main__":
    main()
