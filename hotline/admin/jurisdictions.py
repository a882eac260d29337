"""Admin: change an existing office's jurisdiction (管辖乡镇) or active flag; audited."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlmodel import select

from hotline import access, audit
from hotline.db import get_session
from models.divisions import Township
from models.offices import Office, OfficeJurisdiction
from models.users import Role

bp = Blueprint("admin_jurisdictions", __name__, url_prefix="/admin/offices")


@bp.route("/<int:office_id>/jurisdiction", methods=["POST"])
@access.roles(Role.admin)
def update(office_id: int):
    """Replace the office's townships with those ticked; set its active flag."""
    db = get_session()
    office = db.get(Office, office_id) or abort(404)
    wanted = {t for t in request.form.getlist("township_ids", type=int) if db.get(Township, t) is not None}
    current = {j.township_id: j for j in db.exec(select(OfficeJurisdiction)
                                                  .where(OfficeJurisdiction.office_id == office.id)).all()}
    for township_id in set(current) - wanted:
        db.delete(current[township_id])
    for township_id in wanted - set(current):
        db.add(OfficeJurisdiction(office_id=office.id, township_id=township_id))
    if "active" in request.form:
        office.active = request.form.get("active") == "1"
        db.add(office)
    audit.record(db, actor=current_user, action="office.update", entity="office", entity_id=office.id,
                 detail={"township_ids": sorted(wanted), "removed": sorted(set(current) - wanted),
                         "added": sorted(wanted - set(current)), "active": office.active})
    db.commit()
    flash(f"已保存“{office.name}”的管辖乡镇")
    return redirect(url_for("admin.offices"))
