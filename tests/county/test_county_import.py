"""Importing the statistics bureau's code list: divisions from codes, refusals by row, idempotence."""
from __future__ import annotations

import openpyxl
from sqlmodel import func, select

from hotline.demo import code_list
from models.audit import AuditEntry
from models.divisions import DivisionChange, Township, Village
from tests.county.conftest import edited


def _count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def test_it_imports_a_gbk_list_of_13_townships_and_156_villages(runner, db, county_csv):
    assert county_csv.read_bytes().decode("gbk").startswith("统计用区划代码")
    result = runner.invoke(args=["county", "import", str(county_csv)])
    assert result.exit_code == 0, result.output
    assert "新增乡镇 13 个" in result.output and "新增村（社区）156 个" in result.output
    assert _count(db, Township) == 13 and _count(db, Village) == 156
    village = db.exec(select(Village).where(Village.code == "511234002002")).one()
    township = db.get(Township, village.township_id)
    assert (township.name, township.code, village.name, village.urban_rural_code) == \
        ("石桥镇", "511234002", "红旗村", "220")
    listing = runner.invoke(args=["county", "list"])
    assert "511234002  石桥镇  村（社区）12 个" in listing.output
    assert "共 13 个乡镇，156 个村（社区）" in listing.output


def test_importing_the_same_list_again_changes_nothing(runner, db, county_csv):
    runner.invoke(args=["county", "import", str(county_csv)])
    before = (_count(db, DivisionChange), _count(db, AuditEntry),
              [(t.id, t.name, t.code) for t in db.exec(select(Township).order_by(Township.id))],
              [(v.id, v.name, v.code, v.active) for v in db.exec(select(Village).order_by(Village.id))])
    result = runner.invoke(args=["county", "import", str(county_csv)])
    assert result.exit_code == 0, result.output
    assert "区划无变化" in result.output and "未变 169 个" in result.output
    db.expire_all()
    after = (_count(db, DivisionChange), _count(db, AuditEntry),
             [(t.id, t.name, t.code) for t in db.exec(select(Township).order_by(Township.id))],
             [(v.id, v.name, v.code, v.active) for v in db.exec(select(Village).order_by(Village.id))])
    assert after == before


def test_rows_of_another_county_are_refused_with_their_row_numbers(runner, db, tmp_path):
    def add_neighbours(table):
        table.insert(5, ["511235001000", "", "邻县某镇"])
        table.append(["511235001001", "220", "邻县某村"])
    path = edited(tmp_path, "mixed.csv", add_neighbours)
    result = runner.invoke(args=["county", "import", str(path)])
    assert result.exit_code == 1
    assert "第 6、173 行不属于本县（COUNTY_CODE=511234）" in result.output
    assert _count(db, Township) == 0 and _count(db, Village) == 0  # nothing applied
    skipped = runner.invoke(args=["county", "import", str(path), "--skip-other-counties"])
    assert skipped.exit_code == 0 and "跳过外县行 2 行" in skipped.output
    assert _count(db, Township) == 13


def test_bad_rows_are_each_named_and_nothing_is_applied(runner, db, tmp_path):
    def spoil(table):
        table[3][0] = "51123400100"  # 11 digits
        table[4][2] = ""  # no name
        table[5][1] = "999"  # no such 城乡分类代码
        table.append(["511234099001", "220", "无乡之村"])  # its township is not in the list
        table.append(list(table[6]))  # a repeated code
    result = runner.invoke(args=["county", "import", str(edited(tmp_path, "bad.csv", spoil))])
    assert result.exit_code == 1
    for line in ("第 4 行：代码“51123400100”不是12位数字", "第 5 行：缺少名称", "第 6 行：城乡分类代码“999”不正确",
                 "第 173 行：代码 511234001004 与第 7 行重复", "所属乡镇（511234099000）不在表中"):
        assert line in result.output
    assert _count(db, Township) == 0


def test_a_list_needs_the_county_code_setting(app, db, county_csv):
    app.config["SETTINGS"].COUNTY_CODE = ""
    result = app.test_cli_runner().invoke(args=["county", "import", str(county_csv)])
    assert result.exit_code == 1 and "请设置 COUNTY_CODE" in result.output


def test_an_xlsx_list_with_a_title_line_and_numeric_codes_is_read(runner, db, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2025年统计用区划代码和城乡划分代码（青溪县）"])
    sheet.append(["区划代码", "名称"])
    for code, _urban, name in code_list.rows()[1:]:
        sheet.append([int(code), name])  # Excel keeps long codes as numbers
    path = tmp_path / "list.xlsx"
    book.save(path)
    result = runner.invoke(args=["county", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert _count(db, Township) == 13 and _count(db, Village) == 156


def test_a_utf8_list_with_tabs_is_read(runner, db, tmp_path):
    path = tmp_path / "list.tsv"
    path.write_text("\n".join("\t".join(r) for r in code_list.rows()), encoding="utf-8-sig")
    result = runner.invoke(args=["county", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert _count(db, Village) == 156


def test_a_file_without_the_headers_is_refused_in_chinese(runner, db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("编号,地名\n1,某村\n", encoding="utf-8")
    result = runner.invoke(args=["county", "import", str(path)])
    assert result.exit_code == 1 and "找不到表头" in result.output


def test_a_workbook_claiming_a_huge_sheet_is_refused_before_it_is_inflated(runner, db, tmp_path):
    import zipfile

    good = tmp_path / "good.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["代码", "名称"])
    book.save(good)
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b'<dimension ref="A1:B1"/>', b'<dimension ref="A1:B9000000"/>')
            target.writestr(item, body)
    result = runner.invoke(args=["county", "import", str(hostile)])
    assert result.exit_code == 1 and "超过" in result.output and "行的上限" in result.output
