"""Calls routed to the operators pop up on the intake form; the logged contact links to the call."""
from __future__ import annotations

from sqlmodel import select

from models.calendar import CalendarDay
from models.contacts import Contact
from models.users import Role

from tests.telephony.conftest import local_noon_today, new_sid


def _route_to_operators(app, db, twilio, sender="+8613812345678") -> str:
    app.config["SETTINGS"].OFFICE_HOURS = "00:00-23:59:59.999999"
    if db.exec(select(CalendarDay)).first() is None:
        db.add(CalendarDay(day=local_noon_today(), workday=True, name="测试工作日"))
        db.commit()
    sid = new_sid("CA")
    twilio.call(sid=sid, sender=sender)
    twilio.call("menu", sid=sid, sender=sender, Digits="0")
    return sid


def test_the_intake_form_has_the_screen_pop_slot_and_its_script(factory, login):
    factory.county()
    page = login.as_(factory.user(Role.operator)).get("/intake/new").get_data(as_text=True)
    assert 'id="screen-pop"' in page and "telephony_screen_pop.js" in page


def test_a_call_routed_to_operators_pops_up_with_the_callers_earlier_contacts(app, db, factory, twilio, login):
    factory.complaint("石桥镇红旗村低保优亲厚友。", phone="13812345678")
    sid = _route_to_operators(app, db, twilio)
    html = login.as_(factory.user(Role.operator)).get("/twilio/screen-pop").get_data(as_text=True)
    assert f'data-call-sid="{sid}"' in html
    assert 'data-phone="13812345678"' in html
    assert "石桥镇红旗村低保优亲厚友" in html  # the earlier contact


def test_a_call_that_ended_no_longer_pops_up(app, db, factory, twilio, login):
    factory.county()
    sid = _route_to_operators(app, db, twilio)
    twilio.post("/twilio/status", {"CallSid": sid, "CallStatus": "completed"})
    html = login.as_(factory.user(Role.operator)).get("/twilio/screen-pop").get_data(as_text=True)
    assert sid not in html


def test_the_contact_the_operator_logs_is_linked_to_the_call(app, db, factory, twilio, login):
    county = factory.county()
    sid = _route_to_operators(app, db, twilio)
    client = login.as_(factory.user(Role.operator))
    response = client.post("/intake/new", data={"channel": "call", "phone": "13812345678", "call_sid": sid,
                                                "text": "反映柳河乡扶贫车间工资被克扣。",
                                                "township_id": str(county["townships"]["柳河乡"].id)})
    assert response.status_code == 302
    contact = db.exec(select(Contact).where(Contact.external_id == sid)).one()
    assert contact.channel.value == "call"
    html = client.get(f"/twilio/screen-pop?current={sid}").get_data(as_text=True)
    assert "已登记" in html


def test_the_screen_pop_is_for_operators_and_supervisors_only(factory, login):
    assert login.as_(factory.user(Role.inspector)).get("/twilio/screen-pop").status_code == 403
