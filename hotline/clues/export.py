"""The register as a file: XLSX (one sheet 问题线索台账) or CSV (UTF-8 with BOM, for Excel).

Every cell goes through hotline.spreadsheet_safety, so a complaint's words or a typed destination
beginning with "=" open as text, never as a formula. Dates are dates, the amount a number.
"""
from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlmodel import Session

from hotline import settings, spreadsheet_safety
from hotline.clues import register


class ExportError(ValueError):
    """The file cannot be written as asked; the message is in Chinese."""


def _csv_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return f"{value:.2f}"
    return "" if value is None else value


def write(session: Session, f: register.RegisterFilter, out: Path) -> int:
    """Write the register to `out` (.xlsx or .csv by its suffix); the number of clues written."""
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ExportError("导出文件须以 .xlsx 或 .csv 结尾")
    zone = ZoneInfo(settings.current().TIMEZONE)
    rows = (row.cells(zone) for row in register.every_row(session, f))
    return _write_xlsx(rows, out) if suffix == ".xlsx" else _write_csv(rows, out)


def _write_xlsx(rows, out: Path) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("问题线索台账")
    spreadsheet_safety.append(sheet, register.COLUMNS)
    count = 0
    for cells in rows:
        spreadsheet_safety.append(sheet, [float(v) if isinstance(v, decimal.Decimal) else v for v in cells])
        count += 1
    book.save(out)
    return count


def _write_csv(rows, out: Path) -> int:
    count = 0
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = spreadsheet_safety.csv_writer(handle)
        writer.writerow(register.COLUMNS)
        for cells in rows:
            writer.writerow([_csv_value(v) for v in cells])
            count += 1
    return count
