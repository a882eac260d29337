"""Login and logout."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from hotline import access, audit
from hotline.auth import sessions, totp
from hotline.auth.accounts import AccountError, authenticate, check_second_factor
from hotline.db import get_session
from models.users import User

bp = Blueprint("auth", __name__)
PENDING_SECONDS = 300  # time allowed between the password and the second factor


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
    db.commit()
    session.clear()
    if totp.required(user):
        # Password accepted; the session is not logged in until the second factor is.
        session["pending_user_id"], session["pending_since"] = user.id, time.time()
        session["pending_next"] = _safe_next(request.args.get("next"))
        return redirect(url_for("auth.second_factor"))
    return _complete_login(db, user, _safe_next(request.args.get("next")))


def _complete_login(db, user: User, target: str):
    session.clear()
    session.permanent = True
    login_user(user)
    sessions.start(user)
    audit.record(db, actor=user, action="user.login", entity="user", entity_id=user.id)
    db.commit()
    return redirect(target)


def _pending_user(db) -> User | None:
    user_id, since = session.get("pending_user_id"), session.get("pending_since", 0)
    if not user_id or time.time() - since > PENDING_SECONDS:
        return None
    return db.get(User, user_id)


@bp.route("/login/totp", methods=["GET", "POST"])
@access.public
def second_factor():
    """The second step for supervisors and admins: enrol an authenticator app, or give its code."""
    db = get_session()
    user = _pending_user(db)
    if user is None:
        session.clear()
        flash("登录已超时，请重新输入用户名和密码")
        return redirect(url_for("auth.login"))
    enrolling = user.totp_secret is None
    secret = session.setdefault("enrol_secret", totp.new_secret()) if enrolling else user.totp_secret
    if request.method == "GET":
        return _second_factor_page(user, secret, enrolling)
    try:
        check_second_factor(db, user, secret, request.form.get("code", ""))
    except AccountError as exc:
        return _second_factor_page(user, secret, enrolling, error=str(exc)), 401
    if enrolling:
        audit.record(db, actor=user, action="user.totp_enrolled", entity="user", entity_id=user.id)
    return _complete_login(db, user, session.get("pending_next") or url_for("home.index"))


def _second_factor_page(user: User, secret: str, enrolling: bool, error: str | None = None):
    return render_template("auth/totp.html", enrolling=enrolling, error=error,
                           secret=secret if enrolling else None,
                           uri=totp.provisioning_uri(user, secret) if enrolling else None)


@bp.route("/logout", methods=["POST"])
@access.roles(access.ALL_STAFF, access.Role.auditor)
def logout():
    """Sign out."""
    db = get_session()
    audit.record(db, actor=current_user, action="user.logout", entity="user", entity_id=current_user.id)
    sessions.end_all(db, current_user._get_current_object())  # a copy of this cookie must not outlive the logout
    db.commit()
    logout_user()
    session.clear()
    flash("已退出登录")
    return redirect(url_for("auth.login"))
