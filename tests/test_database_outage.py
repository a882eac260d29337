"""When the database is unreachable, people get a clear answer and lose nothing they typed."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hotline.db import make_engine
from models.users import Role
from tests.conftest import PG_URL


@pytest.fixture
def unreachable_engine(tmp_path):
    if PG_URL:
        return make_engine("postgresql://postgres@127.0.0.1:1/test?connect_timeout=1")
    # The real driver failing to open the file (its directory does not exist).
    return sa.create_engine(f"sqlite:///{tmp_path}/no/such/dir/hotline.sqlite3")


def test_a_call_logged_during_an_outage_is_handed_back_intact(app, factory, login, unreachable_engine):
    client = login.as_(factory.user(Role.operator))
    healthy = app.extensions["db_engine"]
    app.extensions["db_engine"] = unreachable_engine
    try:
        response = client.post("/intake/new", data={"text": "村支书王某套取危房改造资金两万元", "phone": "13812345678",
                                                    "name": "李四", "channel": "call"})
    finally:
        app.extensions["db_engine"] = healthy
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "数据库暂时不可用" in page
    assert "村支书王某套取危房改造资金两万元" in page and "13812345678" in page and "李四" in page


def test_the_health_check_reports_the_outage(app, client, unreachable_engine):
    app.extensions["db_engine"] = unreachable_engine
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"] == "unavailable"


def test_the_api_answers_503_in_json(app, client, unreachable_engine):
    app.extensions["db_engine"] = unreachable_engine
    response = client.post("/api/v1/complaints", json={"text": "x"}, headers={"Authorization": "Bearer hl_x"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "database_unavailable"
