"""Typos on the registry side: a registry ID that fails its check is matched to the roll member one
digit (or one adjacent transposition) away with the same name or pinyin and the same birth date,
for every registry, with a score below exact and the reason in words; a typo inside the birth date
is matched by the very same name only (and village, where the registry names one), lower still;
decoys stay unmatched."""
from __future__ import annotations

import csv
import re
import datetime as dt

import pytest
from sqlmodel import select

from bench.crosscheck.generate import generate
from hotline.crosscheck import findings, importer, matching
from models.findings import Finding, FindingStatus
from models.users import Role
from tests.crosscheck.conftest import make_id
from tests.crosscheck.test_rules import CHILD, DEAD, FATHER, MOTHER, REC, _county

TODAY = dt.date(2026, 6, 1)
KINDS = ("households", "payroll", "deaths", "vehicles", "businesses", "property", "cadres", "disability",
         "recipients")
# registry kind -> (header, the rest of a row, rule, label in the reason)
REGISTRY_ROWS = {
    "payroll": (["姓名", "身份证号", "单位", "岗位"], ["石桥镇中心小学", "教师"], "payroll_household", "财政供养人员名单"),
    "vehicles": (["所有人", "身份证号", "号牌号码", "车辆类型"], ["川A12345", "小型轿车"], "vehicle_owner", "车辆登记"),
    "businesses": (["经营者", "身份证号", "名称"], ["大山超市"], "business_owner", "工商登记"),
    "property": (["权利人", "身份证号", "坐落", "用途"], ["县城商业街1号", "商业"], "property_owner", "不动产登记"),
}


def typo(number: str) -> str:
    """The ID with its 16th digit (the sequence number) changed: the birth date still reads right."""
    return number[:15] + str((int(number[15]) + 1) % 10) + number[16:]


def _family(rolls) -> None:
    """The teacher household of the mission's example, with no registry loaded yet."""
    rolls.load("recipients", [REC, ["张小明", CHILD, "普通高中国家助学金", "1000", "2026-03-01", "H1", "", "石桥镇", "红旗村"]])
    rolls.load("households", [["户编号", "姓名", "身份证号", "与户主关系"],
                              ["H1", "张大山", FATHER, "户主"], ["H1", "刘芳", MOTHER, "妻"], ["H1", "张小明", CHILD, "子"]])


def _found(db, rule: str) -> list[Finding]:
    findings.run_rules(session=db, rules=[rule], today=TODAY)
    db.commit()
    return db.exec(select(Finding).where(Finding.rule == rule)).all()


@pytest.mark.parametrize("kind", REGISTRY_ROWS)
def test_a_household_registry_row_with_a_mistyped_id_is_matched_below_exact(rolls, db, kind):
    _family(rolls)
    header, rest, rule, label = REGISTRY_ROWS[kind]
    rolls.load(kind, [header, ["张大山", typo(FATHER), *rest]])
    found = _found(db, rule)
    assert {f.name for f in found} == {"张小明"}
    finding = found[0]
    assert finding.match == "registry_id_typo_name" and finding.score == 0.85
    assert finding.status is FindingStatus.needs_review
    assert f"{label}中身份证号“{typo(FATHER)}”无效" in finding.reason
    assert f"与户籍登记中身份证号{FATHER}第16位相差一个数字" in finding.reason and "姓名相同、出生日期相同" in finding.reason


def test_a_death_record_with_a_mistyped_id_is_matched(rolls, db):
    rolls.load("recipients", [REC, ["赵故人", DEAD, "低保", "300", "2026-04-01", "H4", "", "石桥镇", "红旗村"]])
    rolls.load("deaths", [["姓名", "身份证号", "死亡日期"], ["趙故人", typo(DEAD), "2025-12-01"]])
    found = _found(db, "deceased_recipient")
    assert [(f.id_number, f.match, f.score) for f in found] == [(DEAD, "registry_id_typo_name", 0.85)]
    assert f"死亡火化记录中身份证号“{typo(DEAD)}”无效" in found[0].reason and "与补助发放名册中" in found[0].reason


