"""Alembic builds the schema from nothing, and the migrations match the models."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models  # noqa: F401
from hotline.db import make_engine
from hotline.migrate import upgrade


def test_upgrade_builds_every_table_and_matches_the_models(empty_database_url):
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            assert set(SQLModel.metadata.tables) <= tables
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, SQLModel.metadata)
        assert diff == [], f"models changed without a migration: {diff}"
    finally:
        engine.dispose()


def test_upgrade_twice_is_harmless(empty_database_url):
    upgrade(empty_database_url)
    upgrade(empty_database_url)


@pytest.mark.postgres_only
def test_findings_leave_room_on_their_pages_for_a_rerun(empty_database_url):
    """A re-run marks every finding seen (`last_run_id`): room on the page keeps that update HOT."""
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as conn:
            options = conn.execute(sa.text("SELECT reloptions FROM pg_class WHERE oid = 'crosscheck_finding'::regclass")
                                   ).scalar()
            indexed = {ix["name"] for ix in sa.inspect(conn).get_indexes("crosscheck_finding")}
    finally:
        engine.dispose()
    assert "fillfactor=50" in options
    assert "ix_crosscheck_finding_last_run_id" not in indexed and "ix_crosscheck_finding_rule" in indexed


def test_only_imports_not_withdrawn_hold_their_content(empty_database_url):
    """Migration 0003: the same rows may be imported again once their import was withdrawn."""
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    row = ("INSERT INTO roll_import (kind, filename, file_sha256, content_hash, rows_read, rows_imported, "
           "rows_id_problem, rows_rejected, header_row, imported_at, withdrawn_at) "
           "VALUES ('deaths', 'd.csv', 'f', 'c', 1, 1, 0, 0, 1, :now, :gone)")
    now = dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(row), {"now": now, "gone": now})
            conn.execute(sa.text(row), {"now": now, "gone": None})
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(sa.text(row), {"now": now, "gone": None})
    finally:
        engine.dispose()
