"""Reading a 统计用区划和城乡划分代码 list (CSV or XLSX, GBK or UTF-8) into checked rows.

A code is 12 digits: 6 for the county, 3 for the township, 3 for the village. A row's level is
taken from the code alone: ...000000 is the county itself, ...TTT000 a township, ...TTTVVV a village.
Every problem is collected with its row number, so one run tells the whole list of what to fix.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from hotline import controlchars

CODE_HEADERS = ("统计用区划代码", "统计用区划码", "区划代码", "行政区划代码", "代码", "code")
NAME_HEADERS = ("名称", "区划名称", "单位名称", "name")
URBAN_RURAL_HEADERS = ("城乡分类代码", "城乡分类", "城乡分类码")
# 城乡分类代码 (国家统计局《统计用城乡划分代码》): 1xx urban, 2xx rural.
URBAN_RURAL_CODES = {"111", "112", "121", "122", "123", "210", "220"}
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_NAME = 40
MAX_ERRORS_SHOWN = 30


class CodeListError(ValueError):
    """The list cannot be used; `problems` are the Chinese lines to show (each naming its row)."""

    def __init__(self, problems: list[str]):
        shown = problems[:MAX_ERRORS_SHOWN]
        more = len(problems) - len(shown)
        super().__init__("\n".join(shown + ([f"……另有 {more} 处问题"] if more > 0 else [])))
        self.problems = problems


@dataclass(frozen=True)
class Division:
    """One checked row: `code` is 9 digits for a township, 12 for a village."""

    row: int
    level: str  # "township" | "village"
    code: str
    name: str
    urban_rural_code: str | None = None

    @property
    def township_code(self) -> str:
        return self.code[:9]


@dataclass
class CodeList:
    townships: dict[str, Division]  # by 9-digit code
    villages: dict[str, Division]  # by 12-digit code
    skipped_other_counties: list[int]  # row numbers, when asked to skip them


def read(path: Path, *, county_code: str, skip_other_counties: bool = False) -> CodeList:
    """The divisions of COUNTY_CODE in the file; raises CodeListError naming every bad row."""
    data = Path(path).read_bytes()
    if len(data) > MAX_BYTES:
        raise CodeListError([f"文件过大（超过 {MAX_BYTES // 1024 // 1024} MB），一个县的区划代码表不会这么大"])
    if data[:2] == b"PK":
        _refuse_hostile_workbook(Path(path))
        rows = _xlsx_rows(data)
    else:
        rows = _csv_rows(data)
    return parse(rows, county_code=county_code, skip_other_counties=skip_other_counties)


def _refuse_hostile_workbook(path: Path) -> None:
    """The roll importer's guard (zip bombs, giant shared strings, sheets past the limits), with a
    code list's smaller limits, before openpyxl inflates anything."""
    from hotline.crosscheck.readers import Limits, ReadError, inspect_xlsx

    limits = Limits(max_rows=MAX_ROWS, max_columns=64, max_part_bytes=64 << 20, max_total_bytes=128 << 20,
                    max_shared_strings_bytes=32 << 20)
    try:
        inspect_xlsx(path, limits)
    except ReadError as exc:
        raise CodeListError([str(exc)]) from exc


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312), else whatever
    charset-normalizer finds; a file no decoder reads is refused rather than read as garbage."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise CodeListError(["无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV，或 Excel（.xlsx）文件"])
    return data.decode(best.encoding, errors="strict")


