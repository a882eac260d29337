"""SMS intake throughput: the product's /twilio/sms against a bare Flask peer, same machine and server.

    .venv/bin/python bench/intake_vs_peer.py --workers 4 --step-seconds 15
    .venv/bin/python bench/intake_vs_peer.py --worker-class gthread --threads 4   # a lever

Both apps run under gunicorn with the same worker count and class, one after the other, on the
same PostgreSQL server (database `test`, each in its own schema: `bench_product`, `bench_peer`).
The product is migrated (`python -m hotline db upgrade`), the demo county loaded and the triage
model trained (bench/load_intake.py's prepare); the peer is bench/peer_app.py (signature check,
one INSERT … ON CONFLICT DO NOTHING, TwiML reply).

The generator is open-loop: message k of a step is scheduled at t0 + k/rate and sent then whatever
happened to earlier ones (asyncio + aiohttp in its own process, up to 2,000 connections), each a
signed Twilio SMS with a fresh MessageSid and sender. Latency is counted from the scheduled send
time, so time spent queued in the client or in gunicorn's backlog counts. The client's own lag
(actual start − scheduled) is reported so a saturated client cannot pass for a fast server.

Each step also reports the CPU it cost per request (`cpu_ms_per_request`): the server's process
group (gunicorn's master and workers), every PostgreSQL process, the product's drain, and the
generator itself, read from /proc before and after the step. Unlike the held rate, which moves
with whatever else the machine is doing, CPU per request says where the work is.

A rate is held when every request answered 200, p99 < 200 ms and the step finished within 5 % of
its length. Each app is stepped through its rates until one is not held. The product answers once
the report is stored and completes it (triage, routing, clue number) in its scheduler process,
which runs during every step (`--drain-nice` lowers its CPU priority, as systemd's Nice= would);
after each step the script waits until that backlog is drained and reports how many waited and for
how long. Afterwards the product's rows are counted: stored (telephony_sms rows with a complaint)
and routed (a case and a clue number) must each equal sent, each once.
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
from bench.harness import BASE, ROOT, TEXTS, TOKEN, drain_priority, drained, environment, free_port, start_drain  # noqa: E402
from bench.load_intake import percentile, prepare  # noqa: E402

PG_TEST = os.environ.get("BENCH_PG_TEST_URL", "postgresql://postgres@127.0.0.1:5432/test")


def schema_url(schema: str) -> str:
    return f"{PG_TEST}?options=-csearch_path%3D{schema}"


def fresh_schema(schema: str) -> str:
    import psycopg

    with psycopg.connect(PG_TEST, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return schema_url(schema)


def gunicorn(env: dict, app: str, port: int, args, config: str) -> subprocess.Popen:
    options = ["-c", config, "-w", str(args.workers), "-k", args.worker_class, "-b", f"127.0.0.1:{port}",
               "--log-level", os.environ.get("BENCH_LOG_LEVEL", "error"), "--timeout", "60", "--backlog", "4096"]
    if args.worker_class == "gthread":
        options += ["--threads", str(args.threads)]
    process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), *options, app],
                               env=env, cwd=ROOT, start_new_session=True)
    import socket

    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                time.sleep(3.0)  # let every worker finish importing (the product loads its model lazily)
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn {app} did not start")


# --- the open-loop generator (its own process) ----------------------------------------------

def signed(prefix: str, k: int) -> tuple[dict, dict]:
    from twilio.request_validator import RequestValidator

    sid = f"SM{prefix}{k:0{32 - len(prefix)}d}"  # 34 characters, as Twilio's
    params = {"MessageSid": sid, "AccountSid": "AC" + "b" * 32, "From": f"+86137{k % 10**8:08d}",
              "To": "+8610690000", "Body": f"{TEXTS[k % len(TEXTS)]}（{prefix}-{k}）", "NumMedia": "0"}
    return params, {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(BASE + "/twilio/sms", params)}


async def _step(port: int, prefix: str, start: int, count: int, rate: float) -> dict:
    import aiohttp

    requests = [signed(prefix, start + k) for k in range(count)]  # signed before the clock starts
    cpu_started = time.process_time()
    latencies, lags, statuses = [], [], {}
    url = f"http://127.0.0.1:{port}/twilio/sms"
    connector = aiohttp.TCPConnector(limit=2000)
    async with aiohttp.ClientSession(connector=connector) as session:
        t0 = time.perf_counter() + 0.5

        async def one(k: int) -> None:
            scheduled = t0 + k / rate
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            lags.append((time.perf_counter() - scheduled) * 1000)
            params, headers = requests[k]
            try:
                async with session.post(url, data=params, headers=headers,
                                        timeout=aiohttp.ClientTimeout(total=60)) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, asyncio.TimeoutError):
                status = 0
            latencies.append((time.perf_counter() - scheduled) * 1000)
            statuses[status] = statuses.get(status, 0) + 1

        await asyncio.gather(*(one(k) for k in range(count)))
        wall = time.perf_counter() - t0
    client_cpu_ms = (time.process_time() - cpu_started) * 1000
    return {"rate": rate, "sent": count, "ok": statuses.get(200, 0), "statuses": statuses,
            "wall_s": round(wall, 2), "done_rps": round(count / wall, 1),
            "p50_ms": percentile(latencies, 0.50), "p99_ms": percentile(latencies, 0.99),
            "max_ms": percentile(latencies, 1.0), "client_lag_p99_ms": percentile(lags, 0.99),
            "client_cpu_ms": client_cpu_ms}


def _step_process(port, prefix, start, count, rate, queue) -> None:
    queue.put(asyncio.run(_step(port, prefix, start, count, rate)))


def step(port: int, prefix: str, start: int, count: int, rate: float) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_step_process, args=(port, prefix, start, count, rate, queue))
    process.start()
    result = queue.get(timeout=3600)
    process.join()
    return result


_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def cpu_ms(groups: dict[str, int]) -> dict[str, float]:
    """CPU used so far (user + system, ms) by each named process group, by PostgreSQL's backends
    serving clients (every client's: the drain's too), and by its background processes (WAL
    writer, checkpointer, autovacuum: work the drain's updates cause falls there as well)."""
    used = dict.fromkeys([*groups, "database", "database_background"], 0.0)
    by_pgid = {pgid: name for name, pgid in groups.items()}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                raw = stat.read()
        except OSError:  # ended meanwhile
            continue
        comm, fields = raw[raw.index("(") + 1:raw.rindex(")")], raw[raw.rindex(")") + 2:].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        if comm == "postgres":  # a client's backend ("postgres: user db 127.0.0.1(port) …"), or its background work
            try:
                with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                    serves_a_client = b"(" in cmdline.read()
            except OSError:
                continue
            used["database" if serves_a_client else "database_background"] += ticks * _TICK_MS
        elif int(fields[2]) in by_pgid:  # the process group
            used[by_pgid[int(fields[2])]] += ticks * _TICK_MS
    return used


def stepped(name: str, port: int, prefix: str, rates: list[float], seconds: float,
            after_step=None, groups: dict[str, int] | None = None) -> tuple[list[dict], float | None]:
    # Warm-up until answers come back promptly: every worker imports, connects and loads the model
    # (the product's post_worker_init took 17-18 s a worker at load 18), so a step never starts
    # while workers are still booting.
    for attempt in range(12):
        # Senders of their own (from 90,000,000 on): a step's sender seen in a warm-up would have its
        # report joined to the warm-up's (SMS_JOIN_MINUTES) instead of making a complaint.
        warm = step(port, f"W{attempt}" + prefix, 90_000_000 + 100 * attempt, 20, 5)
        if warm["ok"] == warm["sent"] and warm["p99_ms"] < 1000:
            break
    rows, start, held = [], 0, None
    for rate in rates:
        count = int(rate * seconds)
        before = cpu_ms(groups or {})
        row = {"app": name, **step(port, prefix, start, count, rate), "load_avg": os.getloadavg()[0]}
        after = cpu_ms(groups or {})
        row["cpu_ms_per_request"] = {**{key: round((after[key] - before[key]) / count, 2) for key in after},
                                     "client": round(row.pop("client_cpu_ms") / count, 2)}
        start += count
        rows.append(row)
        row["held"] = row["ok"] == row["sent"] and row["p99_ms"] < 200 and row["wall_s"] <= seconds * 1.05 + 1
        if after_step is not None:  # the next step starts once the background work has caught up
            row.update(after_step())
        print(json.dumps(row, ensure_ascii=False), flush=True)
        if not row["held"]:
            break
        held = rate
        time.sleep(2)
    return rows, held


def product_stored(url: str, prefix: str) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        sms = conn.execute("select count(*), count(distinct message_sid), count(complaint_id) from telephony_sms "
                           "where message_sid like %s", (f"SM{prefix}%",)).fetchone()
        complaints = conn.execute("select count(*) from complaint where text like %s",
                                  (f"%（{prefix}-%",)).fetchone()[0]
        routed = conn.execute('select count(*) from complaint c join "case" k on k.complaint_id = c.id '
                              "join clue l on l.complaint_id = c.id where c.text like %s and c.triage_state <> 'pending'",
                              (f"%（{prefix}-%",)).fetchone()[0]
    return {"sms_rows": sms[0], "distinct_sids": sms[1], "with_complaint": sms[2], "complaints": complaints,
            "routed_with_clue": routed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="per worker, with --worker-class gthread")
    parser.add_argument("--step-seconds", type=float, default=15)
    parser.add_argument("--product-rates", default="10,20,30,40,50,60,80")
    parser.add_argument("--peer-rates", default="60,120,240,360,480,600")
    parser.add_argument("--join-minutes", type=int, default=5,
                        help="the product's SMS_JOIN_MINUTES (default 5, as deployed: each report first looks up "
                             "the sender's last part; 0 skips that look-up, as runs before session 11 did)")
    parser.add_argument("--models-dir", default=None,
                        help="an already trained model folder (skips training, minutes on a loaded machine)")
    parser.add_argument("--only", choices=["product", "peer"], default=None)
    parser.add_argument("--drain-nice", type=drain_priority, default=0,
                        help="run the product's scheduler (the intake drain) at this nice level (systemd Nice=)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-vs-peer-"))
    summary = {"workers": args.workers, "worker_class": args.worker_class,
               "threads": args.threads if args.worker_class == "gthread" else 1}
    run = f"{int(time.time()) % 100000:05d}"
    try:
        if args.only != "peer":
            url = fresh_schema("bench_product")
            env = environment(url, workdir, SMS_JOIN_MINUTES=str(args.join_minutes))
            if args.models_dir:
                env["MODELS_DIR"] = args.models_dir
            summary["model"] = prepare(env, train=not args.models_dir)["model"]
            summary["model"] = f"trained ({args.models_dir})" if args.models_dir else summary["model"]
            port = free_port()
            server = gunicorn(env, "hotline:create_app()", port, args, os.environ.get("BENCH_GUNICORN_CONF", str(ROOT / "gunicorn.conf.py")))
            drain = start_drain(env, args.drain_nice)
            try:
                rows, held = stepped("product", port, f"P{run}", [float(r) for r in args.product_rates.split(",")],
                                     args.step_seconds, after_step=lambda: drained(url),
                                     groups={"server": server.pid, "drain": drain.pid})
            finally:
                for process in (server, drain):
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=30)
            sent = sum(r["sent"] for r in rows)
            stored = product_stored(url, f"P{run}")
            summary.update(product_held=held, product_sent=sent, product_stored=stored,
                           stored_equals_sent=stored["sms_rows"] == stored["distinct_sids"]
                           == stored["with_complaint"] == stored["complaints"] == stored["routed_with_clue"] == sent)
        if args.only != "product":
            url = fresh_schema("bench_peer")
            from bench.peer_app import create_schema

            create_schema(url)
            env = {**environment(url, workdir), "PEER_DATABASE_URL": url}
            port = free_port()
            server = gunicorn(env, "bench.peer_app:create_app()", port, args, "/dev/null")
            try:
                rows, held = stepped("peer", port, f"Q{run}", [float(r) for r in args.peer_rates.split(",")],
                                     args.step_seconds, groups={"server": server.pid})
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
            summary["peer_held"] = held
        if summary.get("product_held") and summary.get("peer_held"):
            summary["ratio"] = round(summary["product_held"] / summary["peer_held"], 3)
        summary["load_avg"] = os.getloadavg()
        print(json.dumps(summary, ensure_ascii=False), flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
