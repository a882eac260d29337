"""Helpers for the cross-check tests: valid ID numbers, roll files in every format, importing."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from classifiers.idnumber import check_character


def make_id(birth: str = "19800101", seq: int = 1, region: str = "510122") -> str:
    """A valid 18-digit ID for a birth date (YYYYMMDD) and a sequence number (odd = male)."""
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + check_character(first17)


def typo(number: str) -> str:
    """The same ID with the 10th digit changed (so the check character no longer fits)."""
    digit = str((int(number[9]) + 1) % 10)
    return number[:9] + digit + number[10:]


class Rolls:
    """Write roll files into a temp dir and import them through the real importer."""

    def __init__(self, tmp_path: Path, db):
        self.dir, self.db = tmp_path, db

    def csv(self, name: str, rows: list[list], encoding: str = "utf-8") -> Path:
        path = self.dir / name
        with open(path, "w", encoding=encoding, newline="") as handle:
            csv.writer(handle).writerows(rows)
        return path

    def xlsx(self, name: str, rows: list[list], merges: tuple[str, ...] = ()) -> Path:
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        for ref in merges:
            sheet.merge_cells(ref)
        path = self.dir / name
        book.save(path)
        return path

    def load(self, kind: str, rows: list[list], name: str | None = None, grant_name: str | None = None):
        from hotline.crosscheck import importer

        path = self.csv(name or f"{kind}.csv", rows)
        report = importer.process(path, kind=kind, filename=path.name, grant_name=grant_name, session=self.db)
        self.db.commit()
        return report


@pytest.fixture
def rolls(tmp_path, db) -> Rolls:
    return Rolls(tmp_path, db)
