"""The dashboard computes only what it shows, with the same numbers as the bulletin, and keeps its chart."""
from __future__ import annotations

import datetime as dt

import pytest

from hotline.bulletins import dashboard, figures
from hotline.bulletins.weeks import IsoWeek
from models.cases import DeadlineKind, Finding
from models.taxonomy import Channel
from models.users import Role
from tests.bulletins.conftest import local

ZONE = "Asia/Shanghai"
NOW = local(2026, 11, 25, 15)  # Wednesday of 2026-W48
THIS, LAST = IsoWeek(2026, 48), IsoWeek(2026, 47)


@pytest.fixture
def busy(data, db):
    """Two weeks of work around NOW, a little history, and a clue after NOW in this week."""
    original = data.clue(local(2026, 11, 16), followups=2)
    first = data.case(original)
    data.clue(local(2026, 11, 17), merged_into=original)  # a repeat: a contact, not a clue
    second = data.case(data.clue(local(2026, 11, 18), channel=Channel.sms))
    data.deadline(first, DeadlineKind.assignment, local(2026, 11, 16), local(2026, 11, 17),
                  met=local(2026, 11, 16, 15))
    data.deadline(second, DeadlineKind.assignment, local(2026, 11, 18), local(2026, 11, 19),
                  met=local(2026, 11, 20))
    data.deadline(second, DeadlineKind.disposition, local(2026, 11, 18), local(2026, 11, 21))  # overdue
    data.close(first, local(2026, 11, 20), finding=Finding.true, measures=[("admonishing_talk", "王某")],
               money="1200.50")
    data.visit(first, local(2026, 11, 21), "satisfied")
    data.visit(second, local(2026, 11, 21), "unsatisfied")
    data.supervise(second, local(2026, 11, 19), local(2026, 12, 10), reports=[local(2026, 11, 24)])
    third = data.case(data.clue(local(2026, 11, 24), channel=Channel.web))
    data.close(third, local(2026, 11, 25, 10), finding=None)
    data.clue(local(2026, 11, 27))  # later this week than NOW
    data.case(data.clue(local(2026, 10, 1)))  # history for the trend
    db.commit()


def test_its_cards_and_trend_equal_the_bulletins_figures_for_the_same_weeks(db, busy):
    board = dashboard.compute(db, now=NOW, zone=ZONE)
    current = figures.compute(db, THIS, zone=ZONE, typical_limit=0, as_of=NOW)
    previous = figures.compute(db, LAST, zone=ZONE, typical_limit=0)
    for key, value in board.current.items():
        assert value == current.value(key), key
    for key, value in board.previous.items():
        assert value == previous.value(key), key
    assert board.trend == current.trend
    assert board.week == "2026-W48" and len(board.trend) == 12


def test_its_cards_count_this_week_up_to_now_and_last_week_whole(db, busy):
    board = dashboard.compute(db, now=NOW, zone=ZONE)
    assert board.current["contacts"] == 1  # the 27th's clue is after NOW
    assert board.current["cases_closed"] == 1
    assert board.current["supervised_open"] == 1 and board.current["overdue"] == 1
    assert board.previous["contacts"] == 5  # 2 clues, 1 repeat, 2 follow-up calls
    assert board.previous["clues"] == 2  # the repeat is not a second clue
    assert board.previous["response_rate"] == pytest.approx(1 / 2)
    assert board.previous["satisfaction_rate"] == pytest.approx(1 / 2)
    assert board.previous["resolution_rate"] == 1.0
    assert board.trend[-1]["contacts"] == 1  # this week up to now: nothing after the moment counts
    assert [p["week"] for p in board.trend][:2] == ["2026-W37", "2026-W38"]


def test_an_empty_database_gives_zero_cards_and_no_rates(db):
    board = dashboard.compute(db, now=NOW, zone=ZONE)
    assert board.current["contacts"] == 0 and board.previous["cases_closed"] == 0
    assert board.previous["response_rate"] is None  # nothing was due: "—", never 0%
    assert all(p["contacts"] == 0 for p in board.trend)


def test_the_trend_chart_is_drawn_once_per_series_and_named_by_it(factory, login, data, db):
    from models.base import utcnow

    dashboard.TREND_CHARTS.clear()
    data.clue(utcnow() - dt.timedelta(minutes=5))
    db.commit()
    client = login.as_(factory.user(Role.supervisor))
    page = client.get("/bulletins/dashboard").get_data(as_text=True)
    board = dashboard.compute(db, now=utcnow(), zone=ZONE)
    url = f"/bulletins/dashboard/trend.png?v={board.trend_key}"
    assert url in page
    first = client.get(url)
    assert first.status_code == 200 and first.data[:4] == b"\x89PNG"
    assert "max-age=86400" in first.headers["Cache-Control"]
    assert dashboard.TREND_CHARTS.get(f"None:{board.trend_key}") == first.data
    again = client.get(url, headers={"If-None-Match": f'"{board.trend_key}"'})
    assert again.status_code == 304

    data.clue(utcnow() - dt.timedelta(minutes=1))
    db.commit()
    changed = dashboard.compute(db, now=utcnow(), zone=ZONE).trend_key
    assert changed != board.trend_key
    assert f"trend.png?v={changed}" in client.get("/bulletins/dashboard").get_data(as_text=True)
    fresh = client.get("/bulletins/dashboard/trend.png?v=stale-or-forged")
    assert fresh.status_code == 200 and fresh.data != first.data
    assert fresh.headers["ETag"] == f'"{changed}"' and "no-cache" in fresh.headers["Cache-Control"]
