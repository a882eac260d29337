"""A filter value outside its choices answers 400 with a Chinese message (hotline/filters.py), on
every list and export; never a 500."""
from __future__ import annotations

import pytest

from models.users import Role

BOGUS = "bogus'--"
# Every list or export with an enumerated (or numbered) filter, and its parameters.
FILTERED = {
    "/cases/": ("status", "problem_type", "program", "township_id", "office_id"),
    "/complaints": ("status", "township_id"),
    "/contacts": ("channel",),
    "/crosscheck/": ("rule", "status"),
    "/crosscheck/export": ("format", "rule", "status"),
    "/cases/duplicates": ("program",),
}


@pytest.fixture
def supervisor_client(factory, login):
    factory.county()
    return login.as_(factory.user(Role.supervisor, office="县纪委监委"))


@pytest.mark.parametrize("path,param", [(p, n) for p, names in FILTERED.items() for n in names])
def test_a_bogus_filter_value_answers_400_in_chinese(supervisor_client, path, param):
    response = supervisor_client.get(path, query_string={param: BOGUS})
    assert response.status_code == 400, (path, param, response.status_code)
    page = response.get_data(as_text=True)
    assert "筛选条件" in page and "无效" in page


@pytest.mark.parametrize("path", sorted(FILTERED))
def test_a_valid_or_empty_filter_still_answers(supervisor_client, path):
    assert supervisor_client.get(path, query_string={"status": ""}).status_code == 200


def test_a_good_value_filters(supervisor_client):
    assert supervisor_client.get("/cases/", query_string={"status": "assigned", "program": "dibao"}).status_code == 200
    assert supervisor_client.get("/crosscheck/export", query_string={"format": "xlsx"}).status_code == 200


@pytest.mark.parametrize("role", [Role.operator, Role.inspector, Role.supervisor, Role.custodian, Role.admin,
                                  Role.auditor])
def test_no_get_route_answers_500_to_bogus_filters(app, factory, login, role):
    factory.county()
    client = login.as_(factory.user(role, office="县纪委监委"))
    bogus = {name: BOGUS for name in ("status", "problem_type", "program", "channel", "rule", "format",
                                      "township_id", "office_id", "kind", "level", "page", "week")}
    failed = []
    for rule in app.url_map.iter_rules():
        declared = getattr(app.view_functions[rule.endpoint], "__access__", None)
        if rule.arguments or "GET" not in rule.methods or not isinstance(declared, frozenset) \
                or role not in declared:
            continue
        response = client.get(rule.rule, query_string=bogus)
        if response.status_code >= 500:
            failed.append((rule.rule, response.status_code))
    assert failed == []
