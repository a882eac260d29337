"""Admin screen: routing defaults generated from the offices, and offices generated for townships.

The admin reviews the proposed rules, adds them to the routing table in one step, then edits
the table (cases.rules). Townships no 乡镇纪委 covers get one each on request.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from hotline import access
from hotline.cases import routing_defaults
from hotline.db import get_session
from models.users import Role

bp = Blueprint("admin_routing_defaults", __name__, url_prefix="/admin/routing-defaults")
NAV = [("分办默认规则", "admin_routing_defaults.index", {Role.admin})]


def _threshold() -> int:
    return current_app.config["SETTINGS"].SUPERVISE_REPEAT_THRESHOLD


@bp.route("/")
@access.roles(Role.admin)
def index():
    """The rules the offices suggest, those already in the table marked."""
    db = get_session()
    proposals = routing_defaults.proposals(db, repeat_threshold=_threshold())
    pending = {p.name for p in routing_defaults.pending(db, repeat_threshold=_threshold())}
    return render_template("admin/routing_defaults.html", proposals=proposals, pending=pending)


@bp.route("/apply", methods=["POST"])
@access.roles(Role.admin)
def apply():
    """Append the proposed rules not yet in the table (audited)."""
    db = get_session()
    added = routing_defaults.apply(db, actor=current_user, repeat_threshold=_threshold())
    db.commit()
    flash(f"已加入 {len(added)} 条分办规则，可在分办规则表中调整顺序和条件" if added else "没有需要加入的规则")
    return redirect(url_for("admin_routing_defaults.index"))


@bp.route("/township-offices", methods=["POST"])
@access.roles(Role.admin)
def township_offices():
    """Create a 乡镇纪委 for every township none covers (audited)."""
    db = get_session()
    created = routing_defaults.township_commissions(db, actor=current_user)
    db.commit()
    flash(f"已为 {len(created)} 个乡镇建立乡镇纪委" if created else "每个乡镇都已有乡镇纪委")
    return redirect(url_for("admin.offices"))
