"""GET requests: a partner tracks its own requests; status follows the case until it closes."""
from __future__ import annotations

import datetime as dt

import pytest

from hotline.cases import workflow
from hotline.cases.duplicates import merge
from models.base import utcnow
from models.cases import CaseStatus
from models.offices import Office
from models.users import Role

from tests.open311.conftest import BASE, case_for, complaint_for


@pytest.fixture
def get(client, partner):
    def fetch(path: str = "/requests.json", key: str | None = None, **query):
        return client.get(BASE + path, query_string={"api_key": key or partner.key, **query})

    return fetch


def _code(response) -> str:
    assert response.status_code == 201, response.get_data(as_text=True)  # created (a replay answers 200)
    return response.get_json()[0]["service_request_id"]


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [r["service_request_id"] for r in response.get_json()]


def test_a_request_shows_status_agency_and_place_but_not_the_report(post, get, county):
    code = _code(post(external_id="T-1", **{"attribute[village]": county["villages"]["红旗村"].code,
                                            "attribute[accused_level]": "village_cadre"}))
    [shown] = get(f"/requests/{code}.json").get_json()
    assert shown["service_request_id"] == code and shown["external_id"] == "T-1"
    assert (shown["status"], shown["status_notes"]) == ("open", "已转交承办机构")
    assert (shown["service_code"], shown["service_name"]) == ("favoritism", "优亲厚友")
    assert shown["agency_responsible"] == "乡镇纪委"  # the level, not the office's name
    assert shown["address"] == "石桥镇红旗村" and shown["address_id"] == county["villages"]["红旗村"].code
    assert shown["requested_datetime"].endswith("+08:00") and shown["updated_datetime"]
    assert "description" not in shown and "侄子" not in str(shown)


def test_an_unknown_or_malformed_id_is_a_404(get):
    for request_id in ("12345678901234", "not-a-code"):
        response = get(f"/requests/{request_id}.json")
        assert response.status_code == 404
        assert response.get_json() == [{"code": 404, "description": "service_request_id 不存在"}]


def test_a_partner_never_sees_another_partners_requests(post, get, other_partner):
    code = _code(post())
    assert get(f"/requests/{code}.json", key=other_partner.key).status_code == 404
    assert _ids(get(key=other_partner.key)) == []
    assert _ids(get(key=other_partner.key, service_request_id=code)) == []
    assert _ids(get()) == [code]


def test_the_list_filters_by_ids_service_and_date(post, get, db):
    first = _code(post(service_code="favoritism"))
    second = _code(post(service_code="false_claim"))
    third = _code(post(service_code="false_claim"))
    assert set(_ids(get())) == {first, second, third}
    assert _ids(get(service_request_id=f"{first},{third}")) == [third, first]
    assert set(_ids(get(service_code="false_claim"))) == {second, third}
    assert set(_ids(get(service_code="favoritism,false_claim"))) == {first, second, third}
    old = complaint_for(db, first)
    old.received_at = utcnow() - dt.timedelta(days=120)
    db.add(old)
    db.commit()
    assert first not in _ids(get())  # the spec's default window: the last 90 days
    window = {"start_date": (utcnow() - dt.timedelta(days=130)).isoformat(),
              "end_date": (utcnow() - dt.timedelta(days=100)).isoformat()}
    assert _ids(get(**window)) == [first]
    assert _ids(get(start_date="2000-01-01", end_date="2000-01-02")) == []
    assert _ids(get(service_request_id=first)) == [first]  # ids override the date window


def _close(db, factory, code: str) -> None:
    """Take the case through the workflow to 办结, as the system actor."""
    case = case_for(db, code)
    inspector = factory.user(Role.inspector, office=db.get(Office, case.office_id).name)
    workflow.assign(session=db, case=case, inspector=inspector, actor=None)
    workflow.propose(session=db, case=case, disposition="dismissed", reason="反映问题不具体，予以了结", actor=None)
    workflow.approve(session=db, case=case, actor=None)
    workflow.propose_close(session=db, case=case, note="", actor=None)
    workflow.close(session=db, case=case, actor=None)
    db.commit()
    assert case.status is CaseStatus.closed


def test_the_status_turns_closed_when_the_case_is_closed(post, get, db, factory, app):
    code = _code(post(**{"attribute[township]": "510001", "attribute[accused_level]": "village_cadre"}))
    before = get(f"/requests/{code}.json").get_json()[0]
    with app.app_context():
        _close(db, factory, code)
    after = get(f"/requests/{code}.json").get_json()[0]
    assert (before["status"], after["status"]) == ("open", "closed")
    assert after["status_notes"] == "已办结"
    assert after["updated_datetime"] >= before["updated_datetime"]
    assert _ids(get(status="closed")) == [code]
    assert _ids(get(status="open")) == []
    assert _ids(get(status="open,closed")) == [code]


def test_a_merged_request_follows_the_case_that_absorbed_it(post, get, db, factory, app):
    kept = _code(post())
    absorbed = _code(post(description="同一件事：红旗村支书把低保给了侄子。"))
    with app.app_context():
        merge(session=db, source=complaint_for(db, absorbed), target=complaint_for(db, kept), actor=None,
              reason="同一问题")
        db.commit()
    shown = get(f"/requests/{absorbed}.json").get_json()[0]
    assert shown["status"] == "open" and shown["status_notes"].startswith("已与反映同一问题的其他举报合并办理")
    assert kept not in str(shown)  # the other report's receipt code is not the partner's to know
    with app.app_context():
        _close(db, factory, kept)
    assert set(_ids(get(status="closed"))) == {kept, absorbed}
    assert get(f"/requests/{absorbed}.json").get_json()[0]["status"] == "closed"


def test_the_list_renders_as_xml(post, get):
    from xml.etree import ElementTree as ET

    code = _code(post())
    root = ET.fromstring(get("/requests.xml").data)
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [code]
    assert root.find("request").findtext("status") == "open"
