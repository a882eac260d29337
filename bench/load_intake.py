"""Intake under load and faults: API and SMS intakes at a fixed rate against gunicorn and PostgreSQL.

    # find the highest rate with p99 under 200 ms (short steps), then the full run at that rate
    .venv/bin/python bench/load_intake.py search --rates 10,20,30,40 --step-seconds 30
    .venv/bin/python bench/load_intake.py run --total 20000 --rate 30
    # faults: PostgreSQL stopped for 30 s, and one worker killed, during the load
    .venv/bin/python bench/load_intake.py run --total 6000 --rate 30 --stop-postgres-at 60 --kill-worker-at 150
    # the same with only the product's database cut off (other users of the server unaffected)
    .venv/bin/python bench/load_intake.py run --total 6000 --rate 30 --stop-postgres-at 60 --kill-worker-at 150 \
        --outage database
    # and the scheduler (which triages and routes what the SMS webhook stored) killed mid-batch
    .venv/bin/python bench/load_intake.py run --total 20000 --rate 60 --stop-postgres-at 60 --kill-worker-at 150 \
        --kill-drain-at 200 --outage database

A fresh database `hotline_bench` is created and migrated (`python -m hotline db upgrade`), the demo
county loaded, and gunicorn started with --workers. The load runs in another process (asyncio +
aiohttp): request i is sent at start + i/rate whatever happened to earlier ones (an open loop), half
of them POST /api/v1/complaints with a unique external_id, half signed Twilio SMS webhooks with a
unique MessageSid. A request that fails (connection reset by a killed worker, 5xx, 503 while the
database is down) is retried with the same id, as a client or Twilio would, until it is accepted.
Afterwards every id is looked up in the database: each must be stored exactly once. The product's
scheduler runs beside gunicorn (it triages and routes the reports the SMS webhook stored); once
the spool is replayed the script waits for that backlog, then every report must have exactly one
case and one clue number. SMS answered
during an outage wait in the spool; `python -m hotline spool replay` drains it once PostgreSQL is
back, and the script reports how many went through the spool and how long the drain took.

Stopping PostgreSQL uses `pg_ctlcluster --skip-systemctl-redirect <version> main stop|start`; the
script always starts it again (also on Ctrl-C) and checks that it answers before it exits.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import (BASE, PG_ADMIN, PY, ROOT, TEXTS, TOKEN, drain_priority, drained, environment,  # noqa: E402
                           fresh_pg_database, free_port, start_drain)
from bench.harness import start_gunicorn as _start_gunicorn  # noqa: E402

DB_NAME = "hotline_bench"


# --- setup ---------------------------------------------------------------------------------

def pg_version() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def pg_ctl(action: str) -> None:
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main", action], check=True)


def db_outage(action: str) -> None:
    """The product's database alone goes away (--outage database): new connections refused and
    every open one cut, as in a server outage, while other users of the PostgreSQL server
    (other sessions' test runs on a shared machine) carry on."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        if action == "stop":
            conn.execute(f"ALTER DATABASE {DB_NAME} WITH ALLOW_CONNECTIONS false")
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (DB_NAME,))
        else:
            conn.execute(f"ALTER DATABASE {DB_NAME} WITH ALLOW_CONNECTIONS true")


def outage(args, action: str) -> None:
    (db_outage if getattr(args, "outage", "cluster") == "database" else pg_ctl)(action)


def pg_ready(timeout: float = 60) -> bool:
    import psycopg

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(PG_ADMIN, connect_timeout=2) as conn:
                conn.execute("select 1")
            return True
        except psycopg.OperationalError:
            time.sleep(0.5)
    return False


def fresh_database() -> str:
    return fresh_pg_database(DB_NAME)


def _environment(url: str, workdir: Path, join_minutes: int) -> dict:
    return environment(url, workdir, SMS_JOIN_MINUTES=str(join_minutes))


def hotline(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "hotline", *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          check=check)


def prepare(env: dict, train: bool) -> dict:
    """Migrate, load the demo county, (optionally) train triage, and issue an API token."""
    hotline(env, "db", "upgrade")
    # Tables added since the last migration (the lead generates migrations) are created too.
    subprocess.run([PY, "-c", "import os, models; from sqlmodel import SQLModel; from hotline.db import make_engine;"
                    "SQLModel.metadata.create_all(make_engine(os.environ['DATABASE_URL']))"],
                   env=env, cwd=ROOT, check=True)
    hotline(env, "demo")
    model = "untrained"
    if train:
        model = "trained" if hotline(env, "model", "train", check=False).returncode == 0 else "training failed"
    hotline(env, "user", "add", "bench_api", "--role", "operator", "--password", "bench-password-123456")
    token = hotline(env, "user", "token", "bench_api").stdout.strip().splitlines()[-1]
    return {"model": model, "token": token}


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    return _start_gunicorn(env, port, workers, "--log-level", "error", "--timeout", "60", settle=2.0)


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


