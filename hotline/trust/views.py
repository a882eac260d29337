"""Retention screens: legal holds (依法留存) placed and released with a reason, and purge tombstones."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from hotline import access, scope
from hotline.db import get_session
from hotline.intake import service
from hotline.trust import retention
from models.cases import Case
from models.complaints import Complaint
from models.retention import LegalHold, RetentionTombstone
from models.users import Role, User

bp = Blueprint("trust", __name__, url_prefix="/trust")
HOLDERS = (Role.supervisor, Role.custodian)
NAV = [("依法留存", "trust.retention_page", HOLDERS)]


def _page(error: str | None = None, values: dict | None = None, status: int = 200):
    db = get_session()
    holds = db.exec(select(LegalHold).join(Case, Case.id == LegalHold.case_id)
                    .where(LegalHold.released_at.is_(None), scope.case_filter(db, current_user))
                    .order_by(LegalHold.placed_at.desc())).all()
    cases = {c.id: c for c in db.exec(select(Case).where(Case.id.in_([h.case_id for h in holds]))).all()} if holds else {}
    complaints = ({c.id: c for c in db.exec(select(Complaint).where(
        Complaint.id.in_([c.complaint_id for c in cases.values()]))).all()} if cases else {})
    tombstones = db.exec(select(RetentionTombstone).order_by(RetentionTombstone.id.desc()).limit(50)).all()
    users = {u.id: u for u in db.exec(select(User)).all()}
    days = retention.retention_days(current_app.config["SETTINGS"])
    preview = retention.purge(session=db, days=days, dry_run=True)
    return render_template("trust/retention.html", holds=holds, cases=cases, complaints=complaints,
                           tombstones=tombstones, users=users, days=days, preview=preview,
                           error=error, values=values or {}), status


@bp.route("/retention")
@access.roles(*HOLDERS)
def retention_page():
    """Active legal holds, what the next purge would remove, and the last tombstones."""
    return _page()


def _case_from_form(db) -> Case | None:
    if request.form.get("case_id", "").strip():
        return db.get(Case, request.form.get("case_id", type=int) or -1)
    complaint = service.find_by_code(db, request.form.get("receipt_code", ""))  # or the clue number
    return db.exec(select(Case).where(Case.complaint_id == complaint.id)).first() if complaint else None


@bp.route("/holds", methods=["POST"])
@access.roles(*HOLDERS)
def place_hold():
    """Place a legal hold on a case (by receipt code or case number), with a reason."""
    db = get_session()
    values = request.form.to_dict()
    case = _case_from_form(db)
    if case is None or not scope.may_act_on_case(db, current_user, case):  # no hint that it exists
        return _page("找不到该案件：请核对查询码或案件编号", values, 422)
    try:
        retention.place_hold(session=db, case=case, actor=current_user, reason=values.get("reason", ""))
    except retention.RetentionError as exc:
        db.rollback()
        return _page(str(exc), values, 422)
    db.commit()
    flash(f"第{case.id}号案件已设置依法留存，保存期满后也不会清除举报人身份信息")
    return redirect(request.form.get("next") if request.form.get("next", "").startswith("/") and
                    not request.form.get("next", "").startswith("//") else url_for("trust.retention_page"))


@bp.route("/holds/<int:hold_id>/release", methods=["POST"])
@access.roles(*HOLDERS)
def release_hold(hold_id: int):
    """Release a legal hold, with a reason."""
    db = get_session()
    hold = db.get(LegalHold, hold_id)
    if hold is None:
        abort(404)
    scope.require(scope.may_act_on_case(db, current_user, db.get(Case, hold.case_id)))
    try:
        retention.release_hold(session=db, hold=hold, actor=current_user, reason=request.form.get("reason", ""))
    except retention.RetentionError as exc:
        db.rollback()
        return _page(str(exc), {"release_id": hold_id}, 422)
    db.commit()
    flash(f"第{hold.case_id}号案件的依法留存已解除")
    return redirect(url_for("trust.retention_page"))


def hold_panel(case: Case | None) -> dict:
    """For trust/_hold.html on the complaint page: the case's hold and whether the user may set one."""
    if case is None:
        return {}
    db = get_session()
    return {"hold": retention.active_hold(db, case.id), "purged": bool(retention.purged_complaints(db, case)),
            "may": current_user.is_authenticated and current_user.role in HOLDERS}


TEMPLATE_GLOBALS = {"legal_hold_panel": hold_panel}
