"""Bad roll files get clear Chinese messages and leave nothing half-imported."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hotline.crosscheck import importer
from models.rolls import RollImport, RollPayroll, RollRecipient
from tests.crosscheck.conftest import make_id

HEADER = ["姓名", "身份证号", "项目", "金额", "发放日期"]


def _nothing_imported(db) -> bool:
    return not db.exec(select(RollImport)).all() and not db.exec(select(RollRecipient)).all()


def test_it_names_missing_and_found_columns_when_headers_are_wrong(rolls, db):
    path = rolls.csv("r.csv", [["姓名", "证件", "备注"], ["张三", make_id(), "x"]])
    with pytest.raises(importer.RollImportError) as exc:
        importer.process(path, kind="recipients", filename="r.csv", session=db)
    message = str(exc.value)
    assert "缺少必需的列：身份证号、项目、金额" in message and "找到的列：姓名、证件、备注" in message
    db.rollback()
    assert _nothing_imported(db)


def test_it_refuses_an_empty_file(rolls, db):
    path = rolls.dir / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(importer.RollImportError, match="文件是空的"):
        importer.process(path, kind="recipients", filename="empty.csv", session=db)


def test_it_refuses_a_file_with_a_header_and_no_rows(rolls, db):
    with pytest.raises(importer.RollImportError, match="没有数据行"):
        importer.process(rolls.csv("r.csv", [HEADER]), kind="recipients", filename="r.csv", session=db)
    db.rollback()
    assert _nothing_imported(db)


def test_it_says_which_kind_a_file_of_another_kind_looks_like(rolls, db):
    path = rolls.csv("p.csv", [["姓名", "身份证号", "工作单位"], ["张三", make_id(), "县一中"]])
    with pytest.raises(importer.RollImportError, match="看起来是“财政供养人员”"):
        importer.process(path, kind="recipients", filename="p.csv", session=db)


def test_it_refuses_a_corrupt_xlsx(rolls, db):
    path = rolls.dir / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(importer.RollImportError, match="文件已损坏"):
        importer.process(path, kind="recipients", filename="broken.xlsx", session=db)


def test_it_refuses_an_unsupported_file_type(rolls, db):
    path = rolls.dir / "roll.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(importer.RollImportError, match="不支持的文件类型"):
        importer.process(path, kind="recipients", filename="roll.pdf", session=db)


def test_it_normalises_lowercase_x_spaces_and_full_width_digits(rolls, db):
    good = make_id("19491231", 2)
    lower = good.replace("X", "x")
    spaced = f"{good[:6]} {good[6:14]} {good[14:]}"
    full = good.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
    rows = [HEADER] + [[n, raw, "低保", "100", "2026-03-01"] for n, raw in
                       (("甲", lower), ("乙", spaced), ("丙", full))]
    report = rolls.load("recipients", rows)
    assert report.rows_imported == 3 and report.rows_id_problem == 0
    assert {r.id_number for r in db.exec(select(RollRecipient)).all()} == {good}


def test_it_lists_invalid_ids_by_row_and_still_imports_the_valid_rows(rolls, db):
    good = make_id("19800101", 1)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [HEADER, ["张三", good, "低保", "100", "2026-03-01"], ["李四", bad_check, "低保", "100", "2026-03-01"],
            ["王五", "12345", "低保", "100", "2026-03-01"], ["", make_id("19810101", 3), "低保", "100", "2026-03-01"],
            ["赵六", make_id("19820101", 5), "低保", "很多", "2026-03-01"],
            ["钱七", make_id("19830101", 7), "低保", "100", "2026-13-45"]]
    report = rolls.load("recipients", rows)
    problems = {(p.row_no, p.column): p for p in report.problems}
    assert "校验码错误" in problems[(3, "身份证号")].reason and not problems[(3, "身份证号")].rejected
    assert "应为18位" in problems[(4, "身份证号")].reason
    assert problems[(5, "姓名")].reason == "姓名为空" and problems[(5, "姓名")].rejected
    assert "金额格式不正确" in problems[(6, "金额")].reason
    assert "日期" in problems[(7, "发放日期")].reason
    assert (report.rows_imported, report.rows_id_problem, report.rows_rejected) == (3, 2, 3)
    stored = {r.name: r.id_number for r in db.exec(select(RollRecipient)).all()}
    assert stored == {"张三": good, "李四": None, "王五": None}


def test_it_upgrades_a_15_digit_id(rolls, db):
    rows = [["姓名", "身份证号", "单位"], ["张三", "510122800101001", "县一中"]]
    rolls.load("payroll", rows)
    assert db.exec(select(RollPayroll)).one().id_number == make_id("19800101", 1)


def test_importing_the_same_file_again_changes_nothing(rolls, db):
    rows = [HEADER, ["张三", make_id(), "低保", "100", "2026-03-01"]]
    rolls.load("recipients", rows)
    with pytest.raises(importer.DuplicateImport, match="已经导入过"):
        rolls.load("recipients", rows)
    db.rollback()
    with pytest.raises(importer.DuplicateImport):  # the same rows in another format
        path = rolls.xlsx("again.xlsx", rows)
        importer.process(path, kind="recipients", filename="again.xlsx", session=db)
    db.rollback()
    assert len(db.exec(select(RollImport)).all()) == 1 and len(db.exec(select(RollRecipient)).all()) == 1


def test_an_error_midway_leaves_nothing_half_imported(rolls, db):
    path = rolls.dir / "mixed.csv"
    good = "\n".join(f"人{i},{make_id('19800101', i % 999 + 1)},低保,100,2026-03-01" for i in range(30000))
    path.write_bytes(("姓名,身份证号,项目,金额,发放日期\n" + good + "\n").encode("utf-8") + "张三,x,低保,1,2026-03-01\n".encode("gbk")[:2] + b"\xff\xfe\n")
    with pytest.raises(importer.RollImportError, match="编码"):
        importer.process(path, kind="recipients", filename="mixed.csv", session=db)
    db.rollback()
    assert _nothing_imported(db)


def test_the_cli_imports_a_roll_and_reports_problem_rows(rolls, runner, db):
    path = rolls.csv("r.csv", [HEADER, ["张三", make_id(), "低保", "100", "2026-03-01"],
                               ["李四", "110", "低保", "100", "2026-03-01"]])
    result = runner.invoke(args=["rolls", "import", str(path), "--kind", "recipients"])
    assert result.exit_code == 0, result.output
    assert "可导入2行" in result.output and "第3行 身份证号" in result.output
    again = runner.invoke(args=["rolls", "import", str(path), "--kind", "recipients"])
    assert again.exit_code == 0 and "已经导入过" in again.output
    assert len(db.exec(select(RollRecipient)).all()) == 2


def test_the_cli_fails_with_the_reason_for_a_bad_file(rolls, runner, db):
    path = rolls.csv("r.csv", [["随便", "什么"], ["1", "2"]])
    result = runner.invoke(args=["rolls", "import", str(path), "--kind", "deaths"])
    assert result.exit_code != 0 and "缺少必需的列：姓名、身份证号、死亡日期" in result.output
    assert not db.exec(select(RollImport)).all()
