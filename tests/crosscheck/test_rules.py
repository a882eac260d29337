"""Each rule finds its planted case, carries evidence, and leaves decoys alone."""
from __future__ import annotations

import datetime as dt

from sqlmodel import select

from hotline.crosscheck import decisions, findings
from hotline.settings import Settings
from models.findings import Finding, FindingStatus
from tests.crosscheck.conftest import make_id, typo

REC = ["姓名", "身份证号", "项目", "金额", "发放日期", "户编号", "户主身份证号", "乡镇", "村"]
CHILD, FATHER, MOTHER = make_id("20080101", 1), make_id("19750101", 3), make_id("19760101", 2)
OLD, DEAD, TWICE = make_id("19400101", 5), make_id("19380101", 7), make_id("19500101", 9)
DECOY = make_id("20090101", 11)


def _run(db, **kw) -> dict[str, list[Finding]]:
    findings.run_rules(session=db, today=dt.date(2026, 6, 1), **kw)
    db.commit()
    out: dict[str, list[Finding]] = {}
    for f in db.exec(select(Finding)).all():
        out.setdefault(f.rule, []).append(f)
    return out


def _county(rolls):
    rolls.load("recipients", [REC,
        ["张小明", CHILD, "普通高中国家助学金", "1000", "2026-03-01", "H1", "", "石桥镇", "红旗村"],
        ["李小红", DECOY, "普通高中国家助学金", "1000", "2026-03-01", "H2", "", "石桥镇", "红旗村"],
        ["王老汉", OLD, "普通高中国家助学金", "1000", "2026-03-01", "H3", "", "石桥镇", "红旗村"],
        ["赵故人", DEAD, "低保", "300", "2026-04-01", "H4", "", "石桥镇", "红旗村"],
        ["钱两份", TWICE, "低保", "300", "2026-03-01", "H5", "", "石桥镇", "红旗村"],
        ["钱两份", TWICE, "低保", "300", "2026-03-20", "H5", "", "柳河乡", "水井村"]])
    rolls.load("households", [["户编号", "姓名", "身份证号", "与户主关系"],
        ["H1", "张大山", FATHER, "户主"], ["H1", "刘芳", MOTHER, "妻"], ["H1", "张小明", CHILD, "子"],
        ["H2", "李小红", DECOY, "户主"]])
    rolls.load("payroll", [["姓名", "身份证号", "单位", "岗位"], ["张大山", FATHER, "石桥镇中心小学", "教师"],
                           ["刘芳", MOTHER, "县第一中学", "教师"]])
    rolls.load("deaths", [["姓名", "身份证号", "死亡日期"], ["赵故人", DEAD, "2025-12-01"]])


def test_payroll_household_finds_the_teachers_household_with_its_evidence(rolls, db):
    _county(rolls)
    found = _run(db, rules=["payroll_household"])["payroll_household"]
    assert len(found) == 2 and {f.name for f in found} == {"张小明"}
    units = {e["fields"].get("单位") for f in found for e in f.evidence if e["kind"] == "payroll"}
    assert units == {"石桥镇中心小学", "县第一中学"}
    assert all(f.score == 1.0 and f.status is FindingStatus.open for f in found)
    kinds = {e["kind"] for e in found[0].evidence}
    assert kinds == {"recipients", "households", "payroll"}


def test_deceased_recipient_flags_payments_after_death(rolls, db):
    _county(rolls)
    found = _run(db, rules=["deceased_recipient"])["deceased_recipient"]
    assert [f.id_number for f in found] == [DEAD] and "2025-12-01" in found[0].reason


def test_duplicate_payment_flags_the_same_period_and_two_townships(rolls, db):
    _county(rolls)
    found = _run(db, rules=["duplicate_payment"])["duplicate_payment"]
    assert {f.id_number for f in found} == {TWICE} and len(found) == 2
    assert any("柳河乡" in f.reason and "石桥镇" in f.reason for f in found)


def test_age_ineligible_flags_an_education_grant_far_past_school_age(rolls, db):
    _county(rolls)
    found = _run(db, rules=["age_ineligible"])["age_ineligible"]
    assert [f.id_number for f in found] == [OLD] and "86岁" in found[0].reason
    assert "普通高中国家助学金的年龄条件（14—20岁，补助项目规则第1版）" in found[0].reason


def test_assets_rules_skip_agricultural_vehicles_and_homes(rolls, db):
    _county(rolls)
    rolls.load("vehicles", [["所有人", "身份证号", "号牌号码", "车辆类型"], ["张大山", FATHER, "川A12345", "小型轿车"],
                            ["李小红", DECOY, "川A00001", "拖拉机"]])
    rolls.load("businesses", [["经营者", "身份证号", "名称"], ["刘芳", MOTHER, "芳芳超市"]])
    rolls.load("property", [["权利人", "身份证号", "坐落", "用途"], ["刘芳", MOTHER, "县城商业街1号", "商业"],
                            ["李小红", DECOY, "红旗村1组", "住宅"]])
    found = _run(db, rules=["vehicle_owner", "business_owner", "property_owner"])
    assert {f.name for f in found["vehicle_owner"]} == {"张小明"}
    assert {f.name for f in found["business_owner"]} == {"张小明"}
    assert {f.name for f in found["property_owner"]} == {"张小明"}


