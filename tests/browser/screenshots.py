"""Take the screenshots in docs/screenshots/ from a running demo (not a test).

    INSTANCE_DIR=/tmp/demo HOTLINE_ENV=development DEMO=1 .venv/bin/python -m hotline run --port 5077 &
    INSTANCE_DIR=/tmp/demo HOTLINE_ENV=development DEMO=1 .venv/bin/python -m tests.browser.screenshots \
        --base http://127.0.0.1:5077 --out docs/screenshots

It first moves a few demo cases along through the real screens (assign, propose, approve,
supervise, an outcome), imports three small rolls and runs the cross-check, and builds a bulletin,
so every screen has something to show; then it shoots each main screen at 1280 px (laptop)
and a few at 800 px (tablet). Run it on a throwaway demo database: it changes the data.
"""
from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

import pyotp
from playwright.sync_api import sync_playwright
from sqlmodel import Session, select

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.steps import submit_form
from tests.crosscheck.conftest import make_id

DEMO_TOTP = "DEMOHOTLINEQINGXICOUNTYSUPERVISE"
PASSWORDS = {"operator": "demo-operator-965888", "inspector": "demo-inspector-965888",
             "supervisor": "demo-supervisor-965888", "admin": "demo-admin-965888",
             "auditor": "demo-auditor-965888"}
ROLL_IDS = {"child": make_id("20090303", 211, "511234"), "father": make_id("19780505", 235, "511234")}


def _login(browser, base: str, username: str, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", base_url=base,
                                  device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username])
    with page.expect_navigation():  # read the URL only once the answer to the password has arrived
        page.click("button[type=submit]")
    if page.url.endswith("/login/totp"):
        page.fill("input[name=code]", pyotp.TOTP(DEMO_TOTP).now())
        page.click("button[type=submit]")
    return page


def _act(page, case_id: int, complaint_id: int, action: str, **fields) -> None:
    page.goto(f"/complaints/{complaint_id}")
    form = page.locator(f"#case-panel form[action='/cases/{case_id}/{action}']")
    if form.count():
        submit_form(page, form, fields)


def _cases(office_name: str, limit: int):
    from hotline import create_app
    from models.cases import Case
    from models.offices import Office
    from models.users import User

    app = create_app()
    with Session(app.extensions["db_engine"]) as db:
        office = db.exec(select(Office).where(Office.name == office_name)).one()
        rows = db.exec(select(Case).where(Case.office_id == office.id).order_by(Case.id).limit(limit)).all()
        users = {u.username: u.id for u in db.exec(select(User)).all()}
        return [(c.id, c.complaint_id, c.status.value) for c in rows], users


def _seed(pages: dict, work_dir: Path) -> int:
    """Move demo cases along and import rolls; returns the complaint id of the showcase case."""
    cases, users = _cases("石桥镇纪委", 6)
    sup, ins = pages["supervisor"], pages["inspector"]
    for index, (case_id, complaint_id, status) in enumerate(cases):
        if status != "pending_assignment":
            continue
        _act(sup, case_id, complaint_id, "assign", inspector_id=str(users["inspector"]))
        if index < 3:
            _act(ins, case_id, complaint_id, "propose", disposition="preliminary_verification",
                 reason="反映对象和事项具体，拟由乡镇纪委初步核实。")
        if index < 2:
            _act(sup, case_id, complaint_id, "approve", note="同意初核，注意保护举报人。")
        if index == 0:
            _act(sup, case_id, complaint_id, "supervise", days="20", interval_days="5",
                 reason="群众反复反映，涉及低保资金，列入挂牌督办。")
            _act(ins, case_id, complaint_id, "progress", progress="已调取近三年低保评议记录和发放明细，正在走访核实。")
    others, _ = _cases("第一监督检查室", 2)
    for case_id, complaint_id, status in others:
        if status == "pending_assignment":
            _act(sup, case_id, complaint_id, "supervise", days="15", interval_days="5", reason="涉及乡镇干部，县纪委督办。")
    _rolls(pages["admin"], work_dir)
    return cases[0][1]


