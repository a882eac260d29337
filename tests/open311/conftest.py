"""Fixtures for Open311: the small county with its routing table, two partner platforms, helpers."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import select

from hotline.open311.clients import add_client
from models.complaints import Complaint
from tests.factories import case_for  # noqa: F401  (takes a receipt code too)

BASE = "/open311/v2"


@dataclass
class Partner:
    id: int
    name: str
    key: str


def _partner(db, name: str) -> Partner:
    client, key = add_client(db, name=name)
    db.commit()
    return Partner(client.id, client.name, key)


@pytest.fixture
def partner(db, county) -> Partner:
    """The city's 12345 platform."""
    return _partner(db, "市12345政务服务便民热线")


@pytest.fixture
def other_partner(db, county) -> Partner:
    """Another platform with its own key: it must never see the first one's requests."""
    return _partner(db, "省网上信访平台")


@pytest.fixture
def post(client, partner):
    """POST requests.json as the partner (form-encoded, as the spec says); returns the response."""

    def send(key: str | None = None, fmt: str = "json", **params):
        data = {"api_key": partner.key if key is None else key, "service_code": "favoritism",
                "description": "石桥镇红旗村村支书把低保名额给了自己的侄子。", **params}
        data = {k: v for k, v in data.items() if v is not None}
        return client.post(f"{BASE}/requests.{fmt}", data=data)

    return send


def complaint_for(db, code: str) -> Complaint:
    db.expire_all()
    return db.exec(select(Complaint).where(Complaint.receipt_code == code)).one()


