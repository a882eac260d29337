"""Every page a role's menu reaches, at 1366 px: no Latin identifier in the rendered text outside
code-like fields, and the menu on one line (issue 22)."""
from __future__ import annotations

import csv
import re

import pytest

from hotline.crosscheck import findings, importer
from models.users import Role
from tests.crosscheck.conftest import make_id

pytestmark = pytest.mark.browser

WIDTH = 1366
IDENTIFIER = re.compile(r"[a-z_]{4,}")
# Words a reader meets on purpose: file formats, product names, the demo's settings, URLs' parts.
ALLOWED = {"Excel", "figures.json", "http", "https", "localhost", "Twilio", "Open311", "jieba", "json", "xlsx",
           "docx", "html", "csv", "systemd", "Chromium"}
FILE_NAME = re.compile(r"\.(csv|xlsx|xls|docx|json|png)$")  # an uploaded file's name is the user's data
# Text the reader copies rather than reads: codes, numbers, inputs, and elements marked as such.
VISIBLE_TEXT = """() => {
  const skip = 'code, kbd, samp, pre, textarea, script, style, .code, [data-code], [translate="no"]';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest(skip) || !el.getClientRects().length) continue;
    out.push(walker.currentNode.textContent);
  }
  return out.join('\\n');
}"""
NAV_TOPS = "() => [...document.querySelectorAll('header nav a')].map(a => a.getBoundingClientRect().top)"
NAV_LINKS = "() => [...document.querySelectorAll('header nav a')].map(a => a.getAttribute('href'))"


def leaks(text: str) -> list[str]:
    """Tokens of Latin letters carrying a lower-case identifier-like run, not on the allow-list."""
    found = []
    for token in re.findall(r"[A-Za-z0-9_.\-/:]+", text):
        if IDENTIFIER.search(token) and token.strip(".:/-") not in ALLOWED and not token.startswith("http") \
                and not FILE_NAME.search(token):
            found.append(token)
    return found


def _csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.fixture(scope="module")
def pages(live, tmp_path_factory):
    """A case and a cross-check finding to visit besides the menu's pages."""
    folder = tmp_path_factory.mktemp("language")
    child, father = make_id("20100404", 31), make_id("19790606", 33)
    for kind, rows in {
        "recipients": [["姓名", "身份证号", "项目", "金额", "发放日期", "户编号", "乡镇", "村"],
                       ["钱小雨", child, "普通高中国家助学金", "1000", "2026-03-01", "L-H1", "石桥镇", "红旗村"]],
        "households": [["户编号", "姓名", "身份证号", "与户主关系"],
                       ["L-H1", "钱德福", father, "户主"], ["L-H1", "钱小雨", child, "子"]],
        "payroll": [["姓名", "身份证号", "单位", "岗位"], ["钱德福", father, "石桥镇中心小学", "教师"]],
    }.items():
        path = _csv(folder / f"{kind}.csv", rows)
        importer.process(path, kind=kind, filename=path.name, session=live.session)
    findings.run_rules(session=live.session)
    live.session.commit()
    from sqlmodel import select

    from models.findings import Finding
    finding = live.session.exec(select(Finding).where(Finding.name == "钱小雨")).first()
    complaint = live.factory.complaint("石桥镇红旗村村支书王某把低保给了自己亲戚，还收了好处费三千元。")
    extra = [f"/complaints/{complaint.id}"] + ([f"/crosscheck/findings/{finding.id}"] if finding else [])
    return extra


ROLES = [(Role.operator, None), (Role.inspector, "石桥镇纪委"), (Role.supervisor, None), (Role.admin, None),
         (Role.auditor, None), (Role.custodian, None)]


@pytest.mark.parametrize("role, office", ROLES, ids=[r.value for r, _o in ROLES])
def test_every_page_of_the_menu_reads_in_chinese_with_the_menu_on_one_line(live, pages, role, office):
    user = live.factory.user(role, office=office)
    user.full_name = "测试用户"
    live.session.commit()
    page = live.page_as(user, width=WIDTH)
    links = [href for href in page.evaluate(NAV_LINKS) if href and href.startswith("/")]
    assert links, "the menu is empty"
    problems = []
    for path in dict.fromkeys(links + pages):
        response = page.goto(path)
        if response.status in (403, 404) and path in pages:
            continue  # this role does not open that record
        assert response.status == 200, (path, response.status)
        # The factory names its users 测试<role> (other journeys' users appear in lists): test data.
        text = re.sub(r"测试[a-z_]+", "", page.evaluate(VISIBLE_TEXT))
        found = [t for t in leaks(text) if t != user.username]
        if found:
            problems.append((path, sorted(set(found))[:10]))
        tops = page.evaluate(NAV_TOPS)
        if len(set(round(t) for t in tops)) > 1:
            problems.append((path, "menu wraps to two lines"))
    assert not problems, problems
