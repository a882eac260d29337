"""Case screens: office queues, the case panel's actions, supervised board, routing table,
holidays, conflict-of-interest data, reminders, and the duplicate finder for the intake form."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from hotline import access, filters, scope
from hotline.cases import (calendar as workcal, conflicts, deadlines, duplicates, feedback, queues, routing,
                           supervision, transitions, workflow)
from hotline.cases import outcome_forms
from hotline.cases.outcome_panel import measure_choices, outcome_panel
from hotline.cases.panel import case_panel
from hotline.db import get_session
from hotline.errors import error_response
from models.base import utcnow
from models.calendar import CalendarDay
from models.cases import Case, CaseNotice, CaseStatus, ConflictDeclaration
from models.complaints import Complaint
from models.divisions import Township, Village
from models.offices import Office, OfficeKind
from models.routing import RoutingRule
from models.taxonomy import AccusedLevel, Program, ProblemType
from models.users import Actor, Role, User

bp = Blueprint("cases", __name__, url_prefix="/cases")

CASE_ROLES = (Role.inspector, Role.supervisor)
NAV = [("案件队列", "cases.queue", CASE_ROLES), ("挂牌督办", "cases.board", CASE_ROLES),
       ("催办提醒", "cases.notices", CASE_ROLES), ("分办规则", "cases.rules", (Role.admin,)),
       ("节假日", "cases.holidays", (Role.admin,)), ("回避信息", "cases.conflicts_page", (Role.admin,))]
TEMPLATE_GLOBALS = {"case_panel": case_panel, "outcome_panel": outcome_panel, "measure_choices": measure_choices}


def _visible_office_ids() -> set[int] | None:
    return scope.office_ids(get_session(), current_user)


def _case_or_404(case_id: int) -> Case:
    """The case, if the user may act on it (404 if there is none, 403 if it is not theirs)."""
    db = get_session()
    case = db.get(Case, case_id)
    if case is None:
        abort(404)
    scope.require(scope.may_act_on_case(db, current_user, case))
    return case


def _back(case: Case):
    return redirect(url_for("intake.complaint", complaint_id=case.complaint_id) + "#case-panel")


@bp.route("/")
@access.roles(*CASE_ROLES)
def queue():
    """An office's queue with filters and counts."""
    db = get_session()
    visible = _visible_office_ids()
    offices = [o for o in db.exec(select(Office).order_by(Office.id)).all() if visible is None or o.id in visible]
    args = request.args
    office_id = filters.number(args, "office_id", "承办机构")
    if current_user.role is Role.inspector:
        office_id = current_user.office_id
    office_ids = {office_id} if office_id and (visible is None or office_id in visible) else visible
    f = queues.QueueFilter(
        office_ids=office_ids, status=filters.choice(args, "status", CaseStatus, "案件状态"),
        problem_type=filters.choice(args, "problem_type", ProblemType, "问题类型"),
        program=filters.choice(args, "program", Program, "领域"),
        township_id=filters.number(args, "township_id", "乡镇"), overdue=request.args.get("overdue") == "1",
        supervised=request.args.get("supervised") == "1",
        assignee_id=current_user.id if request.args.get("mine") == "1" else None,
        include_finished=request.args.get("finished") == "1")
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows = queues.cases(db, f, limit=50, offset=(page - 1) * 50)
    names = {u.id: u.full_name for u in db.exec(select(User)).all()}
    return render_template("cases/queue.html", rows=rows, counts=queues.counts(db, f), f=f, page=page,
                           offices=offices, office_id=office_id, names=names, now=utcnow(),
                           office_names={o.id: o.name for o in offices},
                           townships=db.exec(select(Township).order_by(Township.code)).all(),
                           problem_types=list(ProblemType), programs=list(Program), args=request.args)


@bp.route("/supervised")
@access.roles(*CASE_ROLES)
def board():
    """挂牌督办 board: progress and working days left."""
    db = get_session()
    rows = supervision.board(db, _visible_office_ids())
    offices = {o.id: o.name for o in db.exec(select(Office)).all()}
    codes = {c.id: c.receipt_code for c in db.exec(select(Complaint).where(
        Complaint.id.in_([r.case.complaint_id for r in rows] or [-1]))).all()}
    return render_template("cases/board.html", rows=rows, offices=offices, codes=codes)


