"""Web reports kept on disk while the database is down, stored once when it is back.

The reporter is given a receipt code and access key at once; the spooled line (sealed with the
identity vault: it holds the report, maybe a name and number, and the files) carries them, so the
stored complaint answers to the code the reporter wrote down. The form token's nonce makes the
replay idempotent (a second run finds the contact it made). Locking and the take-over by rename
are the telephony spool's.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import logging
import os
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from hotline.public import service
from hotline.telephony import spool as webhook_spool
from hotline.telephony.spool import append_line, database_unavailable, locked
from hotline.vault import VaultError, vault

log = logging.getLogger(__name__)

INBOX = "reports.jsonl"
REJECTED = "rejected.jsonl"
PLACE_FIELDS = {"township_id", "village_id"}


def directory(settings) -> Path:
    return Path(settings.SPOOL_DIR) / "public"


def append(folder: Path, report: service.WebReport, *, nonce: str, issued: service.Issued,
           received_at: dt.datetime) -> None:
    """Keep one report on disk (fsynced) before telling the reporter it was received."""
    fields = dataclasses.asdict(report)
    fields["files"] = [[name, base64.b64encode(data).decode("ascii")] for name, data in report.files]
    payload = json.dumps({"report": fields, "nonce": nonce, "code": issued.receipt_code,
                          "key": issued.access_key, "received_at": received_at.isoformat()}, ensure_ascii=False)
    append_line(folder, json.dumps({"v": 1, "sealed": vault().seal(payload, field="public-spool")}), INBOX)


@dataclasses.dataclass
class Replayed:
    stored: int = 0
    already: int = 0
    rejected: int = 0
    remaining: int = 0
    database_down: bool = False


def replay(folder: Path, *, engine: sa.Engine, lookup_key: bytes, max_chars: int) -> Replayed:
    """Store every spooled report once (safe to run again)."""
    result = Replayed()
    if not folder.exists():
        return result
    with locked(folder):
        if (folder / INBOX).exists():
            stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
            os.replace(folder / INBOX, folder / f"replay-{stamp}-{os.getpid()}.jsonl")
    for path in sorted(folder.glob("replay-*.jsonl")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for index, line in enumerate(lines):
            outcome = _store(line, engine, lookup_key, max_chars)
            if outcome == "down":
                path.write_text("".join(rest + "\n" for rest in lines[index:]), encoding="utf-8")
                result.database_down = True
                result.remaining = pending(folder)
                return result
            if outcome == "rejected":
                with (folder / REJECTED).open("a", encoding="utf-8") as out:
                    out.write(line + "\n")
            setattr(result, outcome, getattr(result, outcome) + 1)
        path.unlink()
    result.remaining = pending(folder)
    return result


def _store(line: str, engine, lookup_key: bytes, max_chars: int) -> str:
    try:
        entry = json.loads(vault().open(json.loads(line)["sealed"], field="public-spool"))
        fields = entry["report"]
        fields["files"] = [(name, base64.b64decode(data)) for name, data in fields["files"]]
        report = service.WebReport(**fields)
        issued = service.Issued(entry["code"], entry["key"])
        received_at = dt.datetime.fromisoformat(entry["received_at"])
    except (ValueError, KeyError, TypeError, VaultError) as exc:
        log.error("public spool line unreadable, moved to %s: %s", REJECTED, exc)
        return "rejected"
    with Session(engine, expire_on_commit=False) as session:
        try:
            if service.existing_submission(session, entry["nonce"]) is not None:
                return "already"
            service.submit(session, report, nonce=entry["nonce"], lookup_key=lookup_key,
                           max_chars=max_chars, issued=issued, received_at=received_at)
            session.commit()
            return "stored"
        except service.PublicError as exc:
            session.rollback()
            if set(exc.errors) <= PLACE_FIELDS and (report.township_id or report.village_id):
                # Chosen from a list the reporter saw, checked only now: the place is dropped
                # rather than the report (triage finds it again from the text).
                report.township_id = report.village_id = ""
                return _store_again(session, report, entry, issued, received_at, lookup_key, max_chars)
            log.error("spooled web report refused (%s); moved to %s", exc, REJECTED)
            return "rejected"
        except Exception as exc:
            session.rollback()
            if database_unavailable(exc):
                return "down"
            log.exception("spooled web report failed; moved to %s", REJECTED)
            return "rejected"


def _store_again(session, report, entry, issued, received_at, lookup_key, max_chars) -> str:
    try:
        service.submit(session, report, nonce=entry["nonce"], lookup_key=lookup_key,
                       max_chars=max_chars, issued=issued, received_at=received_at)
        session.commit()
        return "stored"
    except service.PublicError as exc:
        log.error("spooled web report refused (%s); moved to %s", exc, REJECTED)
        return "rejected"


def pending(folder: Path) -> int:
    """Reports waiting in the public spool."""
    return webhook_spool.pending(folder, INBOX)
