"""Twilio webhooks under /twilio (signed by Twilio), and the staff pages of the phone line."""
from __future__ import annotations

import datetime as dt
import logging
import re

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from twilio.request_validator import RequestValidator

from hotline import access, audit, scope
from hotline.db import get_session
from hotline.intake import service
from hotline.security import csrf
from hotline.telephony import inbound, spool
from hotline.telephony.voice import caller_number
from hotline.telephony.common import sending_enabled
from hotline.telephony.sms import BadWebhook
from models.base import utcnow
from models.cases import Case
from models.complaints import Complaint
from models.contacts import Contact
from models.taxonomy import Channel
from models.telephony import CallState, OutboxMessage, OutboxStatus, PhoneCall, Recording
from models.users import Role

log = logging.getLogger(__name__)

bp = Blueprint("telephony", __name__, url_prefix="/twilio")
csrf.exempt(bp)  # Twilio authenticates by signature; staff pages here are GET only
MAX_WEBHOOK_BYTES = 64 * 1024
SCREEN_POP_MINUTES = 60
NAV = [("短信发件箱", "telephony.outbox_page", (Role.supervisor, Role.admin))]


@bp.record_once
def _announce(state) -> None:
    settings = state.app.config["SETTINGS"]
    if settings.TWILIO_SKIP_SIGNATURE:
        log.critical("已开启 TWILIO_SKIP_SIGNATURE：Twilio 回调不校验签名（仅限开发环境）")
    elif not settings.TWILIO_AUTH_TOKEN:
        log.warning("未设置 TWILIO_AUTH_TOKEN：所有 Twilio 回调将被拒绝（403）")
    if not sending_enabled(settings):
        log.warning("短信发送未启用（未设置 TWILIO_ACCOUNT_SID、TWILIO_AUTH_TOKEN、TWILIO_FROM）：短信留在发件箱，配置后发出")


@bp.before_request
def _limit_body() -> None:
    request.max_content_length = MAX_WEBHOOK_BYTES


def public_url() -> str:
    """The URL Twilio signed: PUBLIC_BASE_URL (behind a proxy) or the URL as received."""
    base = current_app.config["SETTINGS"].PUBLIC_BASE_URL.rstrip("/")
    if not base:
        return request.url
    query = request.query_string.decode("ascii", "replace")
    return base + request.path + (f"?{query}" if query else "")


def signature_ok() -> bool:
    settings = current_app.config["SETTINGS"]
    if settings.TWILIO_SKIP_SIGNATURE:
        return True
    signature = request.headers.get("X-Twilio-Signature", "")
    if not settings.TWILIO_AUTH_TOKEN or not signature:
        return False
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(public_url(), request.form, signature)


def _plain(status: int, message: str) -> Response:
    return Response(message, status=status, mimetype="text/plain")


def _twiml(body: str) -> Response:
    if not body:
        return Response("", status=200, mimetype="text/plain")
    return Response(body, status=200, mimetype="application/xml")


_ESCAPED_RUN = re.compile(rb"(?:%[0-9A-Fa-f]{2})+")


