"""Admin screens for townships and villages: add, rename, merge (撤并), retire, restore, with history.

Every change goes through hotline.county.changes (dated, audited); nothing is deleted.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from hotline import access
from hotline.county import changes, listing
from hotline.db import get_session
from models.divisions import ChangeKind, Township, Village
from models.users import Role

bp = Blueprint("admin_divisions", __name__, url_prefix="/admin/divisions")
NAV = [("区划管理", "admin_divisions.index", {Role.admin})]
SOURCE = "管理员"


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo(current_app.config["SETTINGS"].TIMEZONE)).date()


def _effective_on() -> dt.date:
    raw = (request.form.get("effective_on") or "").strip()
    if not raw:
        return _today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise changes.DivisionError("生效日期应写成 YYYY-MM-DD") from None


@bp.route("/", methods=["GET", "POST"])
@access.roles(Role.admin)
def index():
    """Townships with their village counts; add a township."""
    db = get_session()
    error = None
    if request.method == "POST":
        try:
            township = changes.add_township(db, name=request.form.get("name", ""),
                                            code=(request.form.get("code") or "").strip(),
                                            effective_on=_effective_on(), source=SOURCE, actor=current_user)
            db.commit()
            flash(f"已新增乡镇“{township.name}”")
            return redirect(url_for("admin_divisions.township", township_id=township.id))
        except changes.DivisionError as exc:
            db.rollback()
            error = str(exc)
    settings = current_app.config["SETTINGS"]
    return render_template("admin/divisions.html", rows=listing.townships(db), error=error,
                           county_code=settings.COUNTY_CODE), (422 if error else 200)


@bp.route("/import", methods=["POST"])
@access.roles(Role.admin)
def import_list():
    """Import or update the divisions from an uploaded code list (the same importer as the CLI)."""
    from hotline.county.codelist import CodeListError
    from hotline.county.importer import import_file, parse_merges

    db = get_session()
    upload = request.files.get("file")
    settings = current_app.config["SETTINGS"]
    try:
        if upload is None or not upload.filename:
            raise CodeListError(["请选择区划代码表文件（CSV 或 XLSX）"])
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload"
            upload.save(path)
            result = import_file(db, path, county_code=settings.COUNTY_CODE, effective_on=_effective_on(),
                                 merges=parse_merges((request.form.get("merges") or "").splitlines()),
                                 retire_missing=request.form.get("retire_missing") == "on",
                                 skip_other_counties=request.form.get("skip_other_counties") == "on",
                                 actor=current_user, name=Path(upload.filename).name[:80])
        db.commit()
    except (CodeListError, changes.DivisionError) as exc:
        db.rollback()
        return render_template("admin/divisions.html", rows=listing.townships(db), county_code=settings.COUNTY_CODE,
                               error=None, import_error=str(exc)), 422
    flash(("区划已更新：" if result.changed else "区划无变化：") + result.summary())
    return redirect(url_for("admin_divisions.index"))


@bp.route("/township/<int:township_id>")
@access.roles(Role.admin)
def township(township_id: int):
    """One township: its villages, the forms that change them, and its history."""
    db = get_session()
    item = db.get(Township, township_id) or abort(404)
    villages = db.exec(select(Village).where(Village.township_id == item.id).order_by(Village.code)).all()
    names = {v.id: v.name for v in villages}
    towns = db.exec(select(Township).order_by(Township.code)).all()
    history = changes.history(db, item) + [c for v in villages for c in changes.history(db, v)]
    history.sort(key=lambda c: (c.effective_on, c.id), reverse=True)
    return render_template("admin/division_township.html", township=item, villages=villages, village_names=names,
                           townships=towns, town_names={t.id: t.name for t in towns}, history=history,
                           change_labels=ChangeKind.labels(), error=request.args.get("error"),
                           today=_today().isoformat())


def _division(level: str, division_id: int):
    cls = {"township": Township, "village": Village}.get(level) or abort(404)
    return get_session().get(cls, division_id) or abort(404)


def _back(division, error: str | None = None):
    township_id = division.id if isinstance(division, Township) else division.township_id
    return redirect(url_for("admin_divisions.township", township_id=township_id, error=error))


@bp.route("/<level>/<int:division_id>/villages", methods=["POST"])
@access.roles(Role.admin)
def add_village(level: str, division_id: int):
    """Add a village to this township."""
    db = get_session()
    township = _division(level, division_id)
    if not isinstance(township, Township):
        abort(404)
    try:
        changes.add_village(db, township=township, name=request.form.get("name", ""),
                            code=(request.form.get("code") or "").strip(), effective_on=_effective_on(),
                            source=SOURCE, urban_rural_code=(request.form.get("urban_rural_code") or None),
                            actor=current_user)
        db.commit()
        flash("已新增村（社区）")
        return _back(township)
    except changes.DivisionError as exc:
        db.rollback()
        return _back(township, str(exc))


@bp.route("/<level>/<int:division_id>/<action>", methods=["POST"])
@access.roles(Role.admin)
def change(level: str, division_id: int, action: str):
    """Rename, merge, retire or restore a township or village (dated, audited)."""
    db = get_session()
    division = _division(level, division_id)
    kw = {"source": SOURCE, "actor": current_user}
    try:
        kw["effective_on"] = _effective_on()
        if action == "rename":
            changes.rename(db, division, request.form.get("name", ""), **kw)
        elif action == "merge":
            into = db.get(type(division), request.form.get("into_id", type=int) or -1)
            if into is None:
                raise changes.DivisionError("请选择并入的区划")
            changes.merge(db, division, into, **kw)
        elif action == "retire":
            changes.retire(db, division, **kw)
        elif action == "restore":
            changes.restore(db, division, **kw)
        else:
            abort(404)
        db.commit()
    except changes.DivisionError as exc:
        db.rollback()
        return _back(division, str(exc))
    flash("已保存")
    return _back(division)
