"""A published bulletin is an official record: frozen, numbered, reproducible; reversals go forward."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import pytest
from docx import Document
from sqlmodel import select

from hotline.bulletins import archive, figures, periods
from hotline.bulletins.tables import show
from hotline.bulletins.weeks import IsoWeek
from models.base import clock_override
from models.bulletins import Bulletin, BulletinFile, BulletinStatus
from models.cases import DeadlineKind, Finding
from models.taxonomy import Channel
from tests.bulletins.conftest import local

ZONE = "Asia/Shanghai"
W47, W48, W49 = IsoWeek(2026, 47), IsoWeek(2026, 48), IsoWeek(2026, 49)


def _files(db, bulletin) -> dict:
    rows = db.exec(select(BulletinFile).where(BulletinFile.bulletin_id == bulletin.id)).all()
    return {row.name: hashlib.sha256(row.content).hexdigest() for row in rows}


def _publish(app, db, settings, period, at):
    with app.test_request_context(), clock_override(lambda: at):
        bulletin = archive.build(session=db, period=period, settings=settings, trigger="cli", publish=True)
        db.commit()
    return bulletin


def _draft(app, db, settings, period):
    with app.test_request_context():
        bulletin = archive.build(session=db, period=period, settings=settings, trigger="cli")
        db.commit()
    return bulletin


def _json(db, bulletin) -> bytes:
    return archive.file_of(db, bulletin, "figures.json").content


@pytest.fixture
def recovered_in_w47(data, db):
    """A case found true in W47 with 38,300 yuan recovered and two people sanctioned, closed in W47."""
    case = data.case(data.clue(local(2026, 11, 16)))
    data.close(case, local(2026, 11, 19), finding=Finding.true, money="38300",
               measures=[("party_sanction", "王某"), ("government_sanction", "李某")])
    db.commit()
    return case


def test_reopening_after_publication_changes_neither_the_published_files_nor_a_rebuild(
        app, db, settings, data, recovered_in_w47):
    published = _publish(app, db, settings, W47, local(2026, 11, 23, 8))
    frozen = _files(db, published)
    assert published.status is BulletinStatus.published and published.issued_on == dt.date(2026, 11, 23)
    assert json.loads(_json(db, published))["figures"]["money_recovered"]["value"] == "38300.00"

    # W48: the complainant was not satisfied; the case is reopened and concluded again with less money.
    data.reopen(recovered_in_w47, local(2026, 11, 24))
    data.outcome(recovered_in_w47, local(2026, 11, 26), finding=Finding.partly_true, money="9800")
    db.commit()

    assert _files(db, db.get(Bulletin, published.id)) == frozen  # the published files never change
    rebuilt = _draft(app, db, settings, W47)
    assert _json(db, rebuilt) == _json(db, published)  # byte for byte

    w47, w48 = (figures.compute(db, w, zone=ZONE) for w in (W47, W48))
    assert w48.values["cases_reopened"] == [1, 1]
    assert w48.values["money_recovered"] == ["-28500.00", "9800.00"]  # the reversal, in its own week
    assert w48.values["substantiated"][0] == 0  # -1 for the reopening, +1 for the new finding
    # the weeks add up to the year to date
    assert float(w47.values["money_recovered"][1]) + float(w48.values["money_recovered"][0]) == \
        float(w48.values["money_recovered"][1])
    assert w47.values["cases_closed"][1] + w48.values["cases_closed"][0] >= w48.values["cases_closed"][1]


def test_a_period_is_published_once_and_numbered_from_the_years_sequence(app, db, settings, recovered_in_w47):
    first = _publish(app, db, settings, W47, local(2026, 11, 23, 8))
    second = _publish(app, db, settings, W48, local(2026, 11, 30, 8))
    assert (first.number, second.number) == ("青纪热线〔2026〕1号", "青纪热线〔2026〕2号")
    with pytest.raises(archive.PublishError, match="已经发布"):
        _publish(app, db, settings, W47, local(2026, 12, 1, 8))
    doc = Document(io.BytesIO(archive.file_of(db, second, "bulletin.docx").content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "青纪热线〔2026〕2号" in text and "2026年11月30日" in text


def test_a_correction_is_issued_in_the_next_bulletin_and_refers_to_its_original(app, db, settings, recovered_in_w47):
    original = _publish(app, db, settings, W47, local(2026, 11, 23, 8))
    frozen = _files(db, original)
    archive.add_correction(session=db, original=original, figure="money_recovered",
                           text="追缴退还资金原为38,300.00元，应为38,000.00元。")
    db.commit()
    nxt = _publish(app, db, settings, W48, local(2026, 11, 30, 8))
    correction = nxt.figures["corrections"][0]
    assert correction["original_number"] == "青纪热线〔2026〕1号" and correction["original_issued"] == "2026年11月23日"
    doc = Document(io.BytesIO(archive.file_of(db, nxt, "bulletin.docx").content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "更正" in text and "青纪热线〔2026〕1号（2026年11月23日印发）追缴退还资金：" in text
    assert _files(db, db.get(Bulletin, original.id)) == frozen  # the original itself is not touched
    later = _publish(app, db, settings, W49, local(2026, 12, 7, 8))
    assert later.figures["corrections"] == []  # issued once


def test_a_correction_is_refused_for_a_draft_and_needs_its_text(app, db, settings, recovered_in_w47):
    draft = _draft(app, db, settings, W47)
    with pytest.raises(archive.PublishError, match="已发布"):
        archive.add_correction(session=db, original=draft, figure="", text="x")
    published = _publish(app, db, settings, W47, local(2026, 11, 23, 8))
    with pytest.raises(archive.PublishError, match="更正内容"):
        archive.add_correction(session=db, original=published, figure="", text="  ")
    with pytest.raises(archive.PublishError, match="没有名为"):
        archive.add_correction(session=db, original=published, figure="nonsense", text="原为1，应为2")


def test_a_week_in_progress_is_an_interim_report_counting_only_passed_deadlines(app, db, settings, data):
    now = local(2026, 11, 30, 10)  # Monday of W49, 10:00
    for due in (local(2026, 11, 30, 9), local(2026, 11, 30, 18), local(2026, 11, 30, 20)):
        case = data.case(data.clue(local(2026, 11, 27)))
        data.deadline(case, DeadlineKind.assignment, local(2026, 11, 27), due)
    db.commit()
    result = figures.compute(db, W49, zone=ZONE, as_of=now)
    assert result.interim and result.period["cut_label"] == "截至2026年11月30日10时"
    assert result.value("overdue") == 1  # the two due this evening are not missed yet
    assert result.table("rates").row("响应率")[1:4] == [0, 1, 0.0]
    with pytest.raises(archive.PublishError, match="尚未结束"):
        _publish(app, db, settings, periods.Period.of(W49, ZONE).cut(now), now)
    with app.test_request_context(), clock_override(lambda: now):
        interim = archive.build(session=db, period=periods.Period.of(W49, ZONE).cut(now), settings=settings,
                                trigger="cli")
    assert interim.as_of == now and interim.status is BulletinStatus.built and interim.sequence is None
    doc = Document(io.BytesIO(archive.file_of(db, interim, "bulletin.docx").content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "阶段性统计，截至2026年11月30日10时" in text and "不是正式通报" in text


def test_a_week_with_nothing_due_shows_a_dash_for_its_rates(app, db, settings, data):
    data.clue(local(2026, 11, 17))
    db.commit()
    result = figures.compute(db, W47, zone=ZONE)
    for code in ("response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate"):
        assert result.value(code) is None and show(result.value(code), "rate") == "—"
    bulletin = _draft(app, db, settings, W47)
    html = archive.file_of(db, bulletin, "bulletin.html").content.decode()
    assert "响应率—" in html and "解决率—" in html
    rates = next(t for t in bulletin.figures["tables"] if t["key"] == "rates")
    assert [show(row[3], "rate") for row in rates["rows"]] == ["—"] * 4
    assert json.loads(_json(db, bulletin))["figures"]["response_rate"]["value"] is None


def test_figures_json_has_every_registry_figure_with_its_name_and_value(app, db, settings, recovered_in_w47):
    from hotline.bulletins import registry

    body = json.loads(_json(db, _draft(app, db, settings, W47)))
    assert body["period"]["key"] == "2026-W47" and body["period"]["interim"] is False
    assert list(body["figures"]) == [f.code for f in registry.FIGURES]
    assert body["figures"]["disciplined_people"] == {"name": "党纪政务处分", "unit": "人", "value": 2, "cumulative": 2}


def test_the_registry_is_listed_in_the_docs():
    from pathlib import Path

    from hotline.bulletins import registry

    text = (Path(__file__).resolve().parents[2] / "docs" / "bulletin.md").read_text(encoding="utf-8")
    for f in registry.FIGURES:
        assert f"| `{f.code}` | {f.name} |" in text, f.code


def test_a_period_with_reports_still_being_routed_is_not_published_until_they_are(app, db, settings, data):
    """An SMS report stored but not yet triaged and routed (its IntakeJob waits for the drain)
    would be counted without type, programme or office and change the figures once settled."""
    from models.complaints import IntakeJob

    pending = data.clue(local(2026, 11, 20), channel=Channel.sms)
    db.add(IntakeJob(complaint_id=pending.id, inputs={}))
    db.commit()
    with pytest.raises(archive.PublishError, match="1 件短信、电话反映尚在分析分办中"):
        _publish(app, db, settings, W47, local(2026, 11, 23, 8))
    db.rollback()
    assert db.exec(select(Bulletin).where(Bulletin.status == BulletinStatus.published)).first() is None
    later = data.clue(local(2026, 11, 24), channel=Channel.sms)  # next week's: does not hold W47 up
    db.delete(db.exec(select(IntakeJob)).one())
    db.add(IntakeJob(complaint_id=later.id, inputs={}))
    db.commit()
    assert _publish(app, db, settings, W47, local(2026, 11, 24, 9)).number == "青纪热线〔2026〕1号"
