"""MMS evidence: the pictures (and files) of an inbound SMS with NumMedia > 0.

The webhook only records them (`record`: one MmsMedia row per MediaUrlN, unique per MessageSid and
N, so a repeated webhook or a replayed spool line records nothing twice) and answers at once; the
scheduled job (`fetch_due`) fetches each with the account's credentials through the Twilio REST
client's HTTP client (`MediaHttpClient`, or the one tests inject: no test reaches the network),
checks it by content exactly as a web file is checked (`hotline.public.files.check`: type by its
bytes, size, EXIF location stripped), and stores it sealed as an Attachment of the report. A file
refused (too big, a type we do not take, content not what Twilio says) or given up on after
MAX_ATTEMPTS fetch errors keeps its row with the Chinese reason, is audited, and the sender is told
by SMS; a fetch error is retried with backoff. A claim (optimistic UPDATE) lets one job run store
each file, and its Attachment is written in the same transaction as the row's `stored` state.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from hotline import audit, controlchars
from hotline.public import files as evidence
from hotline.public.service import store_files
from hotline.telephony import outbox
from hotline.vault import vault
from models.attachments import MmsMedia
from models.base import utcnow

log = logging.getLogger(__name__)

MAX_MEDIA = 10  # Twilio's own limit per message; more is a forged webhook
MAX_ATTEMPTS = 6
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
CLAIM_MINUTES = 10
FETCH_TIMEOUT = 30
# Where Twilio keeps message media; any other host in MediaUrlN is never fetched (no request to an
# address a forged webhook chose, and never our credentials to a stranger).
TWILIO_HOSTS = ("api.twilio.com",)
# Twilio's content type → the extension the content must then prove (files.check sniffs the bytes).
EXTENSIONS = {"image/jpeg": "jpg", "image/jpg": "jpg", "image/png": "png", "application/pdf": "pdf",
              evidence.MIME["docx"]: "docx", evidence.MIME["xlsx"]: "xlsx"}
PENDING, FETCHING, STORED, REFUSED, FAILED, SKIPPED = "pending", "fetching", "stored", "refused", "failed", "skipped"
STATUS_LABELS = {PENDING: "待获取", FETCHING: "获取中", STORED: "已保存", REFUSED: "未接收", FAILED: "获取失败",
                 SKIPPED: "未作为材料"}
PLACEHOLDER = "【彩信】来信人发送了{count}个附件，未附文字说明，请查看附件。"


# --- the bytes path of the HTTP client ----------------------------------------------------------

@dataclass
class Fetched:
    status_code: int
    content: bytes = b""
    content_type: str = ""
    too_big: bool = False


class MediaHttpClient(TwilioHttpClient):
    """Twilio's HTTP client with a bytes path: `request` answers text (JSON), media is binary.

    Follows Twilio's redirect to its media store (requests drops the credentials when the host
    changes) and stops reading past `max_bytes`, so a huge file never fills memory."""

    def request_bytes(self, url: str, *, auth: tuple[str, str] | None, timeout: float, max_bytes: int) -> Fetched:
        session = self.session or requests.Session()
        with session.get(url, auth=auth, timeout=timeout, stream=True, allow_redirects=True,
                         proxies=self.proxy or None) as response:
            if response.status_code >= 400:
                return Fetched(response.status_code)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                return Fetched(response.status_code, too_big=True)
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > max_bytes:
                    return Fetched(response.status_code, too_big=True)
            return Fetched(response.status_code, bytes(body), response.headers.get("Content-Type", ""))


class FetchError(Exception):
    """A fetch that may work later (network, Twilio 5xx/429, credentials not yet right)."""


def make_client(settings, http_client=None) -> Client:
    """The REST client whose HTTP client fetches media; tests inject theirs (app.extensions)."""
    return outbox.make_client(settings, http_client or MediaHttpClient(timeout=FETCH_TIMEOUT))


def fetch(client: Client, url: str, *, max_bytes: int = evidence.MAX_FILE_BYTES) -> Fetched:
    """One media file through the client's HTTP client, with the account's credentials."""
    http = client.http_client
    if not hasattr(http, "request_bytes"):
        raise FetchError("HTTP client has no bytes path (use MediaHttpClient)")
    try:
        return http.request_bytes(url, auth=client.auth, timeout=FETCH_TIMEOUT, max_bytes=max_bytes)
    except (requests.RequestException, OSError) as exc:
        raise FetchError(f"网络错误：{type(exc).__name__}") from exc


# --- the webhook: record what arrived ---------------------------------------------------------

def count(form) -> int:
    """NumMedia as sent (0 for a missing or malformed value), at most MAX_MEDIA."""
    raw = (form.get("NumMedia") or "0").strip()
    return min(int(raw), MAX_MEDIA) if raw.isdigit() else 0


def _twilio_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and (parts.hostname or "") in TWILIO_HOSTS and len(url) <= 500


def record(session: Session, form, *, message_sid: str, sender_number: str | None, complaint_id: int | None,
           contact_id: int | None, as_evidence: bool, now: dt.datetime) -> list[MmsMedia]:
    """A row per MediaUrlN of this message (none twice). Media of a message that is not a report
    (查询, 退订) is kept as `skipped`: recorded, never fetched. The caller commits."""
    rows = []
    sealed = vault().seal(sender_number, field="phone") if sender_number else None
    for position in range(count(form)):
        url = controlchars.drop(form.get(f"MediaUrl{position}") or "").strip()
        content_type = (form.get(f"MediaContentType{position}") or "").strip().lower()[:100]
        row = MmsMedia(message_sid=message_sid, position=position, url=url[:500], content_type=content_type,
                       complaint_id=complaint_id, contact_id=contact_id, sender_enc=sealed,
                       next_attempt_at=now, created_at=now, updated_at=now)
        if not _twilio_url(url):
            row.status, row.error = REFUSED, "附件地址不是Twilio的媒体地址，未获取"
        elif not as_evidence:
            row.status, row.error = SKIPPED, "随查询或退订短信发送的附件不作为举报材料；请随举报内容一并发送"
        elif complaint_id is None:  # the report itself was refused (the reply says why)
            row.status, row.error = SKIPPED, "短信未能受理，附件未作为材料保存"
        if row.status != PENDING:
            row.sender_enc = None  # the number is kept only while a notice may still be due
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:  # the same message recorded by a concurrent retry
            continue
        rows.append(row)
    return rows


def with_media_note(reply: str, rows: list[MmsMedia]) -> str:
    """The SMS reply, telling the sender what happens to the pictures."""
    waiting = sum(1 for row in rows if row.status == PENDING)
    if not waiting or not reply:
        return reply
    return f"{reply}您发送的{waiting}个附件将作为证据材料保存，如未能保存将短信告知。"


# --- the job: fetch, check, store --------------------------------------------------------------

@dataclass
class FetchReport:
    stored: int = 0
    refused: int = 0
    failed: int = 0
    retried: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def _claim(session: Session, media_id: int, now: dt.datetime) -> bool:
    result = session.execute(
        sa.update(MmsMedia).where(MmsMedia.id == media_id, MmsMedia.status == PENDING,
                                  MmsMedia.next_attempt_at <= now)
        .values(status=FETCHING, attempts=MmsMedia.attempts + 1,
                claimed_until=now + dt.timedelta(minutes=CLAIM_MINUTES), updated_at=now))
    session.commit()
    return result.rowcount == 1


def _release_stale_claims(session: Session, now: dt.datetime) -> None:
    """A job that died mid-fetch stored nothing (the file and the state commit together): again."""
    session.execute(sa.update(MmsMedia).where(MmsMedia.status == FETCHING, MmsMedia.claimed_until < now)
                    .values(status=PENDING, claimed_until=None, updated_at=now))
    session.commit()


def fetch_due(*, session: Session, client: Client | None, lookup_key: bytes, now: dt.datetime | None = None,
              limit: int = 50) -> FetchReport:
    """Fetch and store the media that are due; each outcome committed on its own."""
    now = now or utcnow()
    report = FetchReport()
    if client is None:  # Twilio not configured: the rows wait (they are not lost)
        return report
    _release_stale_claims(session, now)
    due = session.exec(select(MmsMedia.id).where(MmsMedia.status == PENDING, MmsMedia.next_attempt_at <= now)
                       .order_by(MmsMedia.next_attempt_at, MmsMedia.id).limit(limit)).all()
    for media_id in due:
        if not _claim(session, media_id, now):
            continue  # another run has it
        row = session.get(MmsMedia, media_id)
        session.refresh(row)
        _fetch_one(session, client, row, lookup_key, now, report)
    return report


def _fetch_one(session: Session, client: Client, row: MmsMedia, lookup_key: bytes, now: dt.datetime,
               report: FetchReport) -> None:
    name = f"彩信附件{row.position + 1}"
    extension = EXTENSIONS.get(row.content_type.split(";")[0].strip())
    if extension is None:
        _refuse(session, row, f"“{name}”的类型（{row.content_type or '未知'}）不支持：只接受照片（JPG、PNG）、PDF、"
                              "Word（.docx）和Excel（.xlsx）", lookup_key, report)
        return
    try:
        fetched = fetch(client, row.url)
        if fetched.status_code in (404, 410):
            _give_up(session, row, f"“{name}”在Twilio已不存在（{fetched.status_code}），无法获取", lookup_key, report)
            return
        if fetched.status_code >= 400:
            raise FetchError(f"Twilio 返回 {fetched.status_code}")
    except FetchError as exc:
        _retry(session, row, f"获取失败：{exc}"[:300], now, lookup_key, report)
        return
    if fetched.too_big:
        _refuse(session, row, f"“{name}”过大，每个文件不超过{evidence.MAX_FILE_BYTES >> 20} MB", lookup_key, report)
        return
    try:
        checked = evidence.check(f"{name}.{extension}", fetched.content)
    except evidence.FileRefused as exc:
        _refuse(session, row, str(exc)[:300], lookup_key, report)
        return
    attachment = store_files(session, row.complaint_id, row.contact_id, [checked])[0]
    row.status, row.attachment_id, row.error, row.claimed_until = STORED, attachment.id, None, None
    row.updated_at = utcnow()
    row.sender_enc = None  # no notice is due: the number goes
    session.add(row)
    audit.record(session, actor=None, action="attachment.add", entity="complaint", entity_id=row.complaint_id,
                 detail={"count": 1, "kinds": [checked.kind], "channel": "sms", "media_id": row.id})
    session.commit()
    report.stored += 1


def _retry(session, row: MmsMedia, error: str, now: dt.datetime, lookup_key: bytes, report: FetchReport) -> None:
    if row.attempts >= MAX_ATTEMPTS:
        _give_up(session, row, f"多次{error}", lookup_key, report)
        return
    row.status, row.error, row.claimed_until = PENDING, error, None
    row.next_attempt_at, row.updated_at = now + backoff(row.attempts), utcnow()
    session.add(row)
    session.commit()
    report.retried += 1


def _refuse(session, row: MmsMedia, reason: str, lookup_key: bytes, report: FetchReport) -> None:
    _end(session, row, REFUSED, reason, lookup_key)
    report.refused += 1
    report.errors.append(reason)


def _give_up(session, row: MmsMedia, reason: str, lookup_key: bytes, report: FetchReport) -> None:
    _end(session, row, FAILED, reason, lookup_key)
    report.failed += 1
    report.errors.append(reason)


def _end(session: Session, row: MmsMedia, status: str, reason: str, lookup_key: bytes) -> None:
    """Not stored: the row keeps why, the audit trail has it, and the sender is told (once)."""
    row.status, row.error, row.claimed_until, row.updated_at = status, reason[:300], None, utcnow()
    session.add(row)
    audit.record(session, actor=None, action="attachment.refused", entity="complaint", entity_id=row.complaint_id,
                 detail={"channel": "sms", "media_id": row.id, "reason": reason[:300]})
    number = vault().open(row.sender_enc, field="phone") if row.sender_enc else None
    if number:
        try:
            outbox.enqueue(session=session, to_number=number, purpose="reply",
                           dedupe_key=f"mms-refused:{row.message_sid}:{row.position}", lookup_key=lookup_key,
                           body=f"您发送的彩信附件未能作为证据保存（{reason}）。可改为网上举报上传，或拨打举报电话说明。")
        except outbox.OutboxError:
            log.warning("could not queue the MMS refusal notice for media %s", row.id)
    row.sender_enc = None  # the notice holds it now (the outbox, which retention clears)
    session.add(row)
    session.commit()


def media_of(session: Session, complaint_id: int) -> list[MmsMedia]:
    """A complaint's MMS media, with their state (staff see what was not stored and why)."""
    return list(session.exec(select(MmsMedia).where(MmsMedia.complaint_id == complaint_id)
                             .order_by(MmsMedia.id)).all())
