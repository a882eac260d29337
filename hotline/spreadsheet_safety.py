"""Spreadsheet cells that can never run as formulas: every CSV and XLSX the product writes uses this.

A cell written from data (an office name, a user name, a complaint's words, a roll's cell) that
begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel and LibreOffice as a
formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). Following the OWASP CSV injection guidance:
- CSV: such a text cell gets a leading `'`, so the program shows it as text (the `'` is visible in
  the raw file; that is the price of a file that opens safely anywhere);
- XLSX: the text is stored as a string cell (data type "s"), exactly as it was, never as a formula.
Numbers stay numbers (a negative amount is a number, not text beginning with "-").
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_dangerous(value: object) -> bool:
    """A text value a spreadsheet program would treat as a formula."""
    return isinstance(value, str) and value.startswith(TRIGGERS)


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell: a dangerous text gets a leading apostrophe."""
    return "'" + value if is_dangerous(value) else value


def csv_row(row: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in row]


class SafeWriter:
    """csv.writer whose every cell passes through csv_cell."""

    def __init__(self, handle, **kwargs):
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(csv_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle, **kwargs) -> SafeWriter:
    """Use instead of csv.writer for any file a person opens in a spreadsheet program."""
    return SafeWriter(handle, **kwargs)


def xlsx_cell(sheet, value: Any) -> Any:
    """The value for sheet.append (normal or write-only sheets): a dangerous text becomes a string
    cell, whatever openpyxl would have guessed from its leading "="."""
    if not is_dangerous(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def xlsx_row(sheet, row: Iterable[Any]) -> list[Any]:
    return [xlsx_cell(sheet, value) for value in row]


def append(sheet, row: Iterable[Any]) -> None:
    """sheet.append with every cell made safe."""
    sheet.append(xlsx_row(sheet, row))