def test_a_cadres_relative_with_a_mistyped_id_is_matched(rolls, db):
    _family(rolls)
    rolls.load("cadres", [["姓名", "身份证号", "职务", "村", "亲属姓名", "亲属身份证号", "关系"],
                          ["张支书", make_id("19600101", 13), "村支书", "红旗村", "张小明", typo(CHILD), "侄子"]])
    found = _found(db, "cadre_relative")
    assert [(f.match, f.score) for f in found] == [("registry_id_typo_name", 0.85)]
    assert f"村干部及亲属登记中亲属身份证号“{typo(CHILD)}”无效" in found[0].reason
    assert "享受人是张支书（村支书）的侄子" in found[0].reason


def test_same_pinyin_scores_lower_than_same_name(rolls, db):
    _family(rolls)
    rolls.load("payroll", [["姓名", "身份证号", "单位"], ["章大山", typo(FATHER), "县第一中学"]])
    found = _found(db, "payroll_household")
    assert [f.match for f in found] == ["registry_id_typo_pinyin"] and found[0].score == 0.75
    assert "姓名同音" in found[0].reason


def birth_typo(number: str) -> str:
    """The ID with its 14th digit (the day of birth) changed: 1975-01-01 reads 1975-01-02."""
    return number[:13] + str((int(number[13]) + 1) % 10) + number[14:]


@pytest.mark.parametrize("name, number", [
    ("王某某", typo(FATHER)),  # another person's name under the mistyped number
    ("王某某", birth_typo(FATHER)),  # the same, mistyped inside the birth date
    ("章大山", birth_typo(FATHER)),  # a homophone is not enough when the birth date differs
], ids=["other-name", "other-name-birth-typo", "homophone-birth-typo"])
def test_a_mistyped_id_without_the_same_name_is_not_matched(rolls, db, name, number):
    _family(rolls)
    rolls.load("payroll", [["姓名", "身份证号", "单位"], [name, number, "县第一中学"]])
    assert _found(db, "payroll_household") == []


@pytest.mark.parametrize("kind", REGISTRY_ROWS)
def test_a_typo_inside_the_birth_date_is_matched_by_the_same_name_for_review(rolls, db, kind):
    _family(rolls)
    header, rest, rule, label = REGISTRY_ROWS[kind]
    rolls.load(kind, [header, ["張大山", birth_typo(FATHER), *rest]])  # the name in traditional characters
    found = _found(db, rule)
    assert [(f.name, f.match, f.score, f.status) for f in found] == [
        ("张小明", "registry_birth_typo_name", 0.7, FindingStatus.needs_review)]
    assert f"{label}中身份证号“{birth_typo(FATHER)}”无效" in found[0].reason
    assert f"与户籍登记中身份证号{FATHER}第14位相差一个数字（2/1），出生日期有一位之差，姓名相同" in found[0].reason


def test_a_same_birth_date_namesake_makes_a_birth_date_typo_undecided(rolls, db):
    # Two holders one digit away: 张大山 born 1975-01-01 (the birth date one digit off) and a homophone
    # 章大山 with the registry's own birth date: which one the clerk meant is not for us to guess.
    _family(rolls)
    typed = birth_typo(FATHER)
    other = next(make_id(typed[6:14], seq) for seq in range(1, 999)
                 if sum(a != b for a, b in zip(make_id(typed[6:14], seq), typed)) == 1)
    rolls.load("households", [["户编号", "姓名", "身份证号", "与户主关系"], ["H9", "章大山", other, "户主"]])
    rolls.load("payroll", [["姓名", "身份证号", "单位"], ["张大山", typed, "县第一中学"]])
    assert [f.match for f in _found(db, "payroll_household")] == []


