"""On PostgreSQL the findings are assembled in SQL (`hotline.crosscheck.assembly`); the Python
assembly (SQLite's) is the reference. Over a generated county with every kind of planted case,
exact and fuzzy, both must store the same findings to the byte, and each must see the other's
findings as its own on a re-run."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from bench.crosscheck.generate import generate
from hotline.crosscheck import findings, importer
from models.findings import Finding, FindingComplaint
from tests.crosscheck.conftest import make_id

pytestmark = pytest.mark.postgres_only

TODAY = dt.date(2026, 6, 1)
KINDS = ("households", "payroll", "deaths", "vehicles", "businesses", "property", "cadres", "disability",
         "recipients")
COMPARED = ("fingerprint", "rule", "id_number", "name", "name_key", "programme", "program", "township", "village",
            "score", "match", "reason", "evidence", "status")
MANY = make_id("19550505", 21)


@pytest.fixture
def county(tmp_path, db, rolls):
    folder = tmp_path / "county"
    generate(folder, scale=0.002, seed=11)
    for kind in KINDS:
        importer.process(folder / f"{kind}.csv", kind=kind, filename=f"{kind}.csv", session=db)
        db.commit()
    # One person paid 25 times in one month: a finding shows only the first 20 payments.
    rolls.load("recipients", [["姓名", "身份证号", "项目", "金额", "发放日期", "乡镇", "村"],
                              *[["多次领", MANY, "低保", str(100 + n), f"2026-05-{n + 1:02d}", "石桥镇", "红旗村"]
                                for n in range(25)]], name="many.csv")


def _stored(db) -> list[dict]:
    table = Finding.__table__
    rows = db.execute(sa.select(*[table.c[c] for c in COMPARED]).order_by(table.c.fingerprint)).mappings()
    return [dict(row) for row in rows]


def _forget(db) -> None:
    db.execute(sa.delete(FindingComplaint))
    db.execute(sa.delete(Finding))
    db.commit()


def test_sql_and_python_assembly_store_the_same_findings(county, db):
    findings.run_rules(session=db, today=TODAY, in_sql=False)
    db.commit()
    reference = _stored(db)
    _forget(db)
    findings.run_rules(session=db, today=TODAY, in_sql=True)
    db.commit()
    assert _stored(db) == reference
    # The comparison covers what it should: every rule, fuzzy matches, the evidence limit.
    assert {f["rule"] for f in reference} == set(findings.RULES)
    assert {f["match"] for f in reference} > {"exact_id", "id_typo_name", "registry_id_typo_name"}
    assert {f["rule"] for f in reference if f["match"].startswith("registry_")} >= {"payroll_household"}
    assert {f["status"] for f in reference} >= {"open", "needs_review"}
    many = [f for f in reference if f["id_number"] == MANY and f["rule"] == "duplicate_payment"]
    assert [len(f["evidence"]) for f in many] == [findings.MAX_EVIDENCE_ROWS]


@pytest.mark.parametrize("first, second", [(False, True), (True, False)])
def test_a_rerun_by_the_other_assembly_finds_nothing_new_or_changed(county, db, first, second):
    before = findings.run_rules(session=db, today=TODAY, in_sql=first).stats
    db.commit()
    after = findings.run_rules(session=db, today=TODAY, in_sql=second).stats
    db.commit()
    for code in findings.RULES:
        assert after[code]["found"] == before[code]["found"] > 0
        assert (after[code]["new"], after[code]["refreshed"]) == (0, 0)


def test_a_rerun_keeps_decisions_and_refreshes_changed_evidence(county, db, rolls):
    findings.run_rules(session=db, today=TODAY)
    db.commit()
    dismissed, confirmed = db.execute(sa.select(Finding).where(Finding.rule == "payroll_household")
                                      .order_by(Finding.id).limit(2)).scalars().all()
    dismissed.status, confirmed.status = "dismissed", "confirmed"
    db.commit()
    payroll_id = next(e["fields"]["身份证号"] for e in dismissed.evidence if e["kind"] == "payroll")
    rolls.load("payroll", [["姓名", "身份证号", "单位", "岗位"], ["某人", payroll_id, "新单位", "教师"]], name="more.csv")
    again = findings.run_rules(session=db, today=TODAY).stats
    db.commit()
    db.expire_all()
    assert again["payroll_household"]["refreshed"] >= 1 and again["payroll_household"]["new"] == 0
    assert db.get(Finding, dismissed.id).status.value == "dismissed"
    assert db.get(Finding, confirmed.id).status.value == "confirmed"
    assert "新单位" in {e["fields"].get("单位") for e in db.get(Finding, dismissed.id).evidence}
