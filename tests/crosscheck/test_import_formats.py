"""Rolls arrive as government exports: any encoding, title rows, merged cells, odd dates and amounts."""
from __future__ import annotations

import datetime as dt
import decimal

import pytest
from sqlmodel import select

from hotline.crosscheck import importer
from models.rolls import RollHouseholdMember, RollImport, RollRecipient
from tests.crosscheck.conftest import make_id

HEADER = ["姓名", "身份证号", "项目", "金额（元）", "发放日期", "户编号", "乡镇", "村"]


def _rows(n: int = 3) -> list[list]:
    return [["张三", make_id("19800101", 1), "低保", "1,200元", "2026-03-01", "H1", "石桥镇", "红旗村"],
            ["李四", make_id("19810101", 3), "低保", "300", "2026/3/1", "H2", "石桥镇", "红旗村"],
            ["王五", make_id("19820101", 5), "低保", "1.2万", "2026年3月1日", "H3", "石桥镇", "红旗村"]][:n]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_it_detects_the_csv_encoding_without_asking(rolls, db, encoding):
    path = rolls.csv("r.csv", [HEADER, *_rows()], encoding=encoding)
    report = importer.process(path, kind="recipients", filename="r.csv", session=db)
    db.commit()
    assert report.rows_imported == 3
    names = sorted(r.name for r in db.exec(select(RollRecipient)).all())
    assert names == ["张三", "李四", "王五"]


def test_it_skips_title_rows_and_reads_amounts_and_dates_as_written(rolls, db):
    rows = [["石桥镇2026年3月低保发放名册"], ["单位：元"], HEADER, *_rows(),
            ["赵六", make_id("19830101", 7), "低保", 500, "2026.3.1", "H4", "石桥镇", "红旗村"]]
    report = importer.process(rolls.csv("r.csv", rows), kind="recipients", filename="r.csv", session=db)
    db.commit()
    assert report.header_row == 3 and report.rows_imported == 4
    got = {r.name: (r.amount, r.paid_on) for r in db.exec(select(RollRecipient)).all()}
    assert got["张三"] == (decimal.Decimal("1200.00"), dt.date(2026, 3, 1))
    assert got["王五"] == (decimal.Decimal("12000.00"), dt.date(2026, 3, 1))
    assert got["赵六"][1] == dt.date(2026, 3, 1)


def test_it_reads_xlsx_with_merged_cells_and_excel_dates(rolls, db):
    head = ["户编号", "姓名", "身份证号", "与户主关系", "乡镇", "村"]
    rows = [["户籍家庭成员登记表", None, None, None, None, None], head,
            ["H9", "张大山", make_id("19750101", 1), "户主", "石桥镇", "红旗村"],
            [None, "张小明", make_id("20080101", 3), "子", None, None]]
    path = rolls.xlsx("h.xlsx", rows, merges=("A1:F1", "A3:A4", "E3:E4", "F3:F4"))
    report = importer.process(path, kind="households", filename="h.xlsx", session=db)
    db.commit()
    assert report.header_row == 2 and report.rows_imported == 2
    members = db.exec(select(RollHouseholdMember).order_by(RollHouseholdMember.row_no)).all()
    assert [(m.household_no, m.village) for m in members] == [("H9", "红旗村"), ("H9", "红旗村")]


def test_it_reads_excel_serial_numbers_and_datetime_cells(rolls, db):
    rows = [HEADER, ["张三", make_id("19800101", 1), "低保", 100, 46082, "H1", "石桥镇", "红旗村"],
            ["李四", make_id("19810101", 3), "低保", 100, dt.datetime(2026, 3, 2), "H2", "石桥镇", "红旗村"]]
    importer.process(rolls.xlsx("r.xlsx", rows), kind="recipients", filename="r.xlsx", session=db)
    db.commit()
    got = {r.name: r.paid_on for r in db.exec(select(RollRecipient)).all()}
    assert got == {"张三": dt.date(2026, 3, 1), "李四": dt.date(2026, 3, 2)}


def test_it_accepts_common_header_synonyms(rolls, db):
    rows = [["学生姓名", "公民身份号码", "资助项目", "资助金额", "发放时间"],
            ["张三", make_id("20100101", 1), "雨露计划", "1500", "2026-03-01"]]
    report = rolls.load("recipients", rows)
    assert report.columns["姓名"] == "学生姓名" and report.columns["身份证号"] == "公民身份号码"
    assert db.exec(select(RollRecipient)).one().program == "education"


def test_it_fills_the_programme_from_the_command_when_the_roll_has_no_column(rolls, db):
    rows = [["姓名", "身份证号", "金额"], ["张三", make_id("20100101", 1), "1500"]]
    rolls.load("recipients", rows, grant_name="普通高中国家助学金")
    row = db.exec(select(RollRecipient)).one()
    assert (row.grant_name, row.program) == ("普通高中国家助学金", "education")


def test_it_records_the_import_with_its_counts(rolls, db):
    rolls.load("recipients", [HEADER, *_rows()])
    record = db.exec(select(RollImport)).one()
    assert (record.kind, record.rows_read, record.rows_imported, record.rows_rejected) == ("recipients", 3, 3, 0)
