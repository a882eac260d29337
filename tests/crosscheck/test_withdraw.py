"""Withdrawing a wrong import (撤销): its rows leave the rolls, its record stays with who and why,
the same file may be imported again, and findings that rested on it say they were not found again."""
from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from sqlmodel import Session, func, select

from hotline.crosscheck import findings, importer
from models.audit import AuditEntry
from models.findings import Finding
from models.rolls import RollImport, RollPayroll, RollRecipient
from models.users import Role
from tests.crosscheck.conftest import make_id
from tests.crosscheck.test_rules import MOTHER, _county

HEADER = ["姓名", "身份证号", "项目", "金额", "发放日期"]
ROWS = [HEADER, ["张三", make_id("19500101", 1), "低保", "300", "2026-03-01"],
        ["李四", make_id("19510101", 3), "低保", "300", "2026-03-01"]]


def _count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def test_withdrawing_deletes_the_rows_and_keeps_the_record_with_the_reason(rolls, db, factory):
    admin = factory.user(Role.admin)
    kept = rolls.load("recipients", [HEADER, ["王五", make_id("19520101", 5), "低保", "300", "2026-03-01"]],
                      name="other.csv")
    wrong = rolls.load("recipients", ROWS)
    assert importer.withdraw(db, wrong.import_id, reason="项目选错，应为特困供养", actor=admin) == 2
    db.commit()
    record = db.get(RollImport, wrong.import_id)
    assert record.withdrawn_at is not None and record.withdrawn_by_id == admin.id
    assert record.withdrawn_reason == "项目选错，应为特困供养" and record.rows_imported == 2
    assert [r.import_id for r in db.exec(select(RollRecipient)).all()] == [kept.import_id]
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "roll.withdraw")).one()
    assert entry.entity_id == str(wrong.import_id) and entry.detail["rows"] == 2


def test_the_same_file_imports_again_after_its_import_was_withdrawn(rolls, db):
    first = rolls.load("recipients", ROWS)
    with pytest.raises(importer.DuplicateImport):
        rolls.load("recipients", ROWS)
    db.rollback()
    importer.withdraw(db, first.import_id, reason="重新导入更正后的文件")
    db.commit()
    again = rolls.load("recipients", ROWS)
    assert again.import_id != first.import_id and again.rows_imported == 2
    assert _count(db, RollRecipient) == 2
    with pytest.raises(importer.DuplicateImport):  # the new import counts again
        rolls.load("recipients", ROWS)


@pytest.mark.parametrize("reason, message", [("", "请填写撤销理由"), (" 错 ", "请填写撤销理由"),
                                             ("长" * 2001, "不能超过2000字")])
def test_a_withdrawal_needs_a_reason(rolls, db, reason, message):
    report = rolls.load("recipients", ROWS)
    with pytest.raises(importer.RollImportError, match=message):
        importer.withdraw(db, report.import_id, reason=reason)
    db.rollback()
    assert _count(db, RollRecipient) == 2


def test_an_import_is_withdrawn_once_and_an_unknown_one_not_at_all(rolls, db):
    report = rolls.load("recipients", ROWS)
    importer.withdraw(db, report.import_id, reason="文件有误")
    db.commit()
    with pytest.raises(importer.RollImportError, match="不能重复撤销"):
        importer.withdraw(db, report.import_id, reason="文件有误")
    with pytest.raises(importer.RollImportError, match="没有第999批导入"):
        importer.withdraw(db, 999, reason="文件有误")


def test_the_command_withdraws_and_explains_a_refusal(rolls, runner, db):
    report = rolls.load("recipients", ROWS)
    done = runner.invoke(args=["rolls", "withdraw", str(report.import_id), "--reason", "文件有误"])
    assert done.exit_code == 0 and "删除2行" in done.output
    again = runner.invoke(args=["rolls", "withdraw", str(report.import_id), "--reason", "文件有误"])
    assert again.exit_code != 0 and "不能重复撤销" in again.output
    assert _count(db, RollRecipient) == 0


