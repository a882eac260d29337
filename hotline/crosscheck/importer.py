"""Importing a roll file: read, find the header, validate every row, write in bulk, one transaction.

`process()` does the same work for a dry run (the web preview) and for a real import, so the
report an admin approves is the one the import produces. Rows are written in batches (COPY on
PostgreSQL, executemany on SQLite) inside the caller's transaction: an error midway leaves nothing.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import sqlalchemy as sa
from sqlmodel import Session, select

from classifiers.lexicon import PROGRAM_WORDS
from hotline import audit
from hotline.bulkload import IndexHold
from hotline.crosscheck import columns, links, values
from hotline.crosscheck.kinds import HEADER_SCAN_ROWS, KINDS, Column, HeaderMatch, Kind, find_header
from hotline.crosscheck.readers import ReadError, RowSource
from models.base import utcnow
from models.rolls import ROW_TABLES, RollImport
from models.taxonomy import Program
from models.users import Actor

log = logging.getLogger(__name__)

MAX_PROBLEMS = 1000
SAMPLE_ROWS = 10
CHUNK = 20_000  # rows validated (and written) at a time
DROP_INDEXES_ABOVE = 100_000  # rows (estimated) above which indexes are dropped and rebuilt
ANALYZE_ABOVE = 10_000  # rows written above which the table is analysed in the same transaction
_CSV_OUT = pa_csv.WriteOptions(include_header=False, quoting_style="needed")  # COPY ... (FORMAT csv)
BASE_FIELDS = ("import_id", "row_no", "name", "name_key", "name_py", "id_number", "id_raw", "id_error",
               "birth_date")
EXTRA_FIELDS = {
    "recipients": ("grant_name", "program", "amount", "paid_on", "household_no", "head_id", "township", "village"),
    "households": ("household_no", "relation", "township", "village"),
    "payroll": ("unit", "post"),
    "deaths": ("death_date",),
    "vehicles": ("plate", "vehicle_type"),
    "businesses": ("business_name",),
    "property": ("location", "usage"),
    "cadres": ("title", "village", "relative_name", "relative_name_key", "relative_name_py", "relative_id",
               "relative_id_raw", "relation"),
    "disability": ("cert_no", "category", "grade"),
}
# Columns derived from others and added after imports were made: left out of the content hash, so
# that a file imported before is still recognised as imported.
NOT_HASHED = ("relative_name_py",)
_LIMITS = {"name": 60, "grant_name": 60, "household_no": 40, "township": 40, "village": 40, "relation": 20,
           "unit": 120, "post": 60, "plate": 20, "vehicle_type": 40, "business_name": 200, "location": 200,
           "usage": 40, "title": 40, "relative_name": 60, "cert_no": 40, "category": 20, "grade": 20}


class RollImportError(ValueError):
    """The file cannot be imported at all (unreadable, wrong headers, already imported...)."""


class DuplicateImport(RollImportError):
    """The same file, or the same rows, were imported before: nothing was changed."""


@dataclass
class Problem:
    row_no: int
    column: str
    reason: str
    rejected: bool  # True: the row was not imported; False: imported, ID kept for fuzzy matching only


@dataclass
class ImportReport:
    kind: str
    filename: str
    grant_name: str | None = None
    file_sha256: str = ""
    content_hash: str = ""
    encoding: str | None = None
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    rows_imported: int = 0
    rows_id_problem: int = 0
    rows_rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)
    grant_names: dict[str, int] = field(default_factory=dict)  # recipients: {项目 text: rows}
    duplicate_of: RollImport | None = None
    import_id: int | None = None

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind].label

    def add_problem(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def summary(self) -> str:
        text = (f"读取{self.rows_read}行，可导入{self.rows_imported}行"
                f"（其中{self.rows_id_problem}行身份证号有误，仅用于姓名模糊比对），拒绝{self.rows_rejected}行")
        return text


@functools.lru_cache(maxsize=4096)
def program_code(programme: str) -> str:
    """The programme area of a roll's 项目 text ('2026年春季普通高中国家助学金' → education)."""
    text = (programme or "").strip()
    if text in Program.__members__:
        return text
    for code, label in Program.labels().items():
        if text == label:
            return code.value
    for word in sorted(PROGRAM_WORDS, key=len, reverse=True):
        if word in text:
            return PROGRAM_WORDS[word]
    return Program.other.value


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class _ChunkConverter:
    """Validates rows a chunk at a time, column by column, as Arrow arrays (`columns`).

    Text is cleaned by Arrow kernels, IDs checked with numpy over the column's bytes, repeated
    values (amounts, dates, programmes, names) converted once per distinct value; Python touches
    only the cells that fail. Problems come out in the order the row-by-row rules give them:
    per row, the name, then the ID, then the other columns in order, stopping at the first that
    rejects the row.
    """

    def __init__(self, kind: Kind, header: HeaderMatch, grant_name: str | None):
        self.kind = kind
        self.positions = header.positions
        self.columns = {c.field: c for c in kind.columns}
        self.grant_name = grant_name
        self.fields = (BASE_FIELDS + EXTRA_FIELDS[kind.code])[2:]  # without import_id, row_no
        # A province's household roll holds ~300,000 different names in 2,000,000 rows: keeping
        # them all (~100 MB) saves working most of them out again batch after batch.
        self.name_keys = columns.Cached(values.name_keys, outputs=2, limit=400_000)
        self.program = columns.Cached(lambda p: (program_code(p),))
        self.relative_keys = columns.Cached(values.name_keys, outputs=2)
        self.parsers: dict[str, columns.Cached] = {}
        self.mistyped: dict[str, pa.Array] = {}  # id field -> the cleaned text where the ID failed its check

    def file_columns(self) -> list[int]:
        """The file's columns this kind reads (indexes into a row)."""
        return sorted(set(self.positions.values()))

    def _cells(self, cells: dict[int, pa.Array], name: str, n: int) -> pa.Array:
        index = self.positions.get(name)
        column = cells.get(index) if index is not None else None
        return column if column is not None else columns.blank(n)

    def convert(self, row_nos: np.ndarray, cells: dict[int, pa.Array],
                report: ImportReport) -> tuple[np.ndarray, dict[str, pa.Array]]:
        """(row numbers, {field: column}) of the rows that import; problems go into the report."""
        n = len(row_nos)
        flags: list[tuple[int, int, str, str, bool]] = []  # (row index, column order, column, reason, rejects)

        def flag(rows, order: int, label: str, reasons, reject: bool) -> None:
            for k, i in enumerate(rows.tolist()):
                flags.append((i, order, label, reasons if isinstance(reasons, str) else reasons[k], reject))

        out: dict[str, pa.Array] = {}
        names = columns.clean(self._cells(cells, "name", n))
        flag(np.flatnonzero(columns.is_empty(names)), 0, self.columns["name"].label, "姓名为空", True)
        (out["name_key"], out["name_py"]), _rows, _reasons = self.name_keys(names)
        out["name"] = columns.cut(names, _LIMITS["name"])
        ids = columns.check_ids(self._cells(cells, "id_number", n))
        flag(ids.error_rows, 1, self.columns["id_number"].label, ids.error_texts, False)
        out.update(id_number=ids.numbers, id_raw=ids.cleaned, id_error=ids.errors, birth_date=ids.born)
        for order, name in enumerate(EXTRA_FIELDS[self.kind.code], start=2):
            if name == "program":
                out[name] = self.program(out["grant_name"])[0][0]
            elif name == "relative_name_key":
                (out[name], out["relative_name_py"]), _rows, _reasons = self.relative_keys(out["relative_name"])
            elif name == "relative_name_py":
                continue  # with relative_name_key, above
            elif name == "relative_id_raw":  # kept for fuzzy matching, as id_raw is
                out[name] = self.mistyped.pop("relative_id")
            else:
                out[name] = self._column(self.columns[name], self._cells(cells, name, n),
                                         functools.partial(flag, order=order))
        rejected: set[int] = set()
        problems = []
        for i, _order, label, reason, reject in sorted(flags):
            if i in rejected:
                continue
            problems.append(Problem(int(row_nos[i]), label, reason, reject))
            if reject:
                rejected.add(i)
        if rejected:
            keep = np.ones(n, dtype=bool)
            keep[list(rejected)] = False
            mask = pa.array(keep)
            out = {k: v.filter(mask) for k, v in out.items()}
            row_nos = row_nos[keep]
        for problem in problems:
            report.add_problem(problem)
        report.rows_read += n
        report.rows_rejected += len(rejected)
        report.rows_imported += len(row_nos)
        report.rows_id_problem += len(out["id_error"]) - out["id_error"].null_count
        return row_nos, out

    def _column(self, column: Column, cells: pa.Array, flag: Callable) -> pa.Array:
        required, label = column.required, column.label
        if column.field == "grant_name" and self.grant_name:
            cells = pc.if_else(pc.equal(pc.utf8_trim_whitespace(cells), ""), self.grant_name, cells)
        if column.kind == "id":
            blank = columns.is_empty(pc.utf8_trim_whitespace(cells))
            ids = columns.check_ids(cells)
            if required:
                flag(np.flatnonzero(blank), label=label, reasons=f"{label}为空", reject=True)
            problems = [(i, e) for i, e in zip(ids.error_rows.tolist(), ids.error_texts) if not blank[i]]
            flag(np.array([i for i, _e in problems], dtype=np.int64), label=label,
                 reasons=[f"{e}（该列留空处理）" for _i, e in problems], reject=False)
            self.mistyped[column.field] = columns.cut(pc.if_else(ids.numbers.is_null(), ids.cleaned, pa.scalar(None, pa.string())), 40)
            return ids.numbers
        if column.kind in ("amount", "date"):
            parse = self.parsers.get(column.field)
            if parse is None:
                parse = self.parsers[column.field] = columns.Cached(functools.partial(
                    _parse_cell, values.amount if column.kind == "amount" else values.date, label, required))
            (result,), rows, reasons = parse(cells)
            flag(rows, label=label, reasons=reasons, reject=True)
            return result
        result = columns.or_null(columns.cut(columns.clean(cells), _LIMITS.get(column.field, 200)))
        if required:
            flag(np.flatnonzero(result.is_null().to_numpy(zero_copy_only=False)), label=label,
                 reasons=f"{label}为空", reject=True)
        return result


