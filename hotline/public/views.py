"""The public side: report on the web (/report) and check progress (/status), no account needed.

Routes stay thin: the form is read here, everything else is `hotline.public.service`.
"""
from __future__ import annotations

import contextlib
import time

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, session, url_for
from sqlmodel import select
from werkzeug.exceptions import RequestEntityTooLarge

from hotline import access
from hotline.db import get_session
from hotline.public import files as evidence, service, spool, throttle
from hotline.telephony.spool import database_unavailable
from models.base import utcnow
from models.divisions import Township, Village
from models.taxonomy import Program

bp = Blueprint("public", __name__)

MAX_REQUEST_BYTES = evidence.MAX_TOTAL_BYTES + (1 << 20)  # the files and a long text
STATUS_SESSION_MINUTES = 30
FIELDS = ("text", "name", "phone", "township_id", "village_id", "place_detail", "when", "accused_name",
          "accused_title", "program", "amount")


@bp.before_request
def _room_for_evidence_and_the_address() -> None:
    request.max_content_length = MAX_REQUEST_BYTES
    # The reporter's address is kept only as the counters' keyed hash: the audit trail (which
    # records request.remote_addr) must not tie an anonymous report to where it came from.
    g.public_address = throttle.address_subject(_client_address(), current_app.config["LOOKUP_KEY"])


@contextlib.contextmanager
def _unaddressed():
    """Writes in this block (audit rows) see no client address; restored after, so a signed-in
    user's session check (Flask-Login's strong protection hashes the address) is untouched."""
    kept, request.remote_addr = request.remote_addr, None
    try:
        yield
    finally:
        request.remote_addr = kept


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    return render_template("public/message.html", title="提交的文件过大",
                           message=f"一次提交的文件合计不能超过{evidence.MAX_TOTAL_BYTES >> 20} MB，"
                                   f"每个文件不超过{evidence.MAX_FILE_BYTES >> 20} MB。请返回上一页，"
                                   "您填写的文字仍在页面上，去掉或压缩部分文件后再提交。"), 413


def _settings():
    return current_app.config["SETTINGS"]


def _client_address() -> str | None:
    """The reporter's address: behind TRUSTED_PROXY_HOPS proxies the app's ProxyFix has already put
    the address the outermost trusted proxy saw in remote_addr (hotline._trust_proxies)."""
    return request.remote_addr


def _address() -> str:
    return g.public_address


def _form_limits() -> dict:
    return {"min_seconds": current_app.config.get("PUBLIC_FORM_MIN_SECONDS", service.FORM_MIN_SECONDS),
            "max_hours": current_app.config.get("PUBLIC_FORM_MAX_HOURS", service.FORM_MAX_HOURS)}


def _divisions():
    db = get_session()
    townships = db.exec(select(Township).where(Township.active == True).order_by(Township.code)).all()  # noqa: E712
    villages = db.exec(select(Village).where(Village.active == True).order_by(Village.code)).all()  # noqa: E712
    return townships, villages


def _render_report(values: dict, errors: dict | None = None, status: int = 200):
    try:
        townships, villages = _divisions()
    except Exception as exc:  # the form still works without the lists while the database is down
        if not database_unavailable(exc):
            raise
        townships, villages = [], []
    return render_template(
        "public/report.html", values=values, errors=errors or {}, townships=townships, villages=villages,
        programs=[(p.value, p.label) for p in Program], accept=evidence.ACCEPT,
        max_chars=_settings().MAX_REPORT_CHARS, max_files=evidence.MAX_FILES,
        max_file_mb=evidence.MAX_FILE_BYTES >> 20,
        form_token=service.form_token(current_app.config["SECRET_KEY"])), status


def _files(name: str = "files") -> list[tuple[str, bytes]]:
    return [(f.filename or "", f.read()) for f in request.files.getlist(name) if f and (f.filename or "")]


def _report_from_form() -> service.WebReport:
    form = request.form
    return service.WebReport(
        text=form.get("text", ""), anonymous=form.get("identity", "anonymous") != "named",
        name=form.get("name", ""), phone=form.get("phone", ""), township_id=form.get("township_id", ""),
        village_id=form.get("village_id", ""), place_detail=form.get("place_detail", ""),
        when=form.get("when", ""), accused_name=form.get("accused_name", ""),
        accused_title=form.get("accused_title", ""), program=form.get("program", ""),
        amount=form.get("amount", ""), keep_location=form.get("keep_location") == "on", files=_files())


def _typed() -> dict:
    values = {key: request.form.get(key, "") for key in FIELDS}
    values["identity"] = request.form.get("identity", "anonymous")
    values["keep_location"] = request.form.get("keep_location") == "on"
    return values


@bp.route("/report", methods=["GET", "POST"])
@access.public
def report():
    """网上举报: the form; on submit, the report through intake and the receipt page."""
    if request.method == "GET":
        return _render_report({"identity": "anonymous"})
    values = _typed()
    secret = current_app.config["SECRET_KEY"]
    try:
        nonce = service.check_form_token(secret, request.form.get("form_token", ""), **_form_limits())
    except service.PublicError as exc:
        return _render_report(values, exc.errors, 400)
    web_report = _report_from_form()
    db = get_session()
    try:
        with _unaddressed():
            return _store(db, web_report, nonce)
    except service.PublicError as exc:
        db.rollback()
        return _render_report(values, exc.errors, 422)
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        db.rollback()
        return _spool(web_report, nonce, values)


