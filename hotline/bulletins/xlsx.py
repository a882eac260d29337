"""The bulletin's figures as a spreadsheet: one sheet per table, numbers stored as numbers."""
from __future__ import annotations

import datetime as dt
import decimal
import io
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from hotline import settings, spreadsheet_safety
from hotline.bulletins.tables import INT, MONEY, RATE, Figures

HEADER_FILL = PatternFill("solid", fgColor="F0F2F4")
FORMATS = {INT: "#,##0", RATE: "0.0%", MONEY: "#,##0.00"}


def _cell_value(value: object, kind: str) -> object:
    if value is None:
        return None  # nothing was due: an empty cell, never a fake 0%
    if kind == MONEY:
        return decimal.Decimal(value)
    return value


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31]
    candidate, n = clean, 2
    while candidate in used:
        candidate = f"{clean[:28]}({n})"
        n += 1
    used.add(candidate)
    return candidate


def _registry_sheet(book, figures: Figures, used: set[str]) -> None:
    """指标: every registry figure with its definition, unit and values (the same as figures.json)."""
    from hotline.bulletins import registry

    period = figures.period or {}
    sheet = book.create_sheet(_sheet_name("指标", used))
    spreadsheet_safety.append(sheet, ["代码", "指标", "单位", period.get("current", "本期"),
                                      period.get("cumulative", "本年累计"), "定义"])
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for figure in registry.FIGURES:
        current, cumulative = figures.values.get(figure.code, [None, None])
        kind = RATE if figure.unit == registry.RATE else MONEY if figure.unit == registry.YUAN else INT
        spreadsheet_safety.append(sheet, [figure.code, figure.name, figure.unit, _cell_value(current, kind),
                                          _cell_value(cumulative, kind), figure.definition])
        for cell in sheet[sheet.max_row][3:5]:
            cell.number_format = FORMATS[kind]
    for letter, width in zip("ABCDEF", (20, 18, 6, 14, 14, 80)):
        sheet.column_dimensions[letter].width = width


def _local(moment, zone: ZoneInfo) -> str:
    """A moment as the document speaks of time: local (Beijing) time, named, not a UTC ISO stamp."""
    if isinstance(moment, str):
        try:
            moment = dt.datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        moment = moment.astimezone(zone)
        return moment.strftime("%Y-%m-%d %H:%M:%S") + ("（北京时间）" if zone.key == "Asia/Shanghai" else f"（{zone.key}）")
    return str(moment)


def build(figures: Figures, *, commission: str, number: str, built_at: dt.datetime) -> bytes:
    """The .xlsx bytes: a cover sheet, then one sheet per table."""
    book = Workbook()
    cover = book.active
    cover.title = "说明"
    # The zone the figures were counted in; a period built before it was recorded: the configured zone.
    zone = ZoneInfo((figures.period or {}).get("zone") or settings.current().TIMEZONE)
    for row in (("发文机关", commission), ("文号", number), ("统计周期", figures.label),
                ("统计起", _local(figures.start, zone)), ("统计止（不含）", _local(figures.end, zone)),
                ("本年累计起", _local(figures.ytd_start, zone)), ("生成时间", _local(built_at, zone))):
        spreadsheet_safety.append(cover, row)
    for item in figures.not_covered:
        spreadsheet_safety.append(cover, ("暂未统计", item))
    cover.column_dimensions["A"].width, cover.column_dimensions["B"].width = 16, 60
    used = {cover.title}
    _registry_sheet(book, figures, used)
    for table in figures.tables:
        sheet = book.create_sheet(_sheet_name(table.sheet, used))
        spreadsheet_safety.append(sheet, table.columns)
        for cell in sheet[1]:
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
            cell.alignment = Alignment(horizontal="center")
        for row in table.rows:
            # Office names, townships, typical cases' words: never a formula.
            spreadsheet_safety.append(sheet, [_cell_value(v, k) for v, k in zip(row, table.kinds)])
        for index, kind in enumerate(table.kinds, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = 26 if index == 1 else 13
            if kind in FORMATS:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = FORMATS[kind]
        sheet.freeze_panes = "B2"
        if table.note:
            sheet.append([])
            spreadsheet_safety.append(sheet, ["注：" + table.note])
    book.properties.title = figures.label
    book.properties.creator = commission
    stamp = built_at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
