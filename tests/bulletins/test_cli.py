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


def test_it_records_a_campaign_and_builds_it_by_name(runner, data, db, tmp_path):
    data.case(data.clue(local(2026, 3, 17)))
    db.commit()
    result = runner.invoke(args=["bulletin", "campaign", "专项整治以来", "--start", "2025-11-01"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["bulletin", "campaign", "专项整治以来", "--start", "2025-11-01"])
    assert again.exit_code == 2 and "已登记" in again.output
    built = runner.invoke(args=["bulletin", "--campaign", "专项整治以来", "--to", "2026-06-30",
                                "--out", str(tmp_path / "c")])
    assert built.exit_code == 0, built.output
    body = (tmp_path / "c" / "figures.json").read_text(encoding="utf-8")
    assert '"key": "2025-11-01~2026-06-30"' in body and '"title": "专项整治以来"' in body
    unknown = runner.invoke(args=["bulletin", "--campaign", "没有这个"])
    assert unknown.exit_code == 2 and "没有登记" in unknown.output


def test_a_correction_is_recorded_only_against_a_published_bulletin(runner, data, db):
    data.case(data.clue(local(2026, 11, 17)))
    db.commit()
    assert runner.invoke(args=["bulletin", "--week", "2026-W47"]).exit_code == 0
    draft = db.exec(select(Bulletin)).one()
    refused = runner.invoke(args=["bulletin", "correct", str(draft.id), "--text", "原为1件，应为2件"])
    assert refused.exit_code == 1 and "只能对已发布的通报登记更正" in refused.output
    assert runner.invoke(args=["bulletin", "--week", "2026-W47", "--publish"]).exit_code == 0
    published = db.exec(select(Bulletin).where(Bulletin.version == 2)).one()
    done = runner.invoke(args=["bulletin", "correct", str(published.id), "--figure", "clues", "--text", "原为1件，应为2件"])
    assert done.exit_code == 0 and published.number in done.output
