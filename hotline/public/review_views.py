"""Staff: the queue of web reports suspected of being spam, and marking a report 无效 or 有效.

Thin routes over `hotline.public.spam`; a report outside the user's scope is neither listed nor
markable."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from hotline import access, scope
from hotline.db import get_session
from hotline.intake.views import complaint_or_404
from hotline.public import spam
from models.attachments import SPAM_STATES
from models.users import Role

bp = Blueprint("public_review", __name__, url_prefix="/public/review")

REVIEW_ROLES = (Role.operator, Role.supervisor)
NAV = [("网上举报审核", "public_review.queue", REVIEW_ROLES)]


TABS = {**SPAM_STATES, spam.RECENT: "全部网上举报"}
MARKED = {spam.SPAM: "标记为无效", spam.VALID: "标记为有效"}


def _page(state: str, errors: dict | None = None, typed: dict | None = None, status: int = 200):
    db = get_session()
    found = spam.recent(db) if state == spam.RECENT else spam.queue(db, state)
    rows = scope.visible_complaints(db, current_user, found, complaint_of=lambda row: row.complaint)
    return render_template("public/review.html", rows=rows, state=state, states=TABS,
                           counts=spam.counts(db), errors=errors or {}, typed=typed or {}), status


@bp.route("")
@access.roles(*REVIEW_ROLES)
def queue():
    """Suspected spam first (the work); the marked ones under their own tabs, reversible there."""
    state = request.args.get("state", spam.SUSPECTED)
    return _page(state if state in TABS else spam.SUSPECTED)


@bp.route("/<int:complaint_id>", methods=["POST"])
@access.roles(*REVIEW_ROLES)
def mark(complaint_id: int):
    """Mark one report 无效 (spam) or 有效, with a reason."""
    complaint = complaint_or_404(complaint_id)
    db = get_session()
    back = request.form.get("back", spam.SUSPECTED)
    back = back if back in TABS else spam.SUSPECTED
    try:
        spam.review(db, complaint_id, state=request.form.get("state", ""), reason=request.form.get("reason", ""),
                    user=current_user)
    except spam.SpamError as exc:
        db.rollback()
        return _page(back, {complaint_id: str(exc)}, {complaint_id: request.form.get("reason", "")}, 422)
    db.commit()
    flash(f"举报 {complaint.receipt_code} 已{MARKED[request.form['state']]}")
    return redirect(url_for("public_review.queue", state=back))
