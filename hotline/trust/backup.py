"""Backup and restore of the database: SQLite by its online backup API, PostgreSQL by pg_dump/pg_restore.

A backup holds identity only sealed (the vault's ciphertext): keep IDENTITY_KEY (and the old
keys) apart from the backups, or the restored identities cannot be opened.
"""
from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import sqlalchemy as sa

from hotline.db import make_engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
IGNORED_TABLES = {"alembic_version"}  # a migrated but empty database is still empty


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why, in Chinese."""


@dataclass
class Result:
    path: Path
    kind: str  # sqlite | postgresql
    tables: int
    rows: int


def kind_of(url: str) -> str:
    if url.startswith("sqlite"):
        return "sqlite"
    if url.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"不支持的数据库类型：{url.split(':', 1)[0]}")


def sqlite_path(url: str) -> Path:
    path = url.split("///", 1)[-1]
    if not path or path == ":memory:":
        raise BackupError("内存数据库无法备份")
    return Path(path)


def table_counts(url: str) -> dict[str, int]:
    """Rows per table of the database (in its search_path schema on PostgreSQL)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            return {name: conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in names}
    finally:
        engine.dispose()


def is_empty(url: str) -> bool:
    return not any(n for name, n in table_counts(url).items() if name not in IGNORED_TABLES)


# --- backup --------------------------------------------------------------------------------

def backup(url: str, out: Path) -> Result:
    """Write a consistent backup of the database at URL to OUT (refuses to overwrite)."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"备份文件已存在：{out}（请换一个文件名，以免覆盖旧备份）")
    out.parent.mkdir(parents=True, exist_ok=True)
    kind = kind_of(url)
    counts = table_counts(url)
    if kind == "sqlite":
        _sqlite_backup(sqlite_path(url), out)
    else:
        _pg_dump(url, out)
    return Result(out, kind, len(counts), sum(counts.values()))


def _sqlite_backup(source: Path, out: Path) -> None:
    if not source.exists():
        raise BackupError(f"数据库文件不存在：{source}")
    scratch = out.with_name(out.name + ".part")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(scratch)
    try:
        src.backup(dst)  # the online backup API: a consistent copy while others write
    finally:
        dst.close()
        src.close()
    scratch.replace(out)


def _libpq(url: str) -> tuple[str, str | None]:
    """A URL pg_dump/pg_restore understand (no SQLAlchemy driver), and the schema in search_path."""
    url = re.sub(r"^postgresql\+\w+://", "postgresql://", url)
    options = " ".join(parse_qs(urlsplit(url).query).get("options", []))
    match = re.search(r"-c\s*search_path=([\w$]+)", unquote(options))
    return url, match.group(1) if match else None


def _major(text: str) -> int:
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", text) or re.match(r"\s*(\d+)", text)
    if not match:
        raise BackupError(f"无法识别 PostgreSQL 版本：{text}")
    return int(match.group(1))


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}：请安装与服务器同一主版本的 PostgreSQL 客户端")
    return found


def check_versions(url: str, tool: str) -> None:
    """pg_dump cannot read a newer server: the client's major version must be at least the server's."""
    client = _major(subprocess.run([_tool(tool), "--version"], capture_output=True, text=True,
                                   check=True).stdout)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            server = int(conn.execute(sa.text("SHOW server_version_num")).scalar_one()) // 10000
    finally:
        engine.dispose()
    if client < server:
        raise BackupError(f"{tool} 的版本（{client}）低于数据库服务器（{server}），请安装 PostgreSQL {server} 客户端")


def _run(args: list[str], what: str) -> None:
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what}失败：{done.stderr.strip()[-800:]}")


def _pg_dump(url: str, out: Path) -> None:
    check_versions(url, "pg_dump")
    libpq, schema = _libpq(url)
    scratch = out.with_name(out.name + ".part")
    args = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={scratch}"]
    if schema:
        args.append(f"--schema={schema}")
    _run([*args, f"--dbname={libpq}"], "pg_dump 备份")
    scratch.replace(out)


# --- restore -------------------------------------------------------------------------------

def backup_kind(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} 不是本系统的备份文件（既不是 SQLite 数据库，也不是 pg_dump 自定义格式）")


def restore(url: str, source: Path, *, force: bool = False) -> Result:
    """Restore the backup at SOURCE into the database at URL; a non-empty target needs force."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"备份文件不存在：{source}")
    kind, made_by = kind_of(url), backup_kind(source)
    if kind != made_by:
        raise BackupError(f"备份文件来自 {made_by} 数据库，不能恢复到 {kind} 数据库")
    if not force and not is_empty(url):
        raise BackupError("目标数据库不是空的，恢复会覆盖其中全部数据；确认无误请加 --force")
    if kind == "sqlite":
        _sqlite_restore(source, sqlite_path(url))
    else:
        _pg_restore(url, source)
    counts = table_counts(url)
    return Result(source, kind, len(counts), sum(counts.values()))


def _sqlite_restore(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"备份文件已损坏：{source}")
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # replaces every page of the target, in one step
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"备份文件无法读取：{exc}") from exc
    finally:
        src.close()


def _pg_restore(url: str, source: Path) -> None:
    check_versions(url, "pg_restore")
    libpq, _schema = _libpq(url)
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", f"--dbname={libpq}", str(source)], "pg_restore 恢复")
