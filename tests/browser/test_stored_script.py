"""Script stored in any free-text field never runs: every page that shows it shows text.

Besides window.__xss staying undefined (which the CSP alone would ensure), each page must hold no
<img src=x> and no script carrying the probe, so an unescaped field fails even under the CSP.
"""
from __future__ import annotations

import csv

import pytest
from sqlmodel import select

from hotline.bulletins.weeks import IsoWeek
from hotline.crosscheck import findings, importer
from models.base import utcnow
from models.cases import Case
from models.findings import Finding
from models.offices import Office
from models.users import Role
from tests.browser.conftest import XSS_PROBE, XSS_SHORT, no_script_ran
from tests.browser.steps import act
from tests.crosscheck.conftest import make_id

pytestmark = pytest.mark.browser

PHONE = "13655556666"


def _shows_probe_as_text(page) -> None:
    no_script_ran(page)
    assert "window.__xss=1" in page.locator("body").inner_text(), page.url


def _roll(live, tmp_path, kind, rows):
    path = tmp_path / f"{kind}.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    importer.process(path, kind=kind, filename=path.name, session=live.session)


def test_stored_script_in_every_free_text_field_never_runs(live, tmp_path):
    operator_user = live.factory.user(Role.operator)
    operator = live.page_as(operator_user)
    operator.goto("/intake/new")
    operator.fill("#phone", PHONE)
    operator.fill("#name", XSS_SHORT)
    operator.fill("#text", f"{XSS_PROBE}石桥镇红旗村村支书把低保给了亲戚。")  # lists show the start
    operator.fill("input[name=accused_name]", XSS_SHORT)
    operator.fill("input[name=accused_title]", XSS_SHORT)
    with operator.expect_navigation():
        operator.keyboard.press("Control+Enter")
    assert "/intake/receipt/" in operator.url, operator.content()[:1500]
    no_script_ran(operator)
    complaint_id = int(operator.url.rsplit("/", 1)[1])
    with live.db() as db:
        case = db.exec(select(Case).where(Case.complaint_id == complaint_id)).one()
        office = db.get(Office, case.office_id).name

    supervisor = live.page_as(live.factory.user(Role.supervisor))
    inspector_user = live.factory.user(Role.inspector, office=office)
    inspector = live.page_as(inspector_user)
    act(supervisor, case, "supervise", days="20", interval_days="5", reason=XSS_PROBE, expect="已挂牌督办")
    act(supervisor, case, "progress", progress=XSS_PROBE, expect="进展已报告")
    act(supervisor, case, "assign", inspector_id=str(inspector_user.id), expect="已分办")
    act(inspector, case, "propose", disposition="preliminary_verification", reason=XSS_PROBE, expect="处置意见已提交")
    act(supervisor, case, "approve", note=XSS_PROBE, expect="处置意见已批准")
    act(inspector, case, "outcome", finding="partly_true", measure_type="criticism", measure_person=XSS_SHORT,
        note=XSS_PROBE, expect="办理结果已登记")
    act(operator, case, "feedback", channel="call", note=XSS_PROBE[:190], expect="反馈已登记")
    act(operator, case, "return_visit", satisfaction="satisfied", note=XSS_PROBE[:190], expect="回访已登记")
    act(inspector, case, "propose_close", note=XSS_PROBE, expect="已提请办结")

    # A roll whose names carry the probe, and a finding decided with it as the reason.
    child, father = make_id("20100707", 31), make_id("19790909", 33)
    _roll(live, tmp_path, "recipients", [["姓名", "身份证号", "项目", "金额", "户编号", "乡镇", "村"],
                                         [XSS_SHORT, child, "低保", "300", "X-H1", "石桥镇", "红旗村"]])
    _roll(live, tmp_path, "households", [["户编号", "姓名", "身份证号"], ["X-H1", XSS_SHORT, father],
                                         ["X-H1", XSS_SHORT, child]])
    _roll(live, tmp_path, "payroll", [["姓名", "身份证号", "单位"], [XSS_SHORT, father, XSS_PROBE]])
    findings.run_rules(session=live.session)
    live.session.commit()
    finding = live.session.exec(select(Finding).where(Finding.id_number == child)).first()
    assert finding is not None
    supervisor.goto(f"/crosscheck/findings/{finding.id}")
    supervisor.fill("textarea[name=reason]", XSS_PROBE)
    with supervisor.expect_navigation():
        supervisor.get_by_role("button", name="确认疑点").click()

    # This week's bulletin: its typical cases and tables draw on the same records.
    supervisor.goto("/bulletins/")
    supervisor.fill("#value", str(IsoWeek.containing(utcnow(), live.app.config["SETTINGS"].TIMEZONE)))
    with supervisor.expect_navigation():
        supervisor.get_by_role("button", name="生成草稿").click()
    no_script_ran(supervisor)

    complaint_page = f"/complaints/{complaint_id}"
    for page, path in [(supervisor, complaint_page), (inspector, complaint_page), (operator, complaint_page),
                       (supervisor, "/complaints"),
                       (supervisor, "/cases/"), (supervisor, "/cases/supervised"), (inspector, "/cases/"),
                       (supervisor, f"/crosscheck/findings/{finding.id}"), (supervisor, "/crosscheck/")]:
        page.goto(path)
        _shows_probe_as_text(page)
    for page, path in [(operator, f"/intake/receipt/{complaint_id}"), (supervisor, "/cases/notices"), (supervisor, "/triage/review"),
                       (supervisor, "/triage/unclassified"), (operator, "/contacts"),
                       (supervisor, "/bulletins/dashboard"), (supervisor, "/bulletins/")]:
        page.goto(path)
        no_script_ran(page)

    # The operator's live fragments: the caller's history and the likely duplicates.
    operator.goto("/intake/new")
    operator.keyboard.type(PHONE)
    operator.locator("#history").get_by_text("该号码历史来电").wait_for()
    operator.fill("#text", f"{XSS_PROBE}石桥镇红旗村村支书把低保给了亲戚。")
    operator.fill("input[name=accused_name]", XSS_SHORT)
    operator.locator("#duplicates").get_by_text("可能的重复举报").wait_for()
    no_script_ran(operator)

    for role in (Role.admin, Role.auditor):
        reader = live.page_as(live.factory.user(role))
        reader.goto("/admin/audit")
        no_script_ran(reader)
