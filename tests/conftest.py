"""Fixtures: a fresh database for every test (SQLite or PostgreSQL), the app, clients, factories.

The database comes from TEST_DATABASE_URL (PostgreSQL) or is a new SQLite file. Each test gets
an empty schema: SQLite copies a template file made once per session; PostgreSQL truncates
every table of a schema private to the pytest worker.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

import models  # noqa: F401  (registers every table)
from hotline.db import make_engine

from tests.factories import Factory

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
TEST_SECRET = "test-secret-key-not-for-production"


def _share_url_builders() -> None:
    """Every test builds its own app, and werkzeug compiles a URL builder for each of the app's
    ~550 routes by generating and compiling Python source: most of create_app's time, paid ~1,700
    times a run. The builder is a pure function of the rule's parsed parts, its defaults and
    whether unknown arguments are appended (it reads the rule's converters through `self` when
    called), so rules with equal keys share one compiled function. Only the compilation is
    shared; every app still has its own URL map, rules and converters."""
    from werkzeug.routing.rules import Rule

    original = Rule._compile_builder
    if getattr(original, "shared_by_tests", False):
        return
    built: dict = {}

    def compile_builder(self, append_unknown: bool = True):
        defaults = self.defaults or {}
        key = (self.rule, tuple(self._trace), tuple((k, repr(v)) for k, v in defaults.items()),
               tuple((name, type(c), getattr(c, "regex", None)) for name, c in self._converters.items()),
               append_unknown)
        if key not in built:
            built[key] = original(self, append_unknown)
        return built[key]

    compile_builder.shared_by_tests = True
    Rule._compile_builder = compile_builder


_share_url_builders()


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite'}"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def pg_schema_url(base: str, schema: str) -> str:
    """The URL with a search_path, so each worker (or test) works in its own schema."""
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def reset_pg_schema(base_url: str, schema: str) -> None:
    engine = make_engine(base_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


@contextlib.contextmanager
def private_database(tmp_path_factory, prefix: str) -> Iterator[str]:
    """A database with the full schema, private to this test process: a new SQLite file, or a
    PostgreSQL schema named for the process (so parallel workers and parallel runs never meet),
    dropped afterwards."""
    if not PG_URL:
        url = f"sqlite:///{tmp_path_factory.mktemp(prefix) / 'hotline.sqlite3'}"
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        yield url
        return
    schema = f"{prefix}_{_worker()}_{os.getpid()}"
    reset_pg_schema(PG_URL, schema)
    url = pg_schema_url(PG_URL, schema)
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    try:
        yield url
    finally:
        admin = make_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def empty_database_url(tmp_path) -> Iterator[str]:
    """A database with nothing in it, not even tables (for migrations and first deployments):
    a new SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    schema = f"e_{uuid.uuid4().hex[:8]}"
    reset_pg_schema(PG_URL, schema)
    yield pg_schema_url(PG_URL, schema)
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """The schema built once per session, copied (SQLite) or emptied (PostgreSQL) for each test."""
    with private_database(tmp_path_factory, "t") as url:
        if PG_URL:
            engine = make_engine(url)
            yield {"url": url, "engine": engine}
            engine.dispose()
        else:
            yield {"path": url[len("sqlite:///"):]}


