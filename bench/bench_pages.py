"""Benchmark: server time of the five busiest pages on the demo data, and the keystrokes of a call.

    export INSTANCE_DIR=/tmp/demo HOTLINE_ENV=development DEMO=1
    .venv/bin/python -m hotline db upgrade && .venv/bin/python -m hotline model train && .venv/bin/python -m hotline demo
    .venv/bin/python -m bench.bench_pages [--repeat 30] [--extra 2000]

Uses the app and database the environment names (the demo instance; DATABASE_URL for PostgreSQL),
loading the demo county first if it is absent. Each page is requested through the Flask test client
as the user who reads it most (operator, supervisor, inspector), a few warm-up requests first,
then `--repeat` timed ones: the figure is the whole server time of a request (routing, queries,
template), without network or browser. `--extra N` first logs N more demo-like calls (through
log_contact, so triaged and routed like real ones) to see how the pages grow with the data.
The keystroke count replays tests/browser/typical_call.py, the script the browser test types.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

import pyotp
import sqlalchemy as sa
from sqlmodel import Session, select

import models  # noqa: F401
from hotline import create_app
from hotline.demo.loader import DEMO_TOTP_SECRET, load_demo
from models.cases import Case, CaseEvent
from models.divisions import Village
from models.users import User
from tests.browser import typical_call

PASSWORDS = {"operator": "demo-operator-965888", "inspector": "demo-inspector-965888",
             "supervisor": "demo-supervisor-965888"}


def _ensure_demo(app) -> None:
    from sqlmodel import SQLModel

    engine = app.extensions["db_engine"]
    SQLModel.metadata.create_all(engine)  # a no-op on a migrated database
    with Session(engine) as db:
        if db.exec(select(User).where(User.username == "operator")).first() is None:
            with app.app_context():
                load_demo(db, lookup_key=app.config["LOOKUP_KEY"])


def _add_calls(app, count: int) -> None:
    """Log `count` more calls drawn from the demo's sample texts, spread over the last 12 weeks."""
    from hotline.demo.loader import _sample_texts
    from hotline.intake import service
    from models.base import utcnow

    rng = random.Random(965888)
    texts = _sample_texts()
    with Session(app.extensions["db_engine"], expire_on_commit=False) as db, app.app_context():
        operator = db.exec(select(User).where(User.username == "operator")).one()
        villages = db.exec(select(Village)).all()
        for index in range(count):
            village = rng.choice(villages)
            _channel, text = texts[index % len(texts)]
            data = service.IntakeData(text=text, channel="call", phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
                                      name="王建华", township_id=village.township_id, village_id=village.id,
                                      received_at=utcnow() - dt.timedelta(days=rng.uniform(0.1, 84)),
                                      external_id=f"bench-pages-{index:06d}")
            service.log_contact(session=db, data=data, actor=operator, lookup_key=app.config["LOOKUP_KEY"])
            if index % 200 == 199:
                db.commit()
        db.commit()


def _client(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORDS[username]})
    if response.headers.get("Location", "").endswith("/login/totp"):
        response = client.post("/login/totp", data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
    assert response.status_code == 302, f"login as {username} failed ({response.status_code})"
    return client


def _busiest_case(app) -> int:
    """The complaint whose case has the longest timeline (the heaviest case page)."""
    with Session(app.extensions["db_engine"]) as db:
        row = db.exec(select(Case.complaint_id, sa.func.count(CaseEvent.id))
                      .join(CaseEvent, CaseEvent.case_id == Case.id)
                      .group_by(Case.complaint_id).order_by(sa.func.count(CaseEvent.id).desc())).first()
        return row[0]


def _time(client, path: str, repeat: int) -> dict:
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        response.get_data()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median": statistics.median(times), "p95": times[max(0, int(len(times) * 0.95) - 1)], "max": times[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description="Server time of the busiest pages on the demo data")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--extra", type=int, default=0, help="log this many more calls first")
    args = parser.parse_args()
    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False  # the bench's own test client posts the login form
    _ensure_demo(app)
    if args.extra:
        started = time.perf_counter()
        _add_calls(app, args.extra)
        print(f"logged {args.extra} more calls in {time.perf_counter() - started:.1f} s")
    with Session(app.extensions["db_engine"]) as db:
        cases = db.exec(select(sa.func.count(Case.id))).one()
    clients = {name: _client(app, name) for name in PASSWORDS}
    case_page = f"/complaints/{_busiest_case(app)}"
    pages = [("登记来电 intake form", "operator", "/intake/new"),
             ("问题线索 complaint list", "supervisor", "/complaints"),
             ("案件页 case page (longest timeline)", "supervisor", case_page),
             ("案件页 case page, as the inspector", "inspector", case_page),
             ("案件队列 office queue (inspector)", "inspector", "/cases/"),
             ("案件队列 all offices (supervisor)", "supervisor", "/cases/"),
             ("数据看板 dashboard", "supervisor", "/bulletins/dashboard"),
             ("数据看板 trend chart (PNG)", "supervisor", "/bulletins/dashboard/trend.png")]
    print(f"database: {app.config['SETTINGS'].DATABASE_URL.split('?')[0]}  cases: {cases}  repeat: {args.repeat}")
    print("| page | user | median ms | p95 ms | max ms |\n|---|---|---:|---:|---:|")
    for label, user, path in pages:
        if user == "inspector" and path == case_page:
            with Session(app.extensions["db_engine"]) as db:
                case = db.exec(select(Case).where(Case.complaint_id == int(path.rsplit("/", 1)[1]))).one()
                inspector = db.exec(select(User).where(User.username == "inspector")).one()
                if case.office_id != inspector.office_id:
                    continue
        result = _time(clients[user], path, args.repeat)
        print(f"| {label} | {user} | {result['median']:.0f} | {result['p95']:.0f} | {result['max']:.0f} |")
    keys = typical_call.keystrokes()
    print(f"\nkeystrokes to log the typical call (tests/browser/typical_call.py): {keys['total']} "
          f"= {keys['control']} navigation/command keys + {keys['ascii']} digits/letters + "
          f"{keys['chinese']} Chinese characters (each typed as one here)")


if __name__ == "__main__":
    main()
