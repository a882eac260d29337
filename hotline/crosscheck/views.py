"""Cross-check screens: import rolls with a preview, run the rules, work the findings."""
from __future__ import annotations

import json
import re
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlmodel import select

from hotline import access, audit, filters, scope
from hotline.crosscheck import decisions, export as findings_export, findings
from hotline.crosscheck import explain, grants, importer, links, queues
from hotline.crosscheck.kinds import KINDS
from hotline.crosscheck.lookup import complaint_matches
from hotline.crosscheck.matching import MATCH_LABELS
from hotline.crosscheck.readers import SUFFIXES
from hotline.crosscheck.rules import RULES
from hotline.db import get_session
from hotline.intake.service import find_by_code
from models.findings import CrosscheckRun, Finding, FindingStatus
from models.rolls import Grant, RollImport
from models.users import Role, User

bp = Blueprint("crosscheck", __name__, url_prefix="/crosscheck")

WORK_ROLES = (Role.inspector, Role.supervisor)
IMPORT_ROLES = (Role.admin,)
RUN_ROLES = (Role.supervisor, Role.admin)


def _findings_label() -> str:
    """'大数据比对（12）': the findings waiting in the user's queue."""
    waiting = queues.waiting_for(get_session(), current_user)
    return f"大数据比对（{waiting}）" if waiting else "大数据比对"


NAV = [(_findings_label, "crosscheck.index", WORK_ROLES), ("名册导入", "crosscheck.imports", IMPORT_ROLES)]
PAGE = 50
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@bp.before_request
def _allow_large_uploads() -> None:
    if request.endpoint == "crosscheck.upload":
        request.max_content_length = current_app.config["SETTINGS"].CROSSCHECK_MAX_UPLOAD_MB * 1024 * 1024


def _settings():
    return current_app.config["SETTINGS"]


def _finding_or_404(finding_id: int) -> Finding:
    db = get_session()
    finding = db.get(Finding, finding_id)
    if finding is None:
        abort(404)
    scope.require(scope.may_see_finding(db, current_user, finding))
    return finding


# --- findings -------------------------------------------------------------------------------

@bp.route("/")
@access.roles(*WORK_ROLES)
def index():
    """Findings by rule and township, filterable, with counts per rule and status."""
    db = get_session()
    rule, township = filters.choice(request.args, "rule", RULES, "比对规则"), request.args.get("township", "")
    status = filters.choice(request.args, "status", FindingStatus, "处理状态")
    page = max(1, request.args.get("page", 1, type=int) or 1)
    mine = scope.finding_filter(db, current_user)
    stmt = select(Finding).where(mine)
    counts_stmt = (select(Finding.rule, Finding.status, sa.func.count()).where(mine)
                   .group_by(Finding.rule, Finding.status))
    if rule:
        stmt = stmt.where(Finding.rule == rule)
    if township:
        stmt = stmt.where(Finding.township == township)
    if status:
        stmt = stmt.where(Finding.status == status)
    rows = db.exec(stmt.order_by(Finding.status, Finding.score.desc(), Finding.id)
                   .offset((page - 1) * PAGE).limit(PAGE)).all()
    counts: dict[str, dict[str, int]] = {}
    for code, state, number in db.exec(counts_stmt).all():
        counts.setdefault(code, {})[getattr(state, "value", state)] = number
    townships = [t for t in db.exec(select(Finding.township).where(mine).distinct()).all() if t]
    last_run = db.exec(select(CrosscheckRun).order_by(CrosscheckRun.id.desc()).limit(1)).first()
    return render_template("crosscheck/index.html", rows=rows, counts=counts, rules=RULES, rule=rule,
                           township=township, status=status, page=page, townships=sorted(townships),
                           statuses=FindingStatus.labels(), last_run=last_run, match_labels=MATCH_LABELS,
                           can_run=access.has_role(*RUN_ROLES), latest=findings.latest_runs(db),
                           not_found_since=findings.not_found_since)


@bp.route("/findings/<int:finding_id>")
@access.roles(*WORK_ROLES)
def finding(finding_id: int):
    """One finding: the evidence rows side by side, the decision, the clue or complaint it went to."""
    item = _finding_or_404(finding_id)
    return _render_finding(item)


