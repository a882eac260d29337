"""The public side's domain: a web report through intake, its access key, the status look-up,
follow-ups, evidence files, the form token, and the spool for when the database is down."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session, select

from hotline import audit, controlchars, receipts
from hotline.intake import service as intake
from hotline.public import files as evidence, spam, throttle
from hotline.telephony.common import status_line
from hotline.vault import vault
from models.attachments import Attachment, PublicAccessKey
from models.base import utcnow
from models.cases import Case
from models.complaints import Complaint, ComplaintStatus
from models.contacts import Contact
from models.taxonomy import Channel
from models.users import Actor

KEY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read back over the phone
KEY_LENGTH = 6
FORM_MIN_SECONDS = 3  # a person takes longer than this to fill the form; a script does not
FORM_MAX_HOURS = 12
MAX_FOLLOWUP_CHARS = 5000
MAX_DETAIL = 100  # "when" and "where exactly"
_FORM_SALT = "public-report-form"


class PublicError(ValueError):
    """Refused; `errors` maps a field (or "form") to a Chinese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# --- the form token: a signed issue time, so a form must be some seconds old and not stale ------

def form_token(secret: str, nonce: str | None = None) -> str:
    return URLSafeTimedSerializer(secret, salt=_FORM_SALT).dumps({"n": nonce or secrets.token_urlsafe(12)})


def check_form_token(secret: str, token: str, *, min_seconds: float = FORM_MIN_SECONDS,
                     max_hours: float = FORM_MAX_HOURS, now: dt.datetime | None = None) -> str:
    """The token's nonce (the submission's identity: a double click stores one report), or
    PublicError with the reason in Chinese."""
    serializer = URLSafeTimedSerializer(secret, salt=_FORM_SALT)
    try:
        payload, issued = serializer.loads(token or "", return_timestamp=True)
    except BadSignature:
        raise PublicError({"form": "页面校验信息无效，请核对内容后再次点击“提交”"}) from None
    age = ((now or utcnow()) - issued).total_seconds()
    if age > max_hours * 3600:
        raise PublicError({"form": "页面打开时间过长，为安全起见请核对内容后再次点击“提交”"})
    if age < min_seconds:
        raise PublicError({"form": "提交过快，请再核对一下内容，稍等几秒后再次点击“提交”"})
    return str(payload.get("n") or "")[:40]


# --- the access key -------------------------------------------------------------------------------

def new_access_key() -> str:
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))


def clean_key(raw: str | None) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def key_hash(code: str, key: str, secret: bytes) -> str:
    """Keyed hash of the key, bound to its receipt code (a stolen table cannot be tried offline)."""
    return hmac.new(secret, f"public-access:{code}:{clean_key(key)}".encode(), hashlib.sha256).hexdigest()


# --- a report -------------------------------------------------------------------------------------

@dataclass
class WebReport:
    """The public form as typed (strings) and its files (name, bytes)."""

    text: str
    anonymous: bool = True
    name: str = ""
    phone: str = ""
    township_id: str = ""
    village_id: str = ""
    place_detail: str = ""
    when: str = ""
    accused_name: str = ""
    accused_title: str = ""
    program: str = ""
    amount: str = ""
    keep_location: bool = False
    files: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class Issued:
    receipt_code: str
    access_key: str
    complaint_id: int | None = None
    spooled: bool = False


def _text_with_details(report: WebReport) -> str:
    """The report text, with the reporter's 'when' and 'where exactly' said at its end."""
    text = report.text or ""
    extras = []
    place = controlchars.drop(report.place_detail or "").strip()[:MAX_DETAIL]
    when = controlchars.drop(report.when or "").strip()[:MAX_DETAIL]
    if place:
        extras.append(f"具体地点：{place}")
    if when:
        extras.append(f"发生时间：{when}")
    if extras and text.strip():
        text = f"{text.rstrip()}\n（{'；'.join(extras)}）"
    return text


def intake_data(report: WebReport, nonce: str) -> intake.IntakeData:
    return intake.IntakeData(
        text=_text_with_details(report), channel=Channel.web.value, phone="" if report.anonymous else report.phone,
        name="" if report.anonymous else report.name, anonymous=report.anonymous,
        township_id=report.township_id, village_id=report.village_id, accused_name=report.accused_name,
        accused_title=report.accused_title, program=report.program, amount=report.amount,
        external_id=f"web:{nonce}" if nonce else None)


