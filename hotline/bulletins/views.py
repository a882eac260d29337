"""Bulletin screens: the archive of every version, its HTML view and files, a dashboard of the week."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from hotline import access
from hotline.bulletins import archive, charts
from hotline.bulletins import dashboard as dashboard_mod
from hotline.bulletins.tables import Figures, show
from hotline.bulletins.weeks import IsoWeek, WeekError, last_complete_week
from hotline.db import get_session
from models.base import utcnow
from models.bulletins import BULLETIN_STATUS_LABELS, Bulletin, BulletinFile, BulletinStatus
from models.users import Role

bp = Blueprint("bulletins", __name__, url_prefix="/bulletins")

READERS = (Role.supervisor, Role.admin)
NAV = [("统计通报", "bulletins.index", READERS), ("数据看板", "bulletins.dashboard", READERS)]
DOWNLOADS = {"bulletin.docx": "docx", "bulletin.xlsx": "xlsx", "bulletin.html": "html"}


def _settings():
    return current_app.config["SETTINGS"]


def _index(week_text: str, error: str | None = None, status: int = 200):
    db = get_session()
    rows = db.exec(select(Bulletin).order_by(Bulletin.week.desc(), Bulletin.version.desc()).limit(200)).all()
    return render_template("bulletins/index.html", rows=rows, week_text=week_text, error=error,
                           status_labels=BULLETIN_STATUS_LABELS, Status=BulletinStatus), status


@bp.route("/")
@access.roles(*READERS)
def index():
    """The archive: every version of every week's bulletin, newest first."""
    return _index(str(last_complete_week(utcnow(), _settings().TIMEZONE)))


@bp.route("/build", methods=["POST"])
@access.roles(*READERS)
def build():
    """Build a new version of a week's bulletin now."""
    week_text = request.form.get("week", "").strip()
    try:
        week = IsoWeek.parse(week_text)
    except WeekError as exc:
        return _index(week_text, str(exc), 400)
    if week.start(_settings().TIMEZONE) > utcnow():
        return _index(week_text, f"{week}尚未开始，不能生成通报", 400)
    db = get_session()
    try:
        bulletin = archive.build(session=db, week=week, settings=_settings(), trigger="web", actor=current_user)
        db.commit()
    except charts.FontMissing as exc:
        db.rollback()
        return _index(week_text, str(exc), 500)
    return redirect(url_for("bulletins.view", bulletin_id=bulletin.id))


def _bulletin(bulletin_id: int) -> Bulletin:
    bulletin = get_session().get(Bulletin, bulletin_id)
    if bulletin is None:
        abort(404)
    return bulletin


@bp.route("/<int:bulletin_id>")
@access.roles(*READERS)
def view(bulletin_id: int):
    """One version's HTML view, laid out like the document, with its downloads."""
    bulletin = _bulletin(bulletin_id)
    if bulletin.status is not BulletinStatus.built:
        return render_template("bulletins/pending.html", bulletin=bulletin,
                               status_labels=BULLETIN_STATUS_LABELS), 409
    figures = Figures.from_json(bulletin.figures)
    names = get_session().exec(select(BulletinFile.name).where(BulletinFile.bulletin_id == bulletin.id)).all()
    chart_src = {n[len("charts/"):-len(".png")]: url_for("bulletins.download", bulletin_id=bulletin.id, name=n)
                 for n in names if n.startswith("charts/")}
    context = archive.page_context(figures, settings=_settings(), number=bulletin.number, version=bulletin.version)
    return render_template("bulletins/view.html", bulletin=bulletin, chart_src=chart_src,
                           downloads=[n for n in DOWNLOADS if n in names], **context)


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
        filename = f"bulletin-{bulletin.week}-v{bulletin.version}.{DOWNLOADS[name]}"
        response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/dashboard")
@access.roles(*READERS)
def dashboard():
    """This week's key figures and the last 12 weeks' trends."""
    board = dashboard_mod.compute(get_session(), now=utcnow(), zone=_settings().TIMEZONE)
    return render_template("bulletins/dashboard.html", board=board, show=show, trend=board.trend_table)


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
