"""The landing page (each role to its own work) and the health check."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, url_for
from flask_login import current_user

from hotline import access
from hotline.db import get_session
from models.users import Role

bp = Blueprint("home", __name__)

LANDING = {
    Role.operator: "intake.new",
    Role.inspector: "intake.complaints",
    Role.supervisor: "intake.complaints",
    Role.admin: "admin_checklist.index",  # the first-run checklist
    Role.auditor: "admin.audit_log",
    Role.custodian: "intake.complaints",
}


@bp.route("/")
@access.public
def index():
    """Send each user to their own starting screen."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(LANDING.get(current_user.role, "intake.complaints")))


@bp.route("/favicon.ico")
@access.public
def favicon():
    """The tab icon browsers ask for on every page (an SVG; no 404 in every log line)."""
    return current_app.send_static_file("favicon.svg")


@bp.route("/healthz")
@access.public
def health():
    """Liveness and database reachability for the load balancer."""
    try:
        get_session().execute(sa.text("SELECT 1"))
        return jsonify(status="ok", database="ok")
    except sa.exc.OperationalError:
        return jsonify(status="degraded", database="unavailable"), 503