# --- the load (its own process) -------------------------------------------------------------

def _request(i: int, run: str, token: str, api_every: int = 2) -> tuple[str, str, dict, dict]:
    """(path, id, form or json, headers) for request i: every api_every-th one API (0: none), the
    others SMS."""
    text = f"{TEXTS[i % len(TEXTS)]}（压测{run}-{i}）"
    if api_every and i % api_every == 0:
        ident = f"bench-{run}-{i}"
        return "/api/v1/complaints", ident, {"text": text, "channel": "web", "external_id": ident,
                                             "phone": f"139{i:08d}"[:11]}, {"Authorization": f"Bearer {token}"}
    from twilio.request_validator import RequestValidator

    sid = f"SM{run}{i:026d}"[:34]
    params = {"MessageSid": sid, "AccountSid": "AC" + "b" * 32, "From": f"+86138{i:08d}", "To": "+8610690000",
              "Body": text, "NumMedia": "0"}
    return "/twilio/sms", sid, params, {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(
        BASE + "/twilio/sms", params)}


async def _send(session, port: int, i: int, run: str, token: str, t0: float, rate: float, results: list,
                api_every: int = 2) -> None:
    import aiohttp

    path, ident, body, headers = _request(i, run, token, api_every)
    await asyncio.sleep(max(0.0, t0 + i / rate - time.perf_counter()))
    first_ms, attempts, status, started = None, 0, 0, time.perf_counter()
    while True:
        attempts += 1
        began = time.perf_counter()
        try:
            kwargs = {"json": body} if path.startswith("/api") else {"data": body}
            async with session.post(f"http://127.0.0.1:{port}{path}", headers=headers,
                                    timeout=aiohttp.ClientTimeout(total=30), **kwargs) as response:
                status = response.status
                await response.read()
        except (aiohttp.ClientError, asyncio.TimeoutError):
            status = 0
        if first_ms is None:
            first_ms = (time.perf_counter() - began) * 1000
        if status in (200, 201):
            break
        if time.perf_counter() - started > 300:
            break
        await asyncio.sleep(min(0.5 * attempts, 5.0))
    results.append({"i": i, "id": ident, "kind": "api" if path.startswith("/api") else "sms", "status": status,
                    "first_ms": first_ms, "first_ok": attempts == 1, "attempts": attempts,
                    "sent_at": t0 + i / rate, "done_ms": (time.perf_counter() - started) * 1000})


async def _load(port: int, start: int, count: int, rate: float, run: str, token: str, api_every: int) -> list[dict]:
    import aiohttp

    results: list[dict] = []
    connector = aiohttp.TCPConnector(limit=256, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        t0 = time.perf_counter() + 0.2
        await asyncio.gather(*(_send(session, port, start + k, run, token, t0 - start / rate, rate, results, api_every)
                               for k in range(count)))
    return results


def load_process(port: int, start: int, count: int, rate: float, run: str, token: str, api_every: int, queue) -> None:
    started = time.perf_counter()
    results = asyncio.run(_load(port, start, count, rate, run, token, api_every))
    queue.put({"results": results, "wall": time.perf_counter() - started})


# --- checking -------------------------------------------------------------------------------

def stored(url: str, run: str) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        api = conn.execute("select count(*), count(distinct external_id) from contact "
                           "where channel = 'web' and external_id like %s", (f"bench-{run}-%",)).fetchone()
        sms = conn.execute("select count(*), count(distinct message_sid), count(complaint_id), "
                           "count(*) filter (where replayed) from telephony_sms where message_sid like %s",
                           (f"SM{run}%",)).fetchone()
        complaints = conn.execute("select count(*) from complaint where text like %s", (f"%（压测{run}-%",)).fetchone()
        # routed exactly once: one case and one clue number each, triage no longer pending
        routed = conn.execute(
            "select count(*) from complaint c where c.text like %s and c.triage_state <> 'pending' "
            "and (select count(*) from \"case\" k where k.complaint_id = c.id) = 1 "
            "and (select count(*) from clue l where l.complaint_id = c.id) = 1", (f"%（压测{run}-%",)).fetchone()
    return {"api_contacts": api[0], "api_distinct": api[1], "sms_rows": sms[0], "sms_distinct": sms[1],
            "sms_with_complaint": sms[2], "sms_replayed": sms[3], "complaints": complaints[0],
            "routed_once": routed[0]}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1) if ordered else 0.0


