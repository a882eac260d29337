"""api_keys: issued once by the CLI, kept as a hash, refused when missing, wrong or revoked."""
from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from models.complaints import Complaint
from models.open311 import Open311Client

from tests.open311.conftest import BASE


@pytest.mark.parametrize("key, words", [("", "缺少 api_key"), ("o311_not-a-real-key", "api_key 无效"),
                                        ("hl_some-other-token", "api_key 无效")])
def test_a_missing_or_invalid_key_is_refused_with_403_and_nothing_saved(post, db, key, words):
    response = post(key=key)
    assert response.status_code == 403
    [error] = response.get_json()
    assert error["code"] == 403 and words in error["description"]
    assert db.exec(select(Complaint)).all() == []


@pytest.mark.parametrize("path", ["/requests.json", "/requests/12345678901234.json"])
def test_reading_requests_needs_a_key_too(client, partner, path):
    assert client.get(BASE + path).status_code == 403
    assert client.get(BASE + path, query_string={"api_key": "o311_wrong"}).status_code == 403
    assert client.get(BASE + path, headers={"X-Api-Key": partner.key}).status_code in (200, 404)


def test_add_client_prints_the_key_once_and_stores_only_its_hash(runner, db, county):
    result = runner.invoke(args=["open311", "add-client", "某市12345热线"])
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().splitlines()[-1]
    assert key.startswith("o311_") and len(key) > 40
    row = db.exec(select(Open311Client).where(Open311Client.name == "某市12345热线")).one()
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in (row.key_hash, row.key_prefix, row.note)
    listed = runner.invoke(args=["open311", "list-clients"])
    assert "某市12345热线" in listed.output and key not in listed.output


def test_the_printed_key_works_for_a_request(runner, client, county):
    key = runner.invoke(args=["open311", "add-client", "某市12345热线"]).stdout.strip().splitlines()[-1]
    response = client.post(f"{BASE}/requests.json", data={"api_key": key, "service_code": "other",
                                                           "description": "咨询低保政策。"})
    assert response.status_code == 201


def test_a_client_name_cannot_be_registered_twice(runner, partner):
    result = runner.invoke(args=["open311", "add-client", partner.name])
    assert result.exit_code != 0 and "平台已存在" in result.output


def test_a_revoked_key_is_refused(runner, post, partner):
    assert post().status_code == 201
    result = runner.invoke(args=["open311", "revoke-client", partner.name])
    assert result.exit_code == 0, result.output
    response = post()
    assert response.status_code == 403 and "已停用" in response.get_json()[0]["description"]