def _parse_cell(parse: Callable, label: str, required: bool, raw: str) -> tuple[str | None]:
    if not raw.strip():
        if required:
            raise ValueError(f"{label}为空")
        return (None,)
    return (str(parse(raw)),)


class _Writer:
    """Writes validated columns inside the session's transaction.

    PostgreSQL: one COPY (CSV written by Arrow) fed in large blocks through a queued writer, so
    the database parses while Python validates the next batch. SQLite: executemany.
    A large import into a table that is small next to it sets the table's secondary indexes and
    foreign keys aside (`hotline.bulkload`) and restores them at the end, all in the transaction.
    The table is analysed afterwards.
    """

    def __init__(self, session: Session, kind: str, import_id: int):
        self.table = ROW_TABLES[kind].__table__
        self.fields = BASE_FIELDS + EXTRA_FIELDS[kind]
        self.import_id = import_id
        self.connection = session.connection()
        self.postgres = self.connection.dialect.name == "postgresql"
        self.written = 0
        # For a large import, until finish(); the import_id index (one value for all the rows) is
        # cheaper to append to than to rebuild.
        self.hold = IndexHold(self.connection, self.table, keep=("import_id",))
        self._copy = None
        self._stack: contextlib.ExitStack | None = None
        if not self.postgres:
            marks = ", ".join("?" for _ in self.fields)
            self.sql = f'INSERT INTO {self.table.name} ({", ".join(self.fields)}) VALUES ({marks})'

    def add(self, row_nos: np.ndarray, data: dict[str, pa.Array], estimated_total: int) -> None:
        n = len(row_nos)
        if not n:
            return
        if not self.written and estimated_total >= DROP_INDEXES_ABOVE:
            self.hold.drop_if_worth_it(estimated_total)
        table = pa.table([pa.array(np.full(n, self.import_id, dtype=np.int64)), pa.array(row_nos)]
                         + [data[f] for f in self.fields[2:]], names=list(self.fields))
        if self.postgres:
            self._copy_rows(table)
        else:
            self.connection.exec_driver_sql(self.sql, list(zip(*(c.to_pylist() for c in table.columns))))
        self.written += n

    def _copy_rows(self, table: pa.Table) -> None:
        """The rows as CSV written by Arrow (nulls unquoted and empty, text quoted where needed)."""
        if self._copy is None:
            from psycopg.copy import QueuedLibpqWriter

            raw = self.connection.connection.driver_connection
            self._stack = contextlib.ExitStack()
            cursor = self._stack.enter_context(raw.cursor())
            self._copy = self._stack.enter_context(cursor.copy(
                f'COPY {self.table.name} ({", ".join(self.fields)}) FROM STDIN (FORMAT csv)',
                writer=QueuedLibpqWriter(cursor)))
        sink = pa.BufferOutputStream()
        pa_csv.write_csv(table, sink, _CSV_OUT)
        self._copy.write(sink.getvalue())

    def end_copy(self) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = self._copy = None

    def abort(self) -> None:
        """Leave the COPY without finishing it (the caller rolls the transaction back)."""
        if self._stack is not None:
            with contextlib.suppress(Exception):
                self._stack.__exit__(RuntimeError, RuntimeError("import aborted"), None)
            self._stack = self._copy = None

    def finish(self) -> None:
        self.end_copy()
        self.hold.restore()
        if self.written >= ANALYZE_ABOVE:
            if not self.postgres:
                self.connection.exec_driver_sql("PRAGMA analysis_limit = 1000")
            self.connection.exec_driver_sql(f"ANALYZE {self.table.name}")


