"""Arrow's CSV reader and the row-by-row reader give the same import, problem for problem."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pyarrow as pa
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.idnumber import check_character
from hotline.crosscheck import columns, importer, values
from hotline.crosscheck.readers import RowSource
from tests.crosscheck.conftest import make_id, typo

HEADER = ["姓名", "身份证号", "项目", "金额", "发放日期", "户编号", "户主身份证号", "乡镇", "村"]
HEAD = make_id("19600101", 11)


def _with_x() -> str:
    """A valid ID whose check character is X."""
    return next(n for n in (make_id("20100101", seq) for seq in range(1, 999, 2)) if n.endswith("X"))


def _messy() -> list[list]:
    """Every kind of cell the validators treat differently, with blank and whitespace-only rows."""
    town = ["石桥镇", "红旗村"]
    return [
        ["2026年石桥镇教育资助发放名册", "", "", "", "", "", "", "", ""],  # row 1
        HEADER,  # 2
        ["张三", make_id("20100101", 1), "助学金", "1,200元", "2026-03-01", "H1", HEAD, *town],  # 3
        ["", "", "", "", "", "", "", "", ""],  # 4: blank
        ["  ", " ", "", "", "", "", "", "", ""],  # 5: blank
        ["李四", _with_x()[:17] + "x", "助学金", "1.2万", "2026/3/1", "H1", HEAD, *town],  # 6
        ["王\x07五", "５１０１２２" + make_id("20100101", 5)[6:], "助学金", "300", "2026-03-01", "H2", "", *town],  # 7
        ["赵六", typo(make_id("20100101", 7)), "助学金", "300", "2026年3月1日", "H2", typo(HEAD), *town],  # 8
        ["", make_id("20100101", 9), "助学金", "300", "2026-03-01", "H3", "", *town],  # 9: no name
        ["钱七", "510122800101001", "助学金", "300", "46082", "H3", "", *town],  # 10: 15 digits, Excel serial
        ["孙八", "", "", "200", "2026-03-01", "H4", "", *town],  # 11: no ID, no programme
        ["周\n九", f" '{make_id('20100101', 13)} ", "助学金", "￥300.00", "20260301", "", "", *town],  # 12
        ["郑十一", make_id("20100101", 15), "助学金", "300", "2026-02-30", "H5", HEAD, *town],  # 13: no such day
        ["吴十", make_id("20100101", 17), "助学金", "三百", "2026.3.1", "H5", HEAD, *town],  # 14: amount in words (read by hotline.money)
    ]


def _import(rolls, db, path, monkeypatch, arrow: bool):
    if not arrow:
        monkeypatch.setattr(RowSource, "arrow_batches", lambda self, *a: None)
    report = importer.process(path, kind="recipients", filename=path.name, session=db)
    columns = ", ".join(importer.BASE_FIELDS[1:] + importer.EXTRA_FIELDS["recipients"])
    rows = db.execute(sa.text(f"SELECT {columns} FROM roll_recipient ORDER BY row_no")).all()
    db.rollback()
    monkeypatch.undo()
    return report, [tuple(str(v) if v is not None else None for v in row) for row in rows]


def test_the_arrow_reader_and_the_row_reader_import_the_same(rolls, db, monkeypatch):
    spy = []
    real = RowSource.arrow_batches
    monkeypatch.setattr(RowSource, "arrow_batches", lambda self, *a: spy.append(real(self, *a)) or spy[-1])
    path = rolls.csv("messy.csv", _messy())
    fast, fast_rows = _import(rolls, db, path, monkeypatch, arrow=True)
    assert spy and spy[0] is not None  # the Arrow path really ran
    slow, slow_rows = _import(rolls, db, path, monkeypatch, arrow=False)
    assert fast_rows == slow_rows
    assert [dataclasses.astuple(p) for p in fast.problems] == [dataclasses.astuple(p) for p in slow.problems]
    assert (fast.rows_read, fast.rows_imported, fast.rows_id_problem, fast.rows_rejected) == \
        (slow.rows_read, slow.rows_imported, slow.rows_id_problem, slow.rows_rejected)
    assert fast.sample == slow.sample and fast.content_hash == slow.content_hash
    # Row 14's 三百 is read as 300 by the one money parser (hotline.money), as intake reads it.
    assert (fast.rows_read, fast.rows_imported, fast.rows_id_problem, fast.rows_rejected) == (10, 7, 1, 3)
    by_row = {int(row[0]): row for row in fast_rows}
    assert sorted(by_row) == [3, 6, 7, 8, 10, 12, 14]
    assert float(by_row[14][10]) == 300  # 三百 read as 300 yuan
    assert by_row[6][4] == _with_x()  # lowercase x
    assert by_row[7][1] == "王五" and by_row[7][4] == make_id("20100101", 5)  # control character, full width
    assert by_row[8][4] is None and by_row[8][5] == typo(make_id("20100101", 7)) and by_row[8][13] is None
    assert by_row[10][4] == "510122198001010017" and by_row[10][11] == "2026-03-01"  # upgraded; serial 46082
    assert by_row[12][1] == "周\n九" and by_row[12][2] == "周九"  # a quoted newline stays inside its cell
    assert [(p.row_no, p.column, p.rejected) for p in fast.problems] == [
        (8, "身份证号", False), (8, "户主身份证号", False), (9, "姓名", True), (11, "身份证号", False),
        (11, "项目", True), (13, "发放日期", True)]
    assert fast.problems[4].reason == "项目为空" and fast.problems[5].reason.startswith("日期不存在")


def test_a_csv_with_a_short_row_is_read_row_by_row_with_its_row_numbers(rolls, db):
    rows = [["姓名", "身份证号", "项目", "金额"],
            ["张三", make_id("19800101", 1), "低保", "100"],
            ["李四", "123"],
            ["王五", make_id("19800101", 5), "低保", "100"]]
    report = importer.process(rolls.csv("short.csv", rows), kind="recipients", filename="short.csv", session=db)
    assert [(p.row_no, p.column, p.rejected) for p in report.problems] == [(3, "身份证号", False), (3, "项目", True)]
    assert report.rows_imported == 2


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_the_arrow_reader_decodes_what_the_detector_found(rolls, db, encoding):
    rows = [HEADER, ["張三", make_id("20100101", 1), "助学金", "100", "2026-03-01", "H1", "", "石桥镇", "红旗村"]]
    report = importer.process(rolls.csv("enc.csv", rows, encoding=encoding), kind="recipients",
                              filename="enc.csv", session=db)
    assert report.encoding == encoding and report.rows_imported == 1
    assert db.execute(sa.text("SELECT name, name_key FROM roll_recipient")).one() == ("張三", "张三")


def _near_ids():
    """18-character strings around valid IDs: valid ones, one character off, lowercase x, junk."""
    from hypothesis import strategies as st

    valid = st.builds(lambda birth, seq: make_id(birth.strftime("%Y%m%d"), seq),
                      st.dates(dt.date(1901, 1, 1), dt.date(2025, 12, 31)), st.integers(1, 999))
    changed = st.builds(lambda number, i, c: number[:i] + c + number[i + 1:], valid, st.integers(0, 17),
                        st.sampled_from("0123456789Xx９ "))
    # Any 17 digits with their right check character: bad provinces, months, days and years.
    checked = st.builds(lambda digits: digits + check_character(digits),
                        st.text(alphabet="0123456789", min_size=17, max_size=17))
    return st.one_of(valid, changed, checked, st.builds(lambda n: n[:17] + "x", valid),
                     st.text(alphabet="0123456789Xx '－ ", max_size=20), st.just(""))


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(st.deferred(_near_ids), min_size=1, max_size=40))
def test_the_column_check_of_ids_agrees_with_the_one_by_one_check(cells):
    checked = columns.check_ids(pa.array(cells, type=pa.string()))
    expected = [values.check_id(cell) for cell in cells]
    assert checked.numbers.to_pylist() == [e[0] for e in expected]
    assert checked.cleaned.to_pylist() == [e[1] or None for e in expected]
    assert checked.errors.to_pylist() == [e[2] for e in expected]
    assert checked.born.to_pylist() == [e[3].isoformat() if e[3] else None for e in expected]
