"""Hostile input to the JSON API: whatever is posted, no 500, and what is stored is what was sent."""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from hotline.auth.accounts import issue_token
from models.complaints import Complaint
from models.users import Role

FIELDS = ["text", "channel", "phone", "name", "anonymous", "township_id", "village_id", "accused_name",
          "accused_title", "accused_level", "program", "amount", "external_id"]
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HOSTILE_TEXT = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(max_codepoint=0x7f), max_size=20),  # control characters, NUL
    st.sampled_from(["<script>alert(1)</script>", "'; DROP TABLE complaint; --", "\x00\x00", "　", "\u202e逆序",
                     "😀" * 50, "%s%n%x", "{{ config }}", "../../etc/passwd", "低保" * 3000, "1" * 30]),
)
SCALARS = st.one_of(HOSTILE_TEXT, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none())
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.text(max_size=5), SCALARS, max_size=2))
BODIES = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=10)), VALUES, max_size=8)
# Bodies that pass the shape checks, so the domain validation is what gets attacked.
SCALAR_BODIES = st.fixed_dictionaries({"text": HOSTILE_TEXT}, optional={
    name: st.one_of(HOSTILE_TEXT, st.integers(-5, 10**12), st.booleans(), st.none()) for name in FIELDS if name != "text"})
HYPOTHESIS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])


@pytest.fixture
def api(client, factory, db):
    factory.county()
    token = issue_token(db, user=factory.user(Role.operator), label="hostile")
    db.commit()
    headers = {"Authorization": f"Bearer {token}"}

    def post(**kw):
        return client.post("/api/v1/complaints", headers=headers, **kw)

    post.get = lambda code: client.get(f"/api/v1/complaints/{code}", headers=headers)
    return post


def _count(db) -> int:
    return db.exec(select(func.count()).select_from(Complaint)).one()


def _check(api, db, response, body: dict | None, before: int) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)
    payload = response.get_json()
    assert payload is not None, "the API always answers JSON"
    if response.status_code == 201:
        assert _count(db) == before + 1
        stored = db.exec(select(Complaint).where(Complaint.receipt_code == payload["receipt_code"])).one()
        assert stored.text == CONTROL.sub("", str(body.get("text") or "")).strip()
        assert api.get(stored.receipt_code).get_json()["receipt_code"] == stored.receipt_code
    elif response.status_code == 200:  # a repeated external_id: the earlier complaint, nothing new
        assert _count(db) == before
    else:
        assert 400 <= response.status_code < 500 and payload["error"]["message"]
        assert _count(db) == before


@HYPOTHESIS
@given(body=BODIES)
def test_any_json_object_is_answered_without_a_server_error(api, db, body):
    before = _count(db)
    _check(api, db, api(data=json.dumps(body, allow_nan=True), content_type="application/json"), body, before)


@HYPOTHESIS
@given(body=SCALAR_BODIES)
def test_well_shaped_hostile_reports_are_stored_as_sent_or_refused_in_chinese(api, db, body):
    before = _count(db)
    response = api(json=body)
    _check(api, db, response, body, before)
    if response.status_code == 422:
        assert re.search(r"[\u4e00-\u9fff]", response.get_json()["error"]["message"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300), content_type=st.sampled_from(
    ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]))
def test_raw_bytes_of_any_content_type_are_refused_without_a_server_error(api, db, raw, content_type):
    before = _count(db)
    response = api(data=raw, content_type=content_type)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert _count(db) == before


@pytest.mark.parametrize("field", ["text", "name", "phone", "accused_name", "accused_title", "amount",
                                   "external_id", "township_id", "channel", "program"])
def test_a_nul_character_in_any_field_is_cleaned_or_refused(api, db, field):
    body = {"text": "低保被村会计冒领", field: "王\x00某"}
    before = _count(db)
    response = api(json=body)
    _check(api, db, response, body, before)
    assert response.status_code in (201, 422)


@pytest.mark.parametrize("value", [10**19, -10**19, "99999999999999999999"])
def test_a_place_id_beyond_any_database_integer_is_refused_in_chinese(api, db, value):
    response = api(json={"text": "危房改造款被截留", "township_id": value})
    assert response.status_code == 422 and "乡镇不存在" in response.get_json()["error"]["message"]
    assert _count(db) == 0
