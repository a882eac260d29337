"""Bulletin screens: the archive of every version, its HTML view and files, a dashboard of the week."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from hotline import access
from hotline.bulletins import archive, campaigns, charts, periods, registry, typical
from hotline.bulletins import dashboard as dashboard_mod
from hotline.bulletins.periods import PeriodError
from hotline.bulletins.tables import Figures, show
from hotline.bulletins.weeks import WeekError, last_complete_week
from hotline.db import get_session
from models.base import utcnow
from models.bulletins import Bulletin, BulletinCorrection, BulletinFile, BulletinStatus, TypicalCase, TypicalStatus
from models.cases import Case
from models.clues import Clue
from models.complaints import Complaint
from models.users import Role

bp = Blueprint("bulletins", __name__, url_prefix="/bulletins")

READERS = (Role.supervisor, Role.admin)
PUBLISHERS = (Role.supervisor,)
NAV = [("统计通报", "bulletins.index", READERS), ("数据看板", "bulletins.dashboard", READERS),
       ("典型案例", "bulletins.typical_cases", READERS)]
DOWNLOADS = {"bulletin.docx": "docx", "bulletin.xlsx": "xlsx", "bulletin.html": "html", "figures.json": "json"}
KINDS = {"week": "周", "month": "月", "quarter": "季度", "year": "年度", "range": "起止日期", "campaign": "专项期间"}


def _settings():
    return current_app.config["SETTINGS"]


def _index(week_text: str, error: str | None = None, status: int = 200, form: dict | None = None):
    db = get_session()
    rows = db.exec(select(Bulletin).order_by(Bulletin.started_at.desc(), Bulletin.id.desc()).limit(200)).all()
    return render_template("bulletins/index.html", rows=rows, week_text=week_text, error=error,
                           status_labels=BulletinStatus.labels(), Status=BulletinStatus, kinds=KINDS,
                           form=form or {"kind": "week", "value": week_text}, campaigns=campaigns.listed(db),
                           is_admin=current_user.role is Role.admin), status


@bp.route("/")
@access.roles(*READERS)
def index():
    """The archive: every version of every period's bulletin, newest first."""
    return _index(str(last_complete_week(utcnow(), _settings().TIMEZONE)))


def _period_from(form) -> periods.Period:
    """The period a form names (Chinese errors for anything unreadable)."""
    zone = _settings().TIMEZONE
    kind, value = form.get("kind", "week"), form.get("value", "").strip()
    if kind == "week":
        return periods.week(value, zone)
    if kind == "month":
        return periods.month(value, zone)
    if kind == "quarter":
        return periods.quarter(value, zone)
    if kind == "year":
        return periods.year(value, zone)
    if kind == "campaign":
        last = form.get("last", "").strip()
        return campaigns.period_of(get_session(), value, zone,
                                   last=periods.parse_date(last, "截止日期") if last else None)
    if kind == "range":
        return periods.span(periods.parse_date(form.get("first", ""), "起始日期"),
                            periods.parse_date(form.get("last", ""), "截止日期"), zone, form.get("title", ""))
    raise PeriodError("请选择统计期间类型")


@bp.route("/build", methods=["POST"])
@access.roles(*READERS)
def build():
    """Build a draft of a period's bulletin now (a period not ended: an interim report)."""
    form = {k: request.form.get(k, "") for k in ("kind", "value", "first", "last", "title")}
    if not form["kind"] and request.form.get("week"):  # the old form's single field
        form.update(kind="week", value=request.form["week"])
    try:
        period = _period_from(form)
    except (PeriodError, WeekError, campaigns.CampaignError) as exc:
        return _index(form["value"], str(exc), 400, form)
    now = utcnow()
    if period.start > now:
        return _index(form["value"], f"{period.label()}尚未开始，不能生成通报", 400, form)
    db = get_session()
    try:
        bulletin = archive.build(session=db, period=period.cut(now), settings=_settings(), trigger="web",
                                 actor=current_user)
        db.commit()
    except charts.FontMissing as exc:
        db.rollback()
        return _index(form["value"], str(exc), 500, form)
    return redirect(url_for("bulletins.view", bulletin_id=bulletin.id))


