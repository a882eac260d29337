"""The OpenAPI document for /api/v1 (a test checks it against the app's URL map)."""
from __future__ import annotations

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
    },
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
                      "403": _error("无权限"), "422": _error("字段校验失败")}}},
    "/complaints/{code}": {"get": {
        "summary": "按查询码查询办理状态", "operationId": "getComplaint",
        "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": _ok("办理状态", "Complaint"), "401": _error("未认证"),
                      "404": _error("查询码不存在")}}},
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
            "schemas": {"Error": ERROR, "IntakeRequest": INTAKE, "Complaint": COMPLAINT},
        },
    }
