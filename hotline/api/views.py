"""JSON API v1: intake and status look-up, for other systems and the operators' tools."""
from __future__ import annotations

import base64
import binascii

from flask import Blueprint, current_app, g, jsonify, request, url_for
from sqlmodel import select

from hotline import access, controlchars, scope
from hotline.api.auth import token_required
from hotline.api.openapi import openapi_document
from hotline.db import get_session
from hotline.errors import error_response
from hotline.clues.registration import clue_json
from hotline.clues.sources import SourceInput
from hotline.intake import service
from hotline.public import files as evidence, service as public
from hotline.security import csrf
from models.cases import Case
from models.complaints import Complaint
from models.contacts import Contact
from models.offices import Office
from models.users import Role

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated: no cookies, so no cross-site forgery

INTAKE_FIELDS = {"text", "channel", "phone", "name", "anonymous", "township_id", "village_id",
                 "accused_name", "accused_title", "accused_level", "program", "amount", "external_id",
                 "clue_source", "referring_body", "referral_doc_number", "referral_date", "referral_due_date",
                 "attachments"}
ATTACHMENT_FIELDS = {"filename", "content_base64"}
# Evidence files travel as base64 (4/3 of their size) in the JSON body, next to the text.
MAX_BODY_BYTES = evidence.MAX_TOTAL_BYTES * 4 // 3 + (1 << 20)


@bp.before_request
def _room_for_evidence() -> None:
    request.max_content_length = MAX_BODY_BYTES


def _json_body() -> dict | tuple:
    data = request.get_json(silent=True)
    if data is None:
        return error_response(400, "请求体不是有效的 JSON", "invalid_json")
    if not isinstance(data, dict):
        return error_response(400, "请求体必须是 JSON 对象", "invalid_json")
    return data


def complaint_json(complaint: Complaint, case: Case | None, office: Office | None) -> dict:
    return {
        "id": complaint.id, "receipt_code": complaint.receipt_code,
        "status": complaint.status.value, "status_label": complaint.status.label,
        "received_at": complaint.received_at.isoformat(),
        "problem_type": complaint.problem_type.value if complaint.problem_type else None,
        "program": complaint.program.value if complaint.program else None,
        "triage_state": complaint.triage_state.value, "confidence": complaint.confidence,
        "case_status": case.status.value if case else None,
        "case_status_label": case.status.label if case else None,
        "office_level": office.kind.label if office else None,
        **clue_json(complaint),
    }


@bp.route("/openapi.json")
@access.public
def openapi():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(openapi_document(server=url_for("api.openapi", _external=True).rsplit("/", 1)[0]))


@bp.route("/complaints", methods=["POST"])
@token_required(Role.operator, Role.supervisor)
def create_complaint():
    """Log a report; answers with its receipt code."""
    body = _json_body()
    if isinstance(body, tuple):
        return body
    unknown = sorted(set(body) - INTAKE_FIELDS)
    if unknown:
        return error_response(422, f"不支持的字段：{', '.join(unknown)}", "unknown_fields")
    if not all(isinstance(v, (str, int, float, bool, type(None))) for k, v in body.items() if k != "attachments"):
        return error_response(422, "字段值必须是字符串、数字或布尔值", "invalid_field")
    data = service.IntakeData(
        text=str(body.get("text") or ""), channel=str(body.get("channel") or "web"),
        phone=str(body.get("phone") or ""), name=str(body.get("name") or ""),
        anonymous=body.get("anonymous") is True, township_id=body.get("township_id"),
        village_id=body.get("village_id"), accused_name=str(body.get("accused_name") or ""),
        accused_title=str(body.get("accused_title") or ""),
        accused_level=str(body.get("accused_level") or ""), program=str(body.get("program") or ""),
        amount=str(body.get("amount") or ""),
        external_id=controlchars.drop(str(body.get("external_id") or "")).strip()[:64] or None,
        clue=SourceInput(*(str(body.get(name) or "") for name in (
            "clue_source", "referring_body", "referral_doc_number", "referral_date", "referral_due_date"))),
    )
    files = _attachments(body.get("attachments"))
    if isinstance(files, tuple):
        return files
    try:
        checked = public.check_evidence(files)  # before anything is stored: a refused file refuses all
    except public.PublicError as exc:
        return error_response(422, "附件未通过检查：" + str(exc), "file_refused", fields=exc.errors)
    db = get_session()
    if data.external_id:
        existing = _existing_by_external_id(data)
        if existing is not None:
            if not scope.may_see_complaint(db, g.api_user, existing):
                return error_response(409, "该 external_id 已被使用", "external_id_taken")
            return jsonify(_with_case(existing)), 200
    try:
        complaint = service.log_contact(session=db, data=data, actor=g.api_user,
                                        lookup_key=current_app.config["LOOKUP_KEY"],
                                        max_chars=current_app.config["SETTINGS"].MAX_REPORT_CHARS)
        contact_id = db.exec(select(Contact.id).where(Contact.complaint_id == complaint.id)
                             .order_by(Contact.id.desc())).first()
        stored, _ = public.add_evidence(db, complaint.id, contact_id, checked, actor=g.api_user, channel="api")
        db.commit()
    except service.IntakeError as exc:
        db.rollback()
        return error_response(422, "提交内容有误：" + str(exc), "validation_failed", fields=exc.errors)
    return jsonify({**_with_case(complaint), "attachments": [public.attachment_json(a) for a in stored]}), 201


