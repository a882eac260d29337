"""Open311 GeoReport v2 under /open311/v2/: services (public), requests (with a partner's api_key).

Requests need a key even to read: complaint status in a whistleblowing hotline is not public,
and each partner sees only the requests it posted itself.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, g, request
from werkzeug.exceptions import HTTPException

from hotline import access
from hotline.db import get_session
from hotline.errors import MESSAGES
from hotline.open311 import catalogue, clients, formats, tracking
from hotline.open311.service import Open311Error, created_json, submit
from hotline.public import files as evidence
from hotline.security import csrf

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)  # key-authenticated, no cookies: nothing for a forged cross-site form to ride on

MAX_BODY_BYTES = 512 * 1024  # a 20,000-character report, percent-encoded, fits with room to spare
# A multipart POST may carry evidence files (`media` parts), up to the web form's limits.
MAX_MULTIPART_BYTES = MAX_BODY_BYTES + evidence.MAX_TOTAL_BYTES
FMT = "<any(json,xml):fmt>"


@bp.before_request
def _limit_body() -> None:
    multipart = request.mimetype == "multipart/form-data"
    request.max_content_length = MAX_MULTIPART_BYTES if multipart else MAX_BODY_BYTES


@bp.errorhandler(Open311Error)
def _refused(exc: Open311Error):
    return formats.errors(_fmt(), exc.status, *exc.descriptions)


@bp.errorhandler(HTTPException)
def _http(exc: HTTPException):
    return formats.errors(_fmt(), exc.code or 500, MESSAGES.get(exc.code or 500, ("", "请求无法完成"))[1])


def _fmt() -> str:
    return (request.view_args or {}).get("fmt", "json")


def _params() -> dict[str, str]:
    """Query string, form fields, or a JSON object (attributes as {"attribute": {...}})."""
    if request.method == "GET":
        return request.args.to_dict()
    if not request.is_json:
        return request.form.to_dict()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Open311Error(400, "请求体须为 JSON 对象或表单")
    attributes = body.pop("attribute", None) or {}
    if not isinstance(attributes, dict):
        raise Open311Error(400, "attribute 须为 JSON 对象")
    flat = {**body, **{f"attribute[{k}]": v for k, v in attributes.items()}}
    if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in flat.values() if v is not None):
        raise Open311Error(400, "参数值须为字符串或数字")
    return {k: "" if v is None else str(v) for k, v in flat.items()}


def _key_required(view: Callable) -> Callable:
    """The partner's api_key (a parameter, per the spec, or an X-Api-Key header) → g.open311_client."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        g.open311_params = _params()
        key = g.open311_params.pop("api_key", "") or request.headers.get("X-Api-Key", "")
        if not key.strip():
            raise Open311Error(403, "缺少 api_key")
        db = get_session()
        client = clients.client_for_key(db, key)
        if client is None:
            raise Open311Error(403, "api_key 无效或已停用")
        g.open311_client = client
        return view(*args, **kwargs)

    return wrapper


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["SETTINGS"].TIMEZONE)


@bp.route(f"/services.{FMT}")
@access.public
def services(fmt: str):
    """The services: one per problem type."""
    return formats.render(fmt, "services", catalogue.services())


@bp.route(f"/services/<code>.{FMT}")
@access.public
def service_definition(code: str, fmt: str):
    """A service's attributes (township and village lists come from the database)."""
    service = catalogue.service_for(code)
    if service is None:
        raise Open311Error(404, f"service_code 不存在：{code[:40]}")
    return formats.render(fmt, "service_definition", catalogue.definition(get_session(), service))


@bp.route(f"/requests.{FMT}", methods=["POST"])
@access.machine(access.OPEN311_KEY)
@_key_required
def create_request(fmt: str):
    """Pass a matter in: it becomes a complaint, triaged and routed; answers its receipt code."""
    db = get_session()
    settings = current_app.config["SETTINGS"]
    try:
        complaint, created = submit(session=db, client=g.open311_client, params=g.open311_params,
                                    lookup_key=current_app.config["LOOKUP_KEY"],
                                    max_chars=settings.MAX_REPORT_CHARS, files=_media_files())
    except Open311Error:
        db.rollback()
        raise
    db.commit()
    return formats.render(fmt, "service_requests", [created_json(complaint)], 201 if created else 200)


def _media_files() -> list[tuple[str, bytes]]:
    """The `media` file parts of a multipart POST (the common Open311 extension for photos)."""
    return [(f.filename or "", f.read()) for f in request.files.getlist("media") if f and (f.filename or "")]


@bp.route(f"/requests.{FMT}")
@access.machine(access.OPEN311_KEY)
@_key_required
def list_requests(fmt: str):
    """The calling partner's requests, filtered by id, service, dates and status."""
    db = get_session()
    query = tracking.parse_query(g.open311_params, _zone())
    found = tracking.find(db, client=g.open311_client, query=query)
    db.commit()  # the client's last_used_at
    return formats.render(fmt, "service_requests", found)


@bp.route(f"/requests/<request_id>.{FMT}")
@access.machine(access.OPEN311_KEY)
@_key_required
def get_request(request_id: str, fmt: str):
    """One of the calling partner's requests by its service_request_id."""
    db = get_session()
    found = tracking.find_one(db, client=g.open311_client, request_id=request_id)
    db.commit()
    if found is None:
        raise Open311Error(404, "service_request_id 不存在")
    return formats.render(fmt, "service_requests", [found])


@bp.route("/<path:rest>", methods=["GET", "POST"])
@access.public
def unknown(rest: str):
    """Anything else under /open311/v2/ answers in the Open311 error format."""
    fmt = "xml" if rest.endswith(".xml") else "json"
    return formats.errors(fmt, 404, "接口不存在：支持 services、services/{service_code}、requests、"
                                    "requests/{service_request_id}，格式为 .json 或 .xml")
