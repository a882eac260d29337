"""Every way in registers a clue with its source; bad source data is refused in Chinese, nothing saved."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from hotline.auth.accounts import issue_token
from hotline.clues.sources import SourceInput
from models.audit import AuditEntry
from models.clues import Clue, ClueSource
from models.complaints import Complaint
from models.contacts import Contact
from models.users import Role


@pytest.fixture
def token(factory, db):
    factory.county()
    user = factory.user(Role.operator)
    value = issue_token(db, user=user, label="test")
    db.commit()
    return value


def _api(client, token, body):
    return client.post("/api/v1/complaints", json=body, headers={"Authorization": f"Bearer {token}"})


def _form(county, **fields):
    return {"text": "石桥镇红旗村村支书王某把低保给了自己亲戚。", "channel": "letter",
            "township_id": county["townships"]["石桥镇"].id, **fields}


def _only_clue(db) -> Clue:
    db.expire_all()
    return db.exec(select(Clue)).one()


@pytest.mark.parametrize("channel, source", [("call", ClueSource.call), ("letter", ClueSource.letter),
                                             ("visit", ClueSource.visit), ("web", ClueSource.online)])
def test_the_form_defaults_the_source_from_the_channel(factory, login, db, channel, source):
    county = factory.county()
    client = login.as_(factory.user(Role.operator))
    assert client.post("/intake/new", data=_form(county, channel=channel)).status_code == 302
    assert _only_clue(db).source is source


def test_a_superior_assignment_keeps_its_document_number_and_deadline(factory, login, db):
    county = factory.county()
    client = login.as_(factory.user(Role.operator))
    response = client.post("/intake/new", data=_form(
        county, clue_source="superior_assigned", referring_body="市纪委监委信访室",
        referral_doc_number="市纪交〔2026〕12号", referral_date="2026-03-02", referral_due_date="2026-04-30"))
    assert response.status_code == 302
    clue = _only_clue(db)
    assert (clue.source, clue.referring_body, clue.referral_doc_number) == (
        ClueSource.superior_assigned, "市纪委监委信访室", "市纪交〔2026〕12号")
    assert (clue.referral_date, clue.referral_due_date) == (dt.date(2026, 3, 2), dt.date(2026, 4, 30))
    assert clue.accept_due_at is not None  # the 5-working-day 受理或转办 step
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "clue.register")).one()
    assert entry.detail["doc_number"] == "市纪交〔2026〕12号" and entry.detail["number"] == clue.number


@pytest.mark.parametrize("fields, field, message", [
    ({"clue_source": "rumour"}, "clue_source", "线索来源不正确"),
    ({"clue_source": "inspection_tour", "referring_body": "县委第二巡察组"}, "referral_doc_number", "须填写来源文号"),
    ({"clue_source": "audit", "referral_doc_number": "审移〔2026〕3号"}, "referring_body", "须填写交办（移交）单位"),
    ({"clue_source": "superior_assigned", "referring_body": "市纪委", "referral_doc_number": "市纪交〔2026〕1号"},
     "referral_due_date", "须填写交办期限"),
    ({"clue_source": "superior_forwarded", "referring_body": "市纪委", "referral_doc_number": "1号",
      "referral_date": "2026-13-01"}, "referral_date", "日期格式不正确"),
])
def test_bad_source_data_is_refused_in_chinese_and_nothing_is_saved(factory, login, db, fields, field, message):
    county = factory.county()
    client = login.as_(factory.user(Role.operator))
    response = client.post("/intake/new", data=_form(county, **fields))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.exec(select(Complaint)).all() == [] and db.exec(select(Clue)).all() == []
    assert db.exec(select(Contact)).all() == []


def test_the_api_registers_a_referral_and_answers_with_the_clue_number(client, token, db):
    response = _api(client, token, {"text": "县审计局移交：危房改造资金被截留", "channel": "letter",
                                    "clue_source": "审计移交", "referring_body": "县审计局",
                                    "referral_doc_number": "县审移〔2026〕5号"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    clue = _only_clue(db)
    assert body["clue_number"] == clue.number and body["clue_source"] == "audit"
    assert clue.referral_doc_number == "县审移〔2026〕5号"


def test_the_api_refuses_an_unknown_source_with_the_field_named(client, token, db):
    response = _api(client, token, {"text": "低保问题", "clue_source": "小道消息"})
    assert response.status_code == 422
    assert "线索来源不正确" in response.get_json()["error"]["fields"]["clue_source"]
    assert db.exec(select(Complaint)).all() == []


@pytest.mark.parametrize("source", list(ClueSource))
def test_every_source_can_be_registered(factory, db, source):
    referral = {"referring_body": "市纪委监委", "doc_number": "市纪〔2026〕9号", "due_date": "2026-12-31"}
    complaint = factory.complaint(clue=SourceInput(source=source.value, **referral))
    clue = db.exec(select(Clue).where(Clue.complaint_id == complaint.id)).one()
    assert clue.source is source


def test_a_named_report_owes_acknowledgement_and_an_anonymous_one_does_not(factory, db):
    named = factory.complaint(name="张三", phone="13912345678")
    anonymous = factory.complaint(anonymous=True, name="李四", phone="13812345678")
    phone_only = factory.complaint(phone="13712345678")
    clues = {c.complaint_id: c for c in db.exec(select(Clue)).all()}
    assert clues[named.id].named and clues[named.id].ack_due_at is not None
    assert not clues[anonymous.id].named and clues[anonymous.id].ack_due_at is None
    assert not clues[phone_only.id].named  # 实名 means a name given, not only a number
