"""PostgreSQL connections are tested before use only after idling (hotline.db): a connection
handed straight back to the next request costs no extra round trip, and one that idled through a
server restart or a dropped link is replaced before the request sees it."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hotline import db as hotline_db

from tests.conftest import PG_URL

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def engine(database_url):
    engine = hotline_db.make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def pings(monkeypatch) -> list[int]:
    counted: list[int] = []
    real = hotline_db.ping

    def counting(dialect, dbapi_connection):
        counted.append(1)
        real(dialect, dbapi_connection)

    monkeypatch.setattr(hotline_db, "ping", counting)
    return counted


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(pid: int) -> None:
    other = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=sa.NullPool)
    with other.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    other.dispose()


def test_a_connection_reused_at_once_is_not_tested(engine, pings):
    first = _backend_pid(engine)
    assert [_backend_pid(engine) for _ in range(5)] == [first] * 5
    assert pings == []


def test_a_connection_that_idled_is_tested_before_use(engine, pings, monkeypatch):
    _backend_pid(engine)  # a new connection is not tested: it was just opened
    assert pings == []
    monkeypatch.setattr(hotline_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    _backend_pid(engine)
    _backend_pid(engine)
    assert pings == [1, 1]


def test_an_idle_connection_the_server_dropped_is_replaced_unseen(engine, monkeypatch):
    dropped = _backend_pid(engine)
    _terminate(dropped)
    monkeypatch.setattr(hotline_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert _backend_pid(engine) != dropped  # the request got a working connection


def test_a_busy_connection_the_server_dropped_fails_once_and_the_pool_recovers(engine, monkeypatch):
    """The trade made for throughput: not tested, the dropped connection fails the statement (the
    webhook spools, a page shows the outage notice), and the next checkout is a new connection."""
    monkeypatch.setattr(hotline_db, "PING_AFTER_IDLE_SECONDS", 3600.0)
    dropped = _backend_pid(engine)
    _terminate(dropped)
    with pytest.raises(sa.exc.OperationalError) as failed:
        _backend_pid(engine)
    assert failed.value.connection_invalidated
    assert _backend_pid(engine) != dropped


def test_a_tested_connection_is_left_outside_any_transaction(engine, pings, monkeypatch):
    """The test must not open a transaction: a connection switched to AUTOCOMMIT right after
    checkout (the backup's) would be refused ("can't change 'autocommit' now")."""
    _backend_pid(engine)
    monkeypatch.setattr(hotline_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
    assert pings == [1]
