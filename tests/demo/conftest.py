"""One demo county for the tests of this folder: loading it takes seconds, and they only read it.

The database is private to the package (a SQLite file, or a PostgreSQL schema of its own), so the
per-test fixtures of other modules never touch it. The demo is loaded at a fixed moment (a
Wednesday), so the stories and the weeks of the bulletins are the same on every run.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, func, select

from tests.conftest import TEST_SECRET, private_database

NOW = dt.datetime(2026, 11, 25, 6, 30, tzinfo=dt.timezone.utc)  # Wednesday 14:30 in 青溪县


@pytest.fixture(scope="package")
def demo_url(tmp_path_factory):
    with private_database(tmp_path_factory, "demo") as url:
        yield url


@pytest.fixture(scope="package")
def demo_app(demo_url, trained_models, tmp_path_factory):
    from hotline import create_app

    app = create_app({"HOTLINE_ENV": "test", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": demo_url,
                      "INSTANCE_DIR": tmp_path_factory.mktemp("demo-instance"), "MODELS_DIR": trained_models,
                      "SCHEDULER_IN_PROCESS": False, "DEMO": True})
    app.config["WTF_CSRF_ENABLED"] = False
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="package")
def demo(demo_app):
    """The summary of loading the demo county at NOW (and the last audit row it wrote)."""
    from hotline.db import get_session
    from hotline.demo.loader import load_demo

    from models.audit import AuditEntry

    with demo_app.app_context():
        summary = load_demo(get_session(), lookup_key=demo_app.config["LOOKUP_KEY"], now=NOW)
        # Logins in the page tests append to the trail later; the demo's own rows end here.
        summary["audit_last_id"] = get_session().exec(select(func.max(AuditEntry.id))).one()
        return summary


@pytest.fixture
def session(demo, demo_app):
    with Session(demo_app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


def count(session: Session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()
