"""A roll's amounts are read by the one money parser (hotline.money), as intake reads them."""
from __future__ import annotations

from sqlmodel import select

from models.rolls import RollRecipient
from tests.crosscheck.conftest import make_id

HEADER = ["姓名", "身份证号", "项目", "金额", "发放日期"]


def test_it_reads_typed_and_spoken_amounts_alike(rolls, db):
    typed = {"甲": "1,000元", "乙": "2.5万", "丙": "三千五", "丁": "+12", "戊": "１２００"}
    rows = [HEADER] + [[name, make_id("19800101", 2 * i + 1), "低保", raw, "2026-03-01"]
                       for i, (name, raw) in enumerate(typed.items())]
    report = rolls.load("recipients", rows)
    assert report.rows_imported == 5 and not report.problems
    stored = {r.name: str(r.amount) for r in db.exec(select(RollRecipient)).all()}
    assert stored == {"甲": "1000.00", "乙": "25000.00", "丙": "3500.00", "丁": "12.00", "戊": "1200.00"}


def test_it_refuses_an_approximate_amount_with_a_chinese_reason(rolls, db):
    rows = [HEADER, ["甲", make_id("19800101", 1), "低保", "三百多", "2026-03-01"],
            ["乙", make_id("19800101", 3), "低保", "三百", "2026-03-01"]]
    report = rolls.load("recipients", rows)
    (problem,) = report.problems
    assert problem.column == "金额" and problem.rejected and "不是确切金额" in problem.reason
    assert [r.name for r in db.exec(select(RollRecipient)).all()] == ["乙"]
