"""Bad input at intake: a clear message in Chinese, a 4xx status, and the form keeps what was typed."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.complaints import Complaint
from models.users import Role
from tests.factories import post_intake


@pytest.mark.parametrize("fields, message", [
    ({"text": ""}, "反映内容不能为空"),
    ({"text": "   \n\t  "}, "反映内容不能为空"),
    ({"text": "举" * 20_001}, "反映内容过长"),
    ({"phone": "12345"}, "电话号码格式不正确"),
    ({"phone": "138-1234-56789"}, "电话号码格式不正确"),
    ({"township_id": "99999"}, "所选乡镇不存在"),
    ({"village_id": "99999"}, "所选村（社区）不存在"),
    ({"amount": "很多钱"}, "涉及金额格式不正确"),
    ({"accused_level": "emperor"}, "被反映人层级不正确"),
])
def test_it_refuses_bad_input_with_a_chinese_message(factory, login, db, fields, message):
    factory.county()
    client = login.as_(factory.user(Role.operator))
    response = post_intake(client, **fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert db.exec(select(Complaint)).all() == []
    # What was typed is still there.
    assert "张三" in page
    if fields.get("text", "x").strip() and "text" not in fields:
        assert "村支书王某优亲厚友" in page


def test_a_village_must_belong_to_the_chosen_township(factory, login):
    county = factory.county()
    client = login.as_(factory.user(Role.operator))
    response = post_intake(client, township_id=str(county["townships"]["石桥镇"].id),
                     village_id=str(county["villages"]["水井村"].id))
    assert response.status_code == 422
    assert "所选村不属于所选乡镇" in response.get_data(as_text=True)


def test_script_in_any_field_is_shown_escaped(factory, login):
    factory.county()
    client = login.as_(factory.user(Role.operator))
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    response = post_intake(client, text=hostile, accused_name=hostile, accused_title=hostile)
    assert response.status_code == 302
    complaint_id = factory.db.exec(select(Complaint.id)).one()
    page = client.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_control_characters_are_dropped_not_stored(factory, login, db):
    factory.county()
    client = login.as_(factory.user(Role.operator))
    assert post_intake(client, text="危房改造\x00补助\x07被截留").status_code == 302
    assert db.exec(select(Complaint.text)).one() == "危房改造补助被截留"
