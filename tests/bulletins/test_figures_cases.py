"""Case figures: throughput, overdue, the three rates, offices, supervision, measures, money, typical cases."""
from __future__ import annotations

import pytest

from hotline.bulletins import figures
from hotline.bulletins.weeks import IsoWeek
from models.cases import DeadlineKind, Disposition, Finding
from models.findings import Finding as CrosscheckFinding, FindingStatus
from models.taxonomy import ProblemType, Program
from tests.bulletins.conftest import local

ZONE = "Asia/Shanghai"
W47 = IsoWeek(2026, 47)  # 16-22 November 2026
A, B = "石桥镇纪委", "柳河乡纪委"


@pytest.fixture
def week47(data, db):
    """Six cases whose history the expected numbers below are read from (see each comment)."""
    d = data
    # case 1 (A): assigned on time, closed true with two measures and 3,500 yuan, visited: satisfied.
    c1 = d.case(d.clue(local(2026, 11, 16), village="红旗村", problem_type=ProblemType.favoritism,
                       program=Program.dibao, accused="王某", title="村支书王某"), A)
    d.deadline(c1, DeadlineKind.assignment, local(2026, 11, 16), local(2026, 11, 17), met=local(2026, 11, 16, 15))
    d.event(c1, "assigned", local(2026, 11, 16, 15))
    d.close(c1, local(2026, 11, 20), finding=Finding.true, money="3500",
            measures=[("admonishing_talk", "王某"), ("party_sanction", "李某")])
    d.visit(c1, local(2026, 11, 21), "satisfied")
    # case 2 (A): assigned late.
    c2 = d.case(d.clue(local(2026, 11, 17)), A)
    d.deadline(c2, DeadlineKind.assignment, local(2026, 11, 17), local(2026, 11, 18), met=local(2026, 11, 18, 11))
    d.event(c2, "assigned", local(2026, 11, 18, 11))
    # case 3: B sends it back (its deadline cancelled in time), reassigned to A, whose deadline passes.
    c3 = d.case(d.clue(local(2026, 11, 18), township="柳河乡"), B)
    d.deadline(c3, DeadlineKind.assignment, local(2026, 11, 18), local(2026, 11, 19), cancelled=local(2026, 11, 18, 14))
    d.event(c3, "sent_back", local(2026, 11, 18, 14), office=B)
    d.event(c3, "reassigned", local(2026, 11, 19), office=A)
    d.deadline(c3, DeadlineKind.assignment, local(2026, 11, 19), local(2026, 11, 20), office=A)
    # case 4 (B, opened last week): verification overdue; supervised, late, two reports before the week ends.
    c4 = d.case(d.clue(local(2026, 11, 10), township="柳河乡"), B)
    c4.assigned_at, c4.disposed_at, c4.disposition = local(2026, 11, 10, 15), local(2026, 11, 11), Disposition.preliminary_verification
    d.event(c4, "assigned", local(2026, 11, 10, 15))
    d.event(c4, "disposition_approved", local(2026, 11, 11), disposition="preliminary_verification")
    d.deadline(c4, DeadlineKind.verification, local(2026, 11, 11), local(2026, 11, 19))
    d.supervise(c4, local(2026, 11, 12), local(2026, 11, 20),
                reports=[local(2026, 11, 14), local(2026, 11, 19), local(2026, 11, 24)])
    # case 5 (A, opened earlier): closed without a finding (予以了结); visited: unsatisfied.
    c5 = d.case(d.clue(local(2026, 11, 3)), A)
    d.close(c5, local(2026, 11, 19), finding=None)
    d.visit(c5, local(2026, 11, 19, 16), "unsatisfied")
    d.visit(c5, local(2026, 11, 22, 23), "basically_satisfied")
    # case 6: closed last week, partly true, 1,000 yuan: year to date only.
    c6 = d.case(d.clue(local(2026, 11, 2)), B)
    d.close(c6, local(2026, 11, 12), finding=Finding.partly_true, money="1000", measures=[("criticism", "赵某")])
    db.commit()
    return figures.compute(db, W47, zone=ZONE)