def summarise(results: list[dict], wall: float) -> dict:
    clean = [r["first_ms"] for r in results if r["first_ok"]]
    return {"sent": len(results), "accepted": sum(r["status"] in (200, 201) for r in results),
            "retried": sum(r["attempts"] > 1 for r in results), "wall_s": round(wall, 1),
            "achieved_rps": round(len(results) / wall, 1) if wall else 0,
            "p50_ms": percentile(clean, 0.50), "p99_ms": percentile(clean, 0.99), "max_ms": percentile(clean, 1.0),
            "p99_all_first_attempts_ms": percentile([r["first_ms"] for r in results], 0.99)}


def run_load(args, env: dict, url: str, token: str, port: int, server: subprocess.Popen, start: int, count: int,
             rate: float, run: str, faults_on: bool = True) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    client = context.Process(target=load_process, args=(port, start, count, rate, run, token, args.api_every, queue))
    client.start()
    began, faults = time.monotonic(), {}
    stop_at = getattr(args, "stop_postgres_at", None) if faults_on else None
    kill_at = getattr(args, "kill_worker_at", None) if faults_on else None
    kill_drain_at = getattr(args, "kill_drain_at", None) if faults_on else None
    try:
        while client.is_alive() and queue.empty():
            elapsed = time.monotonic() - began
            if stop_at is not None and "postgres_stopped_at_s" not in faults and elapsed >= stop_at:
                outage(args, "stop")
                faults["postgres_stopped_at_s"] = round(elapsed, 1)
            if ("postgres_stopped_at_s" in faults and "postgres_started_at_s" not in faults
                    and elapsed >= stop_at + args.outage_seconds):
                outage(args, "start")
                faults["postgres_started_at_s"] = round(elapsed, 1)
                faults["postgres_ready"] = pg_ready()
            if kill_at is not None and "worker_killed_at_s" not in faults and elapsed >= kill_at:
                pids = worker_pids(server.pid)
                if pids:
                    os.kill(pids[0], signal.SIGKILL)
                    faults["worker_killed_at_s"], faults["worker_pid"] = round(elapsed, 1), pids[0]
            if kill_drain_at is not None and "drain_killed_at_s" not in faults and elapsed >= kill_drain_at:
                # SIGKILL mid-batch, then started again at once, as systemd's Restart=always would
                os.killpg(args.drain_process.pid, signal.SIGKILL)
                args.drain_process.wait()
                args.drain_process = start_drain(env, args.drain_nice)
                faults["drain_killed_at_s"] = round(elapsed, 1)
            time.sleep(0.2)
        outcome = queue.get(timeout=3600)
        client.join()
    finally:
        if "postgres_stopped_at_s" in faults and "postgres_started_at_s" not in faults:
            outage(args, "start")
            faults["postgres_ready"] = pg_ready()
    return {"outcome": outcome, "faults": faults}


def drain_spool(env: dict) -> dict:
    spool_dir = Path(env["INSTANCE_DIR"]) / "spool"
    pending = hotline(env, "spool", "status", check=False).stdout.strip()
    started = time.perf_counter()
    replay = hotline(env, "spool", "replay", check=False)
    return {"before": pending, "replay": (replay.stdout + replay.stderr).strip()[-300:],
            "drain_s": round(time.perf_counter() - started, 1),
            "after": hotline(env, "spool", "status", check=False).stdout.strip(),
            "rejected_file": (spool_dir / "rejected.jsonl").exists()}


# --- commands -------------------------------------------------------------------------------

def with_server(args, body):
    if not pg_ready(5):
        raise SystemExit("PostgreSQL is not running")
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    server = None
    try:
        url = fresh_database()
        env = _environment(url, workdir, args.join_minutes)
        if args.models_dir:  # an already trained model folder (the triage a real intake runs)
            env["MODELS_DIR"] = args.models_dir
        setup = prepare(env, args.train and not args.models_dir)
        port = int(os.environ.get("BENCH_PORT", "0")) or free_port()
        server = start_gunicorn(env, port, args.workers)
        args.drain_process = start_drain(env, args.drain_nice)  # the scheduler: triage and routing
        return body(env, url, setup, port, server)
    finally:
        for process in (server, getattr(args, "drain_process", None)):
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        if not pg_ready(5):
            pg_ctl("start")
            pg_ready()
        shutil.rmtree(workdir, ignore_errors=True)


