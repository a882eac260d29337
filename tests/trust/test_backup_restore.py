"""`backup OUT` and `restore IN`: a backup restored into an empty database holds every row."""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from hotline import create_app
from hotline.db import make_engine
from tests.conftest import PG_URL, pg_schema_url


def _rows(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {table.name: [tuple(r) for r in conn.execute(sa.select(table).order_by(*table.primary_key.columns))]
                    for table in SQLModel.metadata.sorted_tables}
    finally:
        engine.dispose()


def _without_backup_record(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The rows but the audit entry recording a backup, written after the copy was taken."""
    return {**rows, "auditentry": [r for r in rows["auditentry"] if "backup.create" not in r]}


@pytest.fixture
def filled(closed, db, factory):
    """A database with complaints, cases, identities, recordings and audit entries."""
    closed.case(days_ago=3)
    closed.case(days_ago=2000, recording=False)
    factory.complaint("柳河乡水井村会计截留危房改造补助款两万元。", phone="13900001111", name="张三")
    factory.user("custodian")
    return db


@pytest.fixture
def empty_target(tmp_path, settings_overrides):
    """The URL of an empty database of the same kind (a new PostgreSQL database, dropped after)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'restored' / 'hotline.sqlite3'}"
        return
    name = f"hotline_restore_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    base = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    schema = settings_overrides["DATABASE_URL"].rsplit("search_path%3D", 1)[-1]
    yield pg_schema_url(base, schema)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _runner_for(settings_overrides, url):
    app = create_app({**settings_overrides, "DATABASE_URL": url})
    return app, app.test_cli_runner()


def test_a_backup_restored_into_an_empty_database_has_every_row(filled, runner, tmp_path, app,
                                                                 settings_overrides, empty_target):
    out = tmp_path / "backup.dump"
    made = runner.invoke(args=["backup", str(out)])
    assert made.exit_code == 0, made.output
    assert "已备份到" in made.output and out.stat().st_size > 0
    other, other_runner = _runner_for(settings_overrides, empty_target)
    try:
        restored = other_runner.invoke(args=["restore", str(out)])
    finally:
        other.extensions["db_engine"].dispose()
    assert restored.exit_code == 0, restored.output
    source, copy = _rows(app.config["SETTINGS"].DATABASE_URL), _rows(empty_target)
    assert sum(len(rows) for rows in source.values()) > 20
    # The source has since recorded the backup itself (the checklist reads its age); nothing else differs.
    assert [r for r in source["auditentry"] if "backup.create" in r] and \
        not [r for r in copy["auditentry"] if "backup.create" in r]
    assert _without_backup_record(copy) == _without_backup_record(source)


def test_the_restored_copy_opens_identities_and_its_audit_chain_holds(filled, runner, tmp_path,
                                                                      settings_overrides, empty_target):
    out = tmp_path / "backup.dump"
    runner.invoke(args=["backup", str(out)])
    other, other_runner = _runner_for(settings_overrides, empty_target)
    try:
        assert other_runner.invoke(args=["restore", str(out)]).exit_code == 0
        verified = other_runner.invoke(args=["audit", "verify"])
        assert verified.exit_code == 0 and "审计日志链完整" in verified.output
        from sqlmodel import Session, select

        from hotline.intake.identity import open_identity
        from models.complainants import Complainant

        with other.app_context(), Session(other.extensions["db_engine"]) as session:
            phones = {open_identity(p).phone for p in session.exec(select(Complainant)).all()}
        assert "13900001111" in phones
    finally:
        other.extensions["db_engine"].dispose()


def test_restore_refuses_a_database_that_is_not_empty_in_chinese(filled, runner, tmp_path, app):
    out = tmp_path / "backup.dump"
    runner.invoke(args=["backup", str(out)])
    before = _rows(app.config["SETTINGS"].DATABASE_URL)
    refused = runner.invoke(args=["restore", str(out)])
    assert refused.exit_code != 0 and "目标数据库不是空的" in refused.output and "--force" in refused.output
    assert _rows(app.config["SETTINGS"].DATABASE_URL) == before


def test_restore_with_force_replaces_a_database_that_is_not_empty(filled, runner, tmp_path, app, factory):
    out = tmp_path / "backup.dump"
    runner.invoke(args=["backup", str(out)])
    before = _rows(app.config["SETTINGS"].DATABASE_URL)
    factory.complaint("备份之后登记的线索：石桥镇下湾村冒领粮补。")
    forced = runner.invoke(args=["restore", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert _without_backup_record(_rows(app.config["SETTINGS"].DATABASE_URL)) == _without_backup_record(before)


def test_backup_refuses_to_overwrite_an_existing_file(filled, runner, tmp_path):
    out = tmp_path / "backup.dump"
    out.write_bytes(b"an older backup")
    result = runner.invoke(args=["backup", str(out)])
    assert result.exit_code != 0 and "备份文件已存在" in result.output
    assert out.read_bytes() == b"an older backup"


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path, app, settings_overrides, empty_target):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("这不是备份文件", encoding="utf-8")
    other, other_runner = _runner_for(settings_overrides, empty_target)
    try:
        result = other_runner.invoke(args=["restore", str(bogus)])
    finally:
        other.extensions["db_engine"].dispose()
    assert result.exit_code != 0 and "不是本系统的备份文件" in result.output


def test_restore_refuses_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "nowhere.dump")])
    assert result.exit_code != 0 and "备份文件不存在" in result.output


def test_restore_refuses_a_backup_of_the_other_kind_of_database(runner, tmp_path, app):
    other_kind = tmp_path / "other.backup"
    if PG_URL:
        import sqlite3

        sqlite3.connect(other_kind).execute("create table t(x)").connection.commit()
        expected = "不能恢复到 postgresql"
    else:
        other_kind.write_bytes(b"PGDMP\x01\x0f\x00" + b"\x00" * 64)
        expected = "不能恢复到 sqlite"
    result = runner.invoke(args=["restore", str(other_kind), "--force"])
    assert result.exit_code != 0 and expected in result.output