def _render_finding(item: Finding, error: str = "", status: int = 200, values: dict | None = None):
    db = get_session()
    return render_template("crosscheck/finding.html", finding=item, rule=RULES.get(item.rule),
                           explanation=explain.explain(db, item),
                           links=decisions.links(db, item), statuses=FindingStatus.labels(),
                           match_labels=MATCH_LABELS, error=error, values=values or {},
                           threshold=_settings().CROSSCHECK_REVIEW_THRESHOLD,
                           not_found_since=findings.not_found_since(item, findings.latest_runs(db))), status


@bp.route("/findings/<int:finding_id>/decide", methods=["POST"])
@access.roles(*WORK_ROLES)
def decide(finding_id: int):
    """Confirm or dismiss a finding with a reason."""
    db = get_session()
    item = _finding_or_404(finding_id)
    try:
        decisions.decide(session=db, finding=item, action=request.form.get("action", ""),
                         reason=request.form.get("reason", ""), actor=current_user)
    except findings.FindingError as exc:
        db.rollback()
        return _render_finding(item, str(exc), 422, values=request.form)
    db.commit()
    flash("已确认该疑点" if item.status is FindingStatus.confirmed else "已排除该疑点，今后重新比对也不会再提示")
    return redirect(url_for("crosscheck.finding", finding_id=item.id))


@bp.route("/findings/<int:finding_id>/clue", methods=["POST"])
@access.roles(*WORK_ROLES)
def clue(finding_id: int):
    """Turn a confirmed finding into a clue (source 大数据比对): triaged and routed like a call."""
    db = get_session()
    item = _finding_or_404(finding_id)
    try:
        complaint = decisions.make_clue(session=db, finding=item, actor=current_user,
                                        lookup_key=current_app.config["LOOKUP_KEY"])
    except findings.FindingError as exc:
        db.rollback()
        return _render_finding(item, str(exc), 422)
    db.commit()
    flash(f"已转为问题线索 {complaint.receipt_code}")
    return redirect(url_for("crosscheck.finding", finding_id=item.id))


@bp.route("/findings/<int:finding_id>/attach", methods=["POST"])
@access.roles(*WORK_ROLES)
def attach(finding_id: int):
    """Attach a finding to an existing complaint, found by its receipt code."""
    db = get_session()
    item = _finding_or_404(finding_id)
    code = request.form.get("receipt_code", "")
    complaint = find_by_code(db, code)  # the receipt code or the clue number
    if complaint is None or not scope.may_see_complaint(db, current_user, complaint):  # no hint that it exists
        return _render_finding(item, "没有找到该查询码的问题线索，请核对后重新输入", 422, values=request.form)
    try:
        decisions.attach(session=db, finding=item, complaint=complaint, actor=current_user)
    except findings.FindingError as exc:
        db.rollback()
        return _render_finding(item, str(exc), 422, values=request.form)
    db.commit()
    flash(f"已关联到问题线索 {complaint.receipt_code}")
    return redirect(url_for("crosscheck.finding", finding_id=item.id))


@bp.route("/export")
@access.roles(*WORK_ROLES)
def export():
    """Download the findings (CSV or XLSX) with the current rule and status filters."""
    fmt = filters.choice(request.args, "format", ("csv", "xlsx"), "导出格式") or "csv"
    rule = filters.choice(request.args, "rule", RULES, "比对规则") or None
    status = filters.choice(request.args, "status", FindingStatus, "处理状态") or None
    handle = tempfile.NamedTemporaryFile(suffix=f".{fmt}", delete=False)
    handle.close()
    path = Path(handle.name)
    db = get_session()
    try:
        count = findings_export.export(db, path, rule=rule, statuses=[status] if status else None,
                                       where=scope.finding_filter(db, current_user))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    audit.record(db, actor=current_user, action="finding.export", entity="finding", detail={"rows": count, "rule": rule})
    db.commit()
    response = send_file(path, as_attachment=True, download_name=f"crosscheck-findings.{fmt}")
    response.call_on_close(lambda: path.unlink(missing_ok=True))
    return response