class _DryRun:
    """The writer of a dry run (the web preview): validates, writes nothing."""

    def add(self, row_nos: np.ndarray, data: dict[str, pa.Array], estimated_total: int) -> None:
        pass

    def end_copy(self) -> None:
        pass

    def abort(self) -> None:
        pass

    def finish(self) -> None:
        pass


def settle(engine: sa.Engine, report: ImportReport) -> dict | None:
    """After an import has committed: VACUUM its table if large (PostgreSQL), then bring the
    cross-check's links up to date (`links.refresh`).

    VACUUM marks the new rows visible to every transaction (the visibility map), which
    autovacuum does a minute or so later where it is on. Until then PostgreSQL must visit the
    table for every index entry it reads; with it, the rules group a million payments by ID
    number from the index alone (`rules.duplicate_payment`). VACUUM cannot run inside a
    transaction, hence a connection of its own. The import has committed: a failure here is
    logged, not raised (autovacuum, or the next import, does the same work; the next rules run
    rebuilds links that are not current). Returns what the links refresh did (None: nothing).
    """
    if engine.dialect.name == "postgresql" and report.rows_imported >= ANALYZE_ABOVE:
        table = ROW_TABLES[report.kind].__tablename__
        try:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(f"VACUUM {table}")
        except sa.exc.SQLAlchemyError:
            log.warning("VACUUM %s after import %s failed", table, report.import_id, exc_info=True)
    return links.refresh(engine)


