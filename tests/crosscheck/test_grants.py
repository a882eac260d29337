"""The grant table: 项目 texts map to grants; each grant's age range holds on its boundaries; an
unmapped 项目 is reported, never judged by its programme's broadest range; exclusive grants."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from hotline.crosscheck import findings, grants
from models.findings import Finding
from models.rolls import Grant, GrantVersion
from models.users import Role
from tests.crosscheck.conftest import make_id

REC = ["姓名", "身份证号", "项目", "金额", "发放日期", "乡镇", "村"]
PAID = dt.date(2026, 3, 1)
AGED = [(code, name, low, high) for code, name, _p, low, high, *_rest in grants.SEED
        if low is not None or high is not None]


def _years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)


def _flagged(db) -> set[str]:
    findings.run_rules(session=db, rules=["age_ineligible"], today=dt.date(2026, 6, 1))
    db.commit()
    return {f.name for f in db.exec(select(Finding).where(Finding.rule == "age_ineligible")).all()}


@pytest.mark.parametrize("code, name, low, high", AGED, ids=[a[0] for a in AGED])
def test_each_grant_holds_its_age_range_on_its_boundaries(rolls, db, code, name, low, high):
    people = []  # (name on the roll, birth date, flagged?)
    if low is not None:
        people += [("最小年龄", _years_before(PAID, low), False),
                   ("差一天", _years_before(PAID, low) + dt.timedelta(days=1), True)]
    if high is not None:
        people += [("最大年龄", _years_before(PAID, high + 1) + dt.timedelta(days=1), False),
                   ("超一天", _years_before(PAID, high + 1), True)]
    rows = [[who, make_id(born.strftime("%Y%m%d"), 100 + n), f"2026年{name}", "100", PAID.isoformat(), "石桥镇", "红旗村"]
            for n, (who, born, _flag) in enumerate(people)]
    rolls.load("recipients", [REC, *rows])
    assert _flagged(db) == {who for who, _born, flag in people if flag}


@pytest.mark.parametrize("text, code", [
    ("2026年春季普通高中国家助学金", "high_school"), ("國家助學金（高中）", "high_school"), ("普高助学金", "high_school"),
    ("2025-2026学年第一学期营养餐", "nutrition"), ("寄宿生补助", "boarding"), ("中职助学金", "vocational"),
    ("雨露计划", "yulu"), ("大学新生入学资助", "freshman"), ("高齡津貼", "longevity"), ("老年补贴", "elderly"),
    ("残疾人两项补贴", "disability_two"), ("农村低保", "dibao"), ("学前资助", "preschool"),
])
def test_roll_texts_map_to_their_grant(db, text, code):
    assert grants.book(db).find(text).code == code


@pytest.mark.parametrize("text", ["国家助学金", "助学金", "慰问金", ""])
def test_a_text_that_names_no_grant_or_two_is_unmapped(db, text):
    assert grants.book(db).find(text) is None


def test_an_unmapped_grant_is_listed_on_the_import_and_never_judged_by_its_programme(rolls, db, factory, login):
    young = make_id("20230101", 5)  # three years old: far too young for any school grant but preschool
    report = rolls.load("recipients", [REC, ["小不点", young, "2026年国家助学金", "500", "2026-03-01", "石桥镇", "红旗村"],
                                       ["大学生", make_id("20060101", 7), "慰问金", "500", "2026-03-01", "石桥镇", "红旗村"]])
    assert _flagged(db) == set()  # "国家助学金" names three grants: not judged as the broadest education range
    run = db.exec(select(findings.CrosscheckRun).order_by(findings.CrosscheckRun.id.desc())).first()
    assert run.stats["_grants"] == {"unmapped": 2, "unmapped_rows": 2}
    client = login.as_(factory.user(Role.admin))
    page = client.get(f"/crosscheck/imports/{report.import_id}").get_data(as_text=True)
    assert "尚未对应补助项目的“项目”" in page and "2026年国家助学金" in page and "慰问金" in page


def test_an_admin_maps_an_unmapped_text_and_the_age_rule_then_reads_it(rolls, db):
    rolls.load("recipients", [REC, ["小不点", make_id("20230101", 5), "2026年国家助学金", "500", "2026-03-01", "石桥镇", "红旗村"]])
    grants.ensure_seeded(db)
    high_school = db.exec(select(Grant).where(Grant.code == "high_school")).one()
    grants.map_text(db, grant=high_school, text="2026年国家助学金")
    db.commit()
    assert high_school.version == 2
    versions = db.exec(select(GrantVersion).where(GrantVersion.grant_id == high_school.id)).all()
    assert [v.version for v in versions] == [1, 2] and "2026年国家助学金" in versions[1].snapshot["aliases"]
    assert _flagged(db) == {"小不点"}
    reason = db.exec(select(Finding.reason)).one()
    assert "14—20岁，补助项目规则第2版" in reason


def test_one_grant_under_two_texts_paid_twice_in_a_month_is_a_duplicate(rolls, db):
    twice = make_id("19500101", 9)
    rolls.load("recipients", [REC, ["钱两份", twice, "低保", "300", "2026-03-01", "石桥镇", "红旗村"],
                              ["钱两份", twice, "2026年3月农村低保", "300", "2026-03-20", "石桥镇", "红旗村"]])
    findings.run_rules(session=db, rules=["duplicate_payment"], today=dt.date(2026, 6, 1))
    db.commit()
    found = db.exec(select(Finding)).all()
    assert len(found) == 1 and "最低生活保障：2026年3月农村低保、低保" in found[0].reason


def test_grants_not_paid_together_are_flagged_once_per_pair(rolls, db):
    both = make_id("19450101", 11)
    rolls.load("recipients", [REC, ["孙两样", both, "农村低保", "300", "2026-03-01", "石桥镇", "红旗村"],
                              ["孙两样", both, "特困供养", "500", "2026-03-05", "石桥镇", "红旗村"],
                              ["周一样", make_id("19460101", 13), "特困供养", "500", "2026-03-05", "石桥镇", "红旗村"]])
    findings.run_rules(session=db, rules=["duplicate_payment"], today=dt.date(2026, 6, 1))
    db.commit()
    found = db.exec(select(Finding)).all()
    assert [f.name for f in found] == ["孙两样"]
    assert "同时享受最低生活保障和特困人员救助供养" in found[0].reason and len(found[0].evidence) == 2


def test_a_grant_edit_checks_its_fields_and_makes_a_new_version(db, factory):
    admin = factory.user(Role.admin)
    grants.ensure_seeded(db)
    grant = db.exec(select(Grant).where(Grant.code == "longevity")).one()
    form = {"name": "高龄津贴", "program": "other", "min_age": "90", "max_age": "80", "aliases": "高龄补贴",
            "active": "1"}
    with pytest.raises(grants.GrantError, match="最低年龄（90）不能大于最高年龄（80）"):
        grants.save(db, grant=grant, form=form, reason="省里调整", user=admin)
    with pytest.raises(grants.GrantError, match="修改理由"):
        grants.save(db, grant=grant, form={**form, "max_age": ""}, reason="", user=admin)
    grants.save(db, grant=grant, form={**form, "max_age": ""}, reason="本县提高到90岁", user=admin)
    db.commit()
    assert (grant.min_age, grant.max_age, grant.version) == (90, None, 2)


def test_the_grant_screen_lists_edits_and_maps_for_admins_only(rolls, db, factory, login):
    rolls.load("recipients", [REC, ["小不点", make_id("20230101", 5), "慰问金", "500", "2026-03-01", "石桥镇", "红旗村"]])
    assert login.as_(factory.user(Role.inspector)).get("/crosscheck/grants/").status_code == 403
    client = login.as_(factory.user(Role.admin))
    page = client.get("/crosscheck/grants/").get_data(as_text=True)
    assert "普通高中国家助学金" in page and "14—20岁" in page and "慰问金" in page
    grant = db.exec(select(Grant).where(Grant.code == "high_school")).one()
    form = {"name": "普通高中国家助学金", "program": "education", "min_age": "15", "max_age": "20",
            "aliases": "普高助学金", "active": "1", "reason": ""}
    refused = client.post(f"/crosscheck/grants/{grant.id}", data=form)
    assert refused.status_code == 422 and "请填写修改理由" in refused.get_data(as_text=True)
    assert client.post(f"/crosscheck/grants/{grant.id}", data={**form, "reason": "省厅新文件"}).status_code == 302
    db.refresh(grant)
    assert (grant.min_age, grant.version) == (15, 2)
    history = client.get(f"/crosscheck/grants/{grant.id}").get_data(as_text=True)
    assert "第2版" in history and "省厅新文件" in history
    welfare = db.exec(select(Grant).where(Grant.code == "elderly")).one()
    mapped = client.post("/crosscheck/grants/map", data={"text": "慰问金", "grant_id": welfare.id,
                                                         "next": "/crosscheck/grants/"})
    assert mapped.status_code == 302
    assert "慰问金" not in client.get("/crosscheck/grants/").get_data(as_text=True).split("尚未对应")[1]


def test_the_run_command_says_how_many_texts_are_unmapped(rolls, runner):
    rolls.load("recipients", [REC, ["小不点", make_id("20230101", 5), "慰问金", "500", "2026-03-01", "石桥镇", "红旗村"],
                              ["大学生", make_id("20060101", 7), "高中助学金", "500", "2026-03-01", "石桥镇", "红旗村"]])
    result = runner.invoke(args=["crosscheck", "run", "--rule", "age_ineligible"])
    assert result.exit_code == 0 and "名册中有1个项目（1行）尚未对应补助项目" in result.output


def test_the_grant_screen_ticks_the_conditions_a_rule_checks(db, factory, login):
    client = login.as_(factory.user(Role.admin))
    assert "持有一、二级残疾人证" in client.get("/crosscheck/grants/").get_data(as_text=True)  # the seeded 护理补贴
    grant = db.exec(select(Grant).where(Grant.code == "medical")).one()
    page = client.get(f"/crosscheck/grants/{grant.id}").get_data(as_text=True)
    assert 'name="requires" value="dibao_household"' in page and "checked> 家庭在低保名册上" not in page
    form = {"name": grant.name, "program": grant.program, "active": "1", "reason": "本县医疗救助限低保家庭",
            "requires": ["dibao_household", "disability_cert"]}
    assert client.post(f"/crosscheck/grants/{grant.id}", data=form).status_code == 302
    db.refresh(grant)
    assert (grant.requires, grant.version) == (["disability_cert", "dibao_household"], 2)
    refused = client.post(f"/crosscheck/grants/{grant.id}", data={**form, "requires": ["owns_a_horse"]})
    assert refused.status_code == 422 and "未知的核查条件" in refused.get_data(as_text=True)
    db.refresh(grant)
    assert (grant.requires, grant.version) == (["disability_cert", "dibao_household"], 2)  # nothing saved
