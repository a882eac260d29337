"""A newer list renames and merges (撤并) villages as dated changes; old complaints stay findable."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from hotline.cases import queues
from hotline.intake import service
from models.divisions import ChangeKind, DivisionChange, Township, Village
from tests.county.conftest import edited


@pytest.fixture
def imported(runner, county_csv):
    result = runner.invoke(args=["county", "import", str(county_csv), "--date", "2025-01-01"])
    assert result.exit_code == 0, result.output


def _village(db, name: str) -> Village:
    return db.exec(select(Village).where(Village.name == name)).one()


def _file(app, db, village: Village, text: str):
    with app.app_context():
        complaint = service.log_contact(session=db, data=service.IntakeData(text=text, village_id=village.id),
                                        actor=None, lookup_key=app.config["LOOKUP_KEY"])
        db.commit()
    return complaint


def _found(db, query: str) -> set[int]:
    return {c.id for c in service.search(db, query=query)}


def _rename_hongqi(table):
    row = next(r for r in table if r[0] == "511234002002")
    row[2] = "红星村"


def test_a_renamed_village_keeps_its_complaints_findable_by_both_names(app, runner, db, imported, tmp_path):
    complaint = _file(app, db, _village(db, "红旗村"), "村主任把低保名额给了自己亲戚。")
    result = runner.invoke(args=["county", "import", str(edited(tmp_path, "2026.csv", _rename_hongqi)),
                                 "--date", "2026-03-01"])
    assert result.exit_code == 0, result.output
    assert "更名：红旗村 → 红星村" in result.output
    db.expire_all()
    village = db.get(Village, complaint.village_id)  # the same place, now called 红星村
    assert village.name == "红星村" and village.active
    assert complaint.id in _found(db, "红旗村") and complaint.id in _found(db, "红星村")
    change = db.exec(select(DivisionChange).where(DivisionChange.division_id == village.id,
                                                  DivisionChange.kind == ChangeKind.rename)).one()
    assert (change.old_name, change.new_name, change.effective_on) == ("红旗村", "红星村", dt.date(2026, 3, 1))
    assert "2026.csv" in change.source


def _drop_xiawan(table):
    table[:] = [r for r in table if r[0] != "511234002003"]  # 下湾村 merged into 石桥村


def test_a_merged_village_is_refused_until_the_import_says_where_it_went(runner, db, imported, tmp_path):
    result = runner.invoke(args=["county", "import", str(edited(tmp_path, "2026.csv", _drop_xiawan))])
    assert result.exit_code == 1
    assert "新表中没有以下 1 个区划：下湾村（511234002003）" in result.output and "--merge" in result.output
    db.expire_all()
    assert _village(db, "下湾村").active  # nothing applied


def test_a_merged_village_keeps_its_complaints_under_its_own_name_and_its_successors(
        app, runner, db, imported, tmp_path):
    complaint = _file(app, db, _village(db, "下湾村"), "危房改造的钱被村会计扣了一半。")
    other = _file(app, db, _village(db, "梨树村"), "公益岗位有人不上班照拿工资。")
    result = runner.invoke(args=["county", "import", str(edited(tmp_path, "2026.csv", _drop_xiawan)),
                                 "--merge", "511234002003=511234002001", "--date", "2026-03-01"])
    assert result.exit_code == 0, result.output
    assert "撤并：下湾村 → 石桥村" in result.output
    db.expire_all()
    xiawan, shiqiao = _village(db, "下湾村"), _village(db, "石桥村")
    assert not xiawan.active and xiawan.merged_into_id == shiqiao.id
    assert db.get(type(complaint), complaint.id).village_id == xiawan.id  # filed where it was filed
    assert complaint.id in _found(db, "下湾村") and complaint.id in _found(db, "石桥村")
    assert other.id not in _found(db, "石桥村")
    # New reports cannot be filed under the ended village.
    with pytest.raises(service.IntakeError, match="已撤并"):
        service.validate(db, service.IntakeData(text="又一条举报内容。", village_id=xiawan.id), max_chars=1000)


def test_a_township_filter_includes_the_townships_merged_into_it(app, db, imported):
    from hotline.county import changes

    baiyan, gaoping = (db.exec(select(Township).where(Township.name == n)).one() for n in ("白岩乡", "高坪镇"))
    complaint = _file(app, db, _village(db, "陈家坝村"), "扶贫资金被挪用去修村委会办公楼了。")
    when = {"effective_on": dt.date(2026, 3, 1), "source": "test"}
    with pytest.raises(changes.DivisionError, match="还有 12 个在用的村"):
        changes.merge(db, baiyan, gaoping, **when)
    for village in db.exec(select(Village).where(Village.township_id == baiyan.id)).all():
        changes.retire(db, village, **when)
    changes.merge(db, baiyan, gaoping, **when)
    db.commit()
    assert complaint.id in {c.id for c in service.search(db, township_id=gaoping.id)}
    assert complaint.id in _found(db, "白岩乡")
    assert queues.QueueFilter(township_id=gaoping.id) and complaint.id in {
        c.complaint_id for c, _ in queues.cases(db, queues.QueueFilter(township_id=gaoping.id))}


def test_place_extraction_knows_former_names_and_files_under_the_village_in_use(
        app, runner, db, imported, tmp_path, trained_models):
    app.config["SETTINGS"].MODELS_DIR = trained_models
    _file(app, db, _village(db, "梨树村"), "先有一条举报，分类模型已载入本县地名。")  # names cached before the changes
    result = runner.invoke(args=["county", "import", str(edited(tmp_path, "2026.csv", _drop_xiawan)),
                                 "--merge", "511234002003=511234002001"])
    assert result.exit_code == 0, result.output
    rename = runner.invoke(args=["county", "import", str(edited(tmp_path, "2027.csv", lambda t: (
        _drop_xiawan(t), _rename_hongqi(t), t.append(["511234002013", "220", "滨河新村"])))),
        "--merge", "511234002003=511234002001"])
    assert rename.exit_code == 0, rename.output
    db.expire_all()
    with app.app_context():
        merged = service.log_contact(session=db, data=service.IntakeData(
            text="石桥镇下湾村的村会计把危房改造补助扣了一半。"), actor=None, lookup_key=app.config["LOOKUP_KEY"])
        renamed = service.log_contact(session=db, data=service.IntakeData(
            text="石桥镇红旗村村支书把低保给了自己亲戚。"), actor=None, lookup_key=app.config["LOOKUP_KEY"])
        added = service.log_contact(session=db, data=service.IntakeData(
            text="滨河新村的护林员公益岗位都是村干部亲属，从来不上班。"), actor=None,
            lookup_key=app.config["LOOKUP_KEY"])
        db.commit()
    assert added.village_id == _village(db, "滨河新村").id  # a name added after the names were cached
    assert merged.village_id == _village(db, "石桥村").id  # 下湾村 is part of 石桥村 now
    hongqi = db.exec(select(Village).where(Village.code == "511234002002")).one()
    assert hongqi.name == "红星村" and renamed.village_id == hongqi.id  # the old name still names the place


def _merge_baiyan_into_gaoping(table):
    """白岩乡 (005) merged into 高坪镇 (006): its villages listed again under 高坪镇, new codes."""
    baiyan = [r for r in table if r[0].startswith("511234005") and not r[0].endswith("000")]
    table[:] = [r for r in table if not r[0].startswith("511234005")]
    last = max(i for i, r in enumerate(table) if r[0].startswith("511234006"))
    for n, (_code, urban, name) in enumerate(baiyan, start=13):
        table.insert(last + n - 12, [f"511234006{n:03d}", urban, name])


def test_a_township_merger_recodes_its_villages_and_keeps_their_complaints_findable(
        app, runner, db, imported, tmp_path):
    chenjiaba = _village(db, "陈家坝村")
    complaint = _file(app, db, chenjiaba, "村里的危房改造资金被挪去修了村委会的办公楼。")
    result = runner.invoke(args=["county", "import", str(edited(tmp_path, "2026.csv", _merge_baiyan_into_gaoping)),
                                 "--merge", "511234005000=511234006000", "--date", "2026-03-01"])
    assert result.exit_code == 0, result.output
    assert "改码 12 个" in result.output and "撤并 1 个" in result.output
    assert "改码：陈家坝村 511234005002 → 511234006014" in result.output
    db.expire_all()
    baiyan, gaoping = (db.exec(select(Township).where(Township.name == n)).one() for n in ("白岩乡", "高坪镇"))
    village = db.get(Village, chenjiaba.id)  # the same row: complaints filed under it stay there
    assert (village.code, village.township_id, village.active) == ("511234006014", gaoping.id, True)
    assert not baiyan.active and baiyan.merged_into_id == gaoping.id
    change = db.exec(select(DivisionChange).where(DivisionChange.division_id == village.id,
                                                  DivisionChange.kind == ChangeKind.recode)).one()
    assert (change.old_code, change.code) == ("511234005002", "511234006014")
    assert complaint.id in {c.id for c in service.search(db, township_id=gaoping.id)}
    assert complaint.id in _found(db, "白岩乡") and complaint.id in _found(db, "陈家坝村")
    again = runner.invoke(args=["county", "import", str(edited(tmp_path, "2026b.csv", _merge_baiyan_into_gaoping)),
                                "--merge", "511234005000=511234006000"])
    assert again.exit_code == 0 and "区划无变化" in again.output


def test_two_new_villages_of_the_same_name_decide_nothing(runner, db, imported, tmp_path):
    def renumber_twice(table):
        table[:] = [r for r in table if r[0] != "511234002003"]
        table.append(["511234002013", "220", "下湾村"])
        table.append(["511234002014", "220", "下湾村"])
    result = runner.invoke(args=["county", "import", str(edited(tmp_path, "2026.csv", renumber_twice))])
    assert result.exit_code == 1 and "下湾村（511234002003）" in result.output