def _store(db, web_report: service.WebReport, nonce: str):
    settings = _settings()
    address = _address()
    existing = service.existing_submission(db, nonce)
    if existing is not None:  # the same form sent twice: one report
        return redirect(url_for("public.done"))
    if throttle.locked_until(db, throttle.REPORTS_PER_ADDRESS, address) or \
            throttle.hit(db, throttle.REPORTS_PER_ADDRESS, address):
        db.commit()  # the refused attempt counts too
        raise service.PublicError({"form": "本网络地址短时间内提交次数过多，请一小时后再提交，或拨打举报电话。"
                                           "您填写的内容保留在下面。"})
    issued = service.submit(db, web_report, nonce=nonce, lookup_key=current_app.config["LOOKUP_KEY"],
                            max_chars=settings.MAX_REPORT_CHARS,
                            address_reports=throttle.count(db, throttle.REPORTS_PER_ADDRESS, address))
    db.commit()
    _remember_receipt(issued)
    return redirect(url_for("public.done"))


def _spool(web_report: service.WebReport, nonce: str, values: dict):
    """The database is down: check what can be checked, keep the report on disk, give the codes."""
    settings = _settings()
    try:
        service.validate_offline(web_report, max_chars=settings.MAX_REPORT_CHARS)
    except service.PublicError as exc:
        return _render_report(values, exc.errors, 422)
    folder = spool.directory(settings)
    issued = service.Issued(_offline_code(), service.new_access_key(), spooled=True)
    spool.append(folder, web_report, nonce=nonce, issued=issued, received_at=utcnow())
    _remember_receipt(issued)
    return redirect(url_for("public.done"))


def _offline_code() -> str:
    from hotline import receipts

    return receipts.new_code()  # uniqueness is checked when the spooled report is stored


def _remember_receipt(issued: service.Issued) -> None:
    # Kept in this browser's session only, to show (and save) once; the server keeps a hash.
    session["public_receipt"] = {"code": issued.receipt_code, "key": issued.access_key,
                                 "spooled": issued.spooled, "at": time.time()}


def _receipt() -> dict | None:
    receipt = session.get("public_receipt")
    if not receipt or time.time() - receipt.get("at", 0) > 3600:
        return None
    return receipt


@bp.route("/report/done")
@access.public
def done():
    """The receipt code (large) and access key, how to use them, and ways to save them."""
    receipt = _receipt()
    if receipt is None:
        return redirect(url_for("public.status"))
    return render_template("public/done.html", receipt=receipt)


@bp.route("/report/receipt.txt")
@access.public
def receipt_file():
    receipt = _receipt()
    if receipt is None:
        return redirect(url_for("public.status"))
    settings = _settings()
    text = render_template("public/receipt.txt", receipt=receipt, settings=settings)
    return Response(text.replace("\n", "\r\n"), mimetype="text/plain; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=receipt.txt"})


@bp.route("/report/forget", methods=["POST"])
@access.public
def forget():
    """'I have saved it': the codes leave this browser."""
    session.pop("public_receipt", None)
    return redirect(url_for("public.status"))


# --- progress ------------------------------------------------------------------------------------

def _status_session() -> dict | None:
    entry = session.get("public_status")
    if not entry or time.time() - entry.get("at", 0) > STATUS_SESSION_MINUTES * 60:
        return None
    return entry


@bp.route("/status", methods=["GET", "POST"])
@access.public
def status():
    """查询进度: receipt code and access key → status and the handling office's level only."""
    db = get_session()
    if request.method == "GET":
        entry = _status_session()
        view = None
        if entry is not None and request.args.get("again") is None:
            try:
                view = service.look_up_by_id(db, entry["id"])
            except service.PublicError:
                view = None
        return _render_status(view, {}, {})
    values = {"code": request.form.get("code", ""), "key": request.form.get("key", "")}
    try:
        with _unaddressed():
            view = service.look_up(db, code=values["code"], key=values["key"], address=_address(),
                                   secret=current_app.config["LOOKUP_KEY"])
    except service.PublicError as exc:
        db.commit()  # the wrong attempt counts
        session.pop("public_status", None)
        return _render_status(None, {"code": values["code"]}, exc.errors, 403)
    db.commit()
    session["public_status"] = {"id": view.complaint_id, "at": time.time()}
    return _render_status(view, {}, {})


def _render_status(view, values: dict, errors: dict, status: int = 200, followup: dict | None = None,
                   notice: str = ""):
    return render_template("public/status.html", view=view, values=values, errors=errors,
                           followup=followup or {}, notice=notice, accept=evidence.ACCEPT,
                           max_files=evidence.MAX_FILES, max_file_mb=evidence.MAX_FILE_BYTES >> 20,
                           form_token=service.form_token(current_app.config["SECRET_KEY"])), status


@bp.route("/status/add", methods=["POST"])
@access.public
def add():
    """The reporter adds information or evidence to the matter just looked up."""
    entry = _status_session()
    if entry is None:
        return _render_status(None, {}, {"form": "查询已超时，请重新输入查询码和查询密码后再补充"}, 403)
    db = get_session()
    view = service.look_up_by_id(db, entry["id"])
    typed = {"text": request.form.get("text", ""), "keep_location": request.form.get("keep_location") == "on"}
    try:
        nonce = service.check_form_token(current_app.config["SECRET_KEY"], request.form.get("form_token", ""),
                                         **_form_limits())
        with _unaddressed():
            service.add_followup(db, complaint_id=entry["id"], text=typed["text"], files=_files(),
                                 keep_location=typed["keep_location"], nonce=nonce)
        db.commit()
    except service.PublicError as exc:
        db.rollback()
        return _render_status(view, {}, exc.errors, 422, followup=typed)
    return _render_status(view, {}, {}, notice="补充材料已收到，将与原举报一并办理。")
