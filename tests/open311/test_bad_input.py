"""Bad requests are refused with 400 (or 413) in the Open311 format, in Chinese, with nothing saved."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.complaints import Complaint
from models.contacts import Contact
from models.open311 import Open311Request

from tests.open311.conftest import BASE, complaint_for


def _refused(response, status: int = 400) -> list[str]:
    assert response.status_code == status, response.get_data(as_text=True)
    errors = response.get_json()
    assert all(e["code"] == status for e in errors)
    return [e["description"] for e in errors]


def _nothing_saved(db) -> None:
    db.expire_all()
    assert db.exec(select(Complaint)).all() == [] and db.exec(select(Contact)).all() == []
    assert db.exec(select(Open311Request)).all() == []


@pytest.mark.parametrize("params, words", [
    ({"service_code": "no_such_type"}, "service_code 不存在：no_such_type"),
    ({"service_code": None}, "缺少 service_code"),
    ({"description": None}, "description：反映内容不能为空"),
    ({"description": "  \x00\x07 "}, "description：反映内容不能为空"),
    ({"attribute[colour]": "red"}, "不支持的属性：attribute[colour]"),
    ({"attribute[township]": "999999"}, "attribute[township] 不是有效的乡镇代码"),
    ({"attribute[village]": "nope"}, "attribute[village] 不是有效的村（社区）代码"),
    ({"attribute[program]": "lottery"}, "attribute[program]：所涉领域不正确"),
    ({"attribute[amount]": "很多钱"}, "attribute[amount]：涉及金额格式不正确"),
    ({"phone": "12"}, "phone："),
    ({"external_id": "x" * 51}, "external_id 须为不超过50个字符"),
    ({"external_id": "A1", "attribute[external_id]": "A2"}, "不一致"),
    ({"address_string": "长" * 201}, "address_string 过长"),
])
def test_a_bad_request_is_refused_with_400_and_nothing_saved(post, db, params, words):
    descriptions = _refused(post(**params))
    assert any(words in d for d in descriptions), descriptions
    _nothing_saved(db)


def test_a_village_outside_the_named_township_is_refused(post, db, county):
    descriptions = _refused(post(**{"attribute[township]": county["townships"]["石桥镇"].code,
                                    "attribute[village]": county["villages"]["水井村"].code}))
    assert descriptions == ["attribute[village]：所选村不属于所选乡镇"]
    _nothing_saved(db)


def test_an_oversized_description_is_refused_and_nothing_saved(post, db):
    descriptions = _refused(post(description="冒领" * 10_001))
    assert "反映内容过长（20002字，超出2字）" in descriptions[0]
    _nothing_saved(db)


def test_a_body_over_the_limit_is_refused_with_413_in_the_open311_format(post, db):
    descriptions = _refused(post(description="冒" * 200_000), 413)
    assert descriptions == ["提交的内容过大"]
    _nothing_saved(db)


def test_a_hostile_description_is_stored_as_plain_text(post, db, partner, client):
    hostile = "<script>alert(1)</script>' OR 1=1; DROP TABLE complaint;--\x00\x1b 村干部冒领低保 ]]></x>"
    response = post(description=hostile, external_id="<img src=x>")
    assert response.status_code == 201
    complaint = complaint_for(db, response.get_json()[0]["service_request_id"])
    assert complaint.text == "<script>alert(1)</script>' OR 1=1; DROP TABLE complaint;-- 村干部冒领低保 ]]></x>"
    xml = client.get(f"{BASE}/requests.xml", query_string={"api_key": partner.key})
    assert xml.status_code == 200 and b"<img" not in xml.data and b"&lt;img src=x&gt;" in xml.data


@pytest.mark.parametrize("body, words", [
    ([1, 2], "请求体须为 JSON 对象或表单"),
    ({"service_code": "other", "description": {"nested": True}}, "参数值须为字符串或数字"),
    ({"service_code": "other", "description": "x", "attribute": ["township"]}, "attribute 须为 JSON 对象"),
])
def test_a_malformed_json_body_is_refused(client, partner, db, body, words):
    if isinstance(body, dict):
        body["api_key"] = partner.key
        response = client.post(f"{BASE}/requests.json", json=body)
    else:
        response = client.post(f"{BASE}/requests.json", json=body, headers={"X-Api-Key": partner.key})
    assert words in _refused(response)[0]
    _nothing_saved(db)


@pytest.mark.parametrize("query, words", [
    ({"start_date": "yesterday"}, "start_date 须为 ISO 8601 时间"),
    ({"end_date": "2024-13-40"}, "end_date 须为 ISO 8601 时间"),
    ({"start_date": "2024-05-02", "end_date": "2024-05-01"}, "start_date 不能晚于 end_date"),
    ({"status": "pending"}, "status 只能是 open 或 closed"),
    ({"service_code": "favoritism,bogus"}, "service_code 不存在：bogus"),
    ({"service_request_id": ",".join(["1"] * 101)}, "一次最多查询100个"),
])
def test_bad_list_filters_are_refused_with_400(client, partner, query, words):
    response = client.get(f"{BASE}/requests.json", query_string={"api_key": partner.key, **query})
    assert words in _refused(response)[0]
