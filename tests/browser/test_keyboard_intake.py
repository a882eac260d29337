"""An operator logs a call from the keyboard alone and reads back the receipt code."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hotline import receipts
from models.complaints import AccusedPerson, Complaint
from models.users import Role
from tests.browser import typical_call

pytestmark = pytest.mark.browser


def test_it_logs_a_typical_call_without_the_mouse_and_shows_the_receipt_code(live):
    operator = live.factory.user(Role.operator)
    page = live.page_as(operator)
    page.goto("/intake/new")
    assert page.evaluate("document.activeElement.id") == "phone"
    for kind, value in typical_call.STEPS:
        if kind == "type":
            page.keyboard.type(value)
        else:
            page.keyboard.press(value)
    page.wait_for_url("**/intake/receipt/*")
    code = page.locator("#receipt-code").get_attribute("data-code")
    assert receipts.is_well_formed(code)
    assert page.locator("#receipt-code").inner_text().replace(" ", "") == code
    with live.db() as db:
        complaint = db.exec(select(Complaint).where(Complaint.receipt_code == code)).one()
        county = live.factory.county()
        assert complaint.text == typical_call.TEXT
        assert (complaint.township_id, complaint.village_id) == (county["townships"]["石桥镇"].id,
                                                                 county["villages"]["红旗村"].id)
        assert str(complaint.amount_yuan) == "3600.00" and complaint.created_by_id == operator.id
        accused = db.exec(select(AccusedPerson).where(AccusedPerson.complaint_id == complaint.id)).one()
        assert (accused.name, accused.title, accused.level.value) == ("王某", "村支书", "village_cadre")


def test_the_receipt_page_takes_the_operator_to_the_next_call_with_enter(live):
    page = live.page_as(live.factory.user(Role.operator))
    page.goto("/intake/new")
    page.keyboard.type(typical_call.PHONE)
    page.fill("#text", "柳河乡水井村会计刘某代领粮补，请核查。")
    page.keyboard.press("Control+Enter")
    page.wait_for_url("**/intake/receipt/*")
    page.wait_for_function("document.activeElement.getAttribute('href') === '/intake/new'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/intake/new")
    assert page.evaluate("document.activeElement.id") == "phone"


def test_a_caller_with_earlier_calls_shows_them_while_the_number_is_typed(live):
    live.factory.complaint("双龙镇危房改造补助被村会计截留。", phone="13900001111", name="赵建华")
    page = live.page_as(live.factory.user(Role.operator))
    page.goto("/intake/new")
    page.keyboard.type("13900001111")
    history = page.locator("#history")
    history.get_by_text("该号码历史来电（1）").wait_for()
    assert "危房改造补助被村会计截留" in history.inner_text()