@bp.route("/campaigns", methods=["POST"])
@access.roles(Role.admin)
def add_campaign():
    """An admin records a campaign period (专项期间)."""
    db = get_session()
    try:
        campaigns.record(db, title=request.form.get("title", ""), start=request.form.get("start", ""),
                         end=request.form.get("end", "") or None, actor=current_user)
    except (campaigns.CampaignError, PeriodError) as exc:
        db.rollback()
        return _index("", str(exc), 400)
    db.commit()
    return redirect(url_for("bulletins.index"))


def _bulletin(bulletin_id: int) -> Bulletin:
    bulletin = get_session().get(Bulletin, bulletin_id)
    if bulletin is None:
        abort(404)
    return bulletin


def _view(bulletin: Bulletin, error: str | None = None, status: int = 200):
    if bulletin.status not in (BulletinStatus.built, BulletinStatus.published):
        return render_template("bulletins/pending.html", bulletin=bulletin,
                               status_labels=BulletinStatus.labels()), 409
    db = get_session()
    settings = _settings()
    figures = Figures.from_json(bulletin.figures)
    names = db.exec(select(BulletinFile.name).where(BulletinFile.bulletin_id == bulletin.id)).all()
    chart_src = {n[len("charts/"):-len(".png")]: url_for("bulletins.download", bulletin_id=bulletin.id, name=n)
                 for n in names if n.startswith("charts/")}
    context = archive.page_context(figures, settings=settings, number=bulletin.number, version=bulletin.version,
                                   issued=archive.issued_of(bulletin, settings.TIMEZONE))
    published = archive.published_of(db, bulletin.week)
    period = archive.period_of(bulletin, settings.TIMEZONE)
    may_publish = (bulletin.status is BulletinStatus.built and bulletin.as_of is None and published is None
                   and period.natural_end <= utcnow() and current_user.role in PUBLISHERS)
    corrections = db.exec(select(BulletinCorrection).where(BulletinCorrection.original_id == bulletin.id)
                          .order_by(BulletinCorrection.id)).all()
    return render_template("bulletins/view.html", bulletin=bulletin, chart_src=chart_src,
                           downloads=[n for n in DOWNLOADS if n in names], may_publish=may_publish,
                           published=published, corrections=corrections, registry=registry.FIGURES,
                           may_correct=bulletin.status is BulletinStatus.published and current_user.role in PUBLISHERS,
                           error=error, Status=BulletinStatus, **context), status


@bp.route("/<int:bulletin_id>")
@access.roles(*READERS)
def view(bulletin_id: int):
    """One version's HTML view, laid out like the document, with its downloads."""
    return _view(_bulletin(bulletin_id))


@bp.route("/<int:bulletin_id>/publish", methods=["POST"])
@access.roles(*PUBLISHERS)
def publish(bulletin_id: int):
    """A supervisor publishes the draft's period: numbered, dated today, frozen."""
    draft = _bulletin(bulletin_id)
    db = get_session()
    try:
        published = archive.publish(session=db, draft=draft, settings=_settings(), actor=current_user)
        db.commit()
    except (archive.PublishError, typical.TypicalError) as exc:
        db.rollback()
        return _view(draft, str(exc), 400)
    except charts.FontMissing as exc:
        db.rollback()
        return _view(draft, str(exc), 500)
    return redirect(url_for("bulletins.view", bulletin_id=published.id))


@bp.route("/<int:bulletin_id>/corrections", methods=["POST"])
@access.roles(*PUBLISHERS)
def correct(bulletin_id: int):
    """Record a correction (更正) of a published bulletin, issued with the next one published."""
    original = _bulletin(bulletin_id)
    db = get_session()
    try:
        archive.add_correction(session=db, original=original, figure=request.form.get("figure", ""),
                               text=request.form.get("text", ""), actor=current_user)
        db.commit()
    except archive.PublishError as exc:
        db.rollback()
        return _view(original, str(exc), 400)
    return redirect(url_for("bulletins.view", bulletin_id=original.id))


def _typical_page(error: str | None = None, status: int = 200):
    db = get_session()
    rows = db.exec(select(TypicalCase).order_by(TypicalCase.status, TypicalCase.id.desc()).limit(300)).all()
    return render_template("bulletins/typical.html", rows=rows, labels=TypicalStatus.labels(), Status=TypicalStatus,
                           names=_case_names(db, {r.case_id for r in rows}),
                           may_decide=current_user.role in PUBLISHERS, error=error), status


