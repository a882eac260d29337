"""A commission's first deployment, as the README tells it: an empty database migrated, the
county's code list imported, an admin added on the command line, then the checklist on the
admin's landing page walked to green through the screens, and a report sent through the API
landing in the right township's office."""
from __future__ import annotations

import base64
import threading

import pyotp
import pytest
from sqlmodel import Session, select
from werkzeug.serving import make_server

from hotline.demo import code_list
from models.cases import Case
from models.offices import Office
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.browser
PASSWORD = "first-deployment-965888"
# (username, full name, role created with, office); the custodian is then granted its identity
# role under the two-person rule (one admin asks, another approves).
ROLES = [("operator", "王接线", "operator", ""), ("inspector", "李干部", "inspector", "石桥镇纪委"),
         ("supervisor", "张督办", "supervisor", ""), ("auditor", "赵审计", "auditor", ""),
         ("custodian", "钱保管", "auditor", "")]


@pytest.fixture
def deployment(empty_database_url, tmp_path, trained_models):
    from hotline import create_app
    from hotline.settings import Settings

    keys = {name: base64.b64encode(bytes([n]) * 32).decode()
            for n, name in enumerate(("IDENTITY_KEY", "LOOKUP_KEY", "AUDIT_KEY"), start=1)
            if name in Settings.model_fields}
    app = create_app({"HOTLINE_ENV": "test", "SECRET_KEY": TEST_SECRET + "-first-deployment",
                      "DATABASE_URL": empty_database_url, "INSTANCE_DIR": tmp_path / "instance",
                      "MODELS_DIR": trained_models, "SCHEDULER_IN_PROCESS": False, "COUNTY_CODE": "511234",
                      "COMMISSION_NAME": "青山县纪委监委", **keys})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["db_engine"].dispose()


def _cli(app, *args, input=None):
    result = app.test_cli_runner().invoke(args=list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.output


def _login_enrolling(page, username: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    secret = page.locator("#totp-secret").inner_text().strip()  # an admin enrols on first login
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("button[type=submit]")


def _status(page, key: str) -> str:
    return page.locator(f"#check-{key}").get_attribute("data-status")


def _submit(page, form) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_a_commission_goes_from_an_empty_database_to_a_routed_report(deployment, chromium, tmp_path):
    app, url = deployment
    _cli(app, "db", "upgrade")
    listing = code_list.write(tmp_path / "2025年统计用区划代码.csv")  # GBK, 13 townships, 156 villages
    assert "新增乡镇 13 个，新增村（社区）156 个" in _cli(app, "county", "import", str(listing))
    for username, full_name in (("chief", "孙管理"), ("deputy", "周副管理")):
        _cli(app, "user", "add", username, "--role", "admin", "--full-name", full_name,
             input=f"{PASSWORD}\n{PASSWORD}\n")

    context = chromium.new_context(base_url=url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    _login_enrolling(page, "chief")
    assert page.locator("h1").inner_text() == "上线检查"  # the admin's landing page
    assert page.locator("#not-ready").is_visible()
    assert _status(page, "divisions") == "ok" and "13 个乡镇，156 个村（社区）" in page.locator("#check-divisions").inner_text()
    assert _status(page, "telephony") == "off"  # visibly off, not a failure

    # Every township covered: the checklist's link leads to the offices, which make each a 乡镇纪委.
    page.locator("#check-coverage a").click()
    page.wait_for_url("**/admin/offices")
    with page.expect_navigation():
        page.click("#generate-township-offices")
    form = page.locator("form.grid")
    form.locator("input[name=name]").fill("青山县纪委监委")
    form.locator("select[name=kind]").select_option("commission")
    _submit(page, form)
    form = page.locator("form.grid")
    form.locator("input[name=name]").fill("第一监督检查室")
    form.locator("select[name=kind]").select_option("supervision_office")
    for township in page.locator("form.grid input[name=township_ids]").all():
        township.check()
    _submit(page, form)

    # Routing defaults generated from those offices.
    page.goto("/admin/")
    assert _status(page, "coverage") == "ok"
    page.locator("#check-routing a").click()
    page.wait_for_url("**/admin/routing-defaults/")
    assert "反映村干部的转属地乡镇纪委" in page.locator("#proposals").inner_text()
    with page.expect_navigation():
        page.click("button:has-text('加入规则表')")

    # One user per role, through the users screen.
    page.goto("/admin/users")
    for username, full_name, role, office in ROLES:
        form = page.locator("form.grid").last  # 新建用户
        form.locator("input[name=username]").fill(username)
        form.locator("input[name=full_name]").fill(full_name)
        form.locator("select[name=role]").select_option(role)
        if office:
            form.locator("select[name=office_id]").select_option(label=office)
        form.locator("input[name=password]").fill(PASSWORD)
        _submit(page, form)
    grant = page.locator("form[action$='/admin/grants']")
    grant.locator("select[name=user_id]").select_option(label="custodian（钱保管）")
    grant.locator("select[name=role]").select_option("custodian")
    grant.locator("input[name=reason]").fill("保管举报人身份信息")
    _submit(page, grant)
    deputy = chromium.new_context(base_url=url, locale="zh-CN").new_page()
    _login_enrolling(deputy, "deputy")
    deputy.goto("/admin/users")
    with deputy.expect_navigation():
        deputy.click("form[action$='/approve'] button")
    assert "已批准" in deputy.content()
    deputy.context.close()

    # The scheduler's heartbeat (its own job, as the scheduler process runs it) and a backup.
    from hotline import scheduler
    heartbeat_job = next(job for job in scheduler.collect_jobs() if job.id == "scheduler.heartbeat")
    scheduler._runner(app, heartbeat_job)()
    _cli(app, "backup", str(tmp_path / "first.dump"))

    page.goto("/admin/")
    failing = [c.get_attribute("id") for c in page.locator("tr[data-status=fail]").all()]
    assert failing == [], page.locator("table.checklist").inner_text()
    assert page.locator("#ready").is_visible()
    doctor = app.test_cli_runner().invoke(args=["doctor"])
    assert doctor.exit_code == 0, doctor.output
    context.close()

    # The operator's API token; a report about a village cadre of 石桥镇红旗村 goes to 石桥镇纪委.
    token = _cli(app, "user", "token", "operator").strip().splitlines()[-1]
    with Session(app.extensions["db_engine"]) as db:
        from models.divisions import Village
        village = db.exec(select(Village).where(Village.code == "511234002002")).one()
    response = app.test_client().post("/api/v1/complaints", headers={"Authorization": f"Bearer {token}"}, json={
        "text": "石桥镇红旗村村支书把自己亲戚报成低保户，那家人在县城有门面房。", "village_id": village.id,
        "accused_level": "village_cadre", "accused_title": "村支书", "channel": "web"})
    assert response.status_code == 201, response.get_data(as_text=True)
    with Session(app.extensions["db_engine"]) as db:
        case = db.exec(select(Case).where(Case.complaint_id == response.get_json()["id"])).one()
        assert db.get(Office, case.office_id).name == "石桥镇纪委"