def test_it_counts_new_assigned_closed_and_overdue_cases(week47):
    table = week47.table("cases")
    assert table.row("新受理案件")[1:] == [3, 6]
    assert table.row("已分办")[1:] == [2, 3]  # case 4 was assigned last week
    assert table.row("已办结")[1:] == [2, 3]
    assert table.row("逾期未办（期末时点）")[1] == 2  # case 3 (assignment) and case 4 (verification)


def test_it_computes_the_three_rates_and_the_on_time_rate_from_their_definitions(week47):
    rates = week47.table("rates")
    assert rates.row("响应率")[1:4] == [1, 3, pytest.approx(1 / 3)]  # c1 on time; c2 late; c3 at A missed
    assert rates.row("解决率")[1:4] == [1, 2, pytest.approx(1 / 2)]  # c1 has a finding, c5 none
    assert rates.row("满意率")[1:4] == [2, 3, pytest.approx(2 / 3)]
    assert rates.row("按期办理率")[1:4] == [1, 4, pytest.approx(1 / 4)]
    assert rates.row("解决率")[4:6] == [2, 3]  # the year adds case 6 (partly true)


def test_it_gives_each_office_its_send_back_and_on_time_rates(week47):
    offices = week47.table("offices")
    a, b = offices.row(A), offices.row(B)
    # received, sent back, send-back rate, due, met, on-time rate
    assert a[1:7] == [3, 0, 0.0, 3, 1, pytest.approx(1 / 3)]
    assert b[1:7] == [1, 1, 1.0, 1, 0, 0.0]
    assert (a[9], b[9]) == (1, 1)


def test_it_lists_supervised_cases_with_their_progress_at_the_weeks_end(week47):
    table = week47.table("supervised")
    assert len(table.rows) == 1
    row = table.rows[0]
    assert row[1] == B and row[4] == "初步核实" and row[5] == 2 and row[6] == "是"
    assert row[0].startswith("测试线〔2026〕")  # named by its clue number, as the board names it, not 第N号
    assert week47.value("supervised_open") == 1


def test_it_counts_people_by_measure_and_money_recovered(week47):
    measures = week47.table("measures")
    assert measures.row("诫勉谈话")[1:] == [1, 1]
    assert measures.row("党纪处分")[1:] == [1, 1]
    assert measures.row("批评教育")[1:] == [0, 1]
    assert measures.row("合计")[1:] == [2, 3]
    assert week47.table("recovered").rows[0][1:] == ["3500.00", "4500.00", 1, 2]


def test_it_prints_no_typical_case_a_person_has_not_approved(week47):
    assert week47.typical_cases == []


def test_it_reports_no_rates_for_a_week_with_nothing_due(week47, db):
    empty = figures.compute(db, IsoWeek(2026, 10), zone=ZONE)
    assert all(row[3] is None for row in empty.table("rates").rows)
    assert empty.table("cases").row("新受理案件")[1] == 0
    assert empty.typical_cases == []


def test_it_counts_cross_check_findings_by_rule(data, db):
    for n, (rule, created, status, decided) in enumerate([
            ("payroll", local(2026, 11, 17), FindingStatus.confirmed, local(2026, 11, 20)),
            ("payroll", local(2026, 11, 18), FindingStatus.open, None),
            ("deceased", local(2026, 11, 2), FindingStatus.confirmed, local(2026, 11, 18)),
            ("deceased", local(2026, 11, 30), FindingStatus.open, None)]):
        db.add(CrosscheckFinding(fingerprint=f"f{n}", rule=rule, name="张三", reason="疑点", status=status,
                                 created_at=created, decided_at=decided))
    db.commit()
    table = figures.compute(db, W47, zone=ZONE).table("findings")
    payroll = next(r for r in table.rows if "payroll" in r[0] or "财政供养" in r[0])
    deceased = next(r for r in table.rows if "deceased" in r[0] or "死亡" in r[0])
    assert payroll[1:] == [2, 2, 1, 1]
    assert deceased[1:] == [0, 1, 1, 1]
    assert table.row("合计")[1:] == [2, 3, 2, 2]
