"""The admin's landing page: the first-run checklist, each line linking to the screen that fixes it."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for

from hotline import access
from hotline.db import get_session
from hotline.readiness import checks
from models.users import Role

bp = Blueprint("admin_checklist", __name__, url_prefix="/admin")
NAV = [("上线检查", "admin_checklist.index", {Role.admin})]


@bp.route("/")
@access.roles(Role.admin)
def index():
    """The checklist (the same as `python -m hotline doctor`)."""
    results = checks.run(get_session(), current_app.config["SETTINGS"])
    links = {c.key: _url(c.endpoint) for c in results}
    return render_template("admin/checklist.html", checks=results, links=links, ready=checks.ready(results),
                           labels=checks.Status.labels())


def _url(endpoint: str | None) -> str | None:
    if endpoint is None or endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint)
