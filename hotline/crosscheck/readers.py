"""Reading roll files row by row: .xlsx, .xls and .csv (UTF-8 with or without BOM, GBK, GB18030).

Rows come out as (spreadsheet row number, list of cell values) with blank rows skipped and merged
cells filled from their top-left cell, so a household number merged over five member rows reads
as five rows with that number. Memory stays bounded: CSV and .xlsx are streamed (.xls files are
at most 65,536 rows by format).

A hostile file is refused before it is parsed, in Chinese (ReadError), against LIMITS: an .xlsx
whose parts would decompress beyond a size or a ratio (read from the zip directory, which bounds
what zipfile will ever inflate), whose shared strings hold a text longer than a cell may be, or
whose dimension or merged ranges reach past the column or row limits; while streaming, any
file with more rows or columns than the limits, a cell longer than the limit, or a CSV line
longer than the limit.
"""
from __future__ import annotations

import codecs
import csv
import functools
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Limits:
    """What a roll may hold. A county's rolls are far inside these (2 M household rows is the
    largest measured, docs/crosscheck.md); a file beyond them is an error or an attack."""

    max_rows: int = 5_000_000
    max_columns: int = 256
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_line_chars: int = 1 << 20  # one CSV line (a quoted cell may span lines; each is checked)
    max_part_bytes: int = 1 << 30  # one .xlsx part, uncompressed
    max_total_bytes: int = 3 << 29  # all parts together, uncompressed (1.5 GiB)
    max_shared_strings_bytes: int = 256 << 20  # openpyxl holds the shared strings in memory
    max_ratio: int = 200  # uncompressed / compressed, for parts past 1 MiB


LIMITS = Limits()


class RowSource:
    """An iterable of (row_no, cells) with `fraction()` telling how far through the file it is."""

    def __init__(self, path: Path, suffix: str, limits: Limits = LIMITS):
        self.path, self.suffix, self.limits = Path(path), suffix.lower(), limits
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
                    yield row_no, self._checked(row_no, cells)
        self._fraction = 1.0

    def _checked(self, row_no: int, cells: list) -> list:
        """The row within the limits (trailing empty columns past the limit dropped), or ReadError."""
        limits = self.limits
        if row_no > limits.max_rows:
            raise ReadError(f"文件超过{limits.max_rows}行的上限，请拆分后分批导入")
        if len(cells) > limits.max_columns:
            if any(c is not None and c != "" for c in cells[limits.max_columns:]):
                raise ReadError(f"第{row_no}行超过{limits.max_columns}列的上限：名册不应有这么多列，请检查文件")
            cells = cells[:limits.max_columns]
        for index, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > limits.max_cell_chars:
                raise ReadError(f"第{row_no}行第{index + 1}列的内容超过{limits.max_cell_chars}个字符的上限，请检查文件")
        return cells

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
            limits = self.limits
            try:
                for cells in csv.reader(_bounded_lines(text, limits.max_line_chars), dialect):
                    if len(cells) > limits.max_columns or max(map(len, cells), default=0) > limits.max_cell_chars:
                        self._checked(row_no + len(block) + 1, cells)  # says which limit, and where
                    if row_no + len(block) >= limits.max_rows:
                        self._checked(limits.max_rows + 1, [])
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
        rows, limits = 0, self.limits
        with open(self.path, "rb") as raw:
            for batch in self._arrow_reader(raw, header_row):
                if batch.num_columns > limits.max_columns:
                    raise ReadError(f"文件超过{limits.max_columns}列的上限：名册不应有这么多列，请检查文件")
                for column in batch.columns:
                    longest = pc.max(pc.utf8_length(column)).as_py() if batch.num_rows else 0
                    if longest and longest > limits.max_cell_chars:
                        raise ReadError(f"文件中有内容超过{limits.max_cell_chars}个字符的单元格，请检查文件")
                rows += batch.num_rows
                if rows + header_row > limits.max_rows:
                    raise ReadError(f"文件超过{limits.max_rows}行的上限，请拆分后分批导入")
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

        inspect_xlsx(self.path, self.limits)  # before openpyxl inflates anything
        try:
            book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        # SyntaxError: a broken XML part (lxml's XMLSyntaxError and ElementTree's ParseError derive from it).
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError,
                SyntaxError) as exc:
            raise ReadError("文件已损坏或不是有效的Excel（.xlsx）文件，请在Excel中打开后重新保存") from exc
        try:
            if not book.worksheets:
                raise ReadError("Excel文件中没有工作表，请在Excel中打开后重新保存")
            sheet = book.worksheets[0]
            merges = _xlsx_merges(self.path, getattr(sheet, "_worksheet_path", ""))
            merges.check(self.limits)
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
        merges.check(self.limits)
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


