"""Where findings go: after a run, the page says how many went to which office's review queue
(an admin sees counts only, and is told why); an inspector sees his queue's count in the navigation."""
from __future__ import annotations

import re

from hotline.crosscheck import queues
from models.users import Role
from tests.crosscheck.conftest import make_id
from tests.crosscheck.test_rules import REC

TWICE, DEAD = make_id("19500101", 9), make_id("19380101", 7)


def _county_with_findings(rolls, factory) -> None:
    factory.county()  # 石桥镇纪委, 柳河乡纪委; 第一监督检查室 covers both
    rolls.load("recipients", [REC, ["钱两份", TWICE, "低保", "300", "2026-03-01", "", "", "石桥镇", "红旗村"],
                              ["钱两份", TWICE, "低保", "300", "2026-03-20", "", "", "石桥镇", "红旗村"],
                              ["赵故人", DEAD, "低保", "300", "2026-04-01", "", "", "柳河乡", "水井村"],
                              ["孙外乡", make_id("19390101", 11), "低保", "300", "2026-04-01", "", "", "外县镇", "某村"]])
    rolls.load("deaths", [["姓名", "身份证号", "死亡日期"], ["赵故人", DEAD, "2025-12-01"],
                          ["孙外乡", make_id("19390101", 11), "2025-12-01"]])


def test_after_a_run_an_admin_reads_where_the_findings_went_without_seeing_them(rolls, factory, login):
    _county_with_findings(rolls, factory)
    client = login.as_(factory.user(Role.admin))
    done = client.post("/crosscheck/run")
    assert done.status_code == 302 and "/crosscheck/runs/" in done.headers["Location"]
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "管理员按设计不能查看疑点中的个人信息" in page
    rows = {cells[0]: cells[1:] for cells in re.findall(
        r"<tr><td>([^<]+)</td><td>([^<]*)</td><td>(\d+)</td><td>(\d+)</td></tr>", page)}
    assert rows["石桥镇纪委"] == ("石桥镇", "1", "1")
    assert rows["柳河乡纪委"] == ("柳河乡", "1", "1")
    assert rows["第一监督检查室"] == ("柳河乡、石桥镇", "2", "2")
    assert rows[queues.COUNTY_WIDE_QUEUE] == ("外县镇", "1", "1")  # no office covers it
    assert "钱两份" not in page and TWICE not in page


def test_an_inspector_sees_his_queue_counted_in_the_navigation(rolls, factory, login, db):
    _county_with_findings(rolls, factory)
    login.as_(factory.user(Role.admin)).post("/crosscheck/run")
    client = login.as_(factory.user(Role.inspector, office="石桥镇纪委"))
    page = client.get("/crosscheck/").get_data(as_text=True)
    assert "大数据比对（1）" in page and "钱两份" in page and "赵故人" not in page
    other = login.as_(factory.user(Role.inspector, office="柳河乡纪委")).get("/complaints").get_data(as_text=True)
    assert "大数据比对（1）" in other
