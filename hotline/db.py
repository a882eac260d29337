"""The database engine and the per-request session.

Views never open or close connections: `get_session()` hands out the request's
session, created on first use and closed at teardown.
"""
from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy import event
from sqlmodel import Session

T = TypeVar("T")


def make_engine(url: str) -> sa.Engine:
    """An engine for the URL; SQLite gets foreign keys, WAL and a busy timeout.

    A failing statement's error names the statement but never its values (`hide_parameters`):
    they are complaint texts, names and sealed numbers, and the error goes to the logs (a webhook
    that spools during an outage logs why)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                                  hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = sa.create_engine(url, pool_size=5, max_overflow=10, hide_parameters=True)
    event.listen(engine, "checkin", _idle_from_now)
    event.listen(engine, "checkout", _ping_if_idle(engine.dialect))
    return engine


# A pooled connection that sat idle this long is tested before use (a restarted server or a
# dropped link would fail the request's first statement). SQLAlchemy's pool_pre_ping tests at
# every checkout: one more round trip for every request (a report as deployed is otherwise three:
# docs/benchmarks-throughput.md, session 12). A connection handed straight back is not tested: were
# it broken, the statement fails, the pool is invalidated, and the request is spooled (webhooks)
# or answered with the outage page — as for a request in flight when the server went down.
PING_AFTER_IDLE_SECONDS = 1.0
_IDLE_SINCE = "idle_since"


def _idle_from_now(_dbapi_connection, record) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping_if_idle(dialect: sa.Dialect):
    def checkout(dbapi_connection, record, _proxy) -> None:
        # record.info lives as long as the DBAPI connection: a new connection has no entry, and
        # needs no test.
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            ping(dialect, dbapi_connection)
        except Exception as exc:  # the pool discards it and checks out another (up to three times)
            raise sa.exc.DisconnectionError("pooled connection failed its test after idling") from exc

    return checkout


def ping(dialect: sa.Dialect, dbapi_connection) -> None:
    """The dialect's own test, as pool_pre_ping runs it: for psycopg in autocommit, so it leaves
    no transaction open (one would stop the connection being switched to AUTOCOMMIT, as the
    backup does)."""
    dialect.do_ping(dbapi_connection)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    """Create the app's engine and close the request session at teardown."""
    app.extensions["db_engine"] = make_engine(app.config["SETTINGS"].DATABASE_URL)
    app.teardown_appcontext(_close_session)


def engine() -> sa.Engine:
    return current_app.extensions["db_engine"]


def get_session() -> Session:
    """The session of the current request (or CLI app context)."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


_REFERENCE_CACHE = "reference_cache"


@contextlib.contextmanager
def reference_cache(session: Session) -> Iterator[None]:
    """Within: reference data that a batch of routine work reads for every item (the routing
    table, the working-day calendar, the divisions' version) is read once (`cached`). Only for
    work that does not edit that data itself, such as the intake drain's batch."""
    session.info[_REFERENCE_CACHE] = {}
    try:
        yield
    finally:
        session.info.pop(_REFERENCE_CACHE, None)


def cached(session: Session, key: str, load: Callable[[], T]) -> T:
    """`load()`, or inside `reference_cache` the value it gave the first time for this key."""
    cache = session.info.get(_REFERENCE_CACHE)
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]
