"""Every route declares who may reach it; a route added without a role check fails this suite."""
from __future__ import annotations

import re

import pytest

from hotline import access
from models.users import Role

# Paths for rules with arguments: an id that does not exist is enough to reach the role check.
SAMPLE_ARG = {"int": "999999", "default": "x", "string": "x", "path": "x"}


def _concrete(rule) -> str:
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>",
                  lambda m: SAMPLE_ARG.get(m.group(1) or "default", "x"), rule.rule)


def _protected_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        declared = getattr(app.view_functions[rule.endpoint], "__access__", None)
        yield rule, declared


def test_every_route_declares_its_access(app):
    undeclared = [rule.rule for rule, declared in _protected_rules(app) if declared is None]
    assert undeclared == []


def test_an_undeclared_route_is_refused(app, client):
    @app.route("/forgot-to-check")
    def forgot():
        return "secret"

    assert client.get("/forgot-to-check").status_code == 403


def test_strangers_are_sent_to_login_from_every_role_route(app, client):
    for rule, declared in _protected_rules(app):
        if not isinstance(declared, frozenset):
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        response = client.open(_concrete(rule), method=method)
        assert response.status_code in (302, 400), (rule.rule, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], rule.rule


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_403_outside_its_routes(app, factory, login, role):
    client = login.as_(factory.user(role))
    for rule, declared in _protected_rules(app):
        if not isinstance(declared, frozenset) or role in declared:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        response = client.open(_concrete(rule), method=method)
        assert response.status_code == 403, (role, rule.rule, response.status_code)


def test_machine_routes_name_their_credential(app):
    kinds = {declared for _rule, declared in _protected_rules(app) if isinstance(declared, str)}
    assert kinds <= {access.PUBLIC, access.TWILIO, access.API_TOKEN, access.OPEN311_KEY}
