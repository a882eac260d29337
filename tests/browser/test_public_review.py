"""The staff review of web reports in Chromium: an operator finds a suspected report in the queue,
marks it 无效 with a reason, finds it under 无效 with that reason, and reverses it to 有效; both
changes are in the audit trail and the report itself is never closed or removed."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from hotline.public import spam
from models.attachments import SpamMark
from models.audit import AuditEntry
from models.complaints import Complaint, ComplaintStatus
from models.taxonomy import Channel
from models.users import Role

pytestmark = pytest.mark.browser


def _suspected_web_report(live) -> Complaint:
    complaint = live.factory.complaint("低价转让扶贫物资 请访问 http://spam.example/deal 联系", channel=Channel.web,
                                       anonymous=True)
    assert spam.screen(live.session, complaint.id, complaint.text) is not None
    live.session.commit()
    return complaint


def test_an_operator_marks_a_suspected_report_invalid_then_reverses_it(live):
    complaint = _suspected_web_report(live)
    page = live.page_as(live.factory.user(Role.operator))
    page.goto("/public/review")
    row = page.locator(f"#review-{complaint.id}")
    assert "内容含网址链接" in row.inner_text()  # the system says why it is suspected

    row.locator("input[name=reason]").fill("广告信息，与扶贫领域问题无关")
    row.get_by_role("button", name="标记为无效").click()
    expect(page.locator("body")).to_contain_text(f"举报 {complaint.receipt_code} 已标记为无效")
    assert page.locator(f"#review-{complaint.id}").count() == 0  # gone from the suspected queue

    page.click("#tab-spam")
    row = page.locator(f"#review-{complaint.id}")
    assert "已标记无效：广告信息，与扶贫领域问题无关" in row.inner_text()
    assert row.get_by_role("button", name="标记为无效").count() == 0  # only the way back is offered

    row.locator("input[name=reason]").fill("复核：举报人补充了具体村名，按有效处理")
    row.get_by_role("button", name="标记为有效").click()
    expect(page.locator("body")).to_contain_text(f"举报 {complaint.receipt_code} 已标记为有效")
    assert page.locator(f"#review-{complaint.id}").count() == 0  # gone from the 无效 list
    page.click("#tab-valid")
    assert "有效：复核：举报人补充了具体村名" in page.locator(f"#review-{complaint.id}").inner_text()

    with live.db() as db:
        assert db.get(SpamMark, complaint.id).state == spam.VALID
        changes = db.exec(select(AuditEntry).where(AuditEntry.action == "public.spam_review",
                                                   AuditEntry.entity_id == str(complaint.id))
                          .order_by(AuditEntry.id)).all()
        assert [(c.detail["from"], c.detail["to"]) for c in changes] == [("suspected", "spam"), ("spam", "valid")]
        assert db.get(Complaint, complaint.id).status is not ComplaintStatus.closed


def test_a_mark_without_a_reason_is_not_taken(live):
    complaint = _suspected_web_report(live)
    page = live.page_as(live.factory.user(Role.operator))
    page.goto("/public/review")
    page.locator(f"#review-{complaint.id}").get_by_role("button", name="标记为无效").click()
    assert page.url.endswith("/public/review")  # the browser asks for the reason first
    with live.db() as db:
        assert db.get(SpamMark, complaint.id).state == spam.SUSPECTED
