"""Clue numbers: assigned at registration, per year, gap-free, never given twice."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from hotline.clues import numbers
from hotline.clues.registration import register_clue
from hotline.clues.sources import CleanSource
from hotline.settings import SettingsError, load_settings
from models.base import clock_override
from models.clues import Clue, ClueCounter, ClueSource
from models.complaints import Complaint

UTC = dt.timezone.utc


def _numbers(db) -> list[str]:
    return list(db.exec(select(Clue.number).order_by(Clue.id)).all())


def test_every_logged_complaint_gets_the_next_number_of_the_year(factory, db):
    first, second = factory.complaint(), factory.complaint("柳河乡水井村会计刘某扣了危房改造款。")
    year = dt.datetime.now(UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).year
    clues = {c.complaint_id: c for c in db.exec(select(Clue)).all()}
    assert clues[first.id].number == f"青纪线〔{year}〕0001号"
    assert clues[second.id].number == f"青纪线〔{year}〕0002号"
    assert db.get(ClueCounter, ("青溪县纪委监委", year)).last_seq == 2


def test_the_sequence_starts_again_in_a_new_local_year(factory, db):
    # 16:30 UTC on 31 December is already 1 January in Beijing.
    with clock_override(lambda: dt.datetime(2026, 12, 31, 15, 59, tzinfo=UTC)):
        factory.complaint()
    with clock_override(lambda: dt.datetime(2026, 12, 31, 16, 30, tzinfo=UTC)):
        factory.complaint()
    assert _numbers(db) == ["青纪线〔2026〕0001号", "青纪线〔2027〕0001号"]


def test_a_rolled_back_registration_leaves_no_gap(factory, db, app):
    factory.complaint()
    with app.app_context():
        complaint = Complaint(receipt_code="99999999999999", text="x", received_at=dt.datetime.now(UTC))
        db.add(complaint)
        db.flush()
        register_clue(session=db, complaint=complaint, source=CleanSource(ClueSource.call), named=False, actor=None)
        db.rollback()
    factory.complaint()
    assert [n[-5:] for n in _numbers(db)] == ["0001号", "0002号"]


def test_a_lost_counter_row_continues_after_the_last_number_given(factory, db):
    factory.complaint()
    factory.complaint()
    db.execute(sa.delete(ClueCounter))
    db.commit()
    factory.complaint()
    assert [n[-5:] for n in _numbers(db)] == ["0001号", "0002号", "0003号"]


def test_the_pattern_is_configurable(app, factory, db):
    app.config["SETTINGS"].CLUE_NUMBER_PATTERN = "石纪线[{year}]第{seq}号"
    factory.complaint()
    assert _numbers(db)[0].startswith("石纪线[") and _numbers(db)[0].endswith("]第1号")


@pytest.mark.parametrize("pattern", ["青纪线〔{year}〕号", "青纪线{seq}", "〔{year}〕{seq}{office}", "{seq:04q}{year}",
                                     "青纪线〔{year}〕{seq:04d}号" + "长" * 60])
def test_a_pattern_that_cannot_number_clues_is_refused_at_start(pattern):
    with pytest.raises(SettingsError) as exc:
        load_settings({"CLUE_NUMBER_PATTERN": pattern}, environ={})
    assert "CLUE_NUMBER_PATTERN" in str(exc.value)


def test_format_number_pads_the_sequence():
    assert numbers.format_number("青纪线〔{year}〕{seq:04d}号", year=2026, seq=123) == "青纪线〔2026〕0123号"


@pytest.mark.postgres_only
def test_parallel_registrations_get_1_to_n_without_gap_or_repeat(app, db):
    """Threads register at once on PostgreSQL; two of them roll back after drawing a number."""
    threads_n, failing = 12, {3, 7}
    ids = []
    for i in range(threads_n):
        complaint = Complaint(receipt_code=f"1000000000{i:04d}", text=f"线索{i}", received_at=dt.datetime.now(UTC))
        db.add(complaint)
        db.flush()
        ids.append(complaint.id)
    db.commit()
    barrier, errors = threading.Barrier(threads_n), []
    engine = app.extensions["db_engine"]

    def register(index: int) -> None:
        try:
            with app.app_context(), Session(engine) as session:
                complaint = session.get(Complaint, ids[index])
                barrier.wait()
                register_clue(session=session, complaint=complaint, source=CleanSource(ClueSource.call),
                              named=False, actor=None)
                if index in failing:
                    session.rollback()
                else:
                    session.commit()
        except Exception as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)

    workers = [threading.Thread(target=register, args=(i,)) for i in range(threads_n)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    db.expire_all()
    seqs = sorted(db.exec(select(Clue.seq)).all())
    assert seqs == list(range(1, threads_n - len(failing) + 1))
