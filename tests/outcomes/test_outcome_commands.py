"""`outcomes conditions` prints the conditions in force; `outcomes forms` the four-forms table."""
from __future__ import annotations

import datetime as dt

from tests.outcomes.conftest import DAY


def test_conditions_lists_the_default_list_with_the_seed_four_whole(runner):
    result = runner.invoke(args=["outcomes", "conditions"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("1. 党内法规、国家法律法规无明令禁止，工作中出现失误或造成影响和损失，但经过科学民主决策程序、"
                               "阳光运行，没有谋取不当利益的")
    assert "一优三化" in lines[3] and lines[-1].startswith("9. 其他（须写明依据）")
    again = runner.invoke(args=["outcomes", "conditions"])
    assert again.output == result.output  # loaded once, not twice


def test_forms_prints_people_and_measures_per_form(runner, measure):
    measure("criticism", None, "王某")
    measure("party_sanction", "warning", "王某")
    measure("government_sanction", "demerit", "王某")
    measure("prosecution", None, "李某")
    measure("criticism", None, "赵某", at=DAY + dt.timedelta(days=40))  # outside the period
    result = runner.invoke(args=["outcomes", "forms", "--from", "2026-11-01", "--to", "2026-11-30"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "第一种形态\t0\t1" in [line.replace(" ", "") for line in lines]
    assert "第二种形态\t1\t2" in [line.replace(" ", "") for line in lines]
    assert "第四种形态\t1\t1" in [line.replace(" ", "") for line in lines]
    assert "党纪政务处分 1人（2人次）" in result.output


def test_forms_refuses_a_bad_date_in_chinese(runner):
    result = runner.invoke(args=["outcomes", "forms", "--from", "2026-13-01", "--to", "2026-12-31"])
    assert result.exit_code != 0 and "格式应为年-月-日" in result.output
    result = runner.invoke(args=["outcomes", "forms", "--from", "2026-12-01", "--to", "2026-11-01"])
    assert result.exit_code != 0 and "不能早于" in result.output