def test_cadre_relative_matches_by_id_and_by_traditional_name_in_the_same_village(rolls, db):
    _county(rolls)
    rolls.load("cadres", [["姓名", "身份证号", "职务", "村", "亲属姓名", "亲属身份证号", "关系"],
                          ["张支书", make_id("19600101", 13), "村支书", "红旗村", "張小明", "", "侄子"],
                          ["李主任", make_id("19610101", 15), "村主任", "红旗村", "王老汉", OLD, "父亲"],
                          ["外村干部", make_id("19620101", 17), "村主任", "水井村", "李小红", DECOY, "女儿"]])
    found = {f.name: f for f in _run(db, rules=["cadre_relative"])["cadre_relative"]}
    assert set(found) == {"张小明", "王老汉"}
    assert found["王老汉"].score == 1.0
    fuzzy = found["张小明"]
    assert fuzzy.status is FindingStatus.needs_review and fuzzy.score < 0.9 and "繁简" in fuzzy.reason


def test_a_mistyped_id_matches_with_a_lower_score_and_the_reason_in_words(rolls, db):
    dead = make_id("19390303", 19)
    rolls.load("recipients", [REC, ["孙某某", typo(dead), "低保", "300", "2026-04-01", "", "", "石桥镇", "红旗村"]])
    rolls.load("deaths", [["姓名", "身份证号", "死亡日期"], ["孙某某", dead, "2025-01-01"]])
    found = _run(db, rules=["deceased_recipient"])["deceased_recipient"]
    assert len(found) == 1
    assert found[0].match == "id_typo_name" and found[0].status is FindingStatus.needs_review
    assert "第10位相差一个数字" in found[0].reason


def test_a_recipient_without_id_is_matched_by_name_in_the_same_household(rolls, db):
    rolls.load("recipients", [REC, ["张小明", "", "普通高中国家助学金", "1000", "2026-03-01", "H1", "", "石桥镇", "红旗村"]])
    rolls.load("households", [["户编号", "姓名", "身份证号"], ["H1", "张大山", FATHER], ["H1", "张小明", CHILD]])
    rolls.load("deaths", [["姓名", "身份证号", "死亡日期"], ["张小明", CHILD, "2026-01-01"]])
    found = _run(db, rules=["deceased_recipient"])["deceased_recipient"]
    assert found[0].match == "name_household" and found[0].score == 0.8


def test_a_dismissed_finding_stays_dismissed_on_the_next_run(rolls, db, factory):
    _county(rolls)
    user = factory.user("inspector")
    first = _run(db, rules=["deceased_recipient"])["deceased_recipient"][0]
    decisions.decide(session=db, finding=first, action="dismiss", reason="家属已退回多发款项", actor=user)
    db.commit()
    again = _run(db, rules=["deceased_recipient"])["deceased_recipient"]
    assert len(again) == 1 and again[0].id == first.id and again[0].status is FindingStatus.dismissed


def test_findings_below_the_minimum_score_are_not_reported(rolls, db):
    _county(rolls)
    rolls.load("cadres", [["姓名", "身份证号", "职务", "村", "亲属姓名"],
                          ["张支书", make_id("19600101", 13), "村支书", "红旗村", "張小明"]])
    assert "cadre_relative" not in _run(db, rules=["cadre_relative"],
                                           settings=Settings.model_construct(CROSSCHECK_MIN_SCORE=0.8))


def test_evidence_keeps_backslashes_tabs_and_quotes_exactly(rolls, db):
    _county(rolls)
    odd = "县\\第一中学\t“分校”"
    rolls.load("payroll", [["姓名", "身份证号", "单位", "岗位"], ["刘芳", MOTHER, odd, "教师"]], name="payroll2.csv")
    found = _run(db, rules=["payroll_household"])["payroll_household"]
    units = {e["fields"].get("单位") for f in found for e in f.evidence if e["kind"] == "payroll"}
    assert odd in units


def test_a_rerun_rewrites_only_the_findings_whose_evidence_changed(rolls, db):
    _county(rolls)
    first = findings.run_rules(session=db, rules=["payroll_household"], today=dt.date(2026, 6, 1))
    db.commit()
    again = findings.run_rules(session=db, rules=["payroll_household"], today=dt.date(2026, 6, 1))
    db.commit()
    assert first.stats["payroll_household"]["new"] == first.stats["_insert"]["new"] == 2
    assert again.stats["_insert"]["new"] == 0
    assert again.stats["payroll_household"] | {"seconds": 0} == {"found": 2, "new": 0, "refreshed": 0, "seconds": 0}
    assert {f.last_run_id for f in db.exec(select(Finding)).all()} == {again.id}
    rolls.load("payroll", [["姓名", "身份证号", "单位", "岗位"], ["刘芳", MOTHER, "县第二中学", "兼职教师"]],
               name="payroll2.csv")
    third = findings.run_rules(session=db, rules=["payroll_household"], today=dt.date(2026, 6, 1))
    db.commit()
    assert third.stats["payroll_household"]["refreshed"] == 1 and third.stats["payroll_household"]["new"] == 0
