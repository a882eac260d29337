"""The register (台账): columns, filters, scope, search by clue number, export without identity."""
from __future__ import annotations

import csv

import openpyxl
import pytest

from hotline.auth.accounts import issue_token
from hotline.clues.register import COLUMNS
from hotline.clues.sources import SourceInput

from tests.clues.conftest import clue_of


@pytest.fixture
def clues(factory, county, staff):
    """A named call in 石桥镇, an anonymous letter in 柳河乡, an audit referral with a hostile destination."""
    named = factory.complaint("石桥镇红旗村村支书王某把低保名额给了自己侄子，涉及3500元。", user=staff.operator,
                              name="李秀兰", phone="13812345678", village_id=county["villages"]["红旗村"].id,
                              accused_name="王某", accused_title="村支书", accused_level="village_cadre",
                              program="dibao", amount="3500")
    letter = factory.complaint("=HYPERLINK(\"http://evil\")柳河乡水井村会计刘某截留危房改造款。", channel="letter",
                               anonymous=True, township_id=county["townships"]["柳河乡"].id, program="housing")
    audit = factory.complaint("县审计局移交：产业扶贫资金去向不明", clue=SourceInput(
        source="audit", referring_body="县审计局", doc_number="-县审移〔2026〕5号"))
    return {"named": named, "letter": letter, "audit": audit}


def test_the_register_shows_the_ledger_columns_without_identity(as_user, db, clues, staff):
    page = as_user(staff.supervisor).get("/clues/register").get_data(as_text=True)
    for column in COLUMNS:
        assert f"<th>{column}</th>" in page
    for complaint in clues.values():
        assert clue_of(db, complaint).number in page
    assert "王某（村支书，村干部）" in page and "实名" in page and "匿名" in page
    assert "李秀兰" not in page and "13812345678" not in page and "李*" not in page


@pytest.mark.parametrize("query, expected", [
    ("source=letter", {"letter"}), ("named=named", {"named"}), ("named=anonymous", {"letter", "audit"}),
    ("program=housing", {"letter"}), ("source=audit", {"audit"}), ("status=transferred", set()),
])
def test_the_register_filters(as_user, db, clues, staff, query, expected):
    page = as_user(staff.supervisor).get(f"/clues/register?{query}").get_data(as_text=True)
    shown = {name for name, complaint in clues.items() if clue_of(db, complaint).number in page}
    assert shown == expected


def test_a_bad_filter_answers_400_in_chinese(as_user, clues, staff):
    response = as_user(staff.supervisor).get("/clues/register?source=gossip")
    assert response.status_code == 400 and "来源" in response.get_data(as_text=True)
    assert as_user(staff.supervisor).get("/clues/register?from=2026-02-30").status_code == 400


def test_an_inspector_sees_only_his_offices_clues(as_user, db, clues, staff):
    page = as_user(staff.inspector).get("/clues/register").get_data(as_text=True)  # 石桥镇纪委
    assert clue_of(db, clues["named"]).number in page
    assert clue_of(db, clues["letter"]).number not in page


def test_the_clue_number_finds_the_complaint_in_search_and_the_api(as_user, client, db, clues, staff):
    number = clue_of(db, clues["named"]).number
    found = as_user(staff.operator).get("/complaints", query_string={"q": number}).get_data(as_text=True)
    assert clues["named"].receipt_code in found and clues["letter"].receipt_code not in found
    year, seq = number[4:8], int(number[9:13])
    short = as_user(staff.operator).get("/complaints", query_string={"q": f"{year}-{seq}"}).get_data(as_text=True)
    assert clues["named"].receipt_code in short
    token = issue_token(db, user=staff.operator, label="t")
    db.commit()
    body = client.get(f"/api/v1/complaints/{number}", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["receipt_code"] == clues["named"].receipt_code and body["clue_number"] == number


def test_the_number_shows_on_the_complaint_page_and_the_queue(as_user, db, clues, staff):
    number = clue_of(db, clues["named"]).number
    client = as_user(staff.supervisor)
    assert number in client.get(f"/complaints/{clues['named'].id}").get_data(as_text=True)
    assert number in client.get("/cases/").get_data(as_text=True)


def test_named_reports_come_before_anonymous_ones_in_the_queue(as_user, db, factory, county, staff):
    town = county["townships"]["石桥镇"].id
    anonymous = factory.complaint("石桥镇村干部优亲厚友。", anonymous=True, township_id=town)
    named = factory.complaint("石桥镇村干部优亲厚友，我实名反映。", name="赵六", phone="13712345678", township_id=town)
    page = as_user(staff.supervisor).get("/cases/").get_data(as_text=True)
    assert page.index(clue_of(db, named).number) < page.index(clue_of(db, anonymous).number)


def _export(runner, tmp_path, name, *args):
    out = tmp_path / name
    result = runner.invoke(args=["clues", "export", str(out), *args])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_the_xlsx_export_has_the_columns_and_neutralises_formulas(runner, db, tmp_path, clues):
    out, output = _export(runner, tmp_path, "台账.xlsx")
    assert "3 条" in output
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)  # nothing runs as a formula
    doc = next(row for row in rows if row[2] == "审计移交")
    assert doc[3] == "-县审移〔2026〕5号"  # kept as typed, stored as text
    named = next(row for row in rows if row[4] == "实名")
    assert named[9] == 3500 and named[5] == "王某（村支书，村干部）"
    flat = " ".join(str(v) for row in rows for v in row)
    assert "李秀兰" not in flat and "13812345678" not in flat


def test_the_csv_export_neutralises_formulas_and_honours_the_period(runner, db, tmp_path, clues):
    out, _ = _export(runner, tmp_path, "台账.csv", "--from", "2000-01-01", "--to", "2000-12-31")
    assert list(csv.reader(out.open(encoding="utf-8-sig"))) == [list(COLUMNS)]
    out, _ = _export(runner, tmp_path, "all.csv")
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 4
    assert any(cell.startswith("'-县审移") for row in rows for cell in row)
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_export_refuses_a_bad_file_name_or_date(runner, tmp_path, clues):
    bad = runner.invoke(args=["clues", "export", str(tmp_path / "x.pdf")])
    assert bad.exit_code != 0 and ".xlsx 或 .csv" in bad.output
    date = runner.invoke(args=["clues", "export", str(tmp_path / "x.csv"), "--from", "2026/01/01"])
    assert date.exit_code != 0 and "日期格式不正确" in date.output


def test_the_export_can_be_limited_to_a_users_scope(runner, tmp_path, db, clues, staff):
    out = tmp_path / "mine.csv"
    result = runner.invoke(args=["clues", "export", str(out), "--as", staff.inspector.username])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8-sig")
    assert clue_of(db, clues["named"]).number in text and clue_of(db, clues["letter"]).number not in text
