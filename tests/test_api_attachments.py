"""The JSON API's body limit leaves room for evidence files (base64 in the JSON body)."""
from __future__ import annotations

import base64

import pytest
from sqlmodel import select

from hotline.auth.accounts import issue_token
from models.attachments import Attachment
from models.users import Role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def token(factory, db):
    factory.county()
    value = issue_token(db, user=factory.user(Role.operator), label="test")
    db.commit()
    return value


def test_a_file_larger_than_the_apps_default_body_limit_is_accepted(client, token, db):
    big = PDF + b"0" * (3 << 20)  # 3 MB: as base64 in JSON past the app's default 2 MB body limit
    body = {"text": "危房改造款被截留，附扫描件。",
            "attachments": [{"filename": "扫描件.pdf", "content_base64": base64.b64encode(big).decode()}]}
    response = client.post("/api/v1/complaints", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_json()
    assert db.exec(select(Attachment)).one().size == len(big)
