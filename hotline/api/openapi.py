"""The OpenAPI document for /api/v1 (a test checks it against the app's URL map)."""
from __future__ import annotations

from hotline.public.files import MAX_FILE_BYTES, MAX_FILES, MAX_TOTAL_BYTES

ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string", "description": "机器可读的错误码"},
        "message": {"type": "string", "description": "中文错误说明"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}},
}

INTAKE = {
    "type": "object", "required": ["text"], "additionalProperties": False,
    "properties": {
        "text": {"type": "string", "maxLength": 20000, "description": "反映内容"},
        "channel": {"type": "string", "enum": ["call", "voice", "sms", "web", "letter", "visit", "open311"]},
        "phone": {"type": "string", "description": "来电号码（手机或固话）"},
        "name": {"type": "string"}, "anonymous": {"type": "boolean"},
        "township_id": {"type": "integer"}, "village_id": {"type": "integer"},
        "accused_name": {"type": "string"}, "accused_title": {"type": "string"},
        "accused_level": {"type": "string", "enum": ["village_cadre", "township_cadre",
                                                     "county_department", "teacher_school", "other", "unknown"]},
        "program": {"type": "string", "enum": ["housing", "dibao", "education", "industry", "relocation",
                                               "medical", "agri_subsidy", "project_fund", "employment", "other"]},
        "amount": {"type": "string", "description": "金额，如 3500、2.5万"},
        "external_id": {"type": "string", "description": "来源系统的编号；重复提交返回同一结果"},
        "attachments": {"type": "array", "maxItems": MAX_FILES, "items": {"$ref": "#/components/schemas/AttachmentUpload"},
                        "description": f"证据材料（与网上举报相同的检查：按内容识别类型，每个不超过{MAX_FILE_BYTES >> 20} MB、"
                                       f"合计不超过{MAX_TOTAL_BYTES >> 20} MB，"
                                       "照片去除位置信息，加密保存）；任一文件未通过检查则整个请求不受理（422）"},
    },
}

ATTACHMENT_UPLOAD = {
    "type": "object", "required": ["filename", "content_base64"], "additionalProperties": False,
    "properties": {
        "filename": {"type": "string", "description": "文件名，扩展名须与内容一致：.jpg .jpeg .png .pdf .docx .xlsx"},
        "content_base64": {"type": "string", "contentEncoding": "base64", "description": "文件内容（Base64）"},
    },
}

ATTACHMENT = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "filename": {"type": "string"},
                   "kind": {"type": "string", "enum": ["jpeg", "png", "pdf", "docx", "xlsx"]},
                   "size": {"type": "integer"}, "sha256": {"type": "string"}},
}

ATTACHMENTS_ADDED = {
    "type": "object",
    "properties": {"receipt_code": {"type": "string"},
                   "attachments": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}},
                   "already_attached": {"type": "integer", "description": "该举报已有的相同文件数（不重复保存）"}},
}

COMPLAINT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "receipt_code": {"type": "string", "pattern": "^[0-9]{14}$"},
        "status": {"type": "string"}, "status_label": {"type": "string"},
        "received_at": {"type": "string", "format": "date-time"},
        "problem_type": {"type": ["string", "null"]}, "program": {"type": ["string", "null"]},
        "triage_state": {"type": "string"}, "confidence": {"type": ["number", "null"]},
        "case_status": {"type": ["string", "null"]}, "case_status_label": {"type": ["string", "null"]},
        "office_level": {"type": ["string", "null"]},
        "attachments": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"},
                        "description": "本次保存的证据材料（仅登记时返回）"},
    },
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(description: str, schema: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


# Paths are relative to the server URL (…/api/v1). Extended by other capabilities via PATHS.
PATHS: dict = {
    "/complaints": {"post": {
        "summary": "登记一条举报（受理）", "operationId": "createComplaint",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/IntakeRequest"}}}},
        "responses": {"201": _ok("已受理，返回查询码", "Complaint"),
                      "200": _ok("相同 external_id 的重复提交，返回原结果", "Complaint"),
                      "400": _error("请求体不是 JSON"), "401": _error("未认证"),
                      "403": _error("无权限"), "413": _error("请求过大"),
                      "422": _error("字段校验失败或附件未通过检查")}}},
    "/complaints/{code}": {"get": {
        "summary": "按查询码查询办理状态", "operationId": "getComplaint",
        "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": _ok("办理状态", "Complaint"), "401": _error("未认证"),
                      "404": _error("查询码不存在")}}},
    "/complaints/{code}/attachments": {"post": {
        "summary": "为已登记的举报补充证据材料", "operationId": "addAttachments",
        "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["attachments"], "additionalProperties": False,
            "properties": {"attachments": {"type": "array", "minItems": 1, "maxItems": MAX_FILES,
                                           "items": {"$ref": "#/components/schemas/AttachmentUpload"}}}}}}},
        "responses": {"201": _ok("已保存", "AttachmentsAdded"),
                      "200": _ok("文件均已在该举报中，未重复保存", "AttachmentsAdded"),
                      "400": _error("请求体不是 JSON"), "401": _error("未认证"), "403": _error("无权限"),
                      "404": _error("查询码不存在"), "413": _error("请求过大"),
                      "422": _error("文件未通过检查（类型、大小、内容）")}}},
    "/openapi.json": {"get": {"summary": "本文档", "operationId": "openapi", "security": [],
                              "responses": {"200": {"description": "OpenAPI 文档"}}}},
}


def openapi_document(server: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "扶贫领域投诉举报热线 API", "version": "1.0.0",
                 "description": "受理登记与办理状态查询。错误以 JSON 返回，含机器可读错误码和中文说明。"},
        "servers": [{"url": server}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR, "IntakeRequest": INTAKE, "Complaint": COMPLAINT,
                        "AttachmentUpload": ATTACHMENT_UPLOAD, "Attachment": ATTACHMENT,
                        "AttachmentsAdded": ATTACHMENTS_ADDED},
        },
    }
