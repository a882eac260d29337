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
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from classifiers.lexicon import PROGRAM_WORDS
from hotline.crosscheck import values
from hotline.crosscheck.kinds import HEADER_SCAN_ROWS, KINDS, Column, HeaderMatch, Kind, find_header
from hotline.crosscheck.readers import ReadError, RowSource
from models.rolls import ROW_TABLES, RollImport
from models.taxonomy import PROGRAM_LABELS, Program

MAX_PROBLEMS = 1000
SAMPLE_ROWS = 10
CHUNK = 20_000  # rows validated (and written) at a time
DROP_INDEXES_ABOVE = 100_000  # rows (estimated) above which indexes are dropped and rebuilt
ANALYZE_ABOVE = 10_000  # rows written above which the table is analysed in the same transaction
BASE_FIELDS = ("import_id", "row_no", "name", "name_key", "name_py", "id_number", "id_raw", "id_error",
               "birth_date")
EXTRA_FIELDS = {
    "recipients": ("programme", "program", "amount", "paid_on", "household_no", "head_id", "township", "village"),
    "households": ("household_no", "relation", "township", "village"),
    "payroll": ("unit", "post"),
    "deaths": ("death_date",),
    "vehicles": ("plate", "vehicle_type"),
    "businesses": ("business_name",),
    "property": ("location", "usage"),
    "cadres": ("title", "village", "relative_name", "relative_name_key", "relative_id", "relation"),
}
_LIMITS = {"name": 60, "programme": 60, "household_no": 40, "township": 40, "village": 40, "relation": 20,
           "unit": 120, "post": 60, "plate": 20, "vehicle_type": 40, "business_name": 200, "location": 200,
           "usage": 40, "title": 40, "relative_name": 60}


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
    programme: str | None = None
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
    for code, label in PROGRAM_LABELS.items():
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


