"""An inspector confirms a cross-check finding from rolls imported through the real importer;
a supervisor builds and opens the weekly bulletin and the dashboard."""
from __future__ import annotations

import csv

import pytest
from sqlmodel import select

from hotline.bulletins.weeks import IsoWeek
from hotline.crosscheck import importer
from models.base import utcnow
from models.bulletins import Bulletin, BulletinStatus
from models.findings import Finding, FindingComplaint, FindingStatus
from models.users import Role
from tests.crosscheck.conftest import make_id

pytestmark = pytest.mark.browser

CHILD, FATHER = make_id("20090303", 21), make_id("19780505", 23)


def _csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_an_inspector_confirms_a_finding_and_turns_it_into_a_clue(live, tmp_path):
    for kind, rows in {
        "recipients": [["姓名", "身份证号", "项目", "金额", "发放日期", "户编号", "乡镇", "村"],
                       ["孙小雨", CHILD, "普通高中国家助学金", "1000", "2026-03-01", "B-H1", "石桥镇", "红旗村"]],
        "households": [["户编号", "姓名", "身份证号", "与户主关系"],
                       ["B-H1", "孙德福", FATHER, "户主"], ["B-H1", "孙小雨", CHILD, "子"]],
    }.items():
        path = _csv(tmp_path / f"{kind}.csv", rows)
        importer.process(path, kind=kind, filename=path.name, session=live.session)
    live.session.commit()

    admin = live.page_as(live.factory.user(Role.admin))
    admin.goto("/crosscheck/imports")
    admin.select_option("#upload-form select[name=kind]", "payroll")
    admin.set_input_files("#upload-form input[type=file]",
                          _csv(tmp_path / "payroll.csv", [["姓名", "身份证号", "单位", "岗位"],
                                                          ["孙德福", FATHER, "石桥镇中心小学", "教师"]]))
    admin.click("#upload-form button[type=submit]")  # uploaded by XHR with a progress bar
    admin.locator("#commit-form").wait_for()
    assert "可导入1行" in admin.content()
    with admin.expect_navigation():
        admin.click("#commit-form button[type=submit]")
    assert "已导入" in admin.locator(".flash").inner_text()
    admin.goto("/crosscheck/imports")
    with admin.expect_navigation():
        admin.get_by_role("button", name="运行全部比对规则").click()
    assert "比对完成" in admin.locator(".flash").inner_text()

    inspector = live.page_as(live.factory.user(Role.inspector, office="石桥镇纪委"))
    inspector.goto("/crosscheck/?rule=payroll_household")
    inspector.get_by_role("link", name="孙小雨").first.click()
    assert "石桥镇中心小学" in inspector.locator("#evidence").inner_text()
    inspector.fill("textarea[name=reason]", "经核实孙德福为在编教师，其子领取助学金不符合条件。")
    with inspector.expect_navigation():
        inspector.get_by_role("button", name="确认疑点").click()
    assert "已确认该疑点" in inspector.locator(".flash").inner_text()
    with inspector.expect_navigation():
        inspector.get_by_role("button", name="转为问题线索（大数据比对）").click()
    assert "已转为问题线索" in inspector.locator(".flash").inner_text()
    with live.db() as db:
        finding = db.exec(select(Finding).where(Finding.rule == "payroll_household", Finding.id_number == CHILD)).one()
        assert finding.status is FindingStatus.confirmed and "在编教师" in finding.decision_reason
        assert db.exec(select(FindingComplaint).where(FindingComplaint.finding_id == finding.id)).one().kind == "clue"


def test_a_supervisor_builds_and_opens_the_weekly_bulletin(live):
    live.factory.complaint("高坪镇太平村产业扶贫资金被挪去修村委会办公楼。")
    supervisor = live.page_as(live.factory.user(Role.supervisor))
    week = IsoWeek.containing(utcnow(), live.app.config["SETTINGS"].TIMEZONE)
    supervisor.goto("/bulletins/")
    supervisor.fill("#value", str(week))
    # Building renders the .docx, .xlsx and chart before answering: allow it a minute on a busy CI machine.
    with supervisor.expect_navigation(timeout=60_000):
        supervisor.get_by_role("button", name="生成草稿").click()
    assert supervisor.locator(".bulletin-title").count() == 1
    assert supervisor.locator("table.figures").count() >= 3
    links = supervisor.locator("a.button").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert any(h.endswith("bulletin.docx") for h in links) and any(h.endswith("bulletin.xlsx") for h in links)
    with live.db() as db:
        built = db.exec(select(Bulletin).where(Bulletin.week == str(week))).all()
        assert [b.status for b in built] == [BulletinStatus.built]

    supervisor.goto("/bulletins/dashboard")
    chart = supervisor.locator("img.trend-chart")
    chart.wait_for()
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