def too_long(chars: int, max_chars: int) -> str:
    """The refusal of an over-long report: how many characters over, as the form's counter says."""
    return (f"举报内容过长（{chars}字，超出{chars - max_chars}字），每次最多{max_chars}字。您填写的内容"
            "都保留在下面，请删减后提交，或把详细材料另存为Word/PDF作为附件上传。")


def validate(session: Session, report: WebReport, *, max_chars: int) -> list[evidence.CheckedFile]:
    """Every problem at once (fields and files), or the checked files."""
    errors: dict[str, str] = {}
    if not report.anonymous and not (report.name.strip() and report.phone.strip()):
        errors["name"] = "实名举报请填写姓名和联系电话；不愿留名请选择“匿名举报”"
    try:
        intake.validate(session, intake_data(report, ""), max_chars=max_chars)
    except intake.IntakeError as exc:
        errors.update(exc.errors)
    if "text" in errors and not (report.text or "").strip():
        errors["text"] = "请填写举报内容：谁、在哪里、做了什么"
    elif "text" in errors:
        errors["text"] = too_long(len(controlchars.drop(report.text or "").strip()), max_chars)
    checked, refused = evidence.check_all(report.files, keep_location=report.keep_location)
    if refused:
        errors["files"] = "；".join(refused)
    if errors:
        raise PublicError(errors)
    return checked


def validate_offline(report: WebReport, *, max_chars: int) -> None:
    """What can be checked with the database down (text, files), before spooling a report."""
    errors: dict[str, str] = {}
    text = controlchars.drop(report.text or "").strip()
    if not text:
        errors["text"] = "请填写举报内容：谁、在哪里、做了什么"
    elif len(text) > max_chars:
        errors["text"] = too_long(len(text), max_chars)
    if not report.anonymous and not (report.name.strip() and report.phone.strip()):
        errors["name"] = "实名举报请填写姓名和联系电话；不愿留名请选择“匿名举报”"
    _, refused = evidence.check_all(report.files, keep_location=report.keep_location)
    if refused:
        errors["files"] = "；".join(refused)
    if errors:
        raise PublicError(errors)


def store_files(session: Session, complaint_id: int, contact_id: int | None,
                 checked: list[evidence.CheckedFile]) -> list[Attachment]:
    """Checked files as Attachments, sealed with the identity vault (every channel stores them so)."""
    rows = []
    for item in checked:
        sealed = vault().seal(base64.b64encode(item.data).decode("ascii"), field="attachment")
        rows.append(Attachment(complaint_id=complaint_id, contact_id=contact_id, filename=item.filename,
                               kind=item.kind, size=len(item.data), sha256=item.sha256,
                               location_kept=item.location_kept, sealed=sealed))
    session.add_all(rows)
    session.flush()
    return rows


def check_evidence(files: list[tuple[str, bytes]], *, keep_location: bool = False) -> list[evidence.CheckedFile]:
    """Files from a machine channel (API, Open311): the web's checks; any refusal refuses them all
    (the sender resends what is right; nothing half-stored), with every reason in Chinese."""
    checked, refused = evidence.check_all(files, keep_location=keep_location)
    if refused:
        raise PublicError({"files": "；".join(refused)})
    return checked


def add_evidence(session: Session, complaint_id: int, contact_id: int | None,
                 checked: list[evidence.CheckedFile], *, actor: Actor, channel: str) -> tuple[list[Attachment], int]:
    """Store checked files on a complaint (sealed, audited); a file the complaint already has (same
    stored bytes) is not stored again: (stored, already there). The caller commits."""
    have = set(session.exec(select(Attachment.sha256).where(Attachment.complaint_id == complaint_id)).all())
    fresh, seen = [], set(have)
    for item in checked:
        if item.sha256 not in seen:
            fresh.append(item)
            seen.add(item.sha256)
    rows = store_files(session, complaint_id, contact_id, fresh)
    if rows:
        audit.record(session, actor=actor, action="attachment.add", entity="complaint", entity_id=complaint_id,
                     detail={"count": len(rows), "kinds": sorted({r.kind for r in rows}), "channel": channel})
    return rows, len(checked) - len(fresh)


