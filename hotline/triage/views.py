"""Triage screens: the review and unclassified queues, and confirming or correcting labels."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from hotline import access, scope
from hotline.db import get_session
from hotline.intake.views import complaint_or_404
from hotline.triage import service
from hotline.triage.confidence import confidence_note
from hotline.triage.highlight import highlight
from models.complaints import TriageState
from models.taxonomy import Program, ProblemType
from models.users import Role

bp = Blueprint("triage", __name__, url_prefix="/triage")

WORK_ROLES = (Role.inspector, Role.supervisor)
NAV = [("待审分类", "triage.review", WORK_ROLES)]
TEMPLATE_GLOBALS = {"highlight_entities": highlight, "confidence_note": confidence_note,
                    "problem_type_choices": lambda: list(ProblemType),
                    "program_choices": lambda: list(Program)}

QUEUES = {"review": (TriageState.needs_review, "低置信度待复核"),
          "unclassified": (TriageState.unclassified, "待分类（暂无模型或分类失败）")}


@bp.route("/review")
@access.roles(*WORK_ROLES)
def review():
    """Low-confidence complaints waiting for an inspector's labels."""
    return _queue("review")


@bp.route("/unclassified")
@access.roles(*WORK_ROLES)
def unclassified():
    """Complaints the classifier has not labelled yet."""
    return _queue("unclassified")


def _queue(name: str):
    state, title = QUEUES[name]
    db = get_session()
    rows = service.queue(db, state, office_ids=scope.office_ids(db, current_user))
    return render_template("triage/queue.html", rows=rows, title=title, current=name)


@bp.route("/<int:complaint_id>/labels", methods=["POST"])
@access.roles(*WORK_ROLES)
def labels(complaint_id: int):
    """Confirm the predicted labels, or store the inspector's correction (one click either way)."""
    db = get_session()
    complaint = complaint_or_404(complaint_id)
    chosen = service.Labels(problem_type=request.form.get("problem_type", ""),
                            secondary_types=request.form.getlist("secondary_types"),
                            program=request.form.get("program", ""))
    try:
        correction = service.confirm_labels(session=db, complaint=complaint, labels=chosen, actor=current_user)
    except service.LabelError as exc:
        db.rollback()
        flash(str(exc))
        return redirect(url_for("intake.complaint", complaint_id=complaint_id)), 303
    db.commit()
    flash("分类已更正并记录，将用于模型再训练" if correction.changed else "分类已确认")
    target = request.form.get("next")
    if target in ("review", "unclassified"):
        return redirect(url_for(f"triage.{target}"))
    return redirect(url_for("intake.complaint", complaint_id=complaint_id))
