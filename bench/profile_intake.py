"""What one SMS intake costs inside the product: SQL statements, ORM flushes, transactions, ms.

    .venv/bin/python bench/profile_intake.py --models-dir /tmp/models-throughput --messages 20
    .venv/bin/python bench/profile_intake.py --sqlite --messages 20      # on SQLite instead
    .venv/bin/python bench/profile_intake.py --models-dir DIR --statements  # list one SMS's statements
    .venv/bin/python bench/profile_intake.py --peer --messages 400           # the bare peer, the same way

The app is built in this process on a fresh PostgreSQL schema (`bench_profile`, migrated, demo
county) and signed SMS reports are posted through Flask's test client, three warm-up messages
first. SQLAlchemy events count, per SMS: statements sent to the database (`before_cursor_execute`,
so one executemany counts once), ORM flushes, and commits, split into what runs while the request
is answered and what runs after the response has been sent (the audit seal, which gunicorn runs
when it closes the response; here response.close() is called, as gunicorn would). Medians over
--messages SMS.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import BASE, TEXTS, TOKEN, environment  # noqa: E402
from bench.intake_vs_peer import cpu_ms, fresh_schema  # noqa: E402
from bench.load_intake import prepare  # noqa: E402


class Counter:
    def __init__(self) -> None:
        self.statements: list[str] = []
        self.flushes = 0
        self.commits = 0

    def reset(self) -> None:
        self.statements, self.flushes, self.commits = [], 0, 0


def install(counter: Counter, engine) -> None:
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _statement(conn, cursor, statement, parameters, context, executemany):
        counter.statements.append(" ".join(statement.split())[:140])

    @sa.event.listens_for(engine, "commit")
    def _commit(conn):
        counter.commits += 1

    @sa.event.listens_for(Session, "after_flush")
    def _flush(session, context):
        counter.flushes += 1


def signed(k: int, run: str) -> tuple[dict, dict]:
    from twilio.request_validator import RequestValidator

    params = {"MessageSid": f"SM{run}{k:030d}", "AccountSid": "AC" + "b" * 32, "From": f"+86137{k:08d}",
              "To": "+8610690000", "Body": f"{TEXTS[k % len(TEXTS)]}（剖析{run}-{k}）", "NumMedia": "0"}
    return params, {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(BASE + "/twilio/sms", params)}


def _drain(app, counter: Counter) -> dict:
    """Complete the stored intakes as the scheduler would: ms, statements and commits per report."""
    from hotline.db import get_session
    from hotline.intake import completion

    with app.app_context():
        session = get_session()
        from hotline.triage.service import model_store

        triage = model_store(session).get()  # the scheduler process loads it once, at its first drain
        if triage is not None:
            triage.warm_up()
        waiting = completion.backlog(session)[0]
        counter.reset()
        import cProfile

        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        done = completion.drain(session).done
        profiler.disable()
        elapsed = (time.perf_counter() - started) * 1000
        if os.environ.get("PROFILE_DRAIN"):
            import pstats

            pstats.Stats(profiler).sort_stats(os.environ["PROFILE_DRAIN"]).print_stats(45)
    per = max(done, 1)
    if os.environ.get("PROFILE_DRAIN_STATEMENTS"):
        for statement, n in collections.Counter(s[:110] for s in counter.statements).most_common(40):
            print(f"{n:5d}  {statement}")
    return {"drained": done, "waiting_before": waiting, "drain_ms_per_report": round(elapsed / per, 1),
            "drain_statements_per_report": round(len(counter.statements) / per, 1),
            "drain_commits_per_report": round(counter.commits / per, 1)}


def peer(messages: int) -> None:
    """The bare peer's CPU per request, measured as the product's is (same client, same messages)."""
    url = fresh_schema("bench_profile_peer")
    os.environ.update(PEER_DATABASE_URL=url, TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=BASE)
    from bench import peer_app

    peer_app.create_schema(url)
    client = peer_app.create_app().test_client()
    run, cpu = f"{int(time.time()) % 100000:05d}", []
    database_before = cpu_ms({})["database"]
    for k in range(messages + 3):
        params, headers = signed(k, run)
        started = time.process_time()
        response = client.post("/twilio/sms", data=params, headers={**headers, "Host": BASE.split("//")[1]},
                               base_url=BASE)
        cpu.append((time.process_time() - started) * 1000)
        assert response.status_code == 200, response.data
    database_ms = (cpu_ms({})["database"] - database_before) / (messages + 3)
    print(json.dumps({"app": "peer", "request_cpu_ms": round(statistics.median(cpu[3:]), 2),
                      "database_cpu_ms": round(database_ms, 2), "messages": messages,
                      "load_avg": round(os.getloadavg()[0], 1)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--join-minutes", type=int, default=5,
                        help="the product's SMS_JOIN_MINUTES (default 5, as deployed: each report first looks up "
                             "the sender's last part; 0 skips that look-up, as runs before session 11 did)")
    parser.add_argument("--models-dir", default=None)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--statements", action="store_true", help="print the statements of the last SMS")
    parser.add_argument("--dump", metavar="FILE", help="with --cprofile: also write the profile to FILE")
    parser.add_argument("--cpu-profile", action="store_true", help="--cprofile counts CPU time, not wall time")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N",
                        help="also print the N functions with the most cumulative time over the requests")
    parser.add_argument("--peer", action="store_true",
                        help="post the same SMS to the bare peer (bench/peer_app.py) instead: its CPU ms per request")
    args = parser.parse_args()
    if args.peer:
        return peer(args.messages)
    workdir = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    url = f"sqlite:///{workdir / 'hotline.sqlite3'}" if args.sqlite else fresh_schema("bench_profile")
    env = environment(url, workdir, SMS_JOIN_MINUTES=str(args.join_minutes))
    if args.models_dir:
        env["MODELS_DIR"] = args.models_dir
    prepare(env, train=False)
    os.environ.update(env)
    from hotline import create_app
    from hotline.db import engine as app_engine

    app = create_app()
    with app.app_context():
        counter = Counter()
        install(counter, app_engine())
    client = app.test_client()
    run = f"{int(time.time()) % 100000:05d}"
    rows = []
    import cProfile

    # CPU time, not wall time: a wait for PostgreSQL is not this process's work.
    profiler = cProfile.Profile(time.process_time) if args.cpu_profile else cProfile.Profile()
    database_before = cpu_ms({})["database"]  # PostgreSQL's CPU for these requests (no drain runs meanwhile)
    for k in range(args.messages + 3):
        if k == 3 and args.cprofile:
            profiler.enable()
        params, headers = signed(k, run)
        counter.reset()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.post("/twilio/sms", data=params, headers={**headers, "Host": BASE.split("//")[1]},
                               base_url=BASE)
        request_ms = (time.perf_counter() - started) * 1000
        request_cpu_ms = (time.process_time() - cpu_started) * 1000
        assert response.status_code == 200, response.data
        request = (len(counter.statements), counter.flushes, counter.commits, list(counter.statements))
        counter.reset()
        started = time.perf_counter()
        response.close()  # what gunicorn does once the reply is written: the audit seal runs here
        background_ms = (time.perf_counter() - started) * 1000
        if k >= 3:
            rows.append({"request_ms": request_ms, "request_cpu_ms": request_cpu_ms, "statements": request[0], "flushes": request[1],
                         "commits": request[2], "after_ms": background_ms, "after_statements": len(counter.statements),
                         "after_flushes": counter.flushes, "after_commits": counter.commits, "list": request[3]})
    profiler.disable()
    database_ms = (cpu_ms({})["database"] - database_before) / (args.messages + 3)
    drain = _drain(app, counter)
    summary = {key: round(statistics.median(r[key] for r in rows), 1)
               for key in ("request_ms", "request_cpu_ms", "statements", "flushes", "commits", "after_ms", "after_statements",
                           "after_flushes", "after_commits")}
    summary["database_cpu_ms"] = round(database_ms, 2)  # mean, request and audit seal after it
    summary.update(drain)
    summary.update(database="sqlite" if args.sqlite else "postgresql", messages=len(rows),
                   model=args.models_dir or "untrained", load_avg=round(os.getloadavg()[0], 1))
    kinds = collections.Counter(s.split(" ")[0] + " " + (s.split(" ")[2] if s.startswith(("INSERT", "DELETE"))
                                                         else s.split(" ")[1]) for s in rows[-1]["list"])
    summary["last_request_statement_kinds"] = dict(kinds)
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    if args.statements:
        for statement in rows[-1]["list"]:
            print("  ", statement)
    if args.cprofile:
        import pstats

        stats = pstats.Stats(profiler)
        if args.dump:
            stats.dump_stats(args.dump)  # for pstats' callers/callees: python -m pstats FILE
        waits = sum(v[2] for k, v in stats.stats.items() if "psycopg" in k[0] and k[2] in ("wait", "_send_query_prepared", "_execute_send", "_exec_command"))
        print(f"total {stats.total_tt:.3f} s, of which psycopg waits/sends {waits:.3f} s over {args.messages} requests")
        stats.sort_stats("cumulative").print_stats(args.cprofile)
        stats.sort_stats("tottime").print_stats(args.cprofile)


if __name__ == "__main__":
    main()