def _csv_rows(data: bytes) -> list[list[str]]:
    text = decode(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise CodeListError([f"无法读取 Excel 文件：{exc.__class__.__name__}"]) from exc
    rows = []
    for values in book.worksheets[0].iter_rows(values_only=True):
        rows.append([_cell(v) for v in values])
        if len(rows) > MAX_ROWS + 10:
            break
    book.close()
    return rows


def _cell(value) -> str:
    """Excel keeps a 12-digit code as a number: 511234001001.0 back to its digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The index of the header row and where each column is; the first 10 rows are looked at
    (a title line often stands above the header)."""
    for index, row in enumerate(rows[:10]):
        cells = [re.sub(r"\s+", "", c or "").lstrip("\ufeff").lower() for c in row]
        found = {}
        for key, names in (("code", CODE_HEADERS), ("name", NAME_HEADERS), ("urban_rural", URBAN_RURAL_HEADERS)):
            for name in names:
                if name.lower() in cells:
                    found[key] = cells.index(name.lower())
                    break
        if "code" in found and "name" in found:
            return index, found
    raise CodeListError(["找不到表头：须有“统计用区划代码”（或“区划代码”“代码”）和“名称”两列"])


def parse(rows: list[list[str]], *, county_code: str, skip_other_counties: bool = False) -> CodeList:
    """Checked divisions from raw rows (the header found among the first rows)."""
    header_index, columns = _header(rows)
    if len(rows) - header_index - 1 > MAX_ROWS:
        raise CodeListError([f"行数过多（超过 {MAX_ROWS} 行）：请只导入本县的区划代码"])
    problems: list[str] = []
    other: list[int] = []
    townships: dict[str, Division] = {}
    villages: dict[str, Division] = {}
    for index in range(header_index + 1, len(rows)):
        row, number = rows[index], index + 1
        cell = lambda key: (row[columns[key]] if key in columns and columns[key] < len(row) else "").strip()  # noqa: E731
        code, name = re.sub(r"\s+", "", cell("code")), controlchars.drop(cell("name")).strip()
        if not code and not name:
            continue
        if code.endswith(".0"):
            code = code[:-2]
        if not re.fullmatch(r"\d{12}", code):
            problems.append(f"第 {number} 行：代码“{code[:20]}”不是12位数字")
            continue
        if code[:6] != county_code:
            other.append(number)
            continue
        if code[6:] == "000000":
            continue  # the county's own row
        if not name:
            problems.append(f"第 {number} 行：缺少名称")
            continue
        if len(name) > MAX_NAME:
            problems.append(f"第 {number} 行：名称过长（最多{MAX_NAME}字）")
            continue
        urban_rural = cell("urban_rural") or None
        if urban_rural is not None and urban_rural not in URBAN_RURAL_CODES:
            problems.append(f"第 {number} 行：城乡分类代码“{urban_rural[:10]}”不正确（应为111、112、121、122、123、210或220）")
            continue
        if code[6:9] == "000":
            problems.append(f"第 {number} 行：代码 {code} 的乡镇位为000，却不是本县本身")
            continue
        level = "township" if code[9:] == "000" else "village"
        item = Division(number, level, code[:9] if level == "township" else code, name,
                        urban_rural if level == "village" else None)
        target = townships if level == "township" else villages
        if item.code in target:
            problems.append(f"第 {number} 行：代码 {code} 与第 {target[item.code].row} 行重复")
            continue
        target[item.code] = item
    if other and not skip_other_counties:
        problems.insert(0, f"第 {_rows_text(other)} 行不属于本县（COUNTY_CODE={county_code}）：请只导入本县的行，"
                           "或加 --skip-other-counties 跳过这些行")
    names: dict[str, Division] = {}
    for township in townships.values():
        if township.name in names:
            problems.append(f"第 {township.row} 行：乡镇名称“{township.name}”与第 {names[township.name].row} 行重复")
        names[township.name] = township
    for village in villages.values():
        if village.township_code not in townships:
            problems.append(f"第 {village.row} 行：村（社区）{village.code} 所属乡镇（{village.township_code}000）不在表中")
    if problems:
        raise CodeListError(problems)
    if not townships:
        raise CodeListError([f"表中没有本县（{county_code}）的乡镇"])
    return CodeList(townships, villages, other)


def _rows_text(numbers: list[int], limit: int = 20) -> str:
    shown = "、".join(str(n) for n in numbers[:limit])
    return shown + (f" 等共 {len(numbers)}" if len(numbers) > limit else "")
