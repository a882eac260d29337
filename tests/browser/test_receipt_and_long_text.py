"""Small things a new operator tripped on (issue 22): N on the receipt page opens the next call;
a report longer than the limit is never cut: the counter says how much is over and the server
refuses it with the whole text kept in the form."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from models.complaints import Complaint
from models.users import Role
from tests.browser import typical_call

pytestmark = pytest.mark.browser


def test_pressing_n_on_the_receipt_page_opens_the_next_call(live):
    page = live.page_as(live.factory.user(Role.operator), width=1366)
    page.goto("/intake/new")
    page.keyboard.type(typical_call.PHONE)
    page.fill("#text", "柳河乡水井村会计刘某代领粮补，请核查。")
    page.keyboard.press("Control+Enter")
    page.wait_for_url("**/intake/receipt/*")
    button = page.locator("#next-call").bounding_box()
    link = page.get_by_role("link", name="查看线索").bounding_box()
    assert link["x"] - (button["x"] + button["width"]) >= 16  # apart, not touching
    page.keyboard.press("n")
    page.wait_for_url("**/intake/new")


def test_an_overlong_paste_is_kept_whole_counted_and_refused_with_the_text_in_the_form(live):
    limit = live.app.config["SETTINGS"].MAX_REPORT_CHARS
    text = "石桥镇红旗村低保评定不公开。" * ((limit + 9_000) // 14 + 1)
    page = live.page_as(live.factory.user(Role.operator), width=1366)
    page.goto("/intake/new")
    with live.db() as db:
        before = db.exec(select(func.count()).select_from(Complaint)).one()
    page.fill("#text", text)
    assert page.input_value("#text") == text  # nothing cut on paste
    over = len(text) - limit
    assert f"超出 {over} 字" in page.locator("#text-count").inner_text()
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert "反映内容过长" in page.content()
    assert page.input_value("#text") == text  # the re-rendered form keeps every character
    with live.db() as db:
        assert db.exec(select(func.count()).select_from(Complaint)).one() == before