def test_an_admin_withdraws_on_the_import_page(rolls, db, factory, login):
    report = rolls.load("recipients", ROWS)
    client = login.as_(factory.user(Role.admin))
    page = client.get(f"/crosscheck/imports/{report.import_id}").get_data(as_text=True)
    assert "撤销本批导入" in page
    refused = client.post(f"/crosscheck/imports/{report.import_id}/withdraw", data={"reason": ""})
    assert refused.status_code == 422 and "请填写撤销理由" in refused.get_data(as_text=True)
    done = client.post(f"/crosscheck/imports/{report.import_id}/withdraw", data={"reason": "名册过期"},
                       follow_redirects=True)
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "已撤销" in html and "名册过期" in html and "测试admin" in html
    assert "撤销本批导入</button>" not in html
    assert _count(db, RollRecipient) == 0
    listing = client.get("/crosscheck/imports").get_data(as_text=True)
    assert "已撤销" in listing
    assert client.post("/crosscheck/imports/999/withdraw", data={"reason": "名册过期"}).status_code == 404


@pytest.mark.parametrize("role", [Role.operator, Role.inspector, Role.supervisor, Role.auditor])
def test_only_admins_withdraw(rolls, db, factory, login, role):
    report = rolls.load("recipients", ROWS)
    client = login.as_(factory.user(role))
    assert client.post(f"/crosscheck/imports/{report.import_id}/withdraw", data={"reason": "名册过期"}).status_code == 403
    assert _count(db, RollRecipient) == 2


def test_a_finding_that_rested_on_a_withdrawn_roll_says_it_was_not_found_again(rolls, db, factory, login):
    _county(rolls)
    findings.run_rules(session=db, today=dt.date(2026, 6, 1))
    db.commit()
    mother = next(f for f in db.exec(select(Finding).where(Finding.rule == "payroll_household")).all()
                  if any(e["fields"].get("身份证号") == MOTHER for e in f.evidence if e["kind"] == "payroll"))
    payroll = db.exec(select(RollPayroll)).first().import_id
    importer.withdraw(db, payroll, reason="财政供养名单导错")
    db.commit()
    second = findings.run_rules(session=db, rules=["payroll_household"], today=dt.date(2026, 6, 1))
    third = findings.run_rules(session=db, rules=["deceased_recipient"], today=dt.date(2026, 6, 1))
    db.commit()
    client = login.as_(factory.user(Role.inspector, office="县纪委监委"))
    page = client.get(f"/crosscheck/findings/{mother.id}").get_data(as_text=True)
    assert f"第{second.id}次比对未再发现" in page  # the run of another rule does not count
    assert "县第一中学" in page  # the evidence snapshot stays
    assert third.id > second.id
    listing = client.get("/crosscheck/?rule=payroll_household").get_data(as_text=True)
    assert "未再发现" in listing
    dead = db.exec(select(Finding).where(Finding.rule == "deceased_recipient")).one()
    assert "未再发现" not in client.get(f"/crosscheck/findings/{dead.id}").get_data(as_text=True)


@pytest.mark.postgres_only
def test_a_second_withdrawal_begun_meanwhile_waits_for_the_first_then_is_refused(rolls, db):
    report = rolls.load("recipients", ROWS)
    importer.withdraw(db, report.import_id, reason="第一次撤销")  # not committed yet
    outcome: list[str] = []

    def second() -> None:
        with Session(db.get_bind()) as other:
            try:
                importer.withdraw(other, report.import_id, reason="第二次撤销")
                other.commit()
                outcome.append("withdrawn again")
            except importer.RollImportError as exc:
                outcome.append(str(exc))

    worker = threading.Thread(target=second)
    worker.start()
    time.sleep(0.5)  # the second has read the record (or waits to) before the first commits
    db.commit()
    worker.join(10)
    assert len(outcome) == 1 and "不能重复撤销" in outcome[0]
    db.expire_all()
    assert db.get(RollImport, report.import_id).withdrawn_reason == "第一次撤销"