@pytest.fixture
def database_url(database_template, tmp_path) -> str:
    """An empty database with the full schema, private to this test."""
    if PG_URL:
        # DELETE is far cheaper than TRUNCATE for a few rows in many tables.
        with database_template["engine"].begin() as conn:
            for table in reversed(SQLModel.metadata.sorted_tables):
                conn.execute(table.delete())
        return database_template["url"]
    path = tmp_path / "hotline.sqlite3"
    shutil.copy(database_template["path"], path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def trained_models(tmp_path_factory) -> Path:
    """A models folder holding one promoted artifact trained on the corpus.

    Training takes seconds, so it happens once per test run: the first xdist worker trains
    into the run's shared temporary folder while the others wait on a lock, then reuse it.
    `scripts/test` points HOTLINE_TEST_MODELS at one folder for its SQLite and PostgreSQL runs,
    so the second run reuses the first one's model (the artifact does not depend on the database).
    """
    from classifiers.artifact import current_version, train_artifact

    shared = Path(os.environ.get("HOTLINE_TEST_MODELS") or tmp_path_factory.getbasetemp().parent)
    shared.mkdir(parents=True, exist_ok=True)
    folder = shared / "trained-models"
    with open(shared / "trained-models.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if current_version(folder) is None:
            train_artifact(folder)
    return folder


@pytest.fixture
def settings_overrides(database_url, tmp_path) -> dict:
    return {"HOTLINE_ENV": "test", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": database_url,
            "INSTANCE_DIR": tmp_path / "instance", "SCHEDULER_IN_PROCESS": False}


@pytest.fixture
def app(settings_overrides):
    from hotline import create_app

    app = create_app(settings_overrides)
    app.config["WTF_CSRF_ENABLED"] = False  # tests/test_csrf.py turns it back on
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def db(app):
    """A session on the test's database (outside any request)."""
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def factory(db, app) -> Factory:
    return Factory(db, app)


@pytest.fixture
def county(factory) -> dict:
    """The small county with the demo routing table and holidays (Factory.routed_county)."""
    return factory.routed_county()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class LoggedIn:
    """Log a test client in as a user."""

    def __init__(self, client):
        self.client = client

    def as_(self, user, password: str = Factory.PASSWORD):
        response = self.client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        if response.headers["Location"].endswith("/login/totp"):
            code = pyotp.TOTP(user.totp_secret).now()
            response = self.client.post("/login/totp", data={"code": code})
            assert response.status_code == 302, response.get_data(as_text=True)
        return self.client


@pytest.fixture
def login(client) -> LoggedIn:
    return LoggedIn(client)


def csrf_from(html: str) -> str:
    """The CSRF token a rendered form carries."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "form has no CSRF token"
    return match.group(1)


# A test that asks for one of these (directly or through app, db, factory, client, runner ...)
# runs against the configured database: it is marked `database` and so runs in the PostgreSQL pass.
DATABASE_FIXTURES = frozenset({"database_url", "database_template", "empty_database_url", "demo_url"})


def pytest_addoption(parser):
    parser.addoption("--database-tests-only", action="store_true",
                     help="run only the tests marked `database` (scripts/test's PostgreSQL pass; "
                          "see docs/development.md, 'Which tests run on PostgreSQL')")


def uses_the_database(item) -> bool:
    """Whether the outcome of ITEM may depend on which database runs under it.

    Browser journeys are the exception: they drive the same routes the client tests exercise on
    both databases, and what they add (keyboard, layout, scripts, escaping in the page) does not
    depend on the database, so they run on SQLite only unless marked `database` themselves."""
    if item.get_closest_marker("database") or item.get_closest_marker("postgres_only"):
        return True
    if item.get_closest_marker("browser"):
        return False
    return bool(DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    # The SQLite pass skips postgres_only tests; scripts/test always makes a PostgreSQL pass too
    # and, under CI, fails when PostgreSQL is unreachable instead of skipping it.
    for item in items:
        if uses_the_database(item) and not item.get_closest_marker("database"):
            item.add_marker(pytest.mark.database)
        if "postgres_only" in item.keywords and not PG_URL:
            item.add_marker(pytest.mark.skip(reason="needs TEST_DATABASE_URL (PostgreSQL)"))
    if config.getoption("database_tests_only"):
        # The PostgreSQL pass: what does not touch a database already ran in the SQLite pass.
        kept = [item for item in items if item.get_closest_marker("database")]
        deselected = [item for item in items if not item.get_closest_marker("database")]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = kept


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Spread the tests over the xdist workers one by one, except tests/demo/: those run on one
    worker, since every worker that ran one of them would load the demo county again (~20 s on
    SQLite, ~60 s on PostgreSQL). `--dist loadgroup` would do this with a marker, but
    pytest-xdist 3.8 tags grouped tests through `Node._nodeid`, which pytest 9 no longer reads."""
    from xdist.scheduler import LoadScopeScheduling

    class DemoOnOneWorker(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/demo/" if nodeid.startswith("tests/demo/") else nodeid

    return DemoOnOneWorker(config, log)
