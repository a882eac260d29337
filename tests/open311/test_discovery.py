"""Service discovery: the problem types as services, their definitions, errors in Open311 format."""
from __future__ import annotations

from xml.etree import ElementTree as ET

from models.taxonomy import ProblemType

from tests.open311.conftest import BASE


def test_it_lists_one_service_per_problem_type_without_a_key(client):
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200
    services = response.get_json()
    assert [s["service_code"] for s in services] == [t.value for t in ProblemType]
    favoritism = next(s for s in services if s["service_code"] == "favoritism")
    assert favoritism["service_name"] == ProblemType.favoritism.label == "优亲厚友"
    assert favoritism["type"] == "realtime" and favoritism["metadata"] is True


def test_it_lists_services_as_xml_too(client):
    response = client.get(f"{BASE}/services.xml")
    assert response.status_code == 200 and response.content_type.startswith("text/xml")
    root = ET.fromstring(response.data)
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == [t.value for t in ProblemType]
    assert root.find("service").findtext("metadata") == "true"


def test_a_definition_offers_the_townships_and_villages_of_the_database(client, county):
    response = client.get(f"{BASE}/services/false_claim.json")
    assert response.status_code == 200
    body = response.get_json()
    assert body["service_code"] == "false_claim"
    attributes = {a["code"]: a for a in body["attributes"]}
    assert attributes["township"]["datatype"] == "singlevaluelist"
    assert {v["name"] for v in attributes["township"]["values"]} == {"石桥镇", "柳河乡"}
    villages = {v["key"]: v["name"] for v in attributes["village"]["values"]}
    assert villages[county["villages"]["红旗村"].code] == "石桥镇红旗村"
    assert {v["key"] for v in attributes["program"]["values"]} >= {"dibao", "housing"}
    assert not any(a["required"] for a in body["attributes"])


def test_a_definition_renders_as_xml(client, county):
    root = ET.fromstring(client.get(f"{BASE}/services/favoritism.xml").data)
    township = next(a for a in root.find("attributes").findall("attribute") if a.findtext("code") == "township")
    assert {v.findtext("name") for v in township.find("values").findall("value")} == {"石桥镇", "柳河乡"}


def test_an_unknown_service_code_is_a_404_in_the_open311_error_format(client):
    response = client.get(f"{BASE}/services/no_such_type.json")
    assert response.status_code == 404
    assert response.get_json() == [{"code": 404, "description": "service_code 不存在：no_such_type"}]


def test_an_unknown_path_or_format_answers_in_the_open311_error_format(client):
    for path in ("/services.csv", "/discovery.json", "/requests/123/comments.json"):
        response = client.get(BASE + path)
        assert response.status_code == 404, path
        [error] = response.get_json()
        assert error["code"] == 404 and "接口不存在" in error["description"]
    xml = client.get(f"{BASE}/nothing.xml")
    assert ET.fromstring(xml.data).find("error").findtext("code") == "404"