def _attachments(value) -> list[tuple[str, bytes]] | tuple:
    """[{"filename", "content_base64"}] → (name, bytes); a malformed entry is a 422 naming it."""
    if value is None:
        return []
    if not isinstance(value, list):
        return error_response(422, "attachments 须为数组：[{\"filename\": ..., \"content_base64\": ...}]",
                              "invalid_field")
    files = []
    for n, item in enumerate(value):
        where = f"attachments[{n}]"
        if not isinstance(item, dict) or set(item) != ATTACHMENT_FIELDS or \
                not all(isinstance(v, str) for v in item.values()):
            return error_response(422, f"{where} 须为对象，含字符串字段 filename 和 content_base64", "invalid_field")
        try:
            data = base64.b64decode(item["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            return error_response(422, f"{where}.content_base64 不是有效的 Base64 编码", "invalid_field")
        files.append((item["filename"], data))
    return files


@bp.route("/complaints/<code>/attachments", methods=["POST"])
@token_required(Role.operator, Role.supervisor)
def add_attachments(code: str):
    """Add evidence files to a complaint (by receipt code or clue number); a file it already has
    is not stored twice."""
    body = _json_body()
    if isinstance(body, tuple):
        return body
    unknown = sorted(set(body) - {"attachments"})
    if unknown:
        return error_response(422, f"不支持的字段：{', '.join(unknown)}", "unknown_fields")
    db = get_session()
    complaint = service.find_by_code(db, code)
    if complaint is None or not scope.may_see_complaint(db, g.api_user, complaint):  # no hint it exists
        return error_response(404, "查询码不存在或格式不正确", "not_found")
    files = _attachments(body.get("attachments"))
    if isinstance(files, tuple):
        return files
    if not files:
        return error_response(422, "请在 attachments 中至少附一个文件", "validation_failed")
    try:
        checked = public.check_evidence(files)
    except public.PublicError as exc:
        return error_response(422, "附件未通过检查：" + str(exc), "file_refused", fields=exc.errors)
    stored, repeated = public.add_evidence(db, complaint.id, None, checked, actor=g.api_user, channel="api")
    db.commit()
    return jsonify({"receipt_code": complaint.receipt_code, "attachments": [public.attachment_json(a) for a in stored],
                    "already_attached": repeated}), 201 if stored else 200


def _existing_by_external_id(data: service.IntakeData) -> Complaint | None:
    from models.taxonomy import Channel

    if data.channel not in {c.value for c in Channel}:
        return None  # validation refuses the channel in Chinese
    db = get_session()
    contact = db.exec(select(Contact).where(Contact.channel == data.channel,
                                            Contact.external_id == data.external_id)).first()
    return db.get(Complaint, contact.complaint_id) if contact and contact.complaint_id else None


def _with_case(complaint: Complaint) -> dict:
    db = get_session()
    case = db.exec(select(Case).where(Case.complaint_id == complaint.id)).first()
    office = db.get(Office, case.office_id) if case else None
    return complaint_json(complaint, case, office)


@bp.route("/complaints/<code>")
@token_required(Role.operator, Role.supervisor, Role.inspector)
def get_complaint(code: str):
    """Status of a complaint by its receipt code or clue number."""
    db = get_session()
    complaint = service.find_by_code(db, code)  # staff tokens: the clue number finds it too
    if complaint is None or not scope.may_see_complaint(db, g.api_user, complaint):  # no hint it exists
        return error_response(404, "查询码不存在或格式不正确", "not_found")
    return jsonify(_with_case(complaint))