class _Bad:
    """A cell that cannot be imported: the row is rejected with this reason."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


_CACHE_LIMIT = 200_000
_COPY_SPECIAL = re.compile(r"[\\\t\n\r\x00]")


class _ChunkConverter:
    """Validates rows a chunk at a time, column by column.

    Each column is converted with one list operation: IDs by `values.check_ids` (numpy over the
    column), repeated values (amounts, dates, programmes, names) through a cache, so per-row Python
    work is a few list lookups. Problems come out in the order the row-by-row rules give them:
    per row, the name, then the ID, then the other columns in order, stopping at the first that
    rejects the row.
    """

    def __init__(self, kind: Kind, header: HeaderMatch, programme: str | None):
        self.kind = kind
        self.positions = header.positions
        self.columns = {c.field: c for c in kind.columns}
        self.programme = programme
        self.fields = (BASE_FIELDS + EXTRA_FIELDS[kind.code])[2:]  # without import_id, row_no
        self.caches: dict[str, dict] = defaultdict(dict)

    def _cells(self, rows: list[list], name: str) -> list:
        index = self.positions.get(name)
        if index is None:
            return [None] * len(rows)
        try:
            return [cells[index] for cells in rows]
        except IndexError:
            return [cells[index] if index < len(cells) else None for cells in rows]

    def _cached(self, name: str, cells: list, convert: Callable) -> list:
        cache = self.caches[name]
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        for value in set(cells).difference(cache):
            try:
                cache[value] = convert(value)
            except ValueError as exc:
                cache[value] = _Bad(str(exc))
        return list(map(cache.__getitem__, cells))

    def convert(self, chunk: list[tuple[int, list]], report: ImportReport) -> tuple[list[int], dict[str, list]]:
        """(row numbers, {field: values}) of the rows that import; problems go into the report."""
        rows = [cells for _n, cells in chunk]
        n = len(rows)
        issues: dict[int, list[Problem]] = {}
        rejected: set[int] = set()

        def flag(i: int, column: str, reason: str, reject: bool) -> None:
            if i in rejected:
                return
            issues.setdefault(i, []).append(Problem(chunk[i][0], column, reason, reject))
            if reject:
                rejected.add(i)

        out: dict[str, list] = {}
        names = [values.clean_str(v) if type(v) is str else values.text(v) for v in self._cells(rows, "name")]
        for i, name in enumerate(names):
            if not name:
                flag(i, self.columns["name"].label, "姓名为空", True)
        keys = self._cached("name_keys", names, values.name_keys)
        out["name"] = [v[:_LIMITS["name"]] for v in names]
        out["name_key"] = [k[0] for k in keys]
        out["name_py"] = [k[1] for k in keys]
        numbers, cleaned, errors, born = values.check_ids(self._cells(rows, "id_number"))
        label = self.columns["id_number"].label
        for i, error in enumerate(errors):
            if error is not None:
                flag(i, label, error, False)
        out.update(id_number=numbers, id_raw=[c or None for c in cleaned], id_error=errors, birth_date=born)
        for name in EXTRA_FIELDS[self.kind.code]:
            if name == "program":
                out[name] = [program_code(p) if p is not None else None for p in out["programme"]]
            elif name == "relative_name_key":
                out[name] = [values.name_keys(r)[0] if r else None for r in out["relative_name"]]
            else:
                out[name] = self._column(self.columns[name], self._cells(rows, name), flag)
        if rejected:
            keep = [i for i in range(n) if i not in rejected]
            out = {k: [v[i] for i in keep] for k, v in out.items()}
            row_nos = [chunk[i][0] for i in keep]
        else:
            row_nos = [r for r, _c in chunk]
        for i in sorted(issues):
            for problem in issues[i]:
                report.add_problem(problem)
        report.rows_read += n
        report.rows_rejected += len(rejected)
        report.rows_imported += len(row_nos)
        report.rows_id_problem += sum(1 for e in out["id_error"] if e is not None)
        return row_nos, out

    def _column(self, column: Column, cells: list, flag: Callable) -> list:
        required, label = column.required, column.label
        if column.field == "programme" and self.programme:
            cells = [self.programme if v is None or (type(v) is str and not v.strip()) else v for v in cells]
        if column.kind == "id":
            blank = [v is None or (type(v) is str and not v.strip()) for v in cells]
            numbers, _cleaned, errors, _born = values.check_ids(cells)
            for i, error in enumerate(errors):
                if blank[i]:
                    numbers[i] = None
                    if required:
                        flag(i, label, f"{label}为空", True)
                elif error is not None:
                    flag(i, label, f"{error}（该列留空处理）", False)
            return numbers
        if column.kind in ("amount", "date"):
            parse = values.amount if column.kind == "amount" else values.date

            def convert(raw, parse=parse):
                if raw is None or (type(raw) is str and not raw.strip()):
                    if required:
                        raise ValueError(f"{label}为空")
                    return None
                return str(parse(raw))

            result = self._cached(column.field, cells, convert)
            for i, value in enumerate(result):
                if type(value) is _Bad:
                    flag(i, label, value.reason, True)
                    result[i] = None
            return result
        limit = _LIMITS.get(column.field, 200)
        result = [(values.clean_str(v)[:limit] or None) if type(v) is str else (values.text(v)[:limit] or None)
                  for v in cells]
        if required:
            for i, value in enumerate(result):
                if value is None:
                    flag(i, label, f"{label}为空", True)
        return result


class _Writer:
    """Writes validated columns inside the session's transaction.

    PostgreSQL: one COPY (text format) per stretch of rows, fed in large blocks through a queued
    writer so the database parses while Python validates the next chunk. SQLite: executemany.
    A large import into a table that is small next to it drops the table's secondary indexes and
    builds them again at the end (cheaper than maintaining them row by row); the drop is part of
    the transaction, so a failure restores them. The table is analysed afterwards.
    """

    def __init__(self, session: Session, kind: str, import_id: int):
        self.table = ROW_TABLES[kind].__table__
        self.fields = BASE_FIELDS + EXTRA_FIELDS[kind]
        self.import_id = str(import_id)
        self.connection = session.connection()
        self.postgres = self.connection.dialect.name == "postgresql"
        self.written = 0
        self.dropped: list = []
        self.foreign_keys: list = []  # (name, definition) dropped for a large import, added back in finish()
        self._copy = None
        self._stack: contextlib.ExitStack | None = None
        if not self.postgres:
            marks = ", ".join("?" for _ in self.fields)
            self.sql = f'INSERT INTO {self.table.name} ({", ".join(self.fields)}) VALUES ({marks})'

    def add(self, row_nos: list[int], columns: dict[str, list], estimated_total: int) -> None:
        if not row_nos:
            return
        if not self.dropped and not self.written and estimated_total >= DROP_INDEXES_ABOVE:
            self._maybe_drop_indexes(estimated_total)
        data = [columns[f] for f in self.fields[2:]]
        if self.postgres:
            self._copy_rows(row_nos, data)
        else:
            ids = [self.import_id] * len(row_nos)
            self.connection.exec_driver_sql(self.sql, list(zip(ids, row_nos, *data)))
        self.written += len(row_nos)

    def _copy_rows(self, row_nos: list[int], data: list[list]) -> None:
        if self._copy is None:
            from psycopg.copy import QueuedLibpqWriter

            raw = self.connection.connection.driver_connection
            self._stack = contextlib.ExitStack()
            cursor = self._stack.enter_context(raw.cursor())
            self._copy = self._stack.enter_context(cursor.copy(
                f'COPY {self.table.name} ({", ".join(self.fields)}) FROM STDIN',
                writer=QueuedLibpqWriter(cursor)))
        text_columns = [[self.import_id] * len(row_nos), list(map(str, row_nos))]
        for column in data:
            column = ["\\N" if v is None else v for v in column]
            if _COPY_SPECIAL.search("".join(column)):
                column = [_copy_escape(v) if v != "\\N" else v for v in column]
            text_columns.append(column)
        block = "\n".join(map("\t".join, zip(*text_columns))) + "\n"
        self._copy.write(block.encode("utf-8"))

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

    def _maybe_drop_indexes(self, estimated_total: int) -> None:
        existing = self._table_rows()
        if existing > 4 * estimated_total:
            return
        self.dropped = [index for index in self.table.indexes]
        for index in self.dropped:
            index.drop(self.connection)
        if self.postgres:
            self._drop_foreign_keys()

    def _drop_foreign_keys(self) -> None:
        """Drop the table's foreign keys (import_id → roll_import) until `finish`.

        A foreign key checks every COPYed row with a trigger (a lookup in roll_import per row);
        adding it back at the end validates all rows with one join. Each constraint is re-created
        from its own definition under its own name (whatever the migration called it).
        """
        self.foreign_keys = self.connection.exec_driver_sql(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %(t)s::regclass AND contype = 'f'", {"t": self.table.name}).all()
        for name, _definition in self.foreign_keys:
            self.connection.exec_driver_sql(f'ALTER TABLE {self.table.name} DROP CONSTRAINT "{name}"')

    def _table_rows(self) -> int:
        if self.postgres:
            value = self.connection.exec_driver_sql(
                "SELECT reltuples FROM pg_class WHERE oid = %(t)s::regclass", {"t": self.table.name}).scalar()
            if value is not None and value >= 0:
                return int(value)
        return int(self.connection.exec_driver_sql(f"SELECT COUNT(*) FROM {self.table.name}").scalar() or 0)

    def finish(self) -> None:
        self.end_copy()
        if self.postgres and self.dropped:
            self.connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        for index in self.dropped:
            index.create(self.connection)
        self.dropped = []
        for name, definition in self.foreign_keys:
            self.connection.exec_driver_sql(f'ALTER TABLE {self.table.name} ADD CONSTRAINT "{name}" {definition}')
        self.foreign_keys = []
        if self.written >= ANALYZE_ABOVE:
            if not self.postgres:
                self.connection.exec_driver_sql("PRAGMA analysis_limit = 1000")
            self.connection.exec_driver_sql(f"ANALYZE {self.table.name}")


def _copy_escape(value: str) -> str:
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
            .replace("\x00", ""))


def process(path: Path, *, kind: str, filename: str, programme: str | None = None,
            session: Session | None = None, user: object | None = None,
            progress: Callable[[float], None] | None = None) -> ImportReport:
    """Read and validate the file; with a session, also write the rows (the caller commits).

    Raises RollImportError when nothing can be imported, or when the same data was imported before.
    """
    if kind not in KINDS:
        raise RollImportError(f"未知的名册类型：{kind}（可选：{'、'.join(KINDS)}）")
    spec = KINDS[kind]
    report = ImportReport(kind=kind, filename=filename, programme=programme or None,
                          file_sha256=file_sha256(path))
    writer = None
    try:
        source = RowSource(path, Path(filename).suffix)
        rows = iter(source)
        head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
        if not head:
            raise ReadError("文件中没有任何数据行")
        header = find_header(spec, head, programme_given=bool(programme))
        report.encoding, report.header_row = source.encoding, header.row_no
        report.columns = header.labels(spec)
        _refuse_repeat(session, report, RollImport.file_sha256, report.file_sha256)
        converter = _ChunkConverter(spec, header, programme)
        record = None
        if session is not None:
            record = RollImport(kind=kind, programme=programme, filename=filename[:255],
                                file_sha256=report.file_sha256, content_hash="",
                                imported_by_id=getattr(user, "id", None))
            session.add(record)
            session.flush()
            writer = _Writer(session, kind, record.id)
        # The content hash covers the validated values column by column (not row numbers), so the
        # same rows in another file or format hash the same.
        digests = [hashlib.sha256() for _ in converter.fields]
        pending = [row for row in head if row[0] > header.row_no]
        while True:
            chunk = pending + list(itertools.islice(rows, CHUNK - len(pending)))
            pending = []
            if not chunk:
                break
            row_nos, columns = converter.convert(chunk, report)
            for digest, name in zip(digests, converter.fields):
                digest.update("\x1f".join(["\x00" if v is None else v for v in columns[name]]).encode())
                digest.update(b"\x1e")
            if len(report.sample) < SAMPLE_ROWS:
                for j in range(min(SAMPLE_ROWS - len(report.sample), len(row_nos))):
                    report.sample.append({"row_no": row_nos[j], **{f: columns[f][j] for f in converter.fields}})
            if writer is not None:
                fraction = source.fraction()
                writer.add(row_nos, columns, int(report.rows_read / fraction) if fraction > 0 else report.rows_read)
            if progress is not None:
                progress(source.fraction())
    except ReadError as exc:
        if writer is not None:
            writer.abort()
        raise RollImportError(str(exc)) from exc
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    if report.rows_imported == 0:
        if writer is not None:
            writer.abort()
        raise RollImportError(_nothing_message(report))
    whole = hashlib.sha256()
    for digest in digests:
        whole.update(digest.digest())
    report.content_hash = whole.hexdigest()
    if writer is not None:
        writer.end_copy()
    _refuse_repeat(session, report, RollImport.content_hash, report.content_hash)
    if writer is not None:
        writer.finish()
        record.content_hash = report.content_hash
        record.rows_read, record.rows_imported = report.rows_read, report.rows_imported
        record.rows_id_problem, record.rows_rejected = report.rows_id_problem, report.rows_rejected
        record.header_row, record.columns = report.header_row, report.columns
        record.problems = [[p.row_no, p.column, p.reason, p.rejected] for p in report.problems]
        session.add(record)
        session.flush()
        report.import_id = record.id
    if progress is not None:
        progress(1.0)
    return report


def _nothing_message(report: ImportReport) -> str:
    if report.rows_read == 0:
        return "表头下面没有数据行，没有可导入的内容"
    first = "；".join(f"第{p.row_no}行{p.column}：{p.reason}" for p in report.problems[:3])
    return f"{report.rows_read}行数据全部未通过校验，没有导入任何内容（{first}）"


def _refuse_repeat(session: Session | None, report: ImportReport, column, value: str | None) -> None:
    """Refuse an import whose file (or whose validated rows) an earlier import of this kind already had."""
    if session is None:
        return
    earlier = session.exec(select(RollImport).where(RollImport.kind == report.kind, column == value)).first()
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
        RollImport.kind == kind,
        (RollImport.file_sha256 == sha256) | (RollImport.content_hash == content_hash))).first()
