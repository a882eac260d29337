"""One definition per figure: the trend equals the tables every week; the seed's sentence."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from hotline.bulletins import campaigns, figures, periods, seed, typical
from hotline.bulletins.weeks import IsoWeek
from models.cases import Finding
from models.outcomes import Clearance, ToleranceApplication, ToleranceCondition, ToleranceDecision
from models.taxonomy import ProblemType
from tests.bulletins.conftest import local

ZONE = "Asia/Shanghai"


@pytest.fixture
def a_generated_year(data, db):
    """A year of clues, repeats merged later, cases closed, reopened and closed again, at random times."""
    rng = random.Random(18)
    start = local(2026, 1, 1)
    cases = []
    for n in range(160):
        at = start + dt.timedelta(hours=rng.randrange(0, 360 * 24))
        complaint = data.clue(at, followups=rng.randrange(0, 2))
        case = data.case(complaint)
        cases.append((case, complaint, at))
    for case, complaint, at in cases:
        roll = rng.random()
        if roll < 0.1:  # a repeat, merged some days later
            target = rng.choice(cases)[0]
            if target.id != case.id:
                when = at + dt.timedelta(days=rng.randrange(0, 20))
                data.event(case, "merged_into", when, into_case_id=target.id)
                case.merged_into_case_id = target.id
        elif roll < 0.7:
            closed = at + dt.timedelta(days=rng.randrange(1, 40))
            data.close(case, closed, finding=rng.choice([Finding.true, Finding.partly_true, Finding.unfounded, None]),
                       money=str(rng.randrange(0, 5000)) if rng.random() < 0.5 else None)
            if rng.random() < 0.3:  # reopened weeks later, closed again
                data.reopen(case, closed + dt.timedelta(days=rng.randrange(1, 30)))
                again = closed + dt.timedelta(days=rng.randrange(31, 60))
                data.close(case, again, finding=rng.choice([Finding.true, None]))
    db.commit()


def test_the_trend_series_equals_the_table_figures_for_every_week_of_a_generated_year(db, a_generated_year):
    weekly = {}
    for n in range(1, 54):
        week = IsoWeek(2026, n)
        weekly[str(week)] = figures.compute(db, week, zone=ZONE, typical_limit=0)
    checked = 0
    for result in weekly.values():
        for point in result.trend:
            table = weekly.get(point["week"])
            if table is None:  # weeks of 2025 before the generated year
                continue
            for code in figures.TREND_CODES:
                assert point[code] == table.value(code), (result.week, point["week"], code)
            checked += 1
        cases = result.table("cases")
        assert cases.row("新受理案件")[1] == result.value("cases_opened")
        assert cases.row("已办结")[1] == result.value("cases_closed")
        assert result.table("trend").rows[-1][1:] == [result.value(c) for c in figures.TREND_CODES]
    assert checked > 500
    # net figures add up: the weeks' clues and money equal the year to date
    last = weekly["2026-W53"]
    assert sum(r.value("clues") for r in weekly.values()) == last.value("clues", 1)
    assert sum(r.value("cases_opened") for r in weekly.values()) == last.value("cases_opened", 1)
    assert sum(float(r.value("money_recovered")) for r in weekly.values()) == pytest.approx(
        float(last.value("money_recovered", 1)), abs=0.001)


@pytest.fixture
def campaign(data, db, factory):
    """Since 1 November 2025: clues of every kind, findings, sanctions, a supervised case, a typical case."""
    campaigns.record(db, title="专项整治以来", start="2025-11-01")
    kinds = [ProblemType.lowered_standard, ProblemType.false_claim, ProblemType.favoritism, ProblemType.embezzlement]
    cases = []
    for n, kind in enumerate(kinds * 3):
        at = local(2025, 11, 3) + dt.timedelta(days=9 * n)
        case = data.case(data.clue(at, problem_type=kind, accused=f"张{n}某", title="村委会主任"))
        cases.append(case)
    # 6 found true or partly true (4 of them false-poverty types), 2 unfounded with the name cleared
    for case, finding in zip(cases[:6], [Finding.true, Finding.partly_true, Finding.true, Finding.true,
                                         Finding.true, Finding.partly_true]):
        data.close(case, local(2026, 6, 1), finding=finding, money="1000",
                   measures=[("party_sanction", "甲某", "warning"), ("criticism", "乙某")])
    for case in cases[6:8]:
        data.outcome(case, local(2026, 6, 2), finding=Finding.unfounded)
        db.add(Clearance(case_id=case.id, person_name="张某", cleared_on=dt.date(2026, 6, 5), method="会议澄清",
                         scope="村民代表会议", done_by="镇纪委", at=local(2026, 6, 5)))
    condition = ToleranceCondition(key="c1", wording="先行先试", created_at=local(2025, 1, 1))
    db.add(condition)
    db.flush()
    db.add(ToleranceApplication(case_id=cases[5].id, person_name="甲某", applicant="本人", condition_id=condition.id,
                                facts="按决策部署推进", applied_at=local(2026, 6, 3), decision=ToleranceDecision.reduced,
                                decided_at=local(2026, 6, 10)))
    data.supervise(cases[8], local(2026, 3, 1), local(2026, 4, 1))
    data.clue(local(2025, 10, 20))  # before the campaign
    db.commit()
    supervisor = factory.user("supervisor")
    proposed = typical.propose(db)
    typical.approve(db, proposed[0], summary=proposed[0].draft, actor=supervisor)
    typical.mark_published(db, [typical.as_item(proposed[0])], None, local(2026, 6, 8))
    db.commit()


def test_the_seeds_sentence_is_stated_for_a_campaign_period(db, campaign):
    period = campaigns.period_of(db, "专项整治以来", ZONE, last=dt.date(2026, 12, 6))
    assert period.key == "2025-11-01~2026-12-06" and period.title == "专项整治以来"
    result = figures.compute(db, period, zone=ZONE)
    text = seed.sentence(result.values, period)
    # cases 0-5 found true: types lowered_standard, false_claim, favoritism, embezzlement, lowered, false_claim
    assert text.startswith("专项整治以来，共摸排问题线索12个，查处6个，纠出假扶贫问题线索5条，给予党纪政务处分6人，"
                           "通报典型案例1起，挂牌督办问题1件。")
    assert "第一种形态6人、第二种形态6人" in text and "未注明" not in text  # 乙某: criticism; 甲某: 党内警告
    assert "澄清正名2人，容错免责、减责1人" in text and "追缴、退还资金6,000.00元" in text
    assert result.period["label"] == "专项整治以来（2025年11月1日至2026年12月6日）"


def test_the_cli_builds_a_campaign_period_and_a_month(runner, db, campaign, tmp_path):
    result = runner.invoke(args=["bulletin", "--from", "2025-11-01", "--to", "2026-12-06", "--title", "专项整治以来",
                                 "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    body = (tmp_path / "c" / "figures.json").read_text(encoding="utf-8")
    assert '"title": "专项整治以来"' in body and '"key": "2025-11-01~2026-12-06"' in body
    month = runner.invoke(args=["bulletin", "--month", "2026-06", "--out", str(tmp_path / "m")])
    assert month.exit_code == 0, month.output
    bad = runner.invoke(args=["bulletin", "--month", "2026-13"])
    assert bad.exit_code == 2 and "月份格式不正确" in bad.output
    clash = runner.invoke(args=["bulletin", "--month", "2026-06", "--week", "2026-W23"])
    assert clash.exit_code == 2 and "只能选择一种统计期间" in clash.output


def test_periods_have_their_bounds_in_local_time():
    month = periods.month("2026-11", ZONE)
    assert month.start == local(2026, 11, 1, 0) and month.end == local(2026, 12, 1, 0)
    quarter = periods.quarter("2026-Q4", ZONE)
    assert quarter.start == local(2026, 10, 1, 0) and quarter.end == local(2027, 1, 1, 0)
    assert quarter.ytd_start == local(2026, 1, 1, 0)
    span = periods.span(dt.date(2025, 11, 1), dt.date(2026, 12, 6), ZONE, "专项整治以来")
    assert span.end == local(2026, 12, 7, 0) and span.ytd_start == local(2026, 1, 1, 0)
    with pytest.raises(periods.PeriodError, match="早于"):
        periods.span(dt.date(2026, 2, 1), dt.date(2026, 1, 1), ZONE)
