"""The web screens: an admin imports with a preview; inspectors work findings; the case page shows matches."""
from __future__ import annotations

import io

import pytest
from sqlmodel import select

from hotline.crosscheck import findings
from models.complaints import Complaint
from models.findings import Finding, FindingComplaint, FindingStatus
from models.rolls import RollImport, RollRecipient
from models.users import Role
from tests.crosscheck.conftest import make_id
from tests.crosscheck.test_rules import CHILD, FATHER, OLD, _county

ROLL = ("姓名,身份证号,项目,金额\n张三,%s,低保,100\n李四,110,低保,100\n" % make_id()).encode("gbk")


def _upload(client, data: bytes = ROLL, name: str = "roll.csv", kind: str = "recipients"):
    return client.post("/crosscheck/imports", data={"kind": kind, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_an_admin_sees_a_preview_and_nothing_is_imported_until_confirmed(factory, login, db):
    client = login.as_(factory.user(Role.admin))
    page = _upload(client)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "可导入2行" in html and "应为18位" in html
    assert not db.exec(select(RollRecipient)).all()
    token = html.split("/crosscheck/imports/")[1].split("/commit")[0]
    done = client.post(f"/crosscheck/imports/{token}/commit")
    assert done.status_code == 302
    assert len(db.exec(select(RollRecipient)).all()) == 2 and db.exec(select(RollImport)).one().rows_id_problem == 1
    again = _upload(client)
    assert "再次导入不会有任何改动" in again.get_data(as_text=True)


def test_a_bad_upload_shows_the_reason_and_keeps_the_choice(factory, login, db):
    client = login.as_(factory.user(Role.admin))
    page = _upload(client, "名字,号码\n张三,1\n".encode(), kind="payroll")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "缺少必需的列" in html and 'value="payroll" selected' in html
    assert _upload(client, b"x", name="roll.txt").status_code == 422


def test_the_upload_route_accepts_files_larger_than_the_default_limit(factory, login, db):
    client = login.as_(factory.user(Role.admin))
    big = ROLL + b"".join(f"人{i},{make_id('19800101', i % 999 + 1)},低保,100\n".encode("gbk") for i in range(80000))
    assert len(big) > 2 * 1024 * 1024
    assert _upload(client, big).status_code == 200


@pytest.mark.parametrize("role", [Role.operator, Role.inspector, Role.auditor])
def test_only_admins_import(factory, login, role):
    client = login.as_(factory.user(role))
    assert client.get("/crosscheck/imports").status_code == 403
    assert _upload(client).status_code == 403


@pytest.mark.parametrize("role", [Role.operator, Role.admin, Role.auditor])
def test_only_inspectors_and_supervisors_work_findings(factory, login, role):
    assert login.as_(factory.user(role)).get("/crosscheck/").status_code == 403


def _findings(rolls, db):
    _county(rolls)
    findings.run_rules(session=db)
    db.commit()
    return db.exec(select(Finding).where(Finding.rule == "payroll_household")).first()


def test_an_inspector_confirms_with_a_reason_and_turns_it_into_a_clue(rolls, factory, login, db):
    finding = _findings(rolls, db)
    client = login.as_(factory.user(Role.inspector, office="县纪委监委"))
    page = client.get(f"/crosscheck/findings/{finding.id}").get_data(as_text=True)
    assert "石桥镇中心小学" in page and "财政供养人员" in page
    assert client.post(f"/crosscheck/findings/{finding.id}/decide", data={"action": "confirm", "reason": ""}).status_code == 422
    assert client.post(f"/crosscheck/findings/{finding.id}/clue").status_code == 422  # not confirmed yet
    client.post(f"/crosscheck/findings/{finding.id}/decide", data={"action": "confirm", "reason": "经核实父亲为在编教师"})
    response = client.post(f"/crosscheck/findings/{finding.id}/clue")
    assert response.status_code == 302
    complaint = db.exec(select(Complaint).where(Complaint.source == "crosscheck")).one()
    assert "张小明" in complaint.text and "石桥镇中心小学" in complaint.text
    assert db.exec(select(FindingComplaint)).one().kind == "clue"
    assert client.post(f"/crosscheck/findings/{finding.id}/clue").status_code == 422  # only once


def test_an_inspector_dismisses_and_attaches_to_an_existing_complaint(rolls, factory, login, db):
    finding = _findings(rolls, db)
    complaint = factory.complaint("红旗村张小明家父母都是老师还领助学金")
    client = login.as_(factory.user(Role.supervisor))
    assert client.post(f"/crosscheck/findings/{finding.id}/attach", data={"receipt_code": "000"}).status_code == 422
    assert client.post(f"/crosscheck/findings/{finding.id}/attach",
                       data={"receipt_code": complaint.receipt_code}).status_code == 302
    client.post(f"/crosscheck/findings/{finding.id}/decide", data={"action": "dismiss", "reason": "已核实非同户"})
    db.refresh(finding)
    assert finding.status is FindingStatus.dismissed and finding.decision_reason == "已核实非同户"
    listing = client.get("/crosscheck/?rule=payroll_household&status=dismissed").get_data(as_text=True)
    assert "张小明" in listing


def test_the_export_has_the_promised_columns(rolls, factory, login, db, runner, tmp_path):
    _findings(rolls, db)
    out = tmp_path / "f.csv"
    result = runner.invoke(args=["crosscheck", "export", str(out)])
    assert result.exit_code == 0, result.output
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert {"rule", "id_number", "name", "programme", "score", "evidence"} <= set(header)
    xlsx = tmp_path / "f.xlsx"
    assert runner.invoke(args=["crosscheck", "export", str(xlsx), "--rule", "deceased_recipient"]).exit_code == 0
    import openpyxl
    rows = list(openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0][0] == "rule" and [r[0] for r in rows[1:]] == ["deceased_recipient"]
    response = login.as_(factory.user(Role.inspector, office="县纪委监委")).get("/crosscheck/export?format=csv")
    assert response.status_code == 200 and b"payroll_household" in response.data


def test_the_cli_runs_one_rule(rolls, runner, db):
    _county(rolls)
    result = runner.invoke(args=["crosscheck", "run", "--rule", "deceased_recipient"])
    assert result.exit_code == 0 and "deceased_recipient" in result.output
    assert {f.rule for f in db.exec(select(Finding)).all()} == {"deceased_recipient"}


def test_the_case_page_shows_the_grant_and_the_parents_payroll_rows(rolls, factory, login, db):
    _county(rolls)
    findings.run_rules(session=db)
    county = factory.county()
    complaint = factory.complaint("红旗村张小明的父母都是老师，他却领了助学金",
                                  village_id=county["villages"]["红旗村"].id)
    complaint.entities = [{"kind": "person", "text": "张小明", "value": "张小明", "span": [3, 6], "attrs": {}},
                          {"kind": "program", "text": "助学金", "value": "education", "span": [0, 0], "attrs": {}}]
    db.add(complaint)
    db.commit()
    page = login.as_(factory.user(Role.supervisor)).get(f"/complaints/{complaint.id}").get_data(as_text=True)
    panel = page.split('id="crosscheck-matches"')[1]
    assert "普通高中国家助学金" in panel and "石桥镇中心小学" in panel and "县第一中学" in panel
    assert FATHER in panel and "相关疑点" in panel


def test_the_case_page_lists_the_disability_certificates_of_the_household(rolls, factory, login, db):
    _county(rolls)
    rolls.load("disability", [["姓名", "身份证号", "残疾证号", "残疾类别", "残疾等级"],
                              ["张大山", FATHER, f"{FATHER}41", "肢体", "二级"],
                              ["王老汉", OLD, f"{OLD}42", "视力", "一级"]])
    county = factory.county()
    complaint = factory.complaint("红旗村张小明的父亲领了残疾人补贴", village_id=county["villages"]["红旗村"].id)
    complaint.entities = [{"kind": "person", "text": "张小明", "value": "张小明", "span": [3, 6], "attrs": {}}]
    db.add(complaint)
    db.commit()
    page = login.as_(factory.user(Role.supervisor)).get(f"/complaints/{complaint.id}").get_data(as_text=True)
    panel = page.split('id="crosscheck-matches"')[1]
    assert 'data-kind="disability"' in panel and "残疾人证登记" in panel and f"{FATHER}41" in panel
    assert f"{OLD}42" not in panel  # not of the household the complaint names


def test_operators_do_not_see_roll_matches_on_the_case_page(rolls, factory, login, db):
    _county(rolls)
    operator = factory.user(Role.operator)
    complaint = factory.complaint("张小明领了助学金", user=operator)
    complaint.entities = [{"kind": "id_number", "text": CHILD, "value": CHILD, "span": [0, 18], "attrs": {}}]
    db.add(complaint)
    db.commit()
    page = login.as_(operator).get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert "crosscheck-matches" not in page
