"""The same partner id posted again returns the same request; partners' ids never collide."""
from __future__ import annotations

from sqlmodel import select

from models.complaints import Complaint
from models.contacts import Contact


def test_the_same_external_id_returns_the_same_service_request_id(post, db):
    first = post(external_id="12345-2024-000731")
    second = post(external_id="12345-2024-000731", description="重复推送，内容略有不同。")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()[0]["service_request_id"] == second.get_json()[0]["service_request_id"]
    assert len(db.exec(select(Complaint)).all()) == 1
    assert "重复推送" not in db.exec(select(Complaint.text)).one()


def test_the_external_id_may_come_as_an_attribute(post, db):
    first = post(external_id="T-9")
    second = post(**{"attribute[external_id]": "T-9"})
    assert second.status_code == 200
    assert first.get_json()[0]["service_request_id"] == second.get_json()[0]["service_request_id"]


def test_the_contact_carries_the_partner_id_within_the_partners_namespace(post, db, partner):
    post(external_id="T-10")
    contact = db.exec(select(Contact)).one()
    assert contact.external_id == f"{partner.id}:T-10"


def test_two_partners_with_the_same_ticket_number_get_two_requests(post, client, other_partner, db):
    mine = post(external_id="000731")
    theirs = post(key=other_partner.key, external_id="000731")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.get_json()[0]["service_request_id"] != theirs.get_json()[0]["service_request_id"]
    assert len(db.exec(select(Complaint)).all()) == 2


def test_without_an_external_id_each_post_is_a_new_request(post, db):
    assert post().status_code == 201 and post().status_code == 201
    assert len(db.exec(select(Complaint)).all()) == 2
