"""Findings written out: CSV (UTF-8 with BOM, opens in Excel) or XLSX, one row per finding with
its evidence in words; no cell can run as a formula (`hotline.spreadsheet_safety`)."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from hotline import spreadsheet_safety
from hotline.crosscheck.findings import FindingError
from hotline.crosscheck.rules import RULES
from models.findings import Finding


EXPORT_COLUMNS = ("rule", "rule_name", "status", "id_number", "name", "programme", "township", "village",
                  "score", "match", "reason", "evidence")


def evidence_text(finding: Finding) -> str:
    parts = []
    for item in finding.evidence or []:
        shown = "，".join(f"{k}={v}" for k, v in item["fields"].items() if v)
        parts.append(f"{item['kind_label']}[批{item['import_id']}第{item['row_no']}行]{shown}")
    return "；".join(parts)


def export_rows(session: Session, *, rule: str | None = None, statuses: list[str] | None = None,
                where: sa.ColumnElement | None = None):
    stmt = select(Finding).order_by(Finding.rule, Finding.township, Finding.id)
    if where is not None:  # the user's scope (hotline.scope.finding_filter)
        stmt = stmt.where(where)
    if rule:
        stmt = stmt.where(Finding.rule == rule)
    if statuses:
        stmt = stmt.where(Finding.status.in_(statuses))
    for finding in session.exec(stmt.execution_options(yield_per=2000)):
        yield (finding.rule, RULES[finding.rule].name if finding.rule in RULES else finding.rule,
               finding.status.value, finding.id_number or "", finding.name, finding.programme or "",
               finding.township or "", finding.village or "", round(finding.score, 2), finding.match,
               finding.reason, evidence_text(finding))


def export(session: Session, path: Path, *, rule: str | None = None, statuses: list[str] | None = None,
           where: sa.ColumnElement | None = None) -> int:
    """Write findings to CSV (UTF-8 with BOM, opens in Excel) or XLSX, chosen by the extension; no
    cell can run as a formula (spreadsheet_safety); `where` limits the rows to a user's scope."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise FindingError("导出文件须为 .csv 或 .xlsx")
    count = 0
    if suffix == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = spreadsheet_safety.csv_writer(handle)
            writer.writerow(EXPORT_COLUMNS)
            for row in export_rows(session, rule=rule, statuses=statuses, where=where):
                writer.writerow(row)
                count += 1
        return count
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("比对疑点")
    sheet.append(list(EXPORT_COLUMNS))
    for row in export_rows(session, rule=rule, statuses=statuses, where=where):
        spreadsheet_safety.append(sheet, row)
        count += 1
    book.save(path)
    return count
