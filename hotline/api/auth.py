"""Bearer-token authentication for API routes."""
from __future__ import annotations

import functools
from collections.abc import Callable

from flask import g, request

from hotline import access
from hotline.auth.accounts import user_for_token
from hotline.db import get_session
from hotline.errors import error_response
from models.users import Role


def token_required(*allowed: Role) -> Callable[[Callable], Callable]:
    """The request must carry `Authorization: Bearer <token>` of a user with one of these roles."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return error_response(401, "缺少访问令牌：请在 Authorization 头中提供 Bearer 令牌",
                                      "token_missing")
            user = user_for_token(get_session(), token.strip())
            if user is None:
                return error_response(401, "访问令牌无效或已吊销", "token_invalid")
            if user.role not in allowed:
                return error_response(403, "该令牌所属用户无权执行此操作", "forbidden")
            g.api_user = user
            return view(*args, **kwargs)

        wrapper.__access__ = (access.API_TOKEN, frozenset(allowed))
        return wrapper

    return decorate
