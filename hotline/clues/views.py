"""Clue register screens: the register (台账) with its filters and download, and the clue panel's
steps on the complaint page (受理告知, 撤回实名, 转送, 交办件受理/报结, 提级办理, 异地交叉, 异议)."""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from flask import Blueprint, abort, after_this_request, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlmodel import select

from hotline import access, audit, filters, scope, settings
from hotline.cases import routing_actions
from hotline.cases.transitions import WorkflowError
from hotline.clues import duties, export, register, transfer
from hotline.clues.panel import clue_numbers, clue_panel
from hotline.db import get_session
from hotline.errors import error_response
from models.cases import Case, CaseStatus, Disposition
from models.clues import Clue, ClueSource
from models.divisions import Township
from models.offices import Office
from models.taxonomy import Program, ProblemType
from models.users import Role

bp = Blueprint("clues", __name__, url_prefix="/clues")

READ_ROLES = (Role.operator, Role.inspector, Role.supervisor)
NAV = [("线索台账", "clues.register_view", READ_ROLES)]
TEMPLATE_GLOBALS = {"clue_panel": clue_panel, "clue_numbers": clue_numbers, "clue_source_labels": ClueSource.labels()}
STATUS_CHOICES = [s.value for s in CaseStatus if s is not CaseStatus.merged] + [register.TRANSFERRED]


def _date(args, name: str, label: str) -> dt.date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise filters.BadFilter(f"筛选条件“{label}”的取值“{raw[:20]}”无效，日期须如 2026-01-31") from None


def _filter(args) -> register.RegisterFilter:
    """The register's filters from the query string (a bad value answers 400 in Chinese)."""
    named = filters.choice(args, "named", ("named", "anonymous"), "反映人类型")
    source, ptype = filters.choice(args, "source", ClueSource, "来源"), filters.choice(args, "problem_type", ProblemType, "问题类型")
    program, disp = filters.choice(args, "program", Program, "领域"), filters.choice(args, "disposition", Disposition, "处置方式")
    return register.RegisterFilter(
        start=_date(args, "from", "受理日期起"), end=_date(args, "to", "受理日期止"),
        source=ClueSource(source) if source else None, named={"named": True, "anonymous": False}.get(named),
        problem_type=ProblemType(ptype) if ptype else None, program=Program(program) if program else None,
        township_id=filters.number(args, "township_id", "乡镇"),
        disposition=Disposition(disp) if disp else None,
        status=filters.choice(args, "status", STATUS_CHOICES, "办理状态"),
        scope=scope.complaint_filter(get_session(), current_user))


@bp.route("/register")
@access.roles(*READ_ROLES)
def register_view():
    """The clue register (问题线索台账), filtered, 50 a page, within the reader's scope."""
    db = get_session()
    f = _filter(request.args)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows = register.page(db, f, limit=50, offset=(page - 1) * 50)
    return render_template(
        "clues/register.html", rows=rows, total=register.count(db, f), page=page, args=request.args,
        columns=register.COLUMNS, cells=[r.cells(_zone()) for r in rows],
        sources=list(ClueSource), problem_types=list(ProblemType), programs=list(Program),
        dispositions=list(Disposition.labels().items()), statuses=STATUS_CHOICES,
        townships=db.exec(select(Township).order_by(Township.code)).all())


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.current().TIMEZONE)


@bp.route("/register/export")
@access.roles(Role.supervisor)
def register_export():
    """Download the filtered register as XLSX or CSV (audited; no reporter identity in it)."""
    db = get_session()
    f = _filter(request.args)
    fmt = filters.choice(request.args, "format", ("xlsx", "csv"), "文件格式") or "xlsx"
    folder = Path(tempfile.mkdtemp(prefix="clues-"))
    out = folder / f"问题线索台账.{fmt}"
    count = export.write(db, f, out)
    audit.record(db, actor=current_user, action="clue.export", entity="clue_register",
                 detail={"format": fmt, "rows": count, "filters": {k: v for k, v in request.args.items()}})
    db.commit()

    @after_this_request
    def _cleanup(response):
        out.unlink(missing_ok=True)
        folder.rmdir()
        return response

    return send_file(out, as_attachment=True, download_name=out.name)


# --- the steps on one clue (forms in clues/_panel.html) -------------------------------------

def _office(form) -> Office | None:
    return get_session().get(Office, form.get("office_id", type=int) or -1)


STEPS = {
    "acknowledge": lambda db, cl, c, u, f: duties.acknowledge(session=db, clue=cl, case=c, method=f.get("method", ""),
                                                             note=f.get("note", ""), actor=u),
    "withdraw_name": lambda db, cl, c, u, f: duties.withdraw_name(session=db, clue=cl, case=c,
                                                                 reason=f.get("reason", ""), actor=u),
    "transfer": lambda db, cl, c, u, f: transfer.transfer(
        session=db, clue=cl, case=c, destination=f.get("destination", ""), reason=f.get("reason", ""),
        notice_method=f.get("method", ""), notice_note=f.get("note", ""), actor=u),
    "accept": lambda db, cl, c, u, f: duties.accept(session=db, clue=cl, case=c, note=f.get("note", ""), actor=u),
    "report_back": lambda db, cl, c, u, f: duties.report_back(session=db, clue=cl, case=c, date=f.get("date", ""),
                                                             note=f.get("note", ""), actor=u),
    "escalate": lambda db, cl, c, u, f: routing_actions.escalate(session=db, case=c, office=_office(f),
                                                                 reason=f.get("reason", ""), actor=u),
    "cross_assign": lambda db, cl, c, u, f: routing_actions.cross_assign(session=db, case=c, office=_office(f),
                                                                         reason=f.get("reason", ""), actor=u),
    "objection": lambda db, cl, c, u, f: duties.record_objection(session=db, clue=cl, case=c, text=f.get("text", ""),
                                                                actor=u),
    "answer_objection": lambda db, cl, c, u, f: duties.answer_objection(
        session=db, clue=cl, case=c, outcome=f.get("outcome", ""), answer=f.get("answer", ""),
        method=f.get("method", ""), actor=u),
}
DONE = {"acknowledge": "受理告知已登记", "withdraw_name": "已转为匿名举报", "transfer": "已转送",
        "accept": "交办件已登记受理", "report_back": "已登记报结", "escalate": "已提级办理",
        "cross_assign": "已异地交叉办理", "objection": "异议已登记", "answer_objection": "异议已答复"}


@bp.route("/<int:clue_id>/<step>", methods=["POST"])
@access.roles(Role.operator, Role.supervisor)
def act(clue_id: int, step: str):
    """Take one register step; a refusal answers 422 with the reason and changes nothing."""
    db = get_session()
    clue = db.get(Clue, clue_id)
    case = db.exec(select(Case).where(Case.complaint_id == clue.complaint_id)).first() if clue else None
    if clue is None or case is None:
        abort(404)
    scope.require(scope.may_act_on_case(db, current_user, case))
    if step not in STEPS:
        abort(404)
    try:
        STEPS[step](db, clue, case, current_user, request.form)
        db.commit()
    except WorkflowError as exc:
        db.rollback()
        return error_response(422, str(exc), "workflow_refused")
    flash(DONE[step])
    return redirect(url_for("intake.complaint", complaint_id=clue.complaint_id) + "#clue-panel")
