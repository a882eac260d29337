"""Reading roll files row by row: .xlsx, .xls and .csv (UTF-8 with or without BOM, GBK, GB18030).

Rows come out as (spreadsheet row number, list of cell values) with blank rows skipped and merged
cells filled from their top-left cell, so a household number merged over five member rows reads
as five rows with that number. Memory stays bounded: CSV and .xlsx are streamed (.xls files are
at most 65,536 rows by format).
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

SUFFIXES = (".xlsx", ".xls", ".csv")
# Python's codec names as Arrow's CSV reader takes them (Arrow skips a UTF-8 byte order mark itself).
_ARROW_ENCODINGS = {"utf-8": "utf8", "utf-8-sig": "utf8"}

# Every column read as text (Arrow would otherwise read "007" as the number 7); a roll with
# more columns than this is not a roll.
_ALL_TEXT = {f"f{i}": pa.string() for i in range(2048)}
_SAMPLE = 1 << 20


class ReadError(ValueError):
    """The file cannot be read; the message says why, in Chinese."""


class RowSource:
    """An iterable of (row_no, cells) with `fraction()` telling how far through the file it is."""

    def __init__(self, path: Path, suffix: str):
        self.path, self.suffix = Path(path), suffix.lower()
        if self.suffix not in SUFFIXES:
            raise ReadError(f"不支持的文件类型“{suffix}”，请上传 .xlsx、.xls 或 .csv 文件")
        self.size = self.path.stat().st_size
        if self.size == 0:
            raise ReadError("文件是空的（0字节）")
        self._fraction = 0.0
        self.encoding: str | None = None
        self._dialect = None

    def fraction(self) -> float:
        return self._fraction

    def __iter__(self) -> Iterator[tuple[int, list]]:
        if self.suffix == ".csv":  # every cell is text: one join tells a blank row
            for start, block in self._csv_blocks():
                yield from [(start + i, cells) for i, cells in enumerate(block, 1) if "".join(cells).strip()]
        else:
            reader = self._xlsx if self.suffix == ".xlsx" else self._xls
            for row_no, cells in reader():
                if any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells):
                    yield row_no, cells
        self._fraction = 1.0

    # --- CSV -------------------------------------------------------------------------------
    def _csv_blocks(self, size: int = 4096) -> Iterator[tuple[int, list[list[str]]]]:
        """(row number before the block, rows) a block at a time: no generator step per row."""
        with open(self.path, "rb") as raw:
            sample = raw.read(_SAMPLE)
            self.encoding = detect_encoding(sample)
            raw.seek(0)
            text = io.TextIOWrapper(raw, encoding=self.encoding, newline="")
            dialect = self._dialect = _sniff(sample, self.encoding)
            row_no, block = 0, []
            append = block.append
            try:
                for cells in csv.reader(text, dialect):
                    append(cells)
                    if len(block) == size:
                        self._fraction = raw.tell() / self.size
                        yield row_no, block
                        row_no += size
                        block = []
                        append = block.append
                if block:
                    yield row_no, block
            except UnicodeDecodeError as exc:
                raise ReadError(f"第{row_no + len(block) + 1}行附近有无法按{_ENCODING_NAMES.get(self.encoding, self.encoding)}"
                                f"解码的字符：文件编码前后不一致，请另存为UTF-8后重试") from exc
            except csv.Error as exc:
                raise ReadError(f"第{row_no + len(block) + 1}行CSV格式错误：{exc}") from exc

    # --- CSV through Arrow ------------------------------------------------------------------
    def arrow_batches(self, header_row: int, wanted: list[int]) -> Iterator[tuple[Any, dict]] | None:
        """The data rows below `header_row` as Arrow columns, or None where Arrow cannot read them.

        Only for a CSV that Arrow reads whole, every row as wide as the first (checked by a first
        pass of the parser, which costs a fraction of the import): Arrow cannot say where a short
        row or an undecodable byte was, so such a file is read row by row instead, whose messages
        say where.
        """
        if self.suffix != ".csv" or self.encoding is None or self._dialect is None:
            return None
        try:
            total = self._uniform(header_row)
        except (pa.ArrowException, UnicodeDecodeError, OSError):
            return None  # the row-by-row reader says what is wrong, and where
        return self._arrow_batches(header_row, wanted, total)

    def _arrow_reader(self, raw, header_row: int):
        dialect = self._dialect
        return pa_csv.open_csv(
            raw,
            read_options=pa_csv.ReadOptions(encoding=_ARROW_ENCODINGS.get(self.encoding, self.encoding),
                                            skip_rows=header_row, autogenerate_column_names=True,
                                            block_size=1 << 22),
            parse_options=pa_csv.ParseOptions(delimiter=dialect.delimiter, quote_char=dialect.quotechar or False,
                                              double_quote=dialect.doublequote,
                                              escape_char=dialect.escapechar or False, newlines_in_values=True,
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types=_ALL_TEXT, strings_can_be_null=False,
                                                  quoted_strings_can_be_null=False))

    def _uniform(self, header_row: int) -> int:
        """The number of data rows; raises ArrowInvalid unless every row is as wide as the first
        and every byte decodes."""
        rows = 0
        with open(self.path, "rb") as raw:
            for batch in self._arrow_reader(raw, header_row):
                rows += batch.num_rows
        return rows

    def _arrow_batches(self, header_row: int, wanted: list[int], total: int) -> Iterator[tuple[Any, dict]]:
        next_row = header_row + 1
        with open(self.path, "rb") as raw:
            for batch in self._arrow_reader(raw, header_row):
                n = batch.num_rows
                cells = [c if c.type == pa.string() else pc.cast(c, pa.string()) for c in batch.columns]
                filled = None
                for column in cells:
                    has = pc.greater(pc.binary_length(pc.utf8_trim_whitespace(column)), 0)
                    filled = has if filled is None else pc.or_(filled, has)
                row_nos = np.arange(next_row, next_row + n, dtype=np.int64)
                next_row += n
                self._fraction = min((next_row - header_row - 1) / max(total, 1), 0.99)  # Arrow reads ahead: count rows
                if filled is None or n == 0:
                    continue
                keep = filled.to_numpy(zero_copy_only=False)
                if not keep.all():
                    cells = [c.filter(filled) for c in cells]
                    row_nos = row_nos[keep]
                if len(row_nos):
                    yield row_nos, {i: cells[i] if i < len(cells) else None for i in wanted}
        self._fraction = 1.0

    # --- xlsx ------------------------------------------------------------------------------
    def _xlsx(self) -> Iterator[tuple[int, list]]:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        # SyntaxError: a broken XML part (lxml's XMLSyntaxError and ElementTree's ParseError derive from it).
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError,
                SyntaxError) as exc:
            raise ReadError("文件已损坏或不是有效的Excel（.xlsx）文件，请在Excel中打开后重新保存") from exc
        try:
            sheet = book.worksheets[0]
            merges = _xlsx_merges(self.path, getattr(sheet, "_worksheet_path", ""))
            total = max(sheet.max_row or 0, 1)
            rows = sheet.iter_rows(values_only=True)
            try:
                for row_no, cells in enumerate(rows, start=1):
                    if row_no % 4096 == 0:
                        self._fraction = min(row_no / total, 0.99)
                    yield row_no, merges.fill(row_no, list(cells))
            except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as exc:
                raise ReadError("Excel文件内容已损坏，无法读完，请在Excel中打开后重新保存") from exc
        finally:
            book.close()

    # --- xls -------------------------------------------------------------------------------
    def _xls(self) -> Iterator[tuple[int, list]]:
        import xlrd

        try:
            book = xlrd.open_workbook(self.path, formatting_info=True, on_demand=True)
        except Exception as exc:  # xlrd raises many types for broken files
            raise ReadError("文件已损坏或不是有效的Excel（.xls）文件，请在Excel中打开后重新保存") from exc
        sheet = book.sheet_by_index(0)
        merges = _Merges((r0 + 1, c0 + 1, r1, c1) for r0, r1, c0, c1 in sheet.merged_cells)
        for r in range(sheet.nrows):
            cells = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        cells.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                    except (ValueError, OverflowError):
                        cells.append(cell.value)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    cells.append(None)
                else:
                    cells.append(cell.value)
            self._fraction = (r + 1) / max(sheet.nrows, 1)
            yield r + 1, merges.fill(r + 1, cells)


_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GBK/GB18030"}


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (BOM or not) first, then GB18030 (a superset of GBK), then charset-normalizer."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise ReadError("无法识别文件编码，请另存为UTF-8编码的CSV或Excel文件")
    return best.encoding


def _sniff(sample: bytes, encoding: str) -> type[csv.Dialect] | csv.Dialect:
    text = codecs.getincrementaldecoder(encoding)(errors="ignore").decode(sample[:65536], final=False)
    try:
        return csv.Sniffer().sniff(text, delimiters=",\t;|")
    except csv.Error:
        return csv.excel


class _Merges:
    """Merged ranges (1-based, inclusive); fills every cell of a range with its top-left value."""

    def __init__(self, ranges):
        self.by_start: dict[int, list[tuple[int, int, int, int]]] = {}
        for r0, c0, r1, c1 in ranges:
            if r1 > r0 or c1 > c0:
                self.by_start.setdefault(r0, []).append((r0, c0, r1, c1))
        self.active: list[tuple[int, int, int, object]] = []  # (last row, first col, last col, value)

    def fill(self, row_no: int, cells: list) -> list:
        if not self.by_start and not self.active:
            return cells
        self.active = [a for a in self.active if a[0] >= row_no]
        for _r0, c0, r1, c1 in self.by_start.pop(row_no, ()):
            value = cells[c0 - 1] if c0 - 1 < len(cells) else None
            self.active.append((r1, c0, c1, value))
        for _r1, c0, c1, value in self.active:
            if len(cells) < c1:
                cells.extend([None] * (c1 - len(cells)))
            for c in range(c0 - 1, c1):
                cells[c] = value
        return cells


_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _xlsx_merges(path: Path, member: str) -> _Merges:
    """Merged ranges, found by scanning the sheet's XML bytes (streamed, no DOM)."""
    ranges = []
    member = member.lstrip("/")
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
            tail = b""
            while chunk := stream.read(1 << 20):
                data = tail + chunk
                last = 0
                for m in _MERGE_RE.finditer(data):
                    ranges.append((int(m.group(2)), _col(m.group(1)), int(m.group(4)), _col(m.group(3))))
                    last = m.end()
                tail = data[max(last, len(data) - 200):]
    except (KeyError, zipfile.BadZipFile, OSError):
        return _Merges(())
    return _Merges(ranges)