@bp.route("/run", methods=["POST"])
@access.roles(*RUN_ROLES)
def run():
    """Run every rule now (a supervisor or admin)."""
    db = get_session()
    settings = _settings()
    result = findings.run_rules(session=db, actor=current_user, settings=settings)
    db.commit()
    found = sum(s.get("found", 0) for k, s in result.stats.items() if not k.startswith("_"))
    new = sum(s.get("new", 0) for k, s in result.stats.items() if not k.startswith("_"))
    flash(f"比对完成：共{found}条疑点，其中新增{new}条，用时{result.stats['_total']['seconds']:.1f}秒")
    return redirect(url_for("crosscheck.run_detail", run_id=result.id))


@bp.route("/runs/<int:run_id>")
@access.roles(*RUN_ROLES)
def run_detail(run_id: int):
    """A run's figures per rule, and how many findings went to which office's review queue."""
    db = get_session()
    item = db.get(CrosscheckRun, run_id)
    if item is None:
        abort(404)
    return render_template("crosscheck/run.html", run=item, rules=RULES, queues=queues.queues(db, item.id),
                           county_wide=queues.COUNTY_WIDE_QUEUE, can_see=access.has_role(*WORK_ROLES))


# --- imports --------------------------------------------------------------------------------

def _spool() -> Path:
    path = Path(_settings().SPOOL_DIR) / "crosscheck"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pending(token: str) -> tuple[Path, dict]:
    if not _TOKEN.match(token or ""):
        abort(404)
    meta_path = _spool() / f"{token}.json"
    if not meta_path.exists():
        abort(404)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("user_id") != current_user.id:
        abort(403)
    return _spool() / f"{token}{meta['suffix']}", meta


def _discard(token: str, meta: dict) -> None:
    (_spool() / f"{token}{meta['suffix']}").unlink(missing_ok=True)
    (_spool() / f"{token}.json").unlink(missing_ok=True)


def _imports_page(error: str = "", status: int = 200, values: dict | None = None):
    db = get_session()
    rows = db.exec(select(RollImport).order_by(RollImport.id.desc()).limit(100)).all()
    return render_template("crosscheck/imports.html", rows=rows, kinds=KINDS, error=error, values=values or {},
                           max_mb=_settings().CROSSCHECK_MAX_UPLOAD_MB, can_run=access.has_role(*RUN_ROLES)), status


@bp.route("/imports")
@access.roles(*IMPORT_ROLES)
def imports():
    """Imported rolls and the upload form."""
    return _imports_page()


