"""What the load benchmarks share: the app under gunicorn on a fresh database, its environment,
and the complaint texts they send (bench_webhooks.py, load_intake.py)."""
from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
TOKEN = "bench-twilio-auth-token-0123456789"
BASE = "https://hotline.example.cn"
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TEXTS = [
    "石桥镇红旗村村支书王某把低保名额给了自己侄子，侄子家有小车和门面，请查一查。",
    "柳河乡水井村会计刘某从2021年起代领五保户张大爷的粮食补贴，每年约三千元。",
    "下湾村危房改造补助三万元被村主任截留了一半，房子到现在还没修。",
    "回龙村扶贫车间的工资被克扣，村干部说要交管理费，每人每月扣二百元。",
    "我家孩子上高中的助学金被取消了，可村干部家两个教师子女都拿到了。",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_pg_database(name: str) -> str:
    """A new, empty PostgreSQL database of that name (dropped first if it exists); its URL."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def environment(url: str, workdir: Path, **extra: str) -> dict:
    """The app's settings for a benchmark: Twilio signing with TOKEN, no in-process scheduler."""
    return {**os.environ, "HOTLINE_ENV": "development", "DATABASE_URL": url,
            "SECRET_KEY": "bench-secret-key-not-for-production", "INSTANCE_DIR": str(workdir / "instance"),
            "MODELS_DIR": str(workdir / "models"), "TWILIO_ACCOUNT_SID": "AC" + "b" * 32,
            "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_FROM": "+8610690000", "PUBLIC_BASE_URL": BASE,
            **extra, "SCHEDULER_IN_PROCESS": "false", "DEMO": "false", "PYTHONPATH": str(ROOT)}


def start_gunicorn(env: dict, port: int, workers: int, *options: str, settle: float = 1.0) -> subprocess.Popen:
    """gunicorn serving the app on 127.0.0.1:port; returns once it accepts connections and
    `settle` seconds have let every worker finish loading."""
    process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers), "-b",
                                f"127.0.0.1:{port}", *options, "hotline:create_app()"],
                               env=env, cwd=ROOT, start_new_session=True)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                time.sleep(settle)
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


# --- the product's background drain -------------------------------------------------------

def drain_priority(value: str) -> int | str:
    """--drain-nice: a nice level, or \"idle\"."""
    return value if value == "idle" else int(value)


def start_drain(env: dict, nice: int | str) -> subprocess.Popen:
    """The product's scheduler process, which completes the stored intakes (triage, routing, clue
    number) within seconds: part of the product under test, so it runs during every step.

    `nice`: a nice level (systemd Nice=), or "idle": the SCHED_IDLE policy, which runs it only on
    CPU time nothing else wants (systemd CPUSchedulingPolicy=idle; docs/operations.md)."""
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "hotline", "scheduler"]
    if nice == "idle":
        command = ["chrt", "--idle", "0", *command]
    elif nice:
        command = ["nice", "-n", str(nice), *command]
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def backlog(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("select count(*) from intake_job").fetchone()[0]


def drained(url: str, *, timeout: float = 900) -> dict:
    """Wait until the drain has completed every stored intake; how many waited and how long."""
    started, waiting = time.perf_counter(), backlog(url)
    first = waiting
    while waiting and time.perf_counter() - started < timeout:
        time.sleep(0.25)
        waiting = backlog(url)
    return {"backlog_at_end": first, "drained_after_s": round(time.perf_counter() - started, 1),
            "left": waiting}