def process(path: Path, *, kind: str, filename: str, grant_name: str | None = None,
            session: Session | None = None, actor: Actor = None,
            progress: Callable[[float], None] | None = None) -> ImportReport:
    """Read and validate the file; with a session, also write the rows (the caller commits).

    Raises RollImportError when nothing can be imported, or when the same data was imported before.
    """
    if kind not in KINDS:
        raise RollImportError(f"未知的名册类型：{kind}（可选：{'、'.join(KINDS)}）")
    spec = KINDS[kind]
    report = ImportReport(kind=kind, filename=filename, grant_name=grant_name or None,
                          file_sha256=file_sha256(path))
    writer: _Writer | _DryRun = _DryRun()
    try:
        source = RowSource(path, Path(filename).suffix)
        rows = iter(source)
        head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
        if not head:
            raise ReadError("文件中没有任何数据行")
        header = find_header(spec, head, grant_given=bool(grant_name))
        report.encoding, report.header_row = source.encoding, header.row_no
        report.columns = header.labels(spec)
        _refuse_repeat(session, report, RollImport.file_sha256, report.file_sha256)
        converter = _ChunkConverter(spec, header, grant_name)
        record = None
        if session is not None:
            record = RollImport(kind=kind, grant_name=grant_name, filename=filename[:255],
                                file_sha256=report.file_sha256, content_hash="",
                                imported_by_id=getattr(actor, "id", None))
            session.add(record)
            session.flush()
            writer = _Writer(session, kind, record.id)
        # The content hash covers the validated values column by column (not row numbers, not
        # how the rows were chunked), so the same rows in another file or format hash the same.
        hashed = [name for name in converter.fields if name not in NOT_HASHED]
        digests = [hashlib.sha256() for _ in hashed]
        for row_nos, cells in _chunks(source, rows, head, header, converter.file_columns()):
            row_nos, data = converter.convert(row_nos, cells, report)
            for digest, name in zip(digests, hashed):
                _digest_column(digest, data[name])
            if "grant_name" in data:
                _count_values(report.grant_names, data["grant_name"])
            _take_sample(report, row_nos, data, converter.fields)
            fraction = source.fraction()
            writer.add(row_nos, data, int(report.rows_read / fraction) if fraction > 0 else report.rows_read)
            if progress is not None:
                progress(fraction)
        if report.rows_imported == 0:
            raise RollImportError(_nothing_message(report))
        whole = hashlib.sha256()
        for digest in digests:
            whole.update(digest.digest())
        report.content_hash = whole.hexdigest()
        writer.end_copy()
        _refuse_repeat(session, report, RollImport.content_hash, report.content_hash)
    except BaseException as exc:
        writer.abort()  # leaves the COPY unfinished; the caller rolls the transaction back
        if isinstance(exc, ReadError):
            raise RollImportError(str(exc)) from exc
        raise
    writer.finish()
    if record is not None:
        _save_record(session, record, report)
    if progress is not None:
        progress(1.0)
    return report


