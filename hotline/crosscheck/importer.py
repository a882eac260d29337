"""Importing a roll file: read, find the header, validate every row, write in bulk, one transaction.

`process()` does the same work for a dry run (the web preview) and for a real import, so the
report an admin approves is the one the import produces. Rows are written in batches (COPY on
PostgreSQL, executemany on SQLite) inside the caller's transaction: an error midway leaves nothing.
"""
from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from classifiers.lexicon import PROGRAM_WORDS
from hotline.crosscheck import values
from hotline.crosscheck.kinds import KINDS, HeaderMatch, Kind, find_header
from hotline.crosscheck.readers import ReadError, RowSource
from models.rolls import ROW_TABLES, RollImport
from models.taxonomy import PROGRAM_LABELS, Program

MAX_PROBLEMS = 1000
SAMPLE_ROWS = 10
BATCH = 20_000
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


class _RowConverter:
    """Turns one row's cells into the tuple the table takes, or a rejection reason."""

    def __init__(self, kind: Kind, header: HeaderMatch, programme: str | None):
        self.kind = kind
        self.positions = header.positions
        self.columns = {c.field: c for c in kind.columns}
        self.programme = programme
        self.extra = EXTRA_FIELDS[kind.code]

    def cell(self, cells: list, name: str) -> object:
        index = self.positions.get(name)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def convert(self, row_no: int, cells: list, report: ImportReport) -> dict | None:
        out: dict = {"row_no": row_no}
        name = values.text(self.cell(cells, "name"))
        if not name:
            report.add_problem(Problem(row_no, self.columns["name"].label, "姓名为空", True))
            return None
        out["name"] = name[:_LIMITS["name"]]
        out["name_key"], out["name_py"] = values.name_keys(name)
        number, cleaned, error, born = values.check_id(self.cell(cells, "id_number"))
        out.update(id_number=number, id_raw=cleaned or None, id_error=error, birth_date=born)
        if error:
            report.add_problem(Problem(row_no, self.columns["id_number"].label, error, False))
        for name_ in self.extra:
            if name_ in out:
                continue
            if name_ == "program":
                out["program"] = program_code(out["programme"])
                continue
            if name_ == "relative_name_key":
                rel = out.get("relative_name")
                out[name_] = values.name_keys(rel)[0] if rel else None
                continue
            column = self.columns[name_]
            raw = self.cell(cells, name_)
            if name_ == "programme" and not values.text(raw) and self.programme:
                raw = self.programme
            try:
                out[name_] = self._value(column, raw, report, row_no)
            except ValueError as exc:
                report.add_problem(Problem(row_no, column.label, str(exc), True))
                return None
        return out

    def _value(self, column, raw, report: ImportReport, row_no: int):
        blank = raw is None or (isinstance(raw, str) and not raw.strip())
        if blank:
            if column.required:
                raise ValueError(f"{column.label}为空")
            return None
        if column.kind == "amount":
            return values.amount(raw)
        if column.kind == "date":
            return values.date(raw)
        if column.kind == "id":
            number, _cleaned, error, _born = values.check_id(raw)
            if error:
                report.add_problem(Problem(row_no, column.label, f"{error}（该列留空处理）", False))
            return number
        return values.text(raw)[:_LIMITS.get(column.field, 200)] or None


class _Writer:
    """Buffers rows and writes them in batches inside the session's transaction."""

    def __init__(self, session: Session, kind: str):
        self.table = ROW_TABLES[kind].__table__
        self.fields = BASE_FIELDS + EXTRA_FIELDS[kind]
        self.connection = session.connection()
        self.postgres = self.connection.dialect.name == "postgresql"
        self.buffer: list[tuple] = []
        if not self.postgres:
            marks = ", ".join("?" for _ in self.fields)
            self.sql = f'INSERT INTO {self.table.name} ({", ".join(self.fields)}) VALUES ({marks})'

    def add(self, row: tuple) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        if self.postgres:
            raw = self.connection.connection.driver_connection
            with raw.cursor() as cursor, cursor.copy(
                    f'COPY {self.table.name} ({", ".join(self.fields)}) FROM STDIN') as copy:
                for row in self.buffer:
                    copy.write_row(row)
        else:
            rows = [tuple(_sqlite_value(v) for v in row) for row in self.buffer]
            self.connection.exec_driver_sql(self.sql, rows)
        self.buffer.clear()


def _sqlite_value(value):
    if value is None or isinstance(value, (str, int, float)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)  # Decimal


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
    try:
        source = RowSource(path, Path(filename).suffix)
        rows = iter(source)
        head: list[tuple[int, list]] = []
        for row in rows:
            head.append(row)
            if len(head) >= 15:
                break
        if not head:
            raise ReadError("文件中没有任何数据行")
        header = find_header(spec, head, programme_given=bool(programme))
        report.encoding, report.header_row = source.encoding, header.row_no
        report.columns = header.labels(spec)
        _check_previous_file(session, report)
        converter = _RowConverter(spec, header, programme)
        writer = _Writer(session, kind) if session is not None else None
        record = None
        if writer is not None:
            record = RollImport(kind=kind, programme=programme, filename=filename[:255],
                                file_sha256=report.file_sha256, content_hash="",
                                imported_by_id=getattr(user, "id", None))
            session.add(record)
            session.flush()
        digest = hashlib.sha256()
        fields = (writer.fields if writer else BASE_FIELDS + EXTRA_FIELDS[kind])[1:]
        import_id = record.id if record else None

        def rows_after_header():
            for row_no, cells in head:
                if row_no > header.row_no:
                    yield row_no, cells
            yield from rows

        for count, (row_no, cells) in enumerate(rows_after_header(), start=1):
            report.rows_read += 1
            out = converter.convert(row_no, cells, report)
            if out is None:
                report.rows_rejected += 1
                continue
            report.rows_imported += 1
            if out["id_error"]:
                report.rows_id_problem += 1
            values_ = tuple(out.get(f) for f in fields)
            digest.update(repr(values_[1:]).encode())
            if len(report.sample) < SAMPLE_ROWS:
                report.sample.append(out)
            if writer is not None:
                writer.add((import_id, *values_))
            if progress is not None and count % 20_000 == 0:
                progress(source.fraction())
    except ReadError as exc:
        raise RollImportError(str(exc)) from exc
    if report.rows_imported == 0:
        raise RollImportError(_nothing_message(report))
    report.content_hash = digest.hexdigest()
    _check_previous_content(session, report)
    if writer is not None:
        writer.flush()
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


def _check_previous_file(session: Session | None, report: ImportReport) -> None:
    if session is None:
        return
    earlier = session.exec(select(RollImport).where(RollImport.kind == report.kind,
                                                    RollImport.file_sha256 == report.file_sha256)).first()
    if earlier is not None:
        report.duplicate_of = earlier
        raise DuplicateImport(_duplicate_message(earlier))


def _check_previous_content(session: Session | None, report: ImportReport) -> None:
    if session is None:
        return
    earlier = session.exec(select(RollImport).where(RollImport.kind == report.kind,
                                                    RollImport.content_hash == report.content_hash)).first()
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