@bp.route("/notices", methods=["GET", "POST"])
@access.roles(*CASE_ROLES)
def notices():
    """My reminders (催办) and escalations; POST marks them read."""
    db = get_session()
    mine = db.exec(select(CaseNotice).where(CaseNotice.user_id == current_user.id)
                   .order_by(CaseNotice.at.desc()).limit(200)).all()
    if request.method == "POST":
        for notice in mine:
            if notice.read_at is None:
                notice.read_at = utcnow()
                db.add(notice)
        db.commit()
        return redirect(url_for("cases.notices"))
    complaint_ids = {c.id: c.complaint_id for c in db.exec(select(Case).where(
        Case.id.in_([n.case_id for n in mine] or [-1]))).all()}
    return render_template("cases/notices.html", rows=mine, complaint_ids=complaint_ids)


# --- the actions on one case (forms in cases/_panel.html) -----------------------------------

def _user(field: str) -> User | None:
    return get_session().get(User, request.form.get(field, type=int) or -1)


def _office(field: str) -> Office | None:
    return get_session().get(Office, request.form.get(field, type=int) or -1)


def _outcome() -> workflow.Outcome:
    form = request.form
    return workflow.Outcome(
        finding=form.get("finding", ""), measures=outcome_forms.measures(form),
        money_recovered=form.get("money_recovered", ""), name_cleared=form.get("name_cleared") == "on",
        exoneration=form.get("exoneration", ""), exoneration_condition=form.get("exoneration_condition", ""),
        note=form.get("note", ""))


def _merge(db, case: Case, actor: Actor):
    from hotline.intake.service import find_by_code

    source = db.get(Complaint, case.complaint_id)
    target = find_by_code(db, request.form.get("target_code", ""))
    if target is None or not scope.may_see_complaint(db, actor, target):  # no hint that it exists
        raise transitions.WorkflowError("查询码不存在，请核对后重新输入")
    return duplicates.merge(session=db, source=source, target=target, actor=actor,
                            reason=request.form.get("reason", ""))


ACTIONS = {
    "assign": lambda db, c, u, f: workflow.assign(session=db, case=c, inspector=_user("inspector_id"), actor=u),
    "send_back": lambda db, c, u, f: workflow.send_back(session=db, case=c, reason=f.get("reason"), actor=u),
    "reassign": lambda db, c, u, f: workflow.reassign(session=db, case=c, office=_office("office_id"),
                                                      reason=f.get("reason"), actor=u),
    "recuse": lambda db, c, u, f: workflow.recuse(session=db, case=c, reason=f.get("reason"), actor=u),
    "propose": lambda db, c, u, f: workflow.propose(session=db, case=c, disposition=f.get("disposition", ""),
                                                    reason=f.get("reason"), actor=u),
    "approve": lambda db, c, u, f: workflow.approve(session=db, case=c, note=f.get("note", ""), actor=u),
    "reject": lambda db, c, u, f: workflow.reject(session=db, case=c, reason=f.get("reason"), actor=u),
    "file": lambda db, c, u, f: workflow.file_case(session=db, case=c, reason=f.get("reason"), actor=u),
    "resume": lambda db, c, u, f: workflow.resume(session=db, case=c, reason=f.get("reason"), actor=u),
    "outcome": lambda db, c, u, f: workflow.record_outcome(session=db, case=c, outcome=_outcome(), actor=u),
    "propose_close": lambda db, c, u, f: workflow.propose_close(session=db, case=c, note=f.get("note", ""), actor=u),
    "close": lambda db, c, u, f: workflow.close(session=db, case=c, note=f.get("note", ""), actor=u),
    "reject_close": lambda db, c, u, f: workflow.reject_close(session=db, case=c, reason=f.get("reason"), actor=u),
    "reopen": lambda db, c, u, f: workflow.reopen(session=db, case=c, reason=f.get("reason"), actor=u),
    "extend": lambda db, c, u, f: workflow.extend(session=db, case=c, days=f.get("days", ""),
                                                  reason=f.get("reason"), actor=u),
    "supervise": lambda db, c, u, f: supervision.supervise(
        session=db, case=c, days=f.get("days", ""), interval_days=f.get("interval_days", ""),
        reason=f.get("reason"), actor=u),
    "progress": lambda db, c, u, f: supervision.report_progress(session=db, case=c, progress=f.get("progress"),
                                                                actor=u),
    "feedback": lambda db, c, u, f: feedback.record_feedback(session=db, case=c, channel=f.get("channel", ""),
                                                             note=f.get("note", ""), actor=u),
    "return_visit": lambda db, c, u, f: feedback.record_return_visit(
        session=db, case=c, satisfaction=f.get("satisfaction", ""), note=f.get("note", ""), actor=u),
    "merge": lambda db, c, u, f: _merge(db, c, u),
}
DONE = {"assign": "已分办", "send_back": "已退单", "reassign": "已改派", "recuse": "已回避", "propose": "处置意见已提交",
        "approve": "处置意见已批准", "reject": "处置意见已退回", "file": "已立案", "resume": "已恢复核实",
        "outcome": "办理结果已登记", "propose_close": "已提请办结", "close": "已办结", "reject_close": "已退回办结",
        "reopen": "已重新办理", "extend": "已延期", "supervise": "已挂牌督办", "progress": "进展已报告",
        "feedback": "反馈已登记", "return_visit": "回访已登记", "merge": "已并单"}
