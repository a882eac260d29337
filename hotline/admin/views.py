"""Admin screens for users and offices, and the auditor's read-only audit trail."""
from __future__ import annotations

import io

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import func, select

from hotline import access, audit, audit_labels, spreadsheet_safety
from hotline.auth import grants
from hotline.auth.accounts import AccountError, change_role, create_user, set_password
from hotline.auth.passwords import WeakPassword
from hotline.db import get_session
from models.audit import AuditEntry
from models.divisions import Township
from models.offices import Office, OfficeJurisdiction, OfficeKind
from models.users import IDENTITY_ROLES, Role, RoleGrant, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users", methods=["GET", "POST"])
@access.roles(Role.admin)
def users():
    """List users and pending identity-role grants; create a user."""
    db = get_session()
    error, values = None, {}
    if request.method == "POST":
        values = request.form.to_dict()
        office = db.get(Office, request.form.get("office_id", type=int) or -1)
        try:
            if values.get("role") in {r.value for r in IDENTITY_ROLES}:
                raise AccountError("可查看举报人身份的角色不能在创建时直接授予：请先以其他角色创建，再提交授予申请，由另一名管理员批准")
            create_user(db, username=values.get("username", ""), full_name=values.get("full_name", ""),
                        role=values.get("role", ""), password=values.get("password", ""),
                        office=office, actor=current_user)
            db.commit()
            flash("用户已创建")
            return redirect(url_for("admin.users"))
        except (AccountError, WeakPassword) as exc:
            db.rollback()
            error = str(exc)
    return _users_page(db, error=error, values=values), (422 if error else 200)


def _users_page(db, *, error: str | None = None, values: dict | None = None):
    rows = db.exec(select(User).order_by(User.username)).all()
    offices = db.exec(select(Office).order_by(Office.name)).all()
    return render_template("admin/users.html", rows=rows, offices=offices, roles=list(Role),
                           error=error, values=values or {}, office_names={o.id: o.name for o in offices},
                           grants=grants.pending(db), user_names={u.id: u.username for u in rows},
                           identity_roles=sorted(IDENTITY_ROLES, key=lambda r: r.value))


@bp.route("/users/<int:user_id>", methods=["POST"])
@access.roles(Role.admin)
def update_user(user_id: int):
    """Change a user's role, office, active flag or password (an identity role only by a grant)."""
    db = get_session()
    user = db.get(User, user_id)
    if user is None:
        abort(404)
    changes = {}
    try:
        if request.form.get("role"):
            change_role(db, user=user, role=request.form["role"], actor=current_user)
            changes["role"] = user.role.value
        if request.form.get("password"):
            set_password(db, user=user, password=request.form["password"], actor=current_user)
            changes["password"] = "reset"
    except (AccountError, WeakPassword) as exc:
        db.rollback()
        flash(str(exc))
        return redirect(url_for("admin.users"))
    if "office_id" in request.form:
        user.office_id = request.form.get("office_id", type=int) or None
        changes["office_id"] = user.office_id
    if "active" in request.form:
        user.active = request.form["active"] == "1"
        changes["active"] = user.active
    db.add(user)
    audit.record(db, actor=current_user, action="user.update", entity="user", entity_id=user.id,
                 detail=changes)
    db.commit()
    flash("已保存")
    return redirect(url_for("admin.users"))


@bp.route("/grants", methods=["POST"])
@access.roles(Role.admin)
def request_grant():
    """Ask for an identity role for a user; another admin must approve."""
    db = get_session()
    user = db.get(User, request.form.get("user_id", type=int) or -1)
    if user is None:
        flash("请选择用户")
        return redirect(url_for("admin.users"))
    try:
        grants.request_grant(db, user=user, role=request.form.get("role", ""), reason=request.form.get("reason", ""),
                             requester=current_user._get_current_object())
    except (AccountError, ValueError) as exc:
        db.rollback()
        flash(str(exc) if isinstance(exc, AccountError) else "角色不正确")
        return redirect(url_for("admin.users"))
    db.commit()
    flash("授予申请已提交，须由另一名管理员批准")
    return redirect(url_for("admin.users"))


