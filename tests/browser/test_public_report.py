"""The public side in Chromium: a phone-width anonymous report with a photo, its receipt, progress
checked with it and a follow-up added; a named report on a tablet; wrong codes locked out; a file
whose content is not its extension refused; landmarks and labels for screen readers."""
from __future__ import annotations

import pytest
from sqlmodel import delete, select

from hotline import receipts
from models.attachments import Attachment, PublicThrottle
from models.complainants import Complainant
from models.complaints import Complaint
from models.contacts import Contact
from tests.browser.conftest import no_script_ran
from tests.public.conftest import jpeg_with_gps

pytestmark = pytest.mark.browser


@pytest.fixture
def public_page(live):
    """A stranger's browser (no login) at a given width; counters of earlier journeys cleared."""
    live.app.config["PUBLIC_FORM_MIN_SECONDS"] = 0  # the minimum age has its own tests
    with live.db() as db:
        db.exec(delete(PublicThrottle))
        db.commit()
    contexts = []

    def open_(width: int):
        context = live.browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN",
                                           base_url=live.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_
    for context in contexts:
        context.close()


def _accessible(page) -> None:
    assert page.locator("header[role=banner]").count() == 1 and page.locator("main").count() == 1
    assert page.locator("nav[aria-label]").count() == 1
    unlabelled = page.evaluate("""[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter(e => !e.labels || e.labels.length === 0).map(e => e.name)""")
    assert unlabelled == []
    assert float(page.evaluate("getComputedStyle(document.body).fontSize").rstrip("px")) >= 18
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_an_anonymous_report_with_a_photo_from_a_phone_then_progress_and_a_followup(live, public_page, tmp_path):
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(jpeg_with_gps())
    page = public_page(360)
    page.goto("/report")
    _accessible(page)
    assert page.locator("#name").is_hidden()  # anonymous by default: no name fields shown
    page.select_option("#township_id", label="石桥镇")
    page.select_option("#village_id", label="红旗村")
    page.select_option("#program", label="危房改造")
    page.fill("#accused_title", "村会计")
    page.fill("#when", "去年冬天")
    page.fill("#text", "村会计刘某把危房改造补助发给了自己的亲戚，自己家也领了，<script>window.__xss=1</script>")
    page.set_input_files("#files", str(photo))
    page.click("button[type=submit]")
    page.wait_for_url("**/report/done")
    _accessible(page)
    code = page.locator("#receipt-code").get_attribute("data-code")
    key = page.locator("#access-key").inner_text().strip()
    assert receipts.is_well_formed(code) and len(key) == 6
    assert page.locator("a[download]").count() == 1
    with live.db() as db:
        complaint = db.exec(select(Complaint).where(Complaint.receipt_code == code)).one()
        assert complaint.complainant_id is None and complaint.township_id is not None
        attachment = db.exec(select(Attachment).where(Attachment.complaint_id == complaint.id)).one()
        assert attachment.kind == "jpeg" and not attachment.location_kept
    page.click("text=我已记下，清除本页")
    page.wait_for_url("**/status")
    page.fill("#code", code)
    page.fill("#key", key.lower())
    page.click("button[type=submit]")
    assert page.locator("#status-value").inner_text() in ("已受理", "已交办", "办理中", "已办结")
    assert "刘某" not in page.content()
    page.fill("#followup-text", "补充：刘某的亲戚住在镇上，并非危房户。")
    page.click("text=提交补充")
    assert "补充材料已收到" in page.locator("#notice").inner_text()
    no_script_ran(page)
    with live.db() as db:
        followups = db.exec(select(Contact).where(Contact.complaint_id == complaint.id, Contact.is_followup)).all()
        assert [f.raw_text for f in followups] == ["补充：刘某的亲戚住在镇上，并非危房户。"]


def test_a_named_report_on_a_tablet(live, public_page):
    page = public_page(800)
    page.goto("/report")
    _accessible(page)
    page.check("input[value=named]")
    assert page.locator("#name").is_visible()
    page.fill("#name", "赵六")
    page.fill("#phone", "13912345678")
    page.fill("#text", "柳河乡水井村村主任孙某在低保评定中优亲厚友，把低保给了不符合条件的亲属。")
    page.click("button[type=submit]")
    page.wait_for_url("**/report/done")
    code = page.locator("#receipt-code").get_attribute("data-code")
    with live.db() as db:
        complaint = db.exec(select(Complaint).where(Complaint.receipt_code == code)).one()
        assert db.get(Complainant, complaint.complainant_id) is not None


def test_a_file_that_is_not_what_its_name_says_is_refused_and_the_text_kept(live, public_page, tmp_path):
    fake = tmp_path / "证明材料.pdf"
    fake.write_bytes(b"MZ\x90\x00\x03 this is a program")
    page = public_page(360)
    page.goto("/report")
    page.fill("#text", "乡干部张某办理补贴时收取好处费。")
    page.set_input_files("#files", str(fake))
    page.click("button[type=submit]")
    assert "“证明材料.pdf”的内容与扩展名不符" in page.locator("#errors").inner_text()
    assert page.locator("#text").input_value() == "乡干部张某办理补贴时收取好处费。"


def test_an_empty_report_is_answered_in_chinese(live, public_page):
    page = public_page(360)
    page.goto("/report")
    page.click("button[type=submit]")
    assert "请填写举报内容" in page.locator("#errors").inner_text()


def test_wrong_codes_are_locked_out(live, public_page):
    page = public_page(360)
    for _ in range(6):
        page.goto("/status")
        page.fill("#code", "12345678901234")
        page.fill("#key", "ABCDEF")
        page.click("button[type=submit]")
    assert "错误次数过多，已暂停查询" in page.locator("#errors").inner_text()
    with live.db() as db:
        db.exec(delete(PublicThrottle))
        db.commit()
