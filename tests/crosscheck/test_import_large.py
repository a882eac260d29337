"""A large import drops the table's indexes and foreign keys and restores them, all in its transaction."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hotline.crosscheck import importer
from tests.crosscheck.conftest import make_id

HEADER = ["姓名", "身份证号", "项目", "金额", "发放日期"]
pytestmark = pytest.mark.postgres_only


def _constraints(db) -> set[tuple[str, str]]:
    rows = db.execute(sa.text("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                              "WHERE conrelid = 'roll_recipient'::regclass AND contype = 'f'")).all()
    return {(name, definition) for name, definition in rows}


def _indexes(db) -> set[str]:
    return set(db.execute(sa.text("SELECT indexname FROM pg_indexes WHERE tablename = 'roll_recipient'")).scalars())


def _rows(n: int) -> list[list]:
    return [HEADER] + [[f"人{i}", make_id("19800101", i % 999 + 1), "低保", "100", "2026-03-01"] for i in range(n)]


def test_a_large_import_keeps_the_foreign_key_and_indexes_under_their_names(rolls, db, monkeypatch):
    before_keys, before_indexes = _constraints(db), _indexes(db)
    assert any("REFERENCES roll_import(id)" in d for _n, d in before_keys)
    monkeypatch.setattr(importer, "DROP_INDEXES_ABOVE", 10)
    report = rolls.load("recipients", _rows(50))
    assert report.rows_imported == 50
    assert _constraints(db) == before_keys and _indexes(db) == before_indexes


def test_a_large_import_that_fails_leaves_the_foreign_key_and_nothing_imported(rolls, db, monkeypatch):
    before_keys = _constraints(db)
    monkeypatch.setattr(importer, "DROP_INDEXES_ABOVE", 10)
    rolls.load("recipients", _rows(40))
    db.commit()
    with pytest.raises(importer.DuplicateImport):  # detected only after every row was COPYed
        path = rolls.xlsx("again.xlsx", _rows(40))
        importer.process(path, kind="recipients", filename="again.xlsx", session=db)
    db.rollback()
    assert _constraints(db) == before_keys
    assert db.execute(sa.text("SELECT COUNT(*) FROM roll_recipient")).scalar() == 40
    with pytest.raises(sa.exc.IntegrityError):  # the restored key still refuses an unknown import
        db.execute(sa.text("INSERT INTO roll_recipient (import_id, row_no, name, name_key, name_py, grant_name, "
                           "program) VALUES (999999, 1, 'x', 'x', 'x', 'x', 'other')"))
    db.rollback()


def test_a_large_import_by_the_command_is_vacuumed_after_its_commit(rolls, runner, db, monkeypatch):
    """VACUUM marks the new rows visible to all (the rules then read the ID index alone); it
    cannot run inside the import's transaction, so the command runs it after the commit."""
    monkeypatch.setattr(importer, "ANALYZE_ABOVE", 10)
    vacuumed = "SELECT last_vacuum FROM pg_stat_user_tables WHERE relid = 'roll_recipient'::regclass"
    assert db.execute(sa.text(vacuumed)).scalar() is None
    db.rollback()
    result = runner.invoke(args=["rolls", "import", str(rolls.csv("r.csv", _rows(50))), "--kind", "recipients"])
    assert result.exit_code == 0, result.output
    assert db.execute(sa.text(vacuumed)).scalar() is not None


def test_a_failed_vacuum_after_the_commit_is_logged_and_the_import_stands(rolls, db, monkeypatch, caplog):
    monkeypatch.setattr(importer, "ANALYZE_ABOVE", 10)
    report = rolls.load("recipients", _rows(20))

    class Gone:
        __tablename__ = "roll_no_such_table"

    monkeypatch.setitem(importer.ROW_TABLES, "recipients", Gone)
    importer.settle(db.get_bind(), report)  # does not raise
    assert "VACUUM roll_no_such_table" in caplog.text
    assert db.execute(sa.text("SELECT COUNT(*) FROM roll_recipient")).scalar() == 20