ACTIONS.update(outcome_forms.ACTIONS)  # measures, 容错免责, 澄清正名, 回访教育
DONE.update(outcome_forms.DONE)


@bp.route("/<int:case_id>/<action>", methods=["POST"])
@access.roles(Role.operator, Role.inspector, Role.supervisor)
def act(case_id: int, action: str):
    """Take one workflow step on a case; refusals answer 422 with the reason, nothing changed."""
    if action not in ACTIONS:
        abort(404)
    db = get_session()
    case = _case_or_404(case_id)
    try:
        ACTIONS[action](db, case, current_user, request.form)
        db.commit()
    except (transitions.WorkflowError, deadlines.DeadlineError) as exc:
        if getattr(exc, "logged", False):  # a conflict-of-interest refusal is itself on the record
            db.commit()
        else:
            db.rollback()
        return error_response(422, str(exc), "workflow_refused")
    flash(DONE[action])
    return _back(db.get(Case, case_id))


# --- duplicates while the operator types -----------------------------------------------------

@bp.route("/duplicates")
@access.roles(Role.operator, Role.supervisor)
def duplicates_fragment():
    """Likely duplicates of the report being typed (an HTML fragment for the intake form)."""
    args = request.args
    program = filters.choice(args, "program", Program, "领域")
    found = duplicates.find(get_session(), text=args.get("text", "")[:2000], village_id=args.get("village_id"),
                            township_id=args.get("township_id"), program=program,
                            accused_name=args.get("accused_name", "")[:40])
    found = [c for c in found if scope.may_see_complaint(get_session(), current_user, c.complaint)]
    return render_template("cases/_duplicates.html", found=found, chosen=args.get("merge_into", ""))


# --- routing table, holidays, conflict-of-interest data (admin) ------------------------------

def _offered(model, keep_id: int | None = None) -> list:
    """The divisions a picker offers: the current ones, and the ended (merged or retired) one an
    existing row already names, so that row still shows and saves as it is."""
    where = model.active == True  # noqa: E712
    if keep_id is not None:
        where = sa.or_(where, model.id == keep_id)
    return list(get_session().exec(select(model).where(where).order_by(model.code)).all())


def _rule_choices(rule: RoutingRule | None = None):
    db = get_session()
    return dict(offices=db.exec(select(Office).order_by(Office.id)).all(),
                townships=_offered(Township, rule.township_id if rule else None),
                villages=_offered(Village, rule.village_id if rule else None),
                problem_types=list(ProblemType), programs=list(Program), levels=list(AccusedLevel),
                kinds=[OfficeKind.township_commission, OfficeKind.supervision_office, OfficeKind.resident_group])


def _form_values() -> dict:
    values = request.form.to_dict()
    values["helper_office_ids"] = request.form.getlist("helper_office_ids")
    return values


@bp.route("/rules", methods=["GET", "POST"])
@access.roles(Role.admin)
def rules():
    """The routing table, in order; add a rule."""
    db = get_session()
    errors, values = {}, {"active": "on"}
    if request.method == "POST":
        values = _form_values()
        try:
            routing.save_rule(session=db, form=values, actor=current_user)
            db.commit()
            flash("分办规则已添加")
            return redirect(url_for("cases.rules"))
        except routing.RoutingError as exc:
            db.rollback()
            errors = exc.errors
    return render_template("cases/rules.html", rows=routing.rules(db, active_only=False), errors=errors,
                           values=values, **_rule_choices()), (422 if errors else 200)


