"""The identity and household links kept between runs (`hotline.crosscheck.links`): built after an
import or a withdrawal, used by a run only while they match the rolls, rebuilt by the run otherwise;
either way a run finds exactly what it finds over links built afresh."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bench.crosscheck.generate import generate
from hotline.crosscheck import findings, importer, links, values
from models.findings import CrosscheckLinkState, Finding, FindingComplaint
from models.rolls import RollImport
from tests.crosscheck.test_registry_typos import REGISTRY_ROWS, _family, typo
from tests.crosscheck.conftest import make_id
from tests.crosscheck.test_rules import FATHER, _county

TODAY = dt.date(2026, 6, 1)
KINDS = ("households", "payroll", "deaths", "vehicles", "businesses", "property", "cadres", "disability",
         "recipients")
COMPARED = ("fingerprint", "rule", "id_number", "name", "programme", "township", "village", "score", "match",
            "reason", "evidence", "status")
LINK_TABLES = {links.RESOLVED: "rid, id_number, score, match, reason",
               links.REGISTRY: "kind, tid, id_number, score, match, reason",
               links.HOUSEHOLD: "kind, rid, via_row, how, tid, tpid"}


@pytest.fixture
def county(tmp_path, db) -> dict[str, int]:
    """A generated county (every kind of planted case), imported as the import command does
    (`importer.settle` after each file): {kind: import id}."""
    folder = tmp_path / "county"
    generate(folder, scale=0.002, seed=11)
    imported = {}
    for kind in KINDS:
        report = importer.process(folder / f"{kind}.csv", kind=kind, filename=f"{kind}.csv", session=db)
        db.commit()
        importer.settle(db.get_bind(), report)
        imported[kind] = report.import_id
    imported["folder"] = folder
    return imported


def _run(db, rules=None) -> tuple[str, list[dict]]:
    """(whether the run kept or rebuilt the links, the findings it found, as stored)."""
    run = findings.run_rules(session=db, rules=rules, today=TODAY)
    db.commit()
    table = Finding.__table__
    rows = db.execute(sa.select(*[table.c[c] for c in COMPARED]).where(table.c.last_run_id == run.id)
                      .order_by(table.c.fingerprint)).mappings()
    return run.stats["_prepare"]["links"], [dict(row) for row in rows]


def _forget(db) -> None:
    db.execute(sa.delete(FindingComplaint))
    db.execute(sa.delete(Finding))
    db.commit()


def _links(db) -> dict[str, list[tuple]]:
    return {table: sorted(db.execute(sa.text(f"SELECT {columns} FROM {table}")).all(), key=repr)
            for table, columns in LINK_TABLES.items()}


def _stale(db) -> None:
    """As if the links had never been built."""
    db.execute(sa.delete(CrosscheckLinkState))
    db.commit()


def test_links_built_at_import_are_kept_by_a_run_and_find_what_a_rebuild_finds(county, db):
    kept = _links(db)
    assert all(kept.values())  # fuzzy recipients, mistyped registry rows, household links: all present
    how, found = _run(db)
    assert how == "kept"
    assert {f["rule"] for f in found} == set(findings.RULES)
    assert {f["match"] for f in found} >= {"exact_id", "id_typo_name", "registry_id_typo_name"}
    _forget(db)
    _stale(db)
    how, again = _run(db)
    assert how == "rebuilt" and again == found
    assert _links(db) == kept


def test_withdrawing_and_reimporting_a_registry_moves_the_links_with_it(county, db):
    _how, before = _run(db)
    payroll = [f for f in before if f["rule"] == "payroll_household"]
    assert any(f["match"].startswith("registry_") for f in payroll)
    importer.withdraw(db, county["payroll"], reason="财政供养名单导错")
    db.commit()
    assert links.refresh(db.get_bind()) is not None  # what the withdraw command and page do
    how, after = _run(db)
    assert how == "kept"
    assert not [f for f in after if f["rule"] == "payroll_household"]
    assert not [kind for kind, *_rest in _links(db)[links.REGISTRY] if kind == "payroll"]
    assert [f for f in after if f["rule"] not in ("payroll_household", "grant_condition")] == \
        [f for f in before if f["rule"] not in ("payroll_household", "grant_condition")]
    _stale(db)
    assert _run(db) == ("rebuilt", after)

    path = county["folder"] / "payroll.csv"
    report = importer.process(path, kind="payroll", filename=path.name, session=db)
    db.commit()
    importer.settle(db.get_bind(), report)
    how, again = _run(db)
    assert how == "kept"
    # The same findings as before the withdrawal; the evidence names the new import's rows.
    strip = lambda fs: [{k: v for k, v in f.items() if k != "evidence"} for f in fs]  # noqa: E731
    assert strip(again) == strip(before)


def test_a_run_rebuilds_links_the_rolls_have_moved_past(rolls, db):
    """Imports and a withdrawal without the refresh that follows them (it failed, or rows came
    some other way): the run rebuilds the links first, then keeps them while nothing changes."""
    _family(rolls)
    assert _run(db, ["payroll_household"]) == ("rebuilt", [])
    header, rest, rule, _label = REGISTRY_ROWS["payroll"]
    report = rolls.load("payroll", [header, ["张大山", typo(FATHER), *rest]])  # no settle
    how, found = _run(db, [rule])
    assert how == "rebuilt"
    assert [(f["name"], f["match"]) for f in found] == [("张小明", "registry_id_typo_name")]
    assert _run(db, [rule]) == ("kept", found)
    importer.withdraw(db, report.import_id, reason="财政供养名单导错")
    db.commit()
    assert _run(db, [rule]) == ("rebuilt", [])
    assert db.exec(select(RollImport).where(RollImport.id == report.import_id)).one().withdrawn_at is not None


def test_a_refresh_that_fails_after_an_import_is_logged_and_the_next_run_rebuilds(rolls, db, monkeypatch, caplog):
    """The database drops out while the links are refreshed: the import stands, nothing is raised,
    and the next run finds what it would have found over current links."""
    _family(rolls)
    header, rest, rule, _label = REGISTRY_ROWS["payroll"]
    report = rolls.load("payroll", [header, ["张大山", typo(FATHER), *rest]])

    def outage(*_args, **_kwargs):
        raise sa.exc.OperationalError("INSERT INTO crosscheck_link_registry", {}, Exception("server closed"))

    monkeypatch.setattr(links, "build", outage)
    assert importer.settle(db.get_bind(), report) is None
    assert "refreshing the cross-check links failed" in caplog.text
    assert db.get(RollImport, report.import_id).withdrawn_at is None  # the import stands
    monkeypatch.undo()
    how, found = _run(db, [rule])
    assert how == "rebuilt"
    assert [(f["name"], f["match"]) for f in found] == [("张小明", "registry_id_typo_name")]


def test_links_built_by_other_code_are_rebuilt(rolls, db, monkeypatch):
    _family(rolls)
    header, rest, rule, _label = REGISTRY_ROWS["payroll"]
    rolls.load("payroll", [header, ["张大山", typo(FATHER), *rest]])
    assert links.refresh(db.get_bind()) is not None
    assert links.refresh(db.get_bind()) is None  # current already
    monkeypatch.setattr(links, "VERSION", links.VERSION + 1)
    how, found = _run(db, [rule])
    assert how == "rebuilt" and len(found) == 1


def test_a_cadres_relatives_pinyin_is_kept_at_import_and_rows_imported_without_it_still_match(rolls, db):
    """A run reads the relatives' pinyin as imported (it need not load pypinyin); rows imported
    before the column existed have none and are worked out by the run, with the same findings."""
    _county(rolls)
    rolls.load("cadres", [["姓名", "身份证号", "职务", "村", "亲属姓名", "关系"],
                          ["张支书", make_id("19600101", 13), "村支书", "红旗村", "張小明", "侄子"],
                          ["李主任", make_id("19610101", 15), "村主任", "红旗村", "李晓虹", "女儿"]])
    stored = dict(db.execute(sa.text("SELECT relative_name, relative_name_py FROM roll_cadre")).all())
    assert stored == {name: values.name_keys(name)[1] for name in ("張小明", "李晓虹")}
    _how, found = _run(db, ["cadre_relative"])
    assert sorted((f["name"], f["match"]) for f in found) == [("张小明", "relative_name_village"),
                                                             ("李小红", "relative_pinyin_village")]
    _forget(db)
    db.execute(sa.text("UPDATE roll_cadre SET relative_name_py = NULL"))
    db.commit()
    assert _run(db, ["cadre_relative"])[1] == found


def _as_if_built_afresh(db) -> dict[str, list[tuple]]:
    """The links as a build from nothing makes them (the current ones are restored afterwards by
    that build itself: same rolls)."""
    _stale(db)
    assert links.refresh(db.get_bind())["rebuilt"] == "all"
    return _links(db)


@pytest.mark.parametrize("kind", ["payroll", "vehicles", "deaths", "cadres", "disability"])
def test_a_registrys_withdrawal_and_reimport_rebuild_its_links_alone_with_the_same_result(county, db, kind):
    importer.withdraw(db, county[kind], reason="名单导错")
    db.commit()
    done = links.refresh(db.get_bind())
    assert done["rebuilt"] == [kind]
    after = _links(db)
    assert after == _as_if_built_afresh(db)
    path = county["folder"] / f"{kind}.csv"
    report = importer.process(path, kind=kind, filename=path.name, session=db)
    db.commit()
    assert importer.settle(db.get_bind(), report)["rebuilt"] == [kind]
    again = _links(db)
    assert again == _as_if_built_afresh(db)
    of_kind = lambda found, table: [row for row in found[table] if row[0] == kind]  # noqa: E731
    assert not of_kind(after, links.REGISTRY) and not of_kind(after, links.HOUSEHOLD)
    if kind in links.HOUSEHOLD_KINDS:
        assert of_kind(again, links.REGISTRY) and of_kind(again, links.HOUSEHOLD)


@pytest.mark.parametrize("kind", ["households", "recipients"])
def test_a_change_of_households_or_recipients_rebuilds_every_link(county, db, kind):
    importer.withdraw(db, county[kind], reason="名单导错")
    db.commit()
    assert links.refresh(db.get_bind())["rebuilt"] == "all"


def _with_evidence(db) -> dict[str, tuple]:
    table = Finding.__table__
    return {row.fingerprint: (row.evidence, row.evidence_key) for row in
            db.execute(sa.select(table.c.fingerprint, table.c.evidence, table.c.evidence_key))}


@pytest.mark.postgres_only
def test_a_rerun_rebuilds_the_evidence_of_findings_whose_rows_changed_and_keeps_the_rest(county, db):
    """The SQL assembly keeps a stored finding's evidence when its hits point at the same rows
    (`crosscheck_finding.evidence_key`); rows withdrawn and imported again are new rows."""
    _run(db)
    first = _with_evidence(db)
    assert all(key for _evidence, key in first.values())
    importer.withdraw(db, county["payroll"], reason="财政供养名单导错")
    db.commit()
    path = county["folder"] / "payroll.csv"
    report = importer.process(path, kind="payroll", filename=path.name, session=db)
    db.commit()
    importer.settle(db.get_bind(), report)
    _run(db)
    rerun = _with_evidence(db)
    _forget(db)
    _run(db)
    assert rerun == _with_evidence(db)  # as built afresh, evidence and keys alike
    payroll = {row.fingerprint for row in db.execute(sa.select(Finding.__table__.c.fingerprint)
                                                        .where(Finding.__table__.c.rule == "payroll_household"))}
    assert payroll and all(rerun[p] != first[p] for p in payroll)  # the new import's row ids
    kept = [p for p in rerun if p in first and p not in payroll]
    assert kept and all(rerun[p] == first[p] for p in kept)
