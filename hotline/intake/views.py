"""Operator intake screens: log a call, read back the receipt code, caller history, lists."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for, redirect
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlmodel import select

from hotline import access, audit, filters, phones, scope
from hotline.db import get_session
from hotline.errors import error_response
from hotline.clues.sources import SourceInput
from hotline.intake import completion, service
from hotline.intake.identity import reveal_identity
from models.cases import Case
from models.clues import ClueSource
from models.complainants import Complainant
from models.complaints import AccusedPerson, Complaint, ComplaintStatus
from models.contacts import Contact
from models.divisions import Township, Village
from models.offices import Office
from models.taxonomy import AccusedLevel, Channel, Program
from models.users import Role

bp = Blueprint("intake", __name__)

INTAKE_ROLES = (Role.operator, Role.supervisor)
READ_ROLES = (Role.operator, Role.inspector, Role.supervisor, Role.custodian)
FORM_FIELDS = ("text", "channel", "phone", "name", "township_id", "village_id", "accused_name",
               "accused_title", "accused_level", "program", "amount", "call_sid")
CLUE_FIELDS = ("clue_source", "referring_body", "referral_doc_number", "referral_date", "referral_due_date")


def _divisions():
    db = get_session()
    townships = db.exec(select(Township).where(Township.active == True).order_by(Township.code)).all()  # noqa: E712
    villages = db.exec(select(Village).where(Village.active == True).order_by(Village.code)).all()  # noqa: E712
    return townships, villages


def _render_form(values: dict, errors: dict | None = None, status: int = 200, notice: str = ""):
    townships, villages = _divisions()
    return render_template(
        "intake/new.html", values=values, errors=errors or {}, notice=notice, townships=townships,
        villages=villages, channels=[Channel.call, Channel.letter, Channel.visit, Channel.web],
        levels=list(AccusedLevel), programs=list(Program), clue_sources=list(ClueSource),
        max_chars=current_app.config["SETTINGS"].MAX_REPORT_CHARS,
    ), status


def _intake_data(form) -> service.IntakeData:
    return service.IntakeData(
        text=form.get("text", ""), channel=form.get("channel", "call"), phone=form.get("phone", ""),
        name=form.get("name", ""), anonymous=form.get("anonymous") == "on",
        township_id=form.get("township_id"), village_id=form.get("village_id"),
        accused_name=form.get("accused_name", ""), accused_title=form.get("accused_title", ""),
        accused_level=form.get("accused_level", ""), program=form.get("program", ""),
        amount=form.get("amount", ""), external_id=(form.get("call_sid") or None),
        clue=SourceInput(form.get("clue_source", ""), form.get("referring_body", ""),
                         form.get("referral_doc_number", ""), form.get("referral_date", ""),
                         form.get("referral_due_date", "")),
        merge_into=form.get("merge_into") or None,
    )


@bp.route("/intake/new", methods=["GET", "POST"])
@access.roles(*INTAKE_ROLES)
def new():
    """The call-logging form; on save, show the receipt code."""
    if request.method == "GET":
        values = {"channel": "call", "call_sid": request.args.get("call_sid", ""),
                  "phone": request.args.get("phone", "")}
        return _render_form(values)
    values = _typed_values()
    db = get_session()
    try:
        complaint = service.log_contact(
            session=db, data=_intake_data(request.form), actor=current_user,
            lookup_key=current_app.config["LOOKUP_KEY"],
            max_chars=current_app.config["SETTINGS"].MAX_REPORT_CHARS)
        db.commit()
    except service.IntakeError as exc:
        db.rollback()
        return _render_form(values, exc.errors, 422)
    return redirect(url_for("intake.receipt", complaint_id=complaint.id))


def _typed_values() -> dict:
    values = {key: request.form.get(key, "") for key in FORM_FIELDS + CLUE_FIELDS}
    values["anonymous"] = request.form.get("anonymous") == "on"
    return values


@bp.errorhandler(CSRFError)
def _stale_form(exc: CSRFError):
    """A stale or missing CSRF token (the session expired while the operator typed): on the intake
    form, the form again with everything typed and a fresh token, asking to submit once more.
    Nothing was saved; elsewhere the usual refusal."""
    if request.endpoint != "intake.new" or request.method != "POST":
        return error_response(400, "页面已过期或安全校验失败，请刷新页面后重新提交", "csrf_failed")
    if current_user.is_authenticated:
        notice = "页面已过期或安全校验失败，本次登记尚未保存。已填写的内容保留在下方，请核对后再次点击“保存”。"
    else:
        notice = ("登录已超时（安全校验失败），本次登记尚未保存。已填写的内容保留在下方：请在新标签页重新登录，"
                  "然后回到本页核对并再次点击“保存”。")
    return _render_form(_typed_values(), status=400, notice=notice)


@bp.route("/intake/receipt/<int:complaint_id>")
@access.roles(*INTAKE_ROLES)
def receipt(complaint_id: int):
    """The receipt code to read back to the caller."""
    db = get_session()
    complaint = db.get(Complaint, complaint_id)
    if complaint is None:
        abort(404)
    scope.require(scope.may_see_receipt(db, current_user, complaint))
    return render_template("intake/receipt.html", complaint=complaint)


@bp.route("/intake/history", methods=["POST"])
@access.roles(*INTAKE_ROLES)
def history():
    """Earlier contacts from the number being typed (an HTML fragment for the form).

    POST, so the number never appears in a URL (access logs, proxies, browser history).
    """
    phone = request.form.get("phone", "")
    if phones.try_normalize(phone) is None:
        return render_template("intake/_history.html", rows=[], invalid=bool(phone.strip()))
    db = get_session()
    rows = scope.visible_complaints(db, current_user, service.caller_history(
        db, phone=phone, lookup_key=current_app.config["LOOKUP_KEY"]))
    return render_template("intake/_history.html", rows=rows, invalid=False)


@bp.route("/complaints")
@access.roles(*READ_ROLES)
def complaints():
    """Search and list complaints (问题线索)."""
    db = get_session()
    query, status = request.args.get("q", ""), filters.choice(request.args, "status", ComplaintStatus, "状态")
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows = service.search(db, query=query, status=status, office_ids=scope.office_ids(db, current_user),
                          township_id=filters.number(request.args, "township_id", "乡镇"),
                          limit=50, offset=(page - 1) * 50)
    townships = {t.id: t for t in db.exec(select(Township)).all()}
    return render_template("intake/complaints.html", rows=rows, q=query, status=status, page=page,
                           townships=townships)


def complaint_or_404(complaint_id: int) -> Complaint:
    """The complaint, if the user may see it (404 if there is none, 403 if it is not theirs)."""
    db = get_session()
    complaint = db.get(Complaint, complaint_id)
    if complaint is None:
        abort(404)
    scope.require(scope.may_see_complaint(db, current_user, complaint))
    return complaint


@bp.route("/complaints/<int:complaint_id>")
@access.roles(*READ_ROLES)
def complaint(complaint_id: int):
    """One complaint: text, triage, accused, contacts; identity masked."""
    db = get_session()
    item = complaint_or_404(complaint_id)
    case = db.exec(select(Case).where(Case.complaint_id == item.id)).first()
    office = db.get(Office, case.office_id) if case else None
    accused = db.exec(select(AccusedPerson).where(AccusedPerson.complaint_id == item.id)).all()
    contacts = db.exec(select(Contact).where(Contact.complaint_id == item.id)
                       .order_by(Contact.received_at)).all()
    complainant = db.get(Complainant, item.complainant_id) if item.complainant_id else None
    return render_template(
        "intake/complaint.html", complaint=item, case=case, office=office, accused=accused,
        contacts=contacts, complainant=complainant, pending=completion.waiting(db, item.id) if case is None else None,
        burst_delay=current_app.config["SETTINGS"].INTAKE_BURST_MAX_DELAY_SECONDS,
        can_reveal=scope.may_reveal_identity(db, current_user, item, case),
        township=db.get(Township, item.township_id) if item.township_id else None,
        village=db.get(Village, item.village_id) if item.village_id else None)


@bp.route("/complaints/<int:complaint_id>/identity", methods=["POST"])
@access.roles(*READ_ROLES)
def identity(complaint_id: int):
    """Reveal the complainant's identity: needs a reason and a role allowed to see it; audited."""
    db = get_session()
    item = complaint_or_404(complaint_id)
    case = db.exec(select(Case).where(Case.complaint_id == item.id)).first()
    reason = (request.form.get("reason") or "").strip()
    if not scope.may_reveal_identity(db, current_user, item, case):
        audit.record(db, actor=current_user, action="identity.denied", entity="complaint",
                     entity_id=item.id, detail={"reason": reason[:200]})
        db.commit()
        abort(403)
    if len(reason) < 4:
        return render_template("error.html", status=422,
                               message="查看举报人身份信息须填写查看事由（至少4个字）"), 422
    person = reveal_identity(db, complaint=item, actor=current_user, reason=reason)
    db.commit()
    return render_template("intake/identity.html", complaint=item, person=person, reason=reason)


@bp.route("/contacts")
@access.roles(Role.operator, Role.supervisor)
def contacts():
    """The contact log: every call, SMS, letter and web report as it arrived."""
    db = get_session()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    channel = filters.choice(request.args, "channel", Channel, "渠道")
    stmt = (select(Contact, Complaint).join(Complaint, Complaint.id == Contact.complaint_id, isouter=True)
            .where(scope.complaint_filter(db, current_user)))
    if channel:
        stmt = stmt.where(Contact.channel == channel)
    rows = db.exec(stmt.order_by(Contact.received_at.desc()).offset((page - 1) * 50).limit(50)).all()
    return render_template("intake/contacts.html", rows=rows, page=page, channel=channel,
                           channels=list(Channel))