def attachment_json(attachment: Attachment) -> dict:
    return {"id": attachment.id, "filename": attachment.filename, "kind": attachment.kind,
            "size": attachment.size, "sha256": attachment.sha256}


def existing_submission(session: Session, nonce: str) -> Complaint | None:
    """The complaint a submission with this nonce already made (a double click, a replay)."""
    if not nonce:
        return None
    contact = session.exec(select(Contact).where(Contact.channel == Channel.web,
                                                 Contact.external_id == f"web:{nonce}")).first()
    return session.get(Complaint, contact.complaint_id) if contact and contact.complaint_id else None


def submit(session: Session, report: WebReport, *, nonce: str, lookup_key: bytes, max_chars: int,
           issued: Issued | None = None, received_at: dt.datetime | None = None,
           address_reports: int = 0) -> Issued:
    """Log the web report through intake (triage, routing, duplicates, audit, clue register as
    网络举报), with its files and access key; the caller commits. `issued` carries a code and
    key already given to the reporter (a spooled report keeps them)."""
    checked = validate(session, report, max_chars=max_chars)
    issued = issued or Issued(intake.draw_receipt_code(session), new_access_key())
    data = intake_data(report, nonce)
    data.received_at = received_at
    complaint = intake.log_contact(session=session, data=data, actor=None, lookup_key=lookup_key,
                                   max_chars=max_chars)
    if session.exec(select(Complaint.id).where(Complaint.receipt_code == issued.receipt_code)).first() is None:
        complaint.receipt_code = issued.receipt_code  # the code the reporter was given
    session.add(complaint)
    session.flush()
    contact = session.exec(select(Contact).where(Contact.complaint_id == complaint.id)).first()
    store_files(session, complaint.id, contact.id if contact else None, checked)
    session.add(PublicAccessKey(complaint_id=complaint.id,
                                key_hash=key_hash(complaint.receipt_code, issued.access_key, lookup_key)))
    if checked:
        audit.record(session, actor=None, action="attachment.add", entity="complaint", entity_id=complaint.id,
                     detail={"count": len(checked), "kinds": sorted({c.kind for c in checked})})
    spam.screen(session, complaint.id, report.text, address_reports=address_reports)  # queued, never refused
    session.flush()
    return Issued(complaint.receipt_code, issued.access_key, complaint.id)


# --- the status look-up ---------------------------------------------------------------------------

STATUS_NOTES = {
    ComplaintStatus.received: "已受理，正在分办",
    ComplaintStatus.assigned: "已转交承办机构",
    ComplaintStatus.in_progress: "承办机构正在办理",
    ComplaintStatus.closed: "已办结。实名举报的，办理结果由纪检监察机关按规定直接反馈举报人",
    ComplaintStatus.merged: "已与反映同一问题的其他举报合并办理",
}


@dataclass
class StatusView:
    receipt_code: str
    status: str
    note: str
    office_level: str
    complaint_id: int


