"""The durable spool: raw Twilio requests kept on disk while the database is unavailable.

Web workers append one JSON line per request to `inbound.jsonl` (under a lock file, fsynced),
sealed with the identity vault since it holds the sender's number and words.
`replay` takes the file over by renaming it, ingests each line through the same code as the
webhooks (idempotent by sid), and deletes the file once every line is in the database. A line
that can never be ingested is moved to `rejected.jsonl` for a person to look at; a database
still down stops the replay and keeps the rest for the next run.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from werkzeug.datastructures import MultiDict

from hotline.settings import Settings
from hotline.telephony import inbound
from hotline.telephony.sms import BadWebhook
from hotline.vault import VaultError, vault

log = logging.getLogger(__name__)

INBOX = "inbound.jsonl"
REJECTED = "rejected.jsonl"
_LOCK = ".spool.lock"
_REPLAY_LOCK = ".replay.lock"


def database_unavailable(exc: BaseException) -> bool:
    """Errors that mean 'try again later' rather than 'this request is bad'."""
    if isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)):
        return True
    return isinstance(exc, sa.exc.DBAPIError) and bool(exc.connection_invalidated)


def outage_reason(exc: BaseException) -> str:
    """The driver's own words for an outage, on one line: not the statement (kilobytes, once per
    spooled request) and never its values (the engine hides them: hotline.db.make_engine)."""
    words = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {words[0] if words else ''}"[:300]


@contextmanager
def locked(directory: Path, name: str = _LOCK, *, blocking: bool = True) -> Iterator[bool]:
    """Hold the spool folder's file lock (yields False when not blocking and another holds it)."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / name, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing releases the lock


def append(directory: Path, *, kind: str, form, received_at: dt.datetime, path: str) -> None:
    """Keep one raw request on disk before answering Twilio (fsynced: it survives a crash)."""
    pairs = [[key, value] for key, values in form.lists() for value in values]
    payload = json.dumps({"kind": kind, "path": path, "received_at": received_at.isoformat(), "form": pairs},
                         ensure_ascii=False)
    # Sealed like any identity: a spooled SMS holds the sender's number and words.
    append_line(directory, json.dumps({"v": 2, "kind": kind, "sealed": vault().seal(payload, field="spool")}))


def append_line(directory: Path, line: str, inbox: str = INBOX) -> None:
    """Append one sealed line to a spool's inbox and fsync it (the webhook and public spools share it)."""
    with locked(directory):
        fd = os.open(directory / inbox, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)


def pending(directory: Path, inbox: str = INBOX) -> int:
    """Requests waiting in the spool."""
    files = [directory / inbox, *directory.glob("replay-*.jsonl")] if directory.exists() else []
    return sum(sum(1 for line in f.open(encoding="utf-8") if line.strip()) for f in files if f.exists())


@dataclass
class ReplayReport:
    ingested: int = 0
    rejected: int = 0
    remaining: int = 0
    busy: bool = False
    database_down: bool = False


def replay(*, directory: Path, engine: sa.Engine, settings: Settings, lookup_key: bytes) -> ReplayReport:
    """Ingest every spooled request (safe to run again, or twice at once: the second one waits out)."""
    report = ReplayReport()
    if not directory.exists():
        return report
    with locked(directory, _REPLAY_LOCK, blocking=False) as mine:
        if not mine:
            report.busy = True
            return report
        with locked(directory):
            if (directory / INBOX).exists():
                stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
                os.replace(directory / INBOX, directory / f"replay-{stamp}-{os.getpid()}.jsonl")
        for path in sorted(directory.glob("replay-*.jsonl")):
            if not _replay_file(path, directory, engine, settings, lookup_key, report):
                report.database_down = True
                break
    report.remaining = pending(directory)
    return report


def _replay_file(path: Path, directory: Path, engine, settings, lookup_key, report: ReplayReport) -> bool:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for index, line in enumerate(lines):
        outcome = _replay_line(line, engine, settings, lookup_key)
        if outcome == "down":  # keep only what is not in yet
            scratch = path.with_suffix(".tmp")
            scratch.write_text("".join(rest + "\n" for rest in lines[index:]), encoding="utf-8")
            os.replace(scratch, path)
            return False
        if outcome == "rejected":
            with locked(directory):
                with (directory / REJECTED).open("a", encoding="utf-8") as out:
                    out.write(line + "\n")
            report.rejected += 1
        else:
            report.ingested += 1
    path.unlink()
    return True


def _replay_line(line: str, engine, settings, lookup_key) -> str:
    try:
        entry = json.loads(vault().open(json.loads(line)["sealed"], field="spool"))
        kind = entry["kind"]
        form = MultiDict([(str(k), str(v)) for k, v in entry["form"]])
        received_at = dt.datetime.fromisoformat(entry["received_at"])
        if received_at.tzinfo is None:
            raise ValueError("naive timestamp")
    except (ValueError, KeyError, TypeError, VaultError) as exc:
        log.error("spool line unreadable, moved to %s: %s", REJECTED, exc)
        return "rejected"
    for attempt in range(2):  # a duplicate racing us: the second pass finds the existing rows
        with Session(engine, expire_on_commit=False) as session:
            try:
                inbound.process(kind, form, session=session, settings=settings, lookup_key=lookup_key,
                                received_at=received_at, replayed=True)
                session.commit()
                return "ingested"
            except IntegrityError:
                session.rollback()
                if attempt:
                    log.exception("spooled %s keeps conflicting; moved to %s", kind, REJECTED)
                    return "rejected"
            except BadWebhook as exc:
                log.error("spooled %s is invalid (%s); moved to %s", kind, exc, REJECTED)
                return "rejected"
            except Exception as exc:
                if database_unavailable(exc):
                    log.warning("database still unavailable; spool replay stops: %s", outage_reason(exc))
                    return "down"
                log.exception("spooled %s failed; moved to %s", kind, REJECTED)
                return "rejected"
    return "rejected"