def _rolls(admin, work_dir: Path) -> None:
    rolls = {
        "recipients": [["姓名", "身份证号", "项目", "金额", "发放日期", "户编号", "乡镇", "村"],
                       ["孙小雨", ROLL_IDS["child"], "普通高中国家助学金", "1000", "2026-09-01", "QX-0211", "石桥镇", "红旗村"]],
        "households": [["户编号", "姓名", "身份证号", "与户主关系"],
                       ["QX-0211", "孙德福", ROLL_IDS["father"], "户主"], ["QX-0211", "孙小雨", ROLL_IDS["child"], "子"]],
        "payroll": [["姓名", "身份证号", "单位", "岗位"], ["孙德福", ROLL_IDS["father"], "石桥镇中心小学", "教师"]],
    }
    for kind, rows in rolls.items():
        path = work_dir / f"{kind}.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        admin.goto("/crosscheck/imports")
        admin.select_option("#upload-form select[name=kind]", kind)
        admin.set_input_files("#upload-form input[type=file]", str(path))
        admin.click("#upload-form button[type=submit]")
        admin.locator("#commit-form").wait_for()
        if admin.locator("#commit-form button[disabled]").count():
            continue  # imported on an earlier run
        with admin.expect_navigation():
            admin.click("#commit-form button[type=submit]")
    admin.goto("/crosscheck/imports")
    with admin.expect_navigation():
        admin.get_by_role("button", name="运行全部比对规则").click()


def shoot(base: str, out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    taken: list[str] = []
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        pages = {name: _login(browser, base, name) for name in PASSWORDS}
        showcase = _seed(pages, Path(tmp))

        def snap(page, name: str, full: bool = True) -> None:
            page.screenshot(path=str(out / f"{name}.png"), full_page=full)
            taken.append(name)

        op = pages["operator"]
        op.goto("/intake/new")
        op.keyboard.type("13912345678")
        op.keyboard.press("Tab")
        op.keyboard.press("Tab")
        op.keyboard.type("李秀兰")
        op.fill("#text", "反映石桥镇红旗村村支书把低保名额给了自己侄子，侄子家有小车，还开着商店，每月照样领低保。")
        op.select_option("#township", label="石桥镇")
        op.select_option("#village", label="红旗村")
        op.fill("input[name=accused_name]", "王某")
        op.fill("input[name=accused_title]", "村支书")
        op.wait_for_timeout(1200)  # the caller's history and the duplicates arrive
        snap(op, "intake")
        with op.expect_navigation():
            op.keyboard.press("Control+Enter")
        snap(op, "receipt", full=False)
        op.goto("/complaints")
        snap(op, "complaints", full=False)

        ins = pages["inspector"]
        ins.goto("/cases/")
        snap(ins, "queue")
        ins.goto(f"/complaints/{showcase}")
        snap(ins, "case-inspector")
        sup = pages["supervisor"]
        sup.goto(f"/complaints/{showcase}")
        snap(sup, "case-supervisor")
        sup.goto("/cases/supervised")
        snap(sup, "board", full=False)
        sup.goto("/triage/review")
        snap(sup, "triage-review", full=False)
        sup.goto("/crosscheck/")
        snap(sup, "crosscheck", full=False)
        sup.goto("/crosscheck/?rule=payroll_household")
        link = sup.get_by_role("link", name="孙小雨").first
        if link.count():
            link.click()
            snap(sup, "crosscheck-finding")
        sup.goto("/bulletins/")
        with sup.expect_navigation():
            sup.get_by_role("button", name="立即生成").click()
        snap(sup, "bulletin")
        sup.goto("/bulletins/dashboard")
        sup.locator("img.trend-chart").wait_for()
        snap(sup, "dashboard")

        admin = pages["admin"]
        for path, name in [("/admin/users", "admin-users"), ("/admin/offices", "admin-offices"),
                           ("/cases/rules", "admin-routing"), ("/cases/holidays", "admin-holidays"),
                           ("/crosscheck/imports", "admin-imports")]:
            admin.goto(path)
            snap(admin, name, full=False)
        pages["auditor"].goto("/admin/audit")
        snap(pages["auditor"], "audit", full=False)

        # The tablet view (800 px) of the screens used standing up or in a meeting room.
        tablet = {"operator": _login(browser, base, "operator", 800), "inspector": _login(browser, base, "inspector", 800)}
        tablet["operator"].goto("/intake/new")
        snap(tablet["operator"], "tablet-intake")
        tablet["inspector"].goto("/cases/")
        snap(tablet["inspector"], "tablet-queue", full=False)
        tablet["inspector"].goto(f"/complaints/{showcase}")
        snap(tablet["inspector"], "tablet-case", full=False)
        browser.close()
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:5077")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    print("已保存截图：", "、".join(shoot(args.base, args.out)))


if __name__ == "__main__":
    main()