def search(args) -> None:
    def body(env, url, setup, port, server):
        rows, start, held = [], 0, None
        run_load(args, env, url, setup["token"], port, server, 10_000_000, 4 * args.workers, 5, "w", False)  # warm-up
        for rate in [float(r) for r in args.rates.split(",")]:
            count = int(rate * args.step_seconds)
            result = run_load(args, env, url, setup["token"], port, server, start, count, rate, "s")
            start += count
            row = {"rate": rate, **summarise(result["outcome"]["results"], result["outcome"]["wall"])}
            row["held"] = row["p99_ms"] < 200 and row["retried"] == 0 and row["achieved_rps"] >= rate * 0.95
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
            if row["held"]:
                held = rate
            time.sleep(3)
        print(json.dumps({"highest_rate_held_p99_under_200ms": held, "workers": args.workers, **setup,
                          "token": "…"}, ensure_ascii=False))

    with_server(args, body)


def run(args) -> None:
    def body(env, url, setup, port, server):
        run_load(args, env, url, setup["token"], port, server, 10_000_000, 4 * args.workers, 5, "w", False)  # warm-up
        result = run_load(args, env, url, setup["token"], port, server, 0, args.total, args.rate, "r")
        results = result["outcome"]["results"]
        report = {"total": args.total, "rate": args.rate, "workers": args.workers,
                  "model": f"trained ({args.models_dir})" if args.models_dir else setup["model"],
                  **summarise(results, result["outcome"]["wall"]), "faults": result["faults"]}
        report["spool"] = drain_spool(env)
        report["background"] = drained(url)  # every stored report triaged, routed and numbered
        report["stored"] = stored(url, "r")
        sent_api = sum(r["kind"] == "api" for r in results)
        sent_sms = len(results) - sent_api
        s = report["stored"]
        report["exactly_once"] = (s["api_contacts"] == s["api_distinct"] == sent_api
                                  and s["sms_rows"] == s["sms_distinct"] == s["sms_with_complaint"] == sent_sms
                                  and s["complaints"] == s["routed_once"] == len(results))
        report["sent_api"], report["sent_sms"] = sent_api, sent_sms
        print(json.dumps(report, ensure_ascii=False, indent=1), flush=True)

    with_server(args, body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("search", "run"):
        p = sub.add_parser(name)
        p.add_argument("--workers", type=int, default=4)
        p.add_argument("--train", action="store_true", help="train the triage model first (slower intakes)")
        p.add_argument("--models-dir", default=None, help="a trained model folder to serve (instead of --train)")
        p.add_argument("--drain-nice", type=drain_priority, default=0,
                       help="nice level of the scheduler (the intake drain), or \"idle\" (SCHED_IDLE)")
        p.add_argument("--join-minutes", type=int, default=5,
                       help="the product's SMS_JOIN_MINUTES (5 as deployed; 0 skips the look-up of a sender's last part)")
        p.add_argument("--api-every", type=int, default=2,
                       help="every N-th request is an API intake, the others SMS (0: SMS only)")
    sub.choices["search"].add_argument("--rates", default="10,20,30,40")
    sub.choices["search"].add_argument("--step-seconds", type=float, default=30)
    sub.choices["run"].add_argument("--total", type=int, default=20_000)
    sub.choices["run"].add_argument("--rate", type=float, default=20)
    sub.choices["run"].add_argument("--stop-postgres-at", type=float, default=None, help="seconds into the load")
    sub.choices["run"].add_argument("--outage-seconds", type=float, default=30)
    sub.choices["run"].add_argument("--outage", choices=["cluster", "database"], default="cluster",
                                    help="stop the whole PostgreSQL cluster, or only refuse and cut "
                                         "connections to the product's database (a shared server)")
    sub.choices["run"].add_argument("--kill-worker-at", type=float, default=None, help="seconds into the load")
    sub.choices["run"].add_argument("--kill-drain-at", type=float, default=None,
                                    help="seconds into the load: SIGKILL the scheduler mid-batch, start it again")
    args = parser.parse_args()
    {"search": search, "run": run}[args.command](args)


if __name__ == "__main__":
    main()
