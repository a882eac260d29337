"""Outcome pages outside a single case: the 回访教育 due in one's offices, the 容错免责 conditions
(an admin edits them; each edit is a new version), and the four-forms table for a period."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from hotline import access, scope
from hotline.cases import four_forms, outcomes, tolerance
from hotline.cases.transitions import WorkflowError
from hotline.db import get_session
from models.cases import Case
from models.complaints import Complaint
from models.offices import Office
from models.users import Role

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")
def education_visits_due() -> int:
    """How many 回访教育 fall due within two weeks (or are overdue) in the user's offices (queue page)."""
    if current_user.role not in (Role.inspector, Role.supervisor):
        return 0
    db = get_session()
    return len(outcomes.due_education_visits(db, scope.office_ids(db, current_user)))


TEMPLATE_GLOBALS = {"education_visits_due": education_visits_due}
NAV = [("回访教育", "outcomes.visits", (Role.inspector, Role.supervisor)),
       ("四种形态", "outcomes.forms", (Role.supervisor,)),
       ("容错免责情形", "outcomes.conditions", (Role.admin,))]


@bp.route("/visits")
@access.roles(Role.inspector, Role.supervisor)
def visits():
    """回访教育 not yet made, due within two weeks or overdue, in the offices the user works for."""
    db = get_session()
    rows = outcomes.due_education_visits(db, scope.office_ids(db, current_user))
    cases = {c.id: c for c in db.exec(select(Case).where(Case.id.in_([v.case_id for v in rows] or [-1]))).all()}
    offices = {o.id: o.name for o in db.exec(select(Office)).all()}
    codes = dict(db.exec(select(Complaint.id, Complaint.receipt_code)
                         .where(Complaint.id.in_([c.complaint_id for c in cases.values()] or [-1]))).all())
    return render_template("cases/education_visits.html", rows=rows, cases=cases, offices=offices, codes=codes,
                           today=outcomes.today())


@bp.route("/conditions", methods=["GET", "POST"])
@access.roles(Role.admin)
def conditions():
    """The 容错免责/减责 conditions in force; revise (a new version), add or retire one."""
    db = get_session()
    error = None
    if request.method == "POST":
        form = request.form
        try:
            if form.get("do") == "revise":
                tolerance.revise_condition(session=db, condition_id=form.get("condition_id", ""),
                                           wording=form.get("wording", ""), actor=current_user)
            elif form.get("do") == "retire":
                tolerance.retire_condition(session=db, condition_id=form.get("condition_id", ""), actor=current_user)
            else:
                tolerance.add_condition(session=db, wording=form.get("wording", ""),
                                        requires_basis=form.get("requires_basis") == "1", actor=current_user)
            db.commit()
            flash("已保存")
            return redirect(url_for("outcomes.conditions"))
        except WorkflowError as exc:
            db.rollback()
            error = str(exc)
    elif tolerance.ensure_defaults(db):
        db.commit()
    return render_template("cases/tolerance_conditions.html", rows=tolerance.current_conditions(db),
                           error=error), (422 if error else 200)


@bp.route("/forms")
@access.roles(Role.supervisor)
def forms():
    """The four-forms table (人 and 人次) for a period of local dates, inclusive."""
    today = outcomes.today()
    error, table, sanctioned = None, [], None
    raw_from, raw_to = request.args.get("from", f"{today.year}-01-01"), request.args.get("to", today.isoformat())
    try:
        first, last = dt.date.fromisoformat(raw_from), dt.date.fromisoformat(raw_to)
        if last < first:
            raise ValueError
    except ValueError:
        error = "日期格式应为年-月-日，且结束日期不早于开始日期"
    else:
        zone = ZoneInfo(current_app.config["SETTINGS"].TIMEZONE)
        since = dt.datetime.combine(first, dt.time(), zone).astimezone(dt.timezone.utc)
        until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.timezone.utc)
        db = get_session()
        table = four_forms.forms_table(db, since, until)
        sanctioned = (four_forms.sanctioned_people(db, since, until), four_forms.sanctions_count(db, since, until))
    return render_template("cases/four_forms.html", table=table, sanctioned=sanctioned, error=error,
                           start=raw_from, end=raw_to), (400 if error else 200)
