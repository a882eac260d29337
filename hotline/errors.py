"""Errors answered in Chinese: an HTML page for people, JSON with a machine code for the API."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("bad_request", "请求格式不正确"),
    401: ("unauthorized", "请先登录或提供有效的访问令牌"),
    403: ("forbidden", "您没有权限访问此页面"),
    404: ("not_found", "页面或记录不存在"),
    405: ("method_not_allowed", "不支持该请求方式"),
    413: ("too_large", "提交的内容过大"),
    415: ("unsupported_media_type", "请求内容类型不正确，请使用 application/json"),
    429: ("too_many_requests", "操作过于频繁，请稍后再试"),
    503: ("database_unavailable", "数据库暂时不可用，请稍后重试，已填写的内容未丢失"),
}


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/open311/")) or request.is_json


def error_response(status: int, message: str | None = None, code: str | None = None, **extra):
    """The one way an error leaves the app."""
    default_code, default_message = MESSAGES.get(status, ("error", "请求无法完成"))
    message, code = message or default_message, code or default_code
    if wants_json():
        return jsonify(error={"code": code, "message": message, **extra}), status
    return render_template("error.html", status=status, message=message), status


# Form fields never echoed back into a page.
_NOT_ECHOED = {"csrf_token", "password"}


def unsaved_form_response():
    """A form posted while the database is down: hand every typed value back, ready to resubmit."""
    fields = [(k, v) for k, v in request.form.items(multi=True) if k not in _NOT_ECHOED]
    return render_template("unsaved.html", fields=fields, action=request.full_path.rstrip("?")), 503


def _forget_user() -> None:
    """Render as a stranger: loading the user would hit the unavailable database again."""
    g._login_user = AnonymousUserMixin()


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return error_response(400, "页面已过期或安全校验失败，请刷新页面后重新提交", "csrf_failed")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        # An exception may carry its own Chinese message (scope.OutOfScope, filters.BadFilter).
        return error_response(exc.code or 500, getattr(exc, "message_zh", None), getattr(exc, "error_code", None))

    @app.errorhandler(OperationalError)
    def _db_down(exc: OperationalError):
        log.error("database unavailable: %s", exc)
        _forget_user()
        if request.method == "POST" and request.form and not wants_json():
            return unsaved_form_response()
        return error_response(503)

    @app.errorhandler(DBAPIError)
    def _db_error(exc: DBAPIError):
        if exc.connection_invalidated:
            _forget_user()
            return error_response(503)
        log.exception("database error")
        return error_response(500, "系统内部错误，已记录，请联系管理员", "internal_error")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error")
        return error_response(500, "系统内部错误，已记录，请联系管理员", "internal_error")