def _case_names(db, case_ids: set[int]) -> dict[int, str]:
    """Each case's clue number (its receipt code before the register existed), as the board names it."""
    if not case_ids:
        return {}
    found = db.exec(select(Case.id, Clue.number, Complaint.receipt_code)
                    .join(Complaint, Complaint.id == Case.complaint_id)
                    .outerjoin(Clue, Clue.complaint_id == Case.complaint_id).where(Case.id.in_(case_ids))).all()
    return {case_id: number or code for case_id, number, code in found}


@bp.route("/typical")
@access.roles(*READERS)
def typical_cases():
    """Typical cases: the system's proposals, their drafts, what a supervisor approved, what was published."""
    return _typical_page()


@bp.route("/typical/propose", methods=["POST"])
@access.roles(*PUBLISHERS)
def propose_typical():
    """Propose the cases now eligible (属实/部分属实 with measures) with drafted summaries."""
    db = get_session()
    typical.propose(db)
    db.commit()
    return redirect(url_for("bulletins.typical_cases"))


@bp.route("/typical/<int:typical_id>", methods=["POST"])
@access.roles(*PUBLISHERS)
def decide_typical(typical_id: int):
    """Approve (with the edited text) or reject one proposed typical case."""
    db = get_session()
    row = db.get(TypicalCase, typical_id)
    if row is None:
        abort(404)
    try:
        if request.form.get("decision") == "reject":
            typical.reject(db, row, actor=current_user)
        else:
            typical.approve(db, row, summary=request.form.get("summary", ""), actor=current_user)
        db.commit()
    except typical.TypicalError as exc:
        db.rollback()
        return _typical_page(str(exc), 400)
    return redirect(url_for("bulletins.typical_cases"))


@bp.route("/<int:bulletin_id>/files/<path:name>")
@access.roles(*READERS)
def download(bulletin_id: int, name: str):
    """A file of a version: the .docx, .xlsx or .html as a download, a chart as an image."""
    bulletin = _bulletin(bulletin_id)
    row = archive.file_of(get_session(), bulletin, name)
    if row is None:
        abort(404)
    response = Response(row.content, mimetype=row.content_type.split(";")[0])
    response.headers["Content-Type"] = row.content_type
    if name in DOWNLOADS:
        filename = f"bulletin-{bulletin.week.replace('~', '_')}-v{bulletin.version}.{DOWNLOADS[name]}"
        response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/dashboard")
@access.roles(*READERS)
def dashboard():
    """This week's key figures and the last 12 weeks' trends."""
    board = dashboard_mod.compute(get_session(), now=utcnow(), zone=_settings().TIMEZONE)
    return render_template("bulletins/dashboard.html", board=board, show=show, trend=board.trend_table,
                           names={f.code: f.name for f in registry.FIGURES})


@bp.route("/dashboard/trend.png")
@access.roles(*READERS)
def dashboard_trend():
    """The 12-week trend chart of the dashboard, drawn once per distinct series.

    The page names the image by its series digest (`?v=`): a digest already drawn is served from the
    cache without a query, and the browser may keep it (a new series is a new URL). Otherwise the
    series is computed now and drawn (or found) under its own digest.
    """
    settings = _settings()
    font = settings.BULLETIN_FONT or None
    requested = request.args.get("v", "")
    key = f"{font}:{requested}"
    image = dashboard_mod.TREND_CHARTS.get(key) if requested else None
    if image is None:
        board = dashboard_mod.compute(get_session(), now=utcnow(), zone=settings.TIMEZONE)
        digest = board.trend_key
        key = f"{font}:{digest}"
        image = dashboard_mod.TREND_CHARTS.get(key)
        if image is None:
            try:
                image = charts.drawer(font).trend("近12周趋势", board.trend)
            except charts.FontMissing:
                abort(503)
            dashboard_mod.TREND_CHARTS.put(key, image)
        requested_matches = digest == requested
    else:
        digest, requested_matches = requested, True
    response = Response(image, mimetype="image/png")
    response.set_etag(digest)
    # Versioned URL: the bytes under it never change. Unversioned: revalidate by ETag each time.
    response.headers["Cache-Control"] = "private, max-age=86400" if requested_matches else "private, no-cache"
    return response.make_conditional(request)
