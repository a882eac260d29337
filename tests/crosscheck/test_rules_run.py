"""A rules run as a whole: its scratch tables are gone afterwards, and only one run goes at a time."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from hotline.crosscheck import assembly, findings
from hotline.crosscheck.rules import SCRATCH_TABLES
from hotline.crosscheck.scratch import planner
from models.findings import Finding
from tests.crosscheck.test_rules import _county

TODAY = dt.date(2026, 6, 1)


def test_a_run_leaves_no_scratch_table_behind(rolls, db):
    _county(rolls)
    findings.run_rules(session=db, today=TODAY)
    inspector = sa.inspect(db.connection())
    tables = set(inspector.get_table_names())
    if db.get_bind().dialect.name == "sqlite":
        tables |= set(inspector.get_temp_table_names())
    db.commit()
    assert db.exec(select(func.count()).select_from(Finding)).one() > 0
    assert tables.isdisjoint(SCRATCH_TABLES + assembly.SCRATCH_TABLES)


@pytest.mark.postgres_only
def test_a_second_run_waits_for_the_first_to_commit(rolls, db):
    _county(rolls)
    findings.run_rules(session=db, today=TODAY)  # not committed yet: its scratch tables' names are taken
    with Session(db.get_bind()) as other:
        other.connection().exec_driver_sql("SET lock_timeout = '300ms'")
        with pytest.raises(sa.exc.OperationalError, match="lock timeout"):
            findings.run_rules(session=other, today=TODAY)
        other.rollback()
        db.commit()
        second = findings.run_rules(session=other, today=TODAY)
        stats = second.stats
        other.commit()
    assert stats["payroll_household"]["new"] == 0  # the first run's findings, seen again
    assert db.exec(select(func.count()).select_from(Finding).where(Finding.rule == "payroll_household")).one() == 2


@pytest.mark.postgres_only
def test_planner_settings_last_only_for_their_block(db):
    conn = db.connection()
    conn.exec_driver_sql("SET LOCAL parallel_tuple_cost = 0.2")
    with planner(conn, parallel_tuple_cost="0.001"):
        assert conn.exec_driver_sql("SHOW parallel_tuple_cost").scalar() == "0.001"
    assert conn.exec_driver_sql("SHOW parallel_tuple_cost").scalar() == "0.2"
