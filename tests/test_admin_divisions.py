"""Admin screens: divisions changed with history, jurisdictions edited, routing defaults generated."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hotline.demo import code_list
from models.audit import AuditEntry
from models.divisions import ChangeKind, DivisionChange, Township, Village
from models.offices import Office, OfficeJurisdiction, OfficeKind
from models.routing import RoutingRule
from models.users import Role


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "COUNTY_CODE": "511234"}


@pytest.fixture
def county(runner, tmp_path):
    result = runner.invoke(args=["county", "import", str(code_list.write(tmp_path / "list.csv"))])
    assert result.exit_code == 0, result.output


@pytest.fixture
def admin_client(factory, login):
    return login.as_(factory.user(Role.admin, username="boss"))


def _village(db, name):
    return db.exec(select(Village).where(Village.name == name)).one()


def test_the_admin_lands_on_the_checklist(admin_client):
    response = admin_client.get("/", follow_redirects=True)
    assert "上线检查" in response.get_data(as_text=True) and 'id="check-divisions"' in response.get_data(as_text=True)


def test_the_divisions_screen_lists_townships_with_village_counts(admin_client, county):
    html = admin_client.get("/admin/divisions/").get_data(as_text=True)
    assert "石桥镇" in html and "<td>12</td>" in html


def test_renaming_a_village_on_the_screen_records_its_history_and_audit(admin_client, db, county):
    village = _village(db, "红旗村")
    response = admin_client.post(f"/admin/divisions/village/{village.id}/rename",
                                 data={"name": "红星村", "effective_on": "2026-03-01"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Village, village.id).name == "红星村"
    change = db.exec(select(DivisionChange).where(DivisionChange.kind == ChangeKind.rename)).one()
    assert (change.old_name, change.new_name, str(change.effective_on), change.source) == \
        ("红旗村", "红星村", "2026-03-01", "管理员")
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "division.rename")).one().actor_name == "boss"
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "红旗村" in page and "更名" in page


def test_merging_and_restoring_a_village(admin_client, db, county):
    xiawan, shiqiao = _village(db, "下湾村"), _village(db, "石桥村")
    admin_client.post(f"/admin/divisions/village/{xiawan.id}/merge", data={"into_id": shiqiao.id})
    db.expire_all()
    assert db.get(Village, xiawan.id).merged_into_id == shiqiao.id
    page = admin_client.get(f"/admin/divisions/township/{xiawan.township_id}").get_data(as_text=True)
    assert "已并入石桥村" in page
    admin_client.post(f"/admin/divisions/village/{xiawan.id}/restore", data={})
    db.expire_all()
    assert db.get(Village, xiawan.id).active


def test_a_refused_change_is_shown_in_chinese_and_changes_nothing(admin_client, db, county):
    township = db.exec(select(Township).where(Township.name == "石桥镇")).one()
    response = admin_client.post(f"/admin/divisions/township/{township.id}/retire", data={}, follow_redirects=True)
    assert "还有 12 个在用的村" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Township, township.id).active


def test_adding_a_township_and_a_village(admin_client, db, county):
    response = admin_client.post("/admin/divisions/", data={"name": "新区街道", "code": "511234014"})
    assert response.status_code == 302
    town = db.exec(select(Township).where(Township.name == "新区街道")).one()
    bad = admin_client.post(f"/admin/divisions/township/{town.id}/villages",
                            data={"name": "错码村", "code": "511234001099"}, follow_redirects=True)
    assert "须以所属乡镇的代码 511234014 开头" in bad.get_data(as_text=True)
    admin_client.post(f"/admin/divisions/township/{town.id}/villages",
                      data={"name": "滨江社区", "code": "511234014001", "urban_rural_code": "111"})
    assert _village(db, "滨江社区").township_id == town.id
    duplicate = admin_client.post("/admin/divisions/", data={"name": "石桥镇", "code": "511234015"})
    assert duplicate.status_code == 422 and "已被代码 511234002 使用" in duplicate.get_data(as_text=True)


def test_townships_get_their_commissions_and_routing_defaults_from_the_offices(admin_client, db, county):
    db.add(Office(name="县纪委监委", kind=OfficeKind.commission))
    db.add(Office(name="派驻县教育局纪检监察组", kind=OfficeKind.resident_group, department="县教育局"))
    db.commit()
    admin_client.post("/admin/routing-defaults/township-offices")
    offices = db.exec(select(Office).where(Office.kind == OfficeKind.township_commission)).all()
    assert len(offices) == 13 and len(db.exec(select(OfficeJurisdiction)).all()) == 13
    preview = admin_client.get("/admin/routing-defaults/").get_data(as_text=True)
    assert "反映教师或学校的转派驻县教育局纪检监察组" in preview and "待加入" in preview
    admin_client.post("/admin/routing-defaults/apply")
    names = [r.name for r in db.exec(select(RoutingRule).order_by(RoutingRule.position)).all()]
    assert names[0] == "涉及金额10万元以上由县纪委监委直接办理" and names[-1] == "其他有属地的线索转属地乡镇纪委"
    admin_client.post("/admin/routing-defaults/apply")
    assert len(db.exec(select(RoutingRule)).all()) == len(names)  # twice adds nothing
    assert len(db.exec(select(AuditEntry).where(AuditEntry.action == "routing.create")).all()) == len(names)


def test_an_office_jurisdiction_is_edited_and_audited(admin_client, db, county):
    office = Office(name="第一监督检查室", kind=OfficeKind.supervision_office)
    db.add(office)
    db.commit()
    towns = db.exec(select(Township).order_by(Township.code)).all()[:3]
    admin_client.post(f"/admin/offices/{office.id}/jurisdiction", data={"township_ids": [t.id for t in towns],
                                                                         "active": "1"})
    assert {j.township_id for j in db.exec(select(OfficeJurisdiction)).all()} == {t.id for t in towns}
    admin_client.post(f"/admin/offices/{office.id}/jurisdiction", data={"township_ids": [towns[0].id]})
    assert {j.township_id for j in db.exec(select(OfficeJurisdiction)).all()} == {towns[0].id}
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "office.update")
                    .order_by(AuditEntry.id.desc())).first()
    assert entry.detail["removed"] == sorted(t.id for t in towns[1:])


def test_division_forms_need_a_csrf_token(app, admin_client, db, county):
    app.config["WTF_CSRF_ENABLED"] = True
    village = _village(db, "红旗村")
    response = admin_client.post(f"/admin/divisions/village/{village.id}/rename", data={"name": "红星村"})
    assert response.status_code == 400
    db.expire_all()
    assert db.get(Village, village.id).name == "红旗村"


def test_the_code_list_can_be_uploaded_on_the_screen(admin_client, db, tmp_path):
    import io

    table = code_list.rows()
    table.append(["511235001001", "220", "邻县某村"])
    bad = admin_client.post("/admin/divisions/import", data={"file": (io.BytesIO(code_list.to_bytes(table)), "x.csv")},
                            content_type="multipart/form-data")
    assert bad.status_code == 422 and "第 172 行不属于本县" in bad.get_data(as_text=True)
    assert db.exec(select(Township)).first() is None
    good = admin_client.post("/admin/divisions/import", data={
        "file": (io.BytesIO(code_list.to_bytes(code_list.rows())), "2025年区划.csv"), "effective_on": "2025-01-01"},
        content_type="multipart/form-data", follow_redirects=True)
    assert "新增乡镇 13 个" in good.get_data(as_text=True)
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "division.import")).one()
    assert entry.actor_name == "boss" and "2025年区划.csv" in entry.detail["source"]
    table = [r for r in code_list.rows() if r[0] != "511234002003"]
    merged = admin_client.post("/admin/divisions/import", data={
        "file": (io.BytesIO(code_list.to_bytes(table)), "2026.csv"), "merges": "511234002003=511234002001\n"},
        content_type="multipart/form-data", follow_redirects=True)
    assert "撤并 1 个" in merged.get_data(as_text=True)
    assert not _village(db, "下湾村").active
