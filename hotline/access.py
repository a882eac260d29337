"""Who may reach which route. Every view declares its access; undeclared views are refused.

A declaration is an attribute on the view function (`__access__`) so a test can walk the
URL map and prove that no route was added without one.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from models.users import Role

PUBLIC = "public"
TWILIO = "twilio"  # authenticated by X-Twilio-Signature
API_TOKEN = "api_token"  # authenticated by a bearer token
OPEN311_KEY = "open311_key"  # authenticated by an Open311 api_key

ALL_STAFF = frozenset(Role) - {Role.auditor}


def _mark(view: Callable, access: object) -> Callable:
    view.__access__ = access
    return view


def public(view: Callable) -> Callable:
    """No login needed (login page, health check)."""
    return _mark(view, PUBLIC)


def machine(kind: str) -> Callable[[Callable], Callable]:
    """A route authenticated by its own machine credential (Twilio signature, API key)."""
    return lambda view: _mark(view, kind)


def roles(*allowed: Role | Iterable[Role]) -> Callable[[Callable], Callable]:
    """Only logged-in users with one of these roles; others get 403, strangers the login page."""
    flat: set[Role] = set()
    for item in allowed:
        flat.update(item if isinstance(item, (set, frozenset, list, tuple)) else {item})

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            if current_user.role not in flat:
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapper, frozenset(flat))

    return decorate


def has_role(*allowed: Role) -> bool:
    return current_user.is_authenticated and current_user.role in allowed


def enforce_declared_access() -> None:
    """before_request: refuse any endpoint whose view declares no access (fail closed)."""
    if request.endpoint is None or request.endpoint == "static":
        return
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "__access__", None) is None:
        g.undeclared_access = request.endpoint
        abort(403)
