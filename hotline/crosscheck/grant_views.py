"""The grant table's screens (admin): the grants with their age ranges and aliases, each grant's
versions, and the 项目 texts on the rolls that no grant answers to yet (mapped here)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from hotline import access
from hotline.crosscheck import grants
from hotline.db import get_session
from models.rolls import Grant, GrantVersion
from models.taxonomy import Program
from models.users import Role, User

bp = Blueprint("grants", __name__, url_prefix="/crosscheck/grants")
NAV = [("补助项目规则", "grants.index", (Role.admin,))]


@bp.route("/")
@access.roles(Role.admin)
def index():
    """Every grant, and the 项目 texts on the rolls that none of them answers to."""
    db = get_session()
    book = grants.book(db)
    db.commit()  # the seed, the first time
    rows = db.exec(select(Grant).order_by(Grant.program, Grant.id)).all()
    return render_template("crosscheck/grants.html", rows=rows, programs=Program.labels(), conditions=grants.CONDITIONS,
                           unmapped=grants.unmapped(book, grants.names_on_rolls(db)))


@bp.route("/new", methods=["GET", "POST"])
@access.roles(Role.admin)
def new():
    """Add a grant."""
    return _edit(None)


@bp.route("/<int:grant_id>", methods=["GET", "POST"])
@access.roles(Role.admin)
def edit(grant_id: int):
    """Change a grant (a new version) and read its earlier versions."""
    grant = get_session().get(Grant, grant_id)
    if grant is None:
        abort(404)
    return _edit(grant)


def _edit(grant: Grant | None):
    db = get_session()
    error, form = "", None
    if request.method == "POST":
        form = request.form
        try:
            grant = grants.save(db, grant=grant, form=form, reason=form.get("reason", ""), user=current_user)
        except grants.GrantError as exc:
            db.rollback()
            error = str(exc)
        else:
            db.commit()
            flash(f"已保存“{grant.name}”（第{grant.version}版），下次比对起按新规则判断")
            return redirect(url_for("grants.edit", grant_id=grant.id))
    versions = []
    if grant is not None and grant.id is not None:
        versions = db.exec(select(GrantVersion, User).join(User, User.id == GrantVersion.changed_by_id, isouter=True)
                           .where(GrantVersion.grant_id == grant.id).order_by(GrantVersion.version.desc())).all()
    codes = {g.code: g.name for g in db.exec(select(Grant).order_by(Grant.id)).all()}
    return render_template("crosscheck/grant.html", grant=grant, form=form, error=error, versions=versions,
                           programs=Program.labels(), codes=codes, conditions=grants.CONDITIONS), (422 if error else 200)


@bp.route("/map", methods=["POST"])
@access.roles(Role.admin)
def map_text():
    """Map a 项目 text of the rolls to a grant (the text becomes one of its aliases)."""
    db = get_session()
    back = request.form.get("next", "")
    back = back if back.startswith("/crosscheck/") and not back.startswith("//") else url_for("grants.index")
    grant = db.get(Grant, request.form.get("grant_id", type=int) or 0)
    if grant is None:
        flash("请选择要对应的补助项目")
        return redirect(back)
    try:
        grants.map_text(db, grant=grant, text=request.form.get("text", ""), user=current_user)
    except grants.GrantError as exc:
        db.rollback()
        flash(str(exc))
        return redirect(back)
    db.commit()
    flash(f"已将“{request.form.get('text', '').strip()}”对应到“{grant.name}”（第{grant.version}版）")
    return redirect(back)
