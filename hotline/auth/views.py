"""Login and logout."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from hotline import access, audit
from hotline.auth.accounts import AccountError, authenticate
from hotline.db import get_session

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: never an open redirect."""
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@access.public
def login():
    """Show the login form; sign the user in."""
    if request.method == "GET":
        return render_template("auth/login.html", username="")
    db = get_session()
    username = request.form.get("username", "")
    try:
        user = authenticate(db, username, request.form.get("password", ""))
    except AccountError as exc:
        return render_template("auth/login.html", error=str(exc), username=username), 401
    session.clear()
    session.permanent = True
    login_user(user)
    audit.record(db, actor=user, action="user.login", entity="user", entity_id=user.id)
    db.commit()
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/logout", methods=["POST"])
@access.roles(access.ALL_STAFF, access.Role.auditor)
def logout():
    """Sign out."""
    db = get_session()
    audit.record(db, actor=current_user, action="user.logout", entity="user", entity_id=current_user.id)
    db.commit()
    logout_user()
    session.clear()
    flash("已退出登录")
    return redirect(url_for("auth.login"))
