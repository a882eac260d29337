"""Checkpoints of the audit chain's head, kept outside the database (an append-only file).

Each line is one JSON object: the chain's size (its last `seq`), the id and MAC of its last row,
the time, the previous checkpoint's MAC, and `mac`, an HMAC-SHA256 of all that under AUDIT_KEY.
An administrator who deletes the last rows of the audit table, or re-chains it, cannot make the
rows agree with a checkpoint written before; one who edits the file cannot forge its MACs
without the key. Written by the `audit.checkpoint` job and by every `audit verify`.
"""
from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from hotline import audit
from models.audit import AuditEntry
from models.base import utcnow

_TABLE = AuditEntry.__table__
GENESIS = audit.GENESIS


@dataclass(frozen=True)
class Checkpoint:
    line: int
    size: int
    last_id: int | None
    head: str
    at: str
    prev: str
    mac: str


def _mac(key: bytes, fields: dict) -> str:
    message = json.dumps({k: fields[k] for k in ("size", "last_id", "head", "at", "prev")}, sort_keys=True)
    return hmac.new(key, b"checkpoint:" + message.encode(), hashlib.sha256).hexdigest()


def read(path: Path, key: bytes, problems: list[str]) -> list[Checkpoint]:
    """The checkpoints whose MAC holds; every line that does not hold is named in `problems`."""
    if not path.exists():
        return []
    found, prev = [], GENESIS
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            fields = json.loads(text)
            point = Checkpoint(line=number, size=int(fields["size"]), last_id=fields["last_id"],
                               head=str(fields["head"]), at=str(fields["at"]), prev=str(fields["prev"]),
                               mac=str(fields["mac"]))
        except (ValueError, KeyError, TypeError):
            problems.append(f"检查点文件第 {number} 行无法读取（文件被改动）")
            continue
        if not hmac.compare_digest(_mac(key, fields), point.mac):
            problems.append(f"检查点文件第 {number} 行被改动（检查点自身的MAC不符）")
            continue
        if point.prev != prev:
            problems.append(f"检查点文件第 {number} 行之前的检查点被删除或改动（检查点链接不符）")
        found.append(point)
        prev = point.mac
    return found


def check_all(bind: sa.Engine, key: bytes, path: Path, report: audit.ChainReport) -> None:
    """Hold the chain against every checkpoint: each must still find its head row, with its MAC."""
    points = read(path, key, report.problems)
    with bind.connect() as conn:
        for point in points:
            if point.size == 0:
                continue
            if point.size > report.head_seq and report.broken_at is None:
                report.problems.append(
                    f"检查点（{point.at}，文件第 {point.line} 行）记录链长 {point.size} 条，现仅 {report.head_seq} 条："
                    f"第 {report.head_seq + 1} 至 {point.size} 条已被删除（截断）")
                continue
            row = conn.execute(sa.select(_TABLE.c.id, _TABLE.c.hash).where(_TABLE.c.seq == point.size)).first()
            if row is None or row.hash != point.head or row.id != point.last_id:
                report.problems.append(
                    f"检查点（{point.at}，文件第 {point.line} 行）与链不符：第 {point.size} 条记录已被改写或删除")


def append(path: Path, key: bytes, report: audit.ChainReport) -> dict:
    """Append a checkpoint of the head `report` found (under an exclusive lock on the file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        lines = [line for line in handle.read().splitlines() if line.strip()]
        prev = _last_mac(lines)
        fields = {"size": report.head_seq, "last_id": report.head_id, "head": report.head_hash,
                  "at": utcnow().isoformat(timespec="seconds"), "prev": prev}
        fields["mac"] = _mac(key, fields)
        handle.write(json.dumps(fields, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return fields


def _last_mac(lines: list[str]) -> str:
    if not lines:
        return GENESIS
    try:
        return str(json.loads(lines[-1])["mac"])
    except (ValueError, KeyError, TypeError):
        return GENESIS


def checkpoint_path(settings) -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE or Path(settings.INSTANCE_DIR) / "audit-checkpoints.jsonl")


def verify_and_checkpoint(bind: sa.Engine, key: bytes, path: Path) -> audit.ChainReport:
    """Seal, verify the whole chain against every checkpoint and, if all holds, append a checkpoint.

    A head that does not verify is never checkpointed: that would vouch for a rewritten chain.
    """
    audit.seal(bind, key)
    report = audit.verify_chain(bind, key)
    check_all(bind, key, path, report)
    if report.ok:
        append(path, key, report)
    return report


def checkpoint_since_last(bind: sa.Engine, key: bytes, path: Path) -> audit.ChainReport:
    """The job's cheaper step: seal, verify only the rows after the last checkpoint, checkpoint the head.

    The last checkpoint's own row must still carry its MAC; older checkpoints are left to `audit verify`.
    """
    audit.seal(bind, key)
    problems: list[str] = []
    points = read(path, key, problems)
    last = points[-1] if points else None
    report = audit.verify_chain(bind, key, after=(last.size, last.head) if last else None)
    report.problems[:0] = problems
    if last and last.size > report.head_seq and report.broken_at is None:
        report.problems.append(f"检查点（{last.at}）记录链长 {last.size} 条，现仅 {report.head_seq} 条（截断）")
    if report.ok:
        append(path, key, report)
    return report


def describe(report: audit.ChainReport, path: Path) -> list[str]:
    """What `audit verify` prints: the verdict, each problem, what the legacy marker says."""
    if report.ok:
        lines = [f"审计日志链完整：共 {report.head_seq} 条，已与检查点文件 {path} 核对并写入新检查点"]
    else:
        lines = [f"审计日志链校验失败（已校验 {report.checked} 条）："] + [f"  - {p}" for p in report.problems]
    if report.pending:
        lines.append(f"另有 {report.pending} 条记录尚未封存（提交于校验之后）")
    if report.legacy:
        lines.append(f"注意：前 {report.legacy.get('legacy_rows')} 条为升级前的记录（原为无密钥的SHA-256链，"
                     f"升级时检查结果：{report.legacy.get('legacy_chain')}），于第 {report.legacy['sealed_at_seq']} 条"
                     "起以密钥封存；升级之前对它们的改动无法由密钥发现")
    return lines
