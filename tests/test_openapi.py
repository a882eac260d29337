"""The OpenAPI document describes exactly the routes the app serves under /api/v1."""
from __future__ import annotations

import re


def _app_paths(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((path, method.lower()))
    return found


def test_the_document_matches_the_url_map(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert documented == _app_paths(app)


def test_every_operation_documents_its_responses_and_errors(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"], (path, method)
            assert operation.get("summary"), (path, method)


def test_every_schema_reference_resolves(client):
    document = client.get("/api/v1/openapi.json").get_json()
    refs = re.findall(r'"\$ref": "#/components/schemas/(\w+)"', str(document).replace("'", '"'))
    assert refs and set(refs) <= set(document["components"]["schemas"])
