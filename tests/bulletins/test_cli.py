"""`python -m hotline bulletin --week 2026-W47 --out DIR`."""
from __future__ import annotations

from sqlmodel import select

from models.bulletins import Bulletin
from tests.bulletins.conftest import local


def test_it_builds_archives_and_writes_the_files(runner, data, db, tmp_path):
    data.case(data.clue(local(2026, 11, 17)))
    db.commit()
    result = runner.invoke(args=["bulletin", "--week", "2026-W47", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "2026年第47周" in result.output and "草稿第1版" in result.output
    for name in ("bulletin.docx", "bulletin.xlsx", "bulletin.html", "figures.json", "charts/channels.png",
                 "charts/trend.png"):
        assert (tmp_path / "out" / name).stat().st_size > 0
    assert db.exec(select(Bulletin)).one().trigger == "cli"


def test_it_refuses_a_week_that_does_not_exist(runner, db):
    result = runner.invoke(args=["bulletin", "--week", "2027-W53"])
    assert result.exit_code == 2 and "2027年没有第53周" in result.output
    assert db.exec(select(Bulletin)).all() == []


def test_it_refuses_a_week_not_yet_begun(runner, db):
    result = runner.invoke(args=["bulletin", "--week", "2999-W01"])
    assert result.exit_code == 2 and "尚未开始" in result.output
