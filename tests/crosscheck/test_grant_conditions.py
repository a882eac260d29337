"""The grant table's checked conditions (`Grant.requires`) as a rule, `grant_condition`:
残疾人证 (once a registry is imported) and its grade, and the household on the 低保 roll."""
from __future__ import annotations

import csv
import datetime as dt

import pytest
from sqlmodel import select

from bench.crosscheck.generate import generate
from hotline.crosscheck import findings, grants, importer
from hotline.crosscheck.rules import disability_grade
from models.findings import Finding, FindingStatus
from models.rolls import Grant
from tests.crosscheck.conftest import make_id
from tests.crosscheck.test_rules import REC

TODAY = dt.date(2026, 6, 1)
DISABLED, SPOUSE, OTHER = make_id("19700101", 21), make_id("19710101", 22), make_id("19720101", 23)
CERT = ["姓名", "身份证号", "残疾证号", "残疾类别", "残疾等级"]
HOUSEHOLD = [["户编号", "姓名", "身份证号", "与户主关系"], ["H1", "李残", DISABLED, "户主"], ["H1", "王妻", SPOUSE, "妻"]]


def _paid(rolls, grant: str, *more: list) -> None:
    rolls.load("recipients", [REC, ["李残", DISABLED, grant, "200", "2026-03-01", "H1", DISABLED, "石桥镇", "红旗村"],
                              *more])
    rolls.load("households", HOUSEHOLD)


def _found(db) -> list[Finding]:
    findings.run_rules(session=db, rules=["grant_condition"], today=TODAY)
    db.commit()
    return db.exec(select(Finding).where(Finding.rule == "grant_condition")).all()


def test_a_two_subsidies_recipient_without_a_certificate_is_flagged_once_the_registry_is_imported(rolls, db):
    _paid(rolls, "2026年残疾人两项补贴")
    assert _found(db) == []  # no 残疾人证 registry yet: nothing to judge by
    rolls.load("disability", [CERT, ["某某", OTHER, f"{OTHER}11", "肢体", "一级"]])
    found = _found(db)
    assert [(f.id_number, f.match, f.score, f.status) for f in found] == [
        (DISABLED, "exact_id", 1.0, FindingStatus.open)]
    assert found[0].reason == ("残疾人证登记中没有享受人的残疾人证，不符合残疾人两项补贴的条件："
                               "持有残疾人证（残疾人证登记中有记录）（补助项目规则第1版）")


@pytest.mark.parametrize("typed", [DISABLED, DISABLED[:15] + str((int(DISABLED[15]) + 1) % 10) + DISABLED[16:]],
                         ids=["exact", "mistyped-id"])
def test_a_certificate_found_exactly_or_by_a_mistyped_id_satisfies_the_grant(rolls, db, typed):
    _paid(rolls, "残疾人两项补贴")
    rolls.load("disability", [CERT, ["李残", typed, f"{DISABLED}11", "肢体", "三级"]])
    assert _found(db) == []


@pytest.mark.parametrize("grade, flagged", [("一级", False), ("二级", False), ("肢体三级", True), ("4", True),
                                            ("待评定", False)])
def test_the_nursing_subsidy_needs_grade_one_or_two(rolls, db, grade, flagged):
    _paid(rolls, "重度残疾人护理补贴")
    rolls.load("disability", [CERT, ["李残", DISABLED, f"{DISABLED}13", "肢体", grade]])
    found = _found(db)
    assert bool(found) is flagged
    if flagged:
        assert f"享受人的残疾人证等级为{grade}，不符合重度残疾人护理补贴的条件：持有一、二级残疾人证" in found[0].reason
        assert [e["kind"] for e in found[0].evidence] == ["recipients", "disability"]
        assert found[0].evidence[1]["fields"]["残疾等级"] == grade


@pytest.mark.parametrize("dibao, flagged", [
    (["王妻", SPOUSE, "农村低保", "300", "2026-03-01", "", "", "石桥镇", "红旗村"], False),  # the spouse, by the registry
    (["李残", DISABLED, "城市低保", "300", "2026-03-01", "", "", "石桥镇", "红旗村"], False),  # the recipient
    (["外人", OTHER, "低保", "300", "2026-03-01", "H2", "", "石桥镇", "红旗村"], True),  # another household
], ids=["spouse", "self", "other-household"])
def test_the_living_subsidy_needs_the_household_on_the_dibao_roll(rolls, db, dibao, flagged):
    _paid(rolls, "困难残疾人生活补贴", dibao)
    rolls.load("disability", [CERT, ["李残", DISABLED, f"{DISABLED}12", "肢体", "二级"]])
    found = _found(db)
    assert bool(found) is flagged
    if flagged:
        assert found[0].reason == ("补助名册中享受人本人、户主及同户成员均未领取最低生活保障，不符合困难残疾人生活补贴的条件："
                                   "家庭在低保名册上（本人或同户成员领取最低生活保障）（补助项目规则第1版）")


def test_without_any_dibao_payment_on_the_rolls_the_household_condition_is_not_judged(rolls, db):
    _paid(rolls, "困难残疾人生活补贴")
    assert _found(db) == []


def test_an_admin_unticking_a_condition_stops_the_rule_from_checking_it(rolls, db):
    _paid(rolls, "残疾人两项补贴")
    rolls.load("disability", [CERT, ["某某", OTHER, f"{OTHER}11", "肢体", "一级"]])
    grants.ensure_seeded(db)
    db.commit()
    grant = db.exec(select(Grant).where(Grant.code == "disability_two")).one()
    assert grant.requires == ["disability_cert"]
    with pytest.raises(grants.GrantError, match="未知的核查条件"):
        grants.save(db, grant=grant, form={"name": grant.name, "program": grant.program, "requires": ["owns_a_horse"]},
                    reason="测试")
    db.rollback()
    grant = db.exec(select(Grant).where(Grant.code == "disability_two")).one()
    grants.save(db, grant=grant, form={"name": grant.name, "program": grant.program, "requires": [], "active": "1"},
                reason="本县暂不核查残疾证")
    db.commit()
    assert _found(db) == []


def test_grades_are_read_from_the_usual_texts():
    assert [disability_grade(t) for t in ("一级", "二级", "肢体三级", "4", "视力 2 级", "", None, "一级或二级")] == \
        [1, 2, 3, 4, 2, None, None, None]


def test_planted_condition_cases_are_found_with_no_false_flag(tmp_path, db):
    folder = tmp_path / "county"
    generate(folder, scale=0.01, seed=5)
    for kind in ("households", "payroll", "deaths", "vehicles", "businesses", "property", "cadres", "disability",
                 "recipients"):
        importer.process(folder / f"{kind}.csv", kind=kind, filename=f"{kind}.csv", session=db)
        db.commit()
    with open(folder / "truth.csv", encoding="utf-8") as handle:
        planted = {t["id_number"] for t in csv.DictReader(handle) if t["rule"] == "grant_condition"}
    flagged = {f.id_number for f in _found(db)}
    assert len(planted) >= 15
    assert flagged == planted