def _refuse_if_locked(session: Session, address: str, code: str) -> None:
    until = throttle.locked_until(session, throttle.WRONG_PER_ADDRESS, address) or \
        (throttle.locked_until(session, throttle.WRONG_PER_CODE, code) if code else None)
    if until is not None:
        minutes = max(1, int((until - utcnow()).total_seconds() // 60) + 1)
        raise PublicError({"form": f"查询码或查询密码错误次数过多，已暂停查询，请{minutes}分钟后再试。"
                                   "如忘记查询密码，请拨打举报电话查询。"})


def look_up(session: Session, *, code: str, key: str, address: str, secret: bytes) -> StatusView:
    """Status and the handling office's level for a receipt code and its access key; wrong
    answers are counted per address and per code and lock both out."""
    code = receipts.clean(code)
    _refuse_if_locked(session, address, code)
    complaint = intake.find_by_receipt(session, code) if receipts.is_well_formed(code) else None
    row = session.get(PublicAccessKey, complaint.id) if complaint else None
    if row is None or not hmac.compare_digest(row.key_hash, key_hash(code, key, secret)):
        locked = throttle.hit(session, throttle.WRONG_PER_ADDRESS, address)
        if complaint is not None:
            locked = throttle.hit(session, throttle.WRONG_PER_CODE, code) or locked
        if locked:  # this answer was the one too many: say so now, not at the next try
            _refuse_if_locked(session, address, code)
        raise PublicError({"form": "查询码或查询密码不正确，请核对后再试（连续输错将暂停查询）"})
    status, level = status_line(session, complaint)
    note = STATUS_NOTES.get(complaint.status, status)
    return StatusView(code, status, note, level, complaint.id)


def look_up_by_id(session: Session, complaint_id: int) -> StatusView:
    """The same view again for the reporter who looked it up in this session."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise PublicError({"form": "查询已超时，请重新查询"})
    status, level = status_line(session, complaint)
    return StatusView(complaint.receipt_code, status, STATUS_NOTES.get(complaint.status, status), level,
                      complaint.id)


def add_followup(session: Session, *, complaint_id: int, text: str, files: list[tuple[str, bytes]],
                 keep_location: bool, nonce: str) -> Contact:
    """More information or evidence from the reporter: a follow-up contact on the same matter,
    its files, and an event on the case's timeline; the caller commits."""
    from hotline.cases.transitions import event

    errors: dict[str, str] = {}
    text = controlchars.drop(text or "").strip()
    if len(text) > MAX_FOLLOWUP_CHARS:
        over = len(text) - MAX_FOLLOWUP_CHARS
        errors["text"] = (f"补充内容过长（{len(text)}字，超出{over}字），每次最多{MAX_FOLLOWUP_CHARS}字。"
                          "您填写的内容都保留在下面，可分几次补充，或作为附件上传。")
    checked, refused = evidence.check_all(files, keep_location=keep_location)
    if refused:
        errors["files"] = "；".join(refused)
    if not text and not checked and not errors:
        errors["text"] = "请填写补充内容或选择要上传的材料"
    if errors:
        raise PublicError(errors)
    throttle_subject = f"c{complaint_id}"
    if throttle.locked_until(session, throttle.FOLLOWUPS_PER_CODE, throttle_subject) or \
            throttle.hit(session, throttle.FOLLOWUPS_PER_CODE, throttle_subject):
        raise PublicError({"form": "今天补充的次数已达上限，请明天再补充，或拨打举报电话。"})
    existing = session.exec(select(Contact).where(Contact.channel == Channel.web,
                                                  Contact.external_id == f"web:{nonce}")).first()
    if existing is not None:  # the same form sent twice
        return existing
    contact = Contact(channel=Channel.web, external_id=f"web:{nonce}", received_at=utcnow(),
                      raw_text=text or f"（补充材料{len(checked)}份）", complaint_id=complaint_id, is_followup=True)
    session.add(contact)
    session.flush()
    store_files(session, complaint_id, contact.id, checked)
    audit.record(session, actor=None, action="complaint.followup", entity="complaint", entity_id=complaint_id,
                 detail={"contact_id": contact.id, "channel": "web", "chars": len(text), "files": len(checked)})
    case = session.exec(select(Case).where(Case.complaint_id == complaint_id)).first()
    if case is not None:
        event(session, case, None, "public_followup",
              note=f"举报人网上补充：说明{len(text)}字，材料{len(checked)}份", contact_id=contact.id)
    return contact


# --- staff: opening an attachment ----------------------------------------------------------------

def open_attachment(session: Session, attachment: Attachment, *, user: Actor) -> bytes:
    """The file's bytes, the view recorded in the audit trail (as identity views are)."""
    audit.record(session, actor=user, action="attachment.view", entity="attachment", entity_id=attachment.id,
                 detail={"complaint_id": attachment.complaint_id, "kind": attachment.kind})
    return base64.b64decode(vault().open(attachment.sealed, field="attachment") or "")


def attachments_of(session: Session, complaint_id: int) -> list[Attachment]:
    return list(session.exec(select(Attachment).where(Attachment.complaint_id == complaint_id)
                             .order_by(Attachment.id)).all())