def _take_sample(report: ImportReport, row_nos: np.ndarray, data: dict[str, pa.Array], fields: tuple) -> None:
    """The first SAMPLE_ROWS validated rows, for the preview."""
    take = min(SAMPLE_ROWS - len(report.sample), len(row_nos))
    if take <= 0:
        return
    head_rows = {f: data[f].slice(0, take).to_pylist() for f in fields}
    for j in range(take):
        report.sample.append({"row_no": int(row_nos[j]), **{f: head_rows[f][j] for f in fields}})


def _save_record(session: Session, record: RollImport, report: ImportReport) -> None:
    """The import's record: its counts, header and every problem row (as the report shows them)."""
    record.content_hash = report.content_hash
    record.rows_read, record.rows_imported = report.rows_read, report.rows_imported
    record.rows_id_problem, record.rows_rejected = report.rows_id_problem, report.rows_rejected
    record.header_row, record.columns = report.header_row, report.columns
    record.grant_names = report.grant_names if report.kind == "recipients" else None
    record.problems = [[p.row_no, p.column, p.reason, p.rejected] for p in report.problems]
    session.add(record)
    session.flush()
    report.import_id = record.id


def _chunks(source: RowSource, rows, head: list, header: HeaderMatch,
            wanted: list[int]) -> Iterator[tuple[np.ndarray, dict[int, pa.Array]]]:
    """(row numbers, {file column: cells}) a chunk at a time, blank rows left out.

    A CSV whose rows all have the same number of cells is read by Arrow's CSV reader (C++, in
    threads); anything else (spreadsheets, ragged CSV rows) row by row, cells turned to text as a
    CSV would hold them.
    """
    batches = source.arrow_batches(header.row_no, wanted)
    if batches is not None:
        yield from batches
        return
    pending = [row for row in head if row[0] > header.row_no]
    while True:
        chunk = pending + list(itertools.islice(rows, CHUNK - len(pending)))
        pending = []
        if not chunk:
            return
        row_nos = np.array([r for r, _cells in chunk], dtype=np.int64)
        cells = {}
        for index in wanted:
            try:
                cells[index] = columns.from_cells([c[index] for _r, c in chunk])
            except IndexError:
                cells[index] = columns.from_cells([c[index] if index < len(c) else None for _r, c in chunk])
        yield row_nos, cells


