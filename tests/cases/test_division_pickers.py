"""Routing-rule and conflict forms offer only current divisions; a rule that already names an ended
(merged or retired) one still shows it and saves as it is."""
from __future__ import annotations

import re

from sqlmodel import select

from models.divisions import Township, Village
from models.offices import OfficeKind
from models.routing import RoutingRule
from models.users import Role


def _options(page: str, name: str) -> list[str]:
    select_html = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r">([^<]+)</option>", select_html)


def _end(db, division, into=None):
    division.active, division.merged_into_id = False, getattr(into, "id", None)
    db.add(division)
    db.commit()


def test_the_rule_form_lists_only_current_divisions(county, db, factory, login):
    ended_t = db.exec(select(Township).where(Township.name == "石桥镇")).one()
    ended_v = db.exec(select(Village).where(Village.township_id == ended_t.id)).first()
    _end(db, ended_t)
    _end(db, ended_v)
    page = login.as_(factory.user(Role.admin)).get("/cases/rules").get_data(as_text=True)
    townships, villages = _options(page, "township_id"), _options(page, "village_id")
    assert "石桥镇" not in " ".join(townships) and len(townships) > 1
    assert ended_v.name not in villages and len(villages) > 1


def test_a_new_rule_naming_an_ended_division_is_refused(county, db, factory, login):
    ended = db.exec(select(Township).where(Township.name == "石桥镇")).one()
    _end(db, ended)
    client = login.as_(factory.user(Role.admin))
    before = len(db.exec(select(RoutingRule)).all())
    response = client.post("/cases/rules", data={"name": "石桥镇低保", "township_id": ended.id,
                                                 "lead_by_jurisdiction": "township_commission", "active": "on"})
    assert response.status_code == 422 and "“石桥镇”已撤并或撤销" in response.get_data(as_text=True)
    assert len(db.exec(select(RoutingRule)).all()) == before


def test_a_rule_that_names_an_ended_division_still_shows_and_saves(county, db, factory, login):
    ended = db.exec(select(Township).where(Township.name == "石桥镇")).one()
    rule = RoutingRule(position=999, name="石桥镇规则", township_id=ended.id,
                       lead_by_jurisdiction=OfficeKind.township_commission, active=True)
    db.add(rule)
    db.commit()
    _end(db, ended)
    client = login.as_(factory.user(Role.admin))
    page = client.get(f"/cases/rules/{rule.id}").get_data(as_text=True)
    assert "石桥镇（已撤并或撤销）" in _options(page, "township_id")
    assert re.search(rf'<option value="{ended.id}" selected>石桥镇', page)
    response = client.post(f"/cases/rules/{rule.id}", data={"name": "石桥镇规则（改名）", "township_id": ended.id,
                                                          "lead_by_jurisdiction": "township_commission"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(RoutingRule, rule.id).name == "石桥镇规则（改名）"


def test_the_conflict_form_lists_only_current_villages_and_keeps_old_names(county, db, factory, login):
    village = db.exec(select(Village)).first()
    inspector = factory.user(Role.inspector)
    inspector.home_village_id = village.id
    db.add(inspector)
    db.commit()
    _end(db, village)
    client = login.as_(factory.user(Role.admin))
    page = client.get("/cases/conflicts").get_data(as_text=True)
    pickers = re.findall(r'<select name="village_id"[^>]*>(.*?)</select>', page, re.S)
    assert pickers and all(f'value="{village.id}"' not in p for p in pickers)
    assert f"· {village.name}" in page  # the inspector's home village still shows
    response = client.post("/cases/conflicts", data={"user_id": inspector.id, "kind": "relative",
                                                     "person_name": "王某", "relation": "表兄",
                                                     "village_id": village.id})
    assert response.status_code == 422 and "已撤并或撤销" in response.get_data(as_text=True)
