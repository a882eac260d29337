"""A superior's assignment registered from the form, numbered, accepted on the clue panel, and in the
register; then an out-of-remit visit transferred with the named reporter told."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.clues import Clue, ClueHandling, ClueSource
from models.users import Role

pytestmark = pytest.mark.browser


def _clue_panel_step(page, clue: Clue, step: str, fields: dict[str, str]) -> None:
    form = page.locator(f"#clue-panel form[action='/clues/{clue.id}/{step}']")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]").first
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_a_referral_is_registered_numbered_accepted_and_listed(live):
    operator = live.page_as(live.factory.user(Role.operator))
    operator.goto("/intake/new")
    operator.select_option("#channel", "letter")
    operator.select_option("#clue_source", "superior_assigned")
    operator.fill("#text", "市纪委交办：石桥镇红旗村村支书王某在危房改造中优亲厚友，请核查。")
    operator.fill("input[name=referring_body]", "市纪委监委信访室")
    operator.fill("input[name=referral_doc_number]", "市纪交〔2026〕12号")
    operator.fill("input[name=referral_date]", "2026-03-02")
    operator.fill("input[name=referral_due_date]", "2026-04-30")
    with operator.expect_navigation():
        operator.click("#save")
    assert "/intake/receipt/" in operator.url
    with live.db() as db:
        clue = db.exec(select(Clue).where(Clue.referral_doc_number == "市纪交〔2026〕12号")).one()
    assert clue.source is ClueSource.superior_assigned
    supervisor = live.page_as(live.factory.user(Role.supervisor))
    supervisor.goto(f"/complaints/{clue.complaint_id}")
    panel = supervisor.locator("#clue-panel")
    assert panel.locator("#clue-number").inner_text() == clue.number
    assert "上级交办" in panel.inner_text() and "市纪交〔2026〕12号" in panel.inner_text()
    _clue_panel_step(supervisor, clue, "accept", {"note": "由石桥镇纪委办理"})
    assert "交办件已登记受理" in supervisor.locator(".flash").first.inner_text()
    assert "交办件受理" in supervisor.locator("#case-panel").inner_text()  # on the case timeline
    supervisor.goto("/clues/register?source=superior_assigned")
    assert clue.number in supervisor.locator("#register").inner_text()


def test_a_visit_outside_the_remit_is_transferred_and_the_reporter_told(live):
    complaint = live.factory.complaint("来访人反映与邻居宅基地边界纠纷，要求处理邻居。", channel="visit",
                                       name="唐德福", phone="13900001004")
    with live.db() as db:
        clue = db.exec(select(Clue).where(Clue.complaint_id == complaint.id)).one()
    operator = live.page_as(live.factory.user(Role.operator))
    operator.goto(f"/complaints/{complaint.id}")
    _clue_panel_step(operator, clue, "transfer", {"destination": "人民法院", "reason": "民事纠纷，不属于受理范围",
                                                  "method": "written", "note": "当面出具转送告知书"})
    assert "已转送" in operator.locator(".flash").first.inner_text()
    assert "转送人民法院" in operator.locator("#clue-panel").inner_text()
    with live.db() as db:
        assert db.get(Clue, clue.id).handling is ClueHandling.transferred