def _count_values(counts: dict[str, int], column: pa.Array) -> None:
    for item in pc.value_counts(column).to_pylist():
        if item["values"] is not None:
            counts[item["values"]] = counts.get(item["values"], 0) + item["counts"]


def _digest_column(digest, column: pa.Array) -> None:
    """Feed a column's values to a running hash: their bytes, then their lengths (null as "\\x00")."""
    column = pc.fill_null(column, "\x00") if column.null_count else column
    n = len(column)
    if not n:
        return
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)[column.offset:column.offset + n + 1]
    data = column.buffers()[2]
    if data is not None and offsets[-1] > offsets[0]:
        digest.update(memoryview(data)[offsets[0]:offsets[-1]])
    digest.update(np.diff(offsets).astype("<i4").tobytes())


def _nothing_message(report: ImportReport) -> str:
    if report.rows_read == 0:
        return "表头下面没有数据行，没有可导入的内容"
    first = "；".join(f"第{p.row_no}行{p.column}：{p.reason}" for p in report.problems[:3])
    return f"{report.rows_read}行数据全部未通过校验，没有导入任何内容（{first}）"


def _refuse_repeat(session: Session | None, report: ImportReport, column, value: str | None) -> None:
    """Refuse an import whose file (or whose validated rows) an earlier import of this kind already had."""
    if session is None:
        return
    earlier = session.exec(select(RollImport).where(RollImport.kind == report.kind, column == value,
                                                    RollImport.withdrawn_at.is_(None))).first()
    if earlier is not None:
        report.duplicate_of = earlier
        raise DuplicateImport(_duplicate_message(earlier))


def _duplicate_message(earlier: RollImport) -> str:
    when = earlier.imported_at.strftime("%Y-%m-%d %H:%M") if earlier.imported_at else ""
    return (f"这份名册已经导入过（第{earlier.id}批，{earlier.filename}，{when} UTC，{earlier.rows_imported}行），"
            f"本次未作任何改动")


def find_duplicate(session: Session, *, kind: str, sha256: str, content_hash: str) -> RollImport | None:
    """An earlier import of the same file or the same rows (for the preview)."""
    return session.exec(select(RollImport).where(
        RollImport.kind == kind, RollImport.withdrawn_at.is_(None),
        (RollImport.file_sha256 == sha256) | (RollImport.content_hash == content_hash))).first()


def withdraw(session: Session, import_id: int, *, reason: str, actor: Actor = None) -> int:
    """Take back an import (撤销): delete its rows, keep its record and report, say who and why.

    For a wrong file (the wrong programme, last year's roll): the rules no longer see its rows, so
    findings that rested on them are not found again (the finding page says so) while their
    evidence snapshots stay. The same file may be imported again afterwards. Returns the rows
    deleted; the caller commits.
    """
    record = session.get(RollImport, import_id, with_for_update=True)  # two withdrawals: the second waits
    if record is None:
        raise RollImportError(f"没有第{import_id}批导入")
    if record.withdrawn_at is not None:
        raise RollImportError(f"第{import_id}批已于{record.withdrawn_at:%Y-%m-%d %H:%M} UTC撤销，不能重复撤销")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RollImportError("请填写撤销理由（至少2个字）")
    if len(reason) > 2000:
        raise RollImportError("撤销理由不能超过2000字")
    table = ROW_TABLES[record.kind].__table__
    deleted = session.execute(table.delete().where(table.c.import_id == import_id)).rowcount
    record.withdrawn_at, record.withdrawn_reason = utcnow(), reason
    record.withdrawn_by_id = getattr(actor, "id", None)
    session.add(record)
    audit.record(session, actor=actor, action="roll.withdraw", entity="roll_import", entity_id=import_id,
                 detail={"kind": record.kind, "filename": record.filename, "rows": deleted, "reason": reason})
    return deleted