@bp.route("/imports", methods=["POST"])
@access.roles(*IMPORT_ROLES)
def upload():
    """Receive a roll file, validate every row, and show the preview (nothing is imported yet)."""
    kind, grant_name = request.form.get("kind", ""), (request.form.get("grant_name") or "").strip()
    upload_ = request.files.get("file")
    form = {"kind": kind, "grant_name": grant_name}
    if kind not in KINDS:
        return _imports_page("请选择名册类型", 422, form)
    if upload_ is None or not upload_.filename:
        return _imports_page("请选择要导入的文件", 422, form)
    suffix = Path(upload_.filename).suffix.lower()
    if suffix not in SUFFIXES:
        return _imports_page(f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 .xlsx、.xls 或 .csv 文件", 422, form)
    token = uuid.uuid4().hex
    path = _spool() / f"{token}{suffix}"
    meta = {"kind": kind, "grant_name": grant_name, "filename": Path(upload_.filename).name, "suffix": suffix,
            "user_id": current_user.id}
    kept = False
    try:  # the spooled file stays only for a preview shown; any failure (not only bad rolls) removes it
        upload_.save(path)  # werkzeug spools large uploads to disk; save copies in chunks
        try:
            report = importer.process(path, kind=kind, filename=meta["filename"], grant_name=grant_name or None)
        except importer.RollImportError as exc:
            return _imports_page(str(exc), 422, form)
        duplicate = importer.find_duplicate(get_session(), kind=kind, sha256=report.file_sha256,
                                            content_hash=report.content_hash)
        (_spool() / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        kept = True
    finally:
        if not kept:
            path.unlink(missing_ok=True)
    return render_template("crosscheck/preview.html", report=report, token=token, kind=KINDS[kind],
                           duplicate=duplicate, **_unmapped(get_session(), report))


@bp.route("/imports/<token>/commit", methods=["POST"])
@access.roles(*IMPORT_ROLES)
def commit(token: str):
    """Import the previewed file in one transaction."""
    path, meta = _pending(token)
    db = get_session()
    try:
        report = importer.process(path, kind=meta["kind"], filename=meta["filename"],
                                  grant_name=meta["grant_name"] or None, session=db, actor=current_user)
        audit.record(db, actor=current_user, action="roll.import", entity="roll_import", entity_id=report.import_id,
                     detail={"kind": meta["kind"], "filename": meta["filename"], "rows": report.rows_imported})
        db.commit()
        importer.settle(db.get_bind(), report)
    except importer.RollImportError as exc:
        db.rollback()
        return _imports_page(str(exc), 409 if isinstance(exc, importer.DuplicateImport) else 422)
    finally:  # imported, refused or failed: the spooled file goes
        _discard(token, meta)
    flash(f"已导入第{report.import_id}批{report.kind_label}：{report.summary()}")
    return redirect(url_for("crosscheck.import_detail", import_id=report.import_id))


@bp.route("/imports/<token>/cancel", methods=["POST"])
@access.roles(*IMPORT_ROLES)
def cancel(token: str):
    """Drop a previewed file without importing it."""
    _path, meta = _pending(token)
    _discard(token, meta)
    flash("已放弃导入，文件已删除")
    return redirect(url_for("crosscheck.imports"))


@bp.route("/imports/<int:import_id>")
@access.roles(*IMPORT_ROLES)
def import_detail(import_id: int):
    """One imported roll: its counts and every problem row with the reason."""
    return _import_page(import_id)


def _import_page(import_id: int, error: str = "", status: int = 200):
    db = get_session()
    record = db.get(RollImport, import_id)
    if record is None:
        abort(404)
    who = db.get(User, record.withdrawn_by_id) if record.withdrawn_by_id else None
    return render_template("crosscheck/import.html", record=record, kind=KINDS.get(record.kind), error=error,
                           withdrawn_by=who.full_name if who else "", **_unmapped(db, record)), status


def _unmapped(db, record: RollImport | importer.ImportReport) -> dict:
    """The import's 项目 texts that no grant answers to, and the grants to map them to."""
    if record.kind != "recipients" or getattr(record, "withdrawn_at", None):
        return {"unmapped": [], "grant_choices": []}
    book = grants.book(db)
    names = record.grant_names if isinstance(record, importer.ImportReport) else grants.import_names(db, record)
    choices = db.exec(select(Grant).where(Grant.active).order_by(Grant.id)).all()
    return {"unmapped": grants.unmapped(book, names), "grant_choices": choices}


@bp.route("/imports/<int:import_id>/withdraw", methods=["POST"])
@access.roles(*IMPORT_ROLES)
def withdraw(import_id: int):
    """Take back a wrong import: its rows leave the rolls, its record stays (with who and why)."""
    db = get_session()
    try:
        deleted = importer.withdraw(db, import_id, reason=request.form.get("reason", ""), actor=current_user)
        db.commit()
    except importer.RollImportError as exc:
        db.rollback()
        return _import_page(import_id, str(exc), 422)  # 404 if there is no such import
    links.refresh(db.get_bind())  # the rows are gone: the links the rules join with follow
    flash(f"已撤销第{import_id}批导入，删除{deleted}行；下次比对不再使用这些行")
    return redirect(url_for("crosscheck.import_detail", import_id=import_id))


# --- the case page panel --------------------------------------------------------------------

def crosscheck_matches(complaint):
    """Roll rows and findings matching a complaint (for inspectors and supervisors), or None."""
    if complaint is None or not access.has_role(*WORK_ROLES):
        return None
    db = get_session()
    found = complaint_matches(db, complaint)
    # The roll rows are matched to a complaint the user may see (the case page); findings keep their own scope.
    found.findings = [f for f in found.findings if scope.may_see_finding(db, current_user, f)]
    return found


TEMPLATE_GLOBALS = {"crosscheck_matches": crosscheck_matches}