def _utf8_form() -> bool:
    """Twilio sends UTF-8; anything else would be silently mangled, so refuse it.

    Only the runs of percent escapes can hold non-ASCII bytes; every byte between them (a
    separator, a letter) is ASCII, which ends any multi-byte sequence. So the body is valid UTF-8
    exactly when it is ASCII and each run, decoded, is — without splitting it into fields a second
    time (werkzeug does that for request.form) or percent-decoding its ASCII."""
    raw = request.get_data(cache=True)
    if not raw.isascii():
        return False
    try:
        for run in _ESCAPED_RUN.findall(raw):
            bytes.fromhex(run.replace(b"%", b"").decode("ascii")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _receive(kind: str | None) -> Response:
    """Check, process, commit and answer one Twilio request; spool it if the database fails."""
    if request.mimetype != "application/x-www-form-urlencoded":
        return _plain(415, "请求内容类型不正确")
    if not _utf8_form():
        return _plain(400, "请求内容不是有效的 UTF-8 编码")
    if not signature_ok():
        return _plain(403, "Twilio 签名校验失败")
    app = current_app
    settings, key, form, now = app.config["SETTINGS"], app.config["LOOKUP_KEY"], request.form, utcnow()
    try:
        kind = kind or inbound.kind_of_fallback(form)
        if request.endpoint == "telephony.fallback":
            raise _SpoolIt()
        return _twiml(_process_committed(kind, form, settings, key, now))
    except BadWebhook as exc:
        _rollback()
        return _plain(400, str(exc))
    except _SpoolIt:
        pass
    except Exception as exc:  # nothing lost: a failing database (or bug) sends the request to the spool
        _rollback()
        if spool.database_unavailable(exc):
            log.warning("database unavailable, %s spooled: %s", kind, spool.outage_reason(exc))
        else:
            log.exception("%s failed, spooled for replay", kind)
    spool.append(settings.SPOOL_DIR, kind=kind, form=form, received_at=now, path=request.path)
    return _twiml(inbound.outage_reply(kind, settings))


class _SpoolIt(Exception):
    """The fallback URL: Twilio called it because the main URL failed, so do not touch the database."""


def _process_committed(kind, form, settings, key, now) -> str:
    """Process and commit. The first attempt is optimistic: it does not look for an earlier copy of
    the message or check a fresh receipt code before inserting, since the unique constraints refuse
    both (a Twilio retry of a stored sid, a concurrent retry, a drawn code already in use, all rare);
    on that refusal the second attempt looks first and answers as the stored message did."""
    db = get_session()
    try:
        body = inbound.process(kind, form, session=db, settings=settings, lookup_key=key, received_at=now,
                               optimistic=True)
        db.commit()
        return body
    except IntegrityError:
        db.rollback()
        body = inbound.process(kind, form, session=db, settings=settings, lookup_key=key, received_at=now)
        db.commit()
        return body


def _rollback() -> None:
    try:
        get_session().rollback()
    except Exception:  # a dead connection cannot roll back; the session is discarded at teardown
        log.debug("rollback failed", exc_info=True)


@bp.route("/sms", methods=["POST"])
@access.machine(access.TWILIO)
def sms():
    """Inbound SMS: a report, a receipt query (查询/CX) or an opt-out (退订/STOP)."""
    return _receive("sms")


@bp.route("/voice", methods=["POST"])
@access.machine(access.TWILIO)
def voice():
    """An inbound call: the menu."""
    return _receive("voice.start")


@bp.route("/voice/<step>", methods=["POST"])
@access.machine(access.TWILIO)
def voice_step(step: str):
    """A further step of a call: menu, report, recorded, query, dialed."""
    kind = f"voice.{step}"
    if kind not in inbound.VOICE_STEPS or kind == "voice.start":
        abort(404)
    return _receive(kind)


@bp.route("/status", methods=["POST"])
@access.machine(access.TWILIO)
def status():
    """Message delivery and call status callbacks (always 200 so Twilio stops retrying)."""
    return _receive("status")


@bp.route("/fallback", methods=["POST"])
@access.machine(access.TWILIO)
def fallback():
    """Twilio's fallback URL: the main handler failed, so keep the request in the spool."""
    return _receive(None)


# Staff pages -----------------------------------------------------------------------------

def active_calls(current_sid: str = "") -> list[dict]:
    """Calls routed to the operators in the last hour that have not ended, with caller history."""
    db = get_session()
    since = utcnow() - dt.timedelta(minutes=SCREEN_POP_MINUTES)
    calls = db.exec(select(PhoneCall).where(PhoneCall.state == CallState.operator, PhoneCall.ended_at.is_(None),
                                            PhoneCall.routed_at >= since)
                    .order_by(PhoneCall.routed_at.desc()).limit(10)).all()
    if current_sid and all(c.call_sid != current_sid for c in calls):
        current = db.exec(select(PhoneCall).where(PhoneCall.call_sid == current_sid)).first()
        calls = ([current] if current else []) + list(calls)
    rows = []
    for call in calls:
        number = caller_number(call)
        history = (service.caller_history(db, phone=number, lookup_key=current_app.config["LOOKUP_KEY"],
                                          limit=5) if call.phone_hash else [])
        history = scope.visible_complaints(db, current_user, history)
        logged = db.exec(select(Contact.id).where(Contact.channel == Channel.call,
                                                  Contact.external_id == call.call_sid)).first()
        rows.append({"call": call, "number": number, "history": history, "logged": logged is not None,
                     "current": call.call_sid == current_sid})
    return rows


@bp.route("/screen-pop")
@access.roles(Role.operator, Role.supervisor)
def screen_pop():
    """Calls waiting for an operator (an HTML fragment the intake form polls)."""
    sid = request.args.get("current", "")[:64]
    return render_template("telephony/_screen_pop.html", rows=active_calls(sid))


def recordings_for(complaint_id: int) -> list[Recording]:
    """A complaint's recordings (the template shows them only to who may see identities)."""
    return list(get_session().exec(select(Recording).where(Recording.complaint_id == complaint_id)
                                   .order_by(Recording.created_at)).all())


TEMPLATE_GLOBALS = {"telephony_recordings": recordings_for}


@bp.route("/recordings/<int:recording_id>")
@access.roles(Role.operator, Role.supervisor, Role.custodian, Role.inspector)
def recording(recording_id: int):
    """Play a recording: only for who may see the complainant's identity; every play audited."""
    db = get_session()
    item = db.get(Recording, recording_id)
    complaint = db.get(Complaint, item.complaint_id) if item and item.complaint_id else None
    if complaint is None:
        abort(404)
    case = db.exec(select(Case).where(Case.complaint_id == complaint.id)).first()
    allowed = scope.may_reveal_identity(db, current_user, complaint, case)
    audit.record(db, actor=current_user, action="identity.recording" if allowed else "identity.denied",
                 entity="complaint", entity_id=complaint.id, detail={"recording_id": item.id})
    db.commit()
    if not allowed:
        abort(403)
    return redirect(item.url + ("" if item.url.endswith((".mp3", ".wav")) else ".mp3"))


@bp.route("/outbox")
@access.roles(Role.supervisor, Role.admin)
def outbox_page():
    """Outbound SMS and their delivery (numbers masked); says so when sending is disabled."""
    db = get_session()
    rows = db.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)).all()
    settings = current_app.config["SETTINGS"]
    return render_template("telephony/outbox.html", rows=rows, status_labels=OutboxStatus.labels(),
                           enabled=sending_enabled(settings), pending=spool.pending(settings.SPOOL_DIR))