def _bounded_lines(text, limit: int) -> Iterator[str]:
    """The text's lines, refusing one longer than `limit` before it is held whole in memory."""
    readline, line_no = text.readline, 0
    while line := readline(limit + 1):
        line_no += 1
        if len(line) > limit and not line.endswith(("\n", "\r")):
            raise ReadError(f"第{line_no}行超过{limit}个字符的上限：这不是一份名册，请检查文件")
        yield line


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

    def check(self, limits: Limits) -> None:
        """Refuse a merged range past the limits (a whole-sheet merge would fill millions of cells)."""
        for ranges in self.by_start.values():
            for _r0, _c0, r1, c1 in ranges:
                if c1 > limits.max_columns or r1 > limits.max_rows:
                    raise ReadError(f"工作表的合并单元格范围超过{limits.max_columns}列或{limits.max_rows}行的上限，"
                                    "请取消合并后重新保存")

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


_DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?([A-Z]+)(\d+)"')


def inspect_xlsx(path: Path, limits: Limits = LIMITS) -> None:
    """Refuse, from the zip directory and a few bytes, a workbook that would not fit in memory:
    parts too large or too compressed, a shared string longer than a cell may be, a sheet whose
    dimension reaches past the limits. zipfile never inflates more than the directory declares."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError("文件已损坏或不是有效的Excel（.xlsx）文件，请在Excel中打开后重新保存") from exc
    with archive:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            too_big = info.file_size > limits.max_part_bytes or total > limits.max_total_bytes
            ratio = info.file_size / max(info.compress_size, 1)
            if too_big or (info.file_size > 1 << 20 and ratio > limits.max_ratio):
                raise ReadError(f"Excel文件解压后过大（{info.filename}：{info.file_size / (1 << 20):.0f} MB，"
                                f"压缩比{ratio:.0f}倍），可能是恶意构造的文件，已拒绝")
            name = info.filename.lower()
            if name.endswith("sharedstrings.xml"):
                if info.file_size > limits.max_shared_strings_bytes:
                    raise ReadError(f"Excel文件的共享字符串过大（{info.file_size / (1 << 20):.0f} MB），已拒绝")
                _refuse_long_text(archive, info, limits)
            elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(info) as stream:
                    found = _DIMENSION_RE.search(stream.read(1 << 16))
                if found and (_col(found.group(1)) > limits.max_columns or int(found.group(2)) > limits.max_rows):
                    raise ReadError(f"工作表范围（{found.group(1).decode()}{found.group(2).decode()}）超过"
                                    f"{limits.max_columns}列或{limits.max_rows}行的上限，已拒绝")


def _refuse_long_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """A run of bytes with no markup longer than any cell's text can be (10 bytes per character
    covers the longest character reference), streamed: the part is never held whole."""
    longest = 10 * limits.max_cell_chars
    run = 0
    with archive.open(info) as stream:
        while chunk := stream.read(1 << 20):
            first = chunk.find(b"<")
            if first < 0:
                run += len(chunk)
            else:
                run += first
                if run > longest or _longer_than(chunk, first, longest):
                    break
                run = len(chunk) - chunk.rfind(b"<") - 1
            if run > longest:
                break
        else:
            return
    raise ReadError(f"Excel文件中有超过{limits.max_cell_chars}个字符的单元格内容，可能是恶意构造的文件，已拒绝")


def _longer_than(chunk: bytes, start: int, longest: int) -> bool:
    return _run_longer_than(longest).search(chunk, start) is not None


@functools.lru_cache(maxsize=4)
def _run_longer_than(longest: int) -> re.Pattern:
    return re.compile(rb"[^<]{%d}" % (longest + 1))


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
