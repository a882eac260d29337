"""The demo county's register: every source, gap-free numbers, and the register's own steps."""
from __future__ import annotations

from sqlmodel import select

from models.cases import CaseEvent
from models.clues import Clue, ClueHandling, ClueNotice, ClueSource, NoticeKind


def test_every_source_is_in_the_register(session):
    sources = set(session.exec(select(Clue.source)).all())
    assert sources == set(ClueSource)


def test_numbers_run_from_one_without_a_gap_each_year(session):
    by_year: dict[int, list[int]] = {}
    for year, seq in session.exec(select(Clue.year, Clue.seq)).all():
        by_year.setdefault(year, []).append(seq)
    for seqs in by_year.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))


def test_the_register_steps_were_taken(session):
    transferred = session.exec(select(Clue).where(Clue.handling == ClueHandling.transferred)).all()
    assert [c.transferred_to for c in transferred] == ["人民法院"]
    kinds = {n.kind for n in session.exec(select(ClueNotice)).all()}
    assert {NoticeKind.acknowledgement, NoticeKind.transfer} <= kinds
    events = {e.kind for e in session.exec(select(CaseEvent)).all()}
    assert {"transferred", "clue_accepted", "clue_acknowledged", "clue_name_withdrawn"} <= events
    assert events & {"escalated", "cross_assigned"}


def test_the_register_played_without_a_refusal(demo):
    assert demo["未能执行的步骤"] == 0  # the register's steps are on the same timeline
