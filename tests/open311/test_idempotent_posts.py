"""The same partner id posted again returns the same request; partners' ids never collide."""
from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from models.base import utcnow
from models.complaints import Complaint
from models.contacts import Contact
from models.open311 import Open311Client

from tests.conftest import PG_URL


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


# SQLite refuses a second concurrent writer outright ("database is locked"), so the race needs PostgreSQL.
@pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_simultaneous_posts_of_one_external_id_make_one_request(app, partner, db):
    """The race the unique (channel, external_id) constraint settles: every post gets the same id."""
    client_row = db.get(Open311Client, partner.id)
    client_row.last_used_at = utcnow()  # no last-used update, whose row lock would queue the posts
    db.commit()
    barrier = threading.Barrier(4)
    answers: list[tuple[int, str]] = []

    def send() -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post("/open311/v2/requests.json", data={
            "api_key": partner.key, "service_code": "other", "description": "同时推送的同一工单。",
            "external_id": "RACE-1"})
        answers.append((response.status_code, response.get_json()[0].get("service_request_id", "")))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _ in answers) == [200, 200, 200, 201]
    assert len({code for _, code in answers}) == 1
    assert len(db.exec(select(Complaint)).all()) == 1