@pytest.mark.parametrize("village", ["红旗村", "新民村"])
def test_a_cadres_relative_mistyped_in_the_birth_date_must_be_of_the_cadres_village(rolls, db, village):
    _family(rolls)  # 张小明 is paid in 红旗村
    rolls.load("cadres", [["姓名", "身份证号", "职务", "村", "亲属姓名", "亲属身份证号", "关系"],
                          ["张支书", make_id("19600101", 13), "村支书", village, "张小明", birth_typo(CHILD), "侄子"]])
    resolved = matching.resolve_registries(db, ("cadres",))
    if village == "红旗村":
        assert [(r.id_number, r.match, r.score) for r in resolved.values()] == [
            (CHILD, "registry_birth_typo_name", 0.7)]
        assert resolved and next(iter(resolved.values())).reason.endswith("出生日期有一位之差，姓名相同、同村")
    else:  # a namesake of another village's cadre
        assert resolved == {}


def test_planted_registry_typos_are_found_and_decoys_left_alone(tmp_path, db):
    folder = tmp_path / "county"
    generate(folder, scale=0.01, seed=5)
    for kind in KINDS:
        importer.process(folder / f"{kind}.csv", kind=kind, filename=f"{kind}.csv", session=db)
        db.commit()
    findings.run_rules(session=db, today=TODAY)
    db.commit()
    with open(folder / "truth.csv", encoding="utf-8") as handle:
        truth = list(csv.DictReader(handle))
    planted = {(t["rule"], t["id_number"]) for t in truth}
    registry = {(t["rule"], t["id_number"]) for t in truth if t["how"] == "registry"}
    birth = {(t["rule"], t["id_number"]) for t in truth if t["how"] == "birth"}
    found = db.exec(select(Finding)).all()
    flagged = {(f.rule, f.id_number) for f in found}
    assert len(registry) >= 30 and len(birth) >= 10
    assert len(registry & flagged) / len(registry) >= 0.9
    assert len(birth & flagged) / len(birth) >= 0.9
    # No new false flag: every registry-side match is a planted case, no decoy (a payroll row of
    # 县第二中学 or 县第三中学 under another name or a homophone) is evidence of anything, and the
    # exact findings are all planted.
    typed = [f for f in found if f.match.startswith("registry_")]
    assert {(f.rule, f.id_number) for f in typed} <= registry | birth and all(f.score < 1.0 for f in typed)
    assert {(f.rule, f.id_number) for f in found if f.match == "registry_birth_typo_name"} <= birth
    assert not any(e["fields"].get("单位") in ("县第二中学", "县第三中学") for f in found for e in f.evidence)
    assert {(f.rule, f.id_number) for f in found if f.match == "exact_id"} <= planted


def test_the_finding_page_explains_the_match_path_and_the_grant_rule(rolls, db, factory, login):
    _family(rolls)
    rolls.load("payroll", [["姓名", "身份证号", "单位"], ["张大山", typo(FATHER), "县第一中学"]])
    finding = _found(db, "payroll_household")[0]
    client = login.as_(factory.user(Role.inspector, office="县纪委监委"))
    page = client.get(f"/crosscheck/findings/{finding.id}").get_data(as_text=True)
    assert "匹配路径：登记库一侧身份证号相差一位（姓名与出生日期相同）" in page
    assert "登记库身份证号相差一位、姓名相同" in page and "一侧为模糊匹配：匹配程度0.85" in page
    assert "户籍登记同户（户编号H1）" in page
    assert "普通高中国家助学金（当前第1版）：年龄14—20岁" in page
    shown = re.sub(r'(href|action)="[^"]*"', "", page)  # what a reader sees, links aside
    assert "payroll_household" not in shown and "registry_id_typo" not in shown  # labels, never codes


def test_the_finding_page_says_a_birth_date_typo_is_to_be_reviewed(rolls, db, factory, login):
    _family(rolls)
    rolls.load("payroll", [["姓名", "身份证号", "单位"], ["张大山", birth_typo(FATHER), "县第一中学"]])
    finding = _found(db, "payroll_household")[0]
    client = login.as_(factory.user(Role.inspector, office="县纪委监委"))
    page = client.get(f"/crosscheck/findings/{finding.id}").get_data(as_text=True)
    assert "匹配路径：登记库一侧身份证号的出生日期相差一位（姓名相同，须复核）" in page
    assert "登记库身份证号出生日期相差一位、姓名相同" in page and "一侧为模糊匹配：匹配程度0.70" in page