@bp.route("/grants/<int:grant_id>/approve", defaults={"decision": "approve"}, methods=["POST"])
@bp.route("/grants/<int:grant_id>/refuse", defaults={"decision": "refuse"}, methods=["POST"])
@bp.route("/grants/<int:grant_id>/withdraw", defaults={"decision": "withdraw"}, methods=["POST"])
@access.roles(Role.admin)
def decide_grant(grant_id: int, decision: str):
    """Approve, refuse or withdraw a pending identity-role grant."""
    db = get_session()
    grant = db.get(RoleGrant, grant_id)
    if grant is None:
        abort(404)
    step = {"approve": lambda: grants.approve(db, grant=grant, approver=current_user._get_current_object()),
            "refuse": lambda: grants.refuse(db, grant=grant, admin=current_user._get_current_object()),
            "withdraw": lambda: grants.withdraw(db, grant=grant, admin=current_user._get_current_object())}
    try:
        step[decision]()
    except AccountError as exc:
        db.rollback()
        flash(str(exc))
        return redirect(url_for("admin.users"))
    db.commit()
    flash({"approve": "已批准，角色已授予", "refuse": "已驳回", "withdraw": "已撤回"}[decision])
    return redirect(url_for("admin.users"))


@bp.route("/offices", methods=["GET", "POST"])
@access.roles(Role.admin)
def offices():
    """List offices with their jurisdiction; create one."""
    db = get_session()
    error = None
    if request.method == "POST":
        name = (request.form.get("name") or "").strip()
        try:
            kind = OfficeKind(request.form.get("kind", ""))
        except ValueError:
            kind = None
        if not name or kind is None:
            error = "请填写机构名称并选择机构类型"
        elif db.exec(select(Office).where(Office.name == name)).first():
            error = f"机构“{name}”已存在"
        else:
            office = Office(name=name[:60], kind=kind,
                            department=(request.form.get("department") or None))
            db.add(office)
            db.flush()
            for tid in request.form.getlist("township_ids", type=int):
                if db.get(Township, tid):
                    db.add(OfficeJurisdiction(office_id=office.id, township_id=tid))
            audit.record(db, actor=current_user, action="office.create", entity="office",
                         entity_id=office.id, detail={"name": name, "kind": kind.value})
            db.commit()
            flash("机构已创建")
            return redirect(url_for("admin.offices"))
    rows = db.exec(select(Office).order_by(Office.kind, Office.name)).all()
    townships = db.exec(select(Township).order_by(Township.code)).all()
    juris: dict[int, list[str]] = {}
    names = {t.id: t.name for t in townships}
    for j in db.exec(select(OfficeJurisdiction)).all():
        juris.setdefault(j.office_id, []).append(names.get(j.township_id, "?"))
    return render_template("admin/offices.html", rows=rows, townships=townships, juris=juris,
                           kinds=list(OfficeKind), error=error), (422 if error else 200)


@bp.route("/audit")
@access.roles(Role.auditor, Role.admin)
def audit_log():
    """The audit trail, newest first, filterable by action and actor."""
    db = get_session()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    stmt = _audit_query()
    rows = db.exec(stmt.order_by(AuditEntry.id.desc()).offset((page - 1) * 100).limit(100)).all()
    total = db.exec(select(func.count()).select_from(AuditEntry)).one()
    return render_template("admin/audit.html", rows=rows, page=page, total=total, labels=audit_labels,
                           action=request.args.get("action", ""), actor=request.args.get("actor", ""))


def _audit_query():
    stmt = select(AuditEntry)
    if request.args.get("action"):
        stmt = stmt.where(AuditEntry.action.like(request.args["action"].replace("%", "") + "%"))
    if request.args.get("actor"):
        stmt = stmt.where(AuditEntry.actor_name == request.args["actor"])
    return stmt


@bp.route("/audit.csv")
@access.roles(Role.auditor)
def audit_export():
    """Export the (filtered) audit trail as CSV, with the chain hashes."""
    db = get_session()
    buffer = io.StringIO()
    writer = spreadsheet_safety.csv_writer(buffer)  # actor names and details are typed by people
    writer.writerow(["id", "seq", "at", "actor", "action", "entity", "entity_id", "detail", "remote_addr",
                     "prev_hash", "hash"])
    audit.seal(db.get_bind(), current_app.config["AUDIT_KEY"])  # every entry with its place if it can
    # Chain order; an entry committed after the seal still appears, last, with an empty seq.
    order = (AuditEntry.seq.is_(None), AuditEntry.seq, AuditEntry.id)
    for row in db.exec(_audit_query().order_by(*order).execution_options(populate_existing=True)).all():
        writer.writerow([row.id, row.seq, row.at.isoformat(), row.actor_name, row.action, row.entity,
                         row.entity_id, row.detail, row.remote_addr, row.prev_hash, row.hash])
    audit.record(db, actor=current_user, action="audit.export", entity="audit", entity_id=None)
    db.commit()
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit.csv"})