@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@access.roles(Role.admin)
def rule(rule_id: int):
    """Edit one rule."""
    db = get_session()
    item = db.get(RoutingRule, rule_id) or abort(404)
    errors = {}
    values = {k: getattr(item, k) for k in routing.RULE_FIELDS}
    values = {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}
    values["active"] = "on" if item.active else ""
    if request.method == "POST":
        values = _form_values()
        try:
            routing.save_rule(session=db, form=values, actor=current_user, rule=item)
            db.commit()
            flash("分办规则已保存")
            return redirect(url_for("cases.rules"))
        except routing.RoutingError as exc:
            db.rollback()
            errors = exc.errors
    return render_template("cases/rule.html", rule=item, errors=errors, values=values, **_rule_choices(item)), \
        (422 if errors else 200)


@bp.route("/rules/<int:rule_id>/move", methods=["POST"])
@access.roles(Role.admin)
def move_rule(rule_id: int):
    """Move a rule up or down the order."""
    db = get_session()
    item = db.get(RoutingRule, rule_id) or abort(404)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        return error_response(422, "移动方向不正确")
    routing.move_rule(session=db, rule=item, direction=direction, actor=current_user)
    db.commit()
    return redirect(url_for("cases.rules"))


@bp.route("/holidays", methods=["GET", "POST"])
@access.roles(Role.admin)
def holidays():
    """Admin-entered holidays and swapped working days (used beyond the package's known years)."""
    db = get_session()
    error, values = None, {}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            day = dt.date.fromisoformat(values.get("day", ""))
        except ValueError:
            error = "日期格式不正确，例如 2027-01-01"
        else:
            try:
                workcal.set_day(session=db, day=day, workday=values.get("workday") == "1",
                                name=values.get("name", ""), actor=current_user)
                db.commit()
                flash("已保存")
                return redirect(url_for("cases.holidays"))
            except workcal.CalendarError as exc:
                db.rollback()
                error = str(exc)
    rows = db.exec(select(CalendarDay).order_by(CalendarDay.day)).all()
    known = workcal.package_years()
    return render_template("cases/holidays.html", rows=rows, error=error, values=values,
                           known=(known.start, known.stop - 1)), (422 if error else 200)


@bp.route("/holidays/<int:day_id>/delete", methods=["POST"])
@access.roles(Role.admin)
def delete_holiday(day_id: int):
    """Remove an entered day."""
    db = get_session()
    try:
        workcal.delete_day(session=db, day_id=day_id, actor=current_user)
    except workcal.CalendarError as exc:
        return error_response(404, str(exc))
    db.commit()
    return redirect(url_for("cases.holidays"))


@bp.route("/conflicts", methods=["GET", "POST"])
@access.roles(Role.admin)
def conflicts_page():
    """Staff conflict-of-interest data: home village and declared relatives."""
    db = get_session()
    error = None
    if request.method == "POST":
        user = db.get(User, request.form.get("user_id", type=int) or -1)
        village_id = request.form.get("village_id", type=int)
        try:
            if user is None:
                raise conflicts.ConflictDataError("用户不存在")
            village = db.get(Village, village_id) if village_id is not None else None
            if village is not None and not village.active:
                raise conflicts.ConflictDataError(f"“{village.name}”已撤并或撤销，请选择现在的村（社区）")
            if request.form.get("kind") == "home":
                if village_id is not None and db.get(Village, village_id) is None:
                    raise conflicts.ConflictDataError("所选村（社区）不存在")
                user.home_village_id = village_id
                db.add(user)
                from hotline import audit

                audit.record(db, actor=current_user, action="conflict.home_village", entity="user",
                             entity_id=user.id, detail={"village_id": village_id})
            else:
                conflicts.declare(session=db, user=user, person_name=request.form.get("person_name", ""),
                                  relation=request.form.get("relation", ""), village_id=village_id,
                                  actor=current_user)
            db.commit()
            flash("已保存")
            return redirect(url_for("cases.conflicts_page"))
        except conflicts.ConflictDataError as exc:
            db.rollback()
            error = str(exc)
    users = db.exec(select(User).where(User.role.in_([Role.inspector, Role.supervisor])).order_by(User.username)).all()
    rows = db.exec(select(ConflictDeclaration).order_by(ConflictDeclaration.user_id)).all()
    villages = db.exec(select(Village).order_by(Village.code)).all()  # names for every row, ended ones too
    return render_template("cases/conflicts.html", users=users, rows=rows, error=error,
                           villages=[v for v in villages if v.active], village_names={v.id: v.name for v in villages},
                           user_names={u.id: u.full_name for u in users}), (422 if error else 200)
