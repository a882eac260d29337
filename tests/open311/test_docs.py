"""docs/open311.md: its machine-readable description matches what the application serves."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hotline.open311 import catalogue
from models.taxonomy import ProblemType

from tests.open311.conftest import BASE

DOC = Path(__file__).resolve().parents[2] / "docs" / "open311.md"


@pytest.fixture(scope="module")
def document() -> dict:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Machine-readable description", 1)[1]
    return json.loads(re.search(r"```json\n(.*?)\n```", section, re.S).group(1))


def _app_paths(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(BASE) or "<path:" in rule.rule:  # the catch-all 404 is not an operation
            continue
        path = re.sub(r"<any\([^)]*\):fmt>", "{format}", rule.rule[len(BASE):])
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", path).replace("{code}", "{service_code}")
        path = path.replace("{request_id}", "{service_request_id}")
        found |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_the_description_lists_exactly_the_routes_the_app_serves(app, document):
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert documented == _app_paths(app)


def test_every_reference_resolves_and_every_operation_has_responses(document):
    text = json.dumps(document)
    for kind, name in re.findall(r'"#/components/(\w+)/(\w+)"', text):
        assert name in document["components"][kind], name
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["summary"] and operation["responses"], (path, method)


def test_the_service_codes_and_attributes_are_those_of_the_app(document):
    assert document["components"]["schemas"]["ServiceCode"]["enum"] == [t.value for t in ProblemType]
    body = document["paths"]["/requests.{format}"]["post"]["requestBody"]["content"]
    fields = body["application/x-www-form-urlencoded"]["schema"]["properties"]
    assert {f[len("attribute["):-1] for f in fields if f.startswith("attribute[")} == set(catalogue.ATTRIBUTE_CODES)


def test_a_tracked_request_has_exactly_the_documented_fields(document, post, client, partner):
    code = post().get_json()[0]["service_request_id"]
    [shown] = client.get(f"{BASE}/requests/{code}.json", headers={"X-Api-Key": partner.key}).get_json()
    assert set(shown) == set(document["components"]["schemas"]["Request"]["properties"])
    services = client.get(f"{BASE}/services.json").get_json()
    assert set(services[0]) == set(document["components"]["schemas"]["Service"]["properties"])
