"""The shape every bulletin output renders: figures made of titled tables with typed columns.

Figures are plain data (JSON round-trip), so the archive keeps exactly what was reported and
the Word document, the spreadsheet and the HTML view all read the same numbers.
"""
from __future__ import annotations

import decimal
from dataclasses import asdict, dataclass, field

# Column kinds: how a cell is stored and shown.
TEXT, INT, RATE, MONEY = "text", "int", "rate", "money"


@dataclass
class Table:
    """One table of the bulletin: `rows` hold ints, floats in [0, 1] (rates), money strings, text."""

    key: str  # short ASCII id (chart and anchor names)
    title: str  # Chinese caption
    sheet: str  # spreadsheet tab name (≤ 31 characters)
    columns: list[str]
    kinds: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""

    def column(self, name: str) -> list:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def row(self, first_cell: str) -> list | None:
        return next((row for row in self.rows if row[0] == first_cell), None)


@dataclass
class Figures:
    """Everything one bulletin reports, for one period and its year to date.

    `values`: {registry code: [period value, cumulative value]} -- the one source every table row,
    sentence, chart and figures.json takes a registered figure from.
    """

    week: str  # the period's key ("2026-W47", "2026-11", ...)
    label: str
    start: str  # ISO timestamps (UTC) of the period and the year to date
    end: str
    ytd_start: str
    key: dict
    tables: list[Table]
    typical_cases: list[dict]
    trend: list[dict]
    not_covered: list[str] = field(default_factory=list)
    period: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    corrections: list[dict] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def value(self, code: str, column: int = 0):
        return self.values[code][column]

    @property
    def interim(self) -> bool:
        return bool(self.period.get("interim"))

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Figures":
        values = dict(data)
        values["tables"] = [Table(**t) for t in data["tables"]]
        return cls(**values)


def rate(numerator: int, denominator: int) -> float | None:
    """A share in [0, 1], or None when nothing was due (shown as —, never as 0%)."""
    return None if not denominator else numerator / denominator


def money(value: decimal.Decimal | int | str | None) -> str:
    """Yuan as an exact string with two decimals (JSON keeps it exact)."""
    return str(decimal.Decimal(value or 0).quantize(decimal.Decimal("0.01")))


def show(value: object, kind: str) -> str:
    """How a cell reads in the document and the HTML view."""
    if value is None:
        return "—"
    if kind == RATE:
        return f"{value * 100:.1f}%"
    if kind == MONEY:
        amount = decimal.Decimal(value)
        return f"{amount:,.2f}"
    if kind == INT:
        return f"{value:,}" if isinstance(value, int) else str(value)
    return str(value)
