"""Abuse resistance without captchas: form age, reports per address, CSRF; and nothing lost when
the database is down (the report is spooled and stored once later)."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import select

from hotline.db import make_engine
from hotline.public import service, spool
from models.attachments import Attachment, PublicAccessKey
from models.complaints import Complaint
from tests.conftest import PG_URL, csrf_from
from tests.public.conftest import form_token, jpeg_with_gps


def test_a_form_sent_at_once_is_refused_and_kept(app, client, factory):
    factory.county()
    page = client.get("/report").get_data(as_text=True)  # the default minimum age applies
    response = client.post("/report", data={"form_token": form_token(page), "text": "村干部冒领补贴。"})
    assert response.status_code == 400 and "提交过快" in response.get_data(as_text=True)
    assert "村干部冒领补贴。" in response.get_data(as_text=True)


def test_a_stale_or_forged_form_token_is_refused():
    secret = "s"
    old = service.form_token(secret)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=10)
    assert service.check_form_token(secret, old, now=later)  # old enough, fresh enough
    with pytest.raises(service.PublicError, match="校验信息无效"):
        service.check_form_token("other", old, now=later)
    with pytest.raises(service.PublicError, match="打开时间过长"):
        service.check_form_token(secret, old, max_hours=0, now=later)


def test_csrf_is_on_for_the_public_form(public_app, client, county):
    public_app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/report").get_data(as_text=True)
    refused = client.post("/report", data={"form_token": form_token(page), "text": "村干部冒领补贴。"})
    assert refused.status_code == 400
    accepted = client.post("/report", data={"form_token": form_token(page), "text": "村干部冒领补贴。",
                                            "csrf_token": csrf_from(page)})
    assert accepted.status_code == 302


def test_reports_per_address_are_limited(send_report, db):
    for _ in range(5):
        assert send_report().status_code == 302
    response = send_report(text="第六次提交的内容")
    assert response.status_code == 422 and "提交次数过多" in response.get_data(as_text=True)
    assert "第六次提交的内容" in response.get_data(as_text=True)
    assert len(db.exec(select(Complaint)).all()) == 5


@pytest.fixture
def unreachable_engine(tmp_path):
    if PG_URL:
        return make_engine("postgresql://postgres@127.0.0.1:1/test?connect_timeout=1")
    return sa.create_engine(f"sqlite:///{tmp_path}/no/such/dir/hotline.sqlite3")


def test_database_down_the_report_is_spooled_and_stored_once_with_the_code_given(
        public_app, client, county, db, unreachable_engine):
    import io

    page = client.get("/report").get_data(as_text=True)
    healthy = public_app.extensions["db_engine"]
    public_app.extensions["db_engine"] = unreachable_engine
    try:
        response = client.post("/report", data={
            "form_token": form_token(page), "text": "石桥镇红旗村村会计刘某虚报冒领危房改造补助。",
            "identity": "anonymous", "files": [(io.BytesIO(jpeg_with_gps()), "现场.jpg")]},
            content_type="multipart/form-data")
        assert response.status_code == 302
        done = client.get("/report/done").get_data(as_text=True)
    finally:
        public_app.extensions["db_engine"] = healthy
    assert "已安全保存" in done
    code = done.split('data-code="')[1].split('"')[0]
    key = done.split('id="access-key">')[1].split("<")[0]
    folder = spool.directory(public_app.config["SETTINGS"])
    assert spool.pending(folder) == 1
    assert db.exec(select(Complaint)).all() == []

    with public_app.app_context():
        down = spool.replay(folder, engine=unreachable_engine, lookup_key=public_app.config["LOOKUP_KEY"],
                            max_chars=20_000)
        assert down.database_down and spool.pending(folder) == 1
        first = spool.replay(folder, engine=healthy, lookup_key=public_app.config["LOOKUP_KEY"],
                             max_chars=20_000)
        again = spool.replay(folder, engine=healthy, lookup_key=public_app.config["LOOKUP_KEY"],
                             max_chars=20_000)
    assert (first.stored, first.remaining, again.stored) == (1, 0, 0)
    complaint = db.exec(select(Complaint)).one()
    assert complaint.receipt_code == code
    assert db.exec(select(Attachment).where(Attachment.complaint_id == complaint.id)).one().kind == "jpeg"
    assert db.get(PublicAccessKey, complaint.id) is not None
    status = client.post("/status", data={"code": code, "key": key})
    assert status.status_code == 200 and 'id="status-value"' in status.get_data(as_text=True)


def test_an_over_large_upload_gets_a_chinese_page(public_app, client, county):
    import io

    from hotline.public.views import MAX_REQUEST_BYTES

    response = client.post("/report", data={"text": "x", "files": [(io.BytesIO(b"0" * (MAX_REQUEST_BYTES + 1)), "a.pdf")]},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and "文件合计不能超过" in response.get_data(as_text=True)


def test_the_replay_command_reports_what_it_stored(public_app, runner, county):
    result = runner.invoke(args=["public", "replay"])
    assert result.exit_code == 0 and "录入 0 件" in result.output
    assert runner.invoke(args=["public", "pending"]).output.strip() == "0"


def test_the_scheduler_replays_the_public_spool():
    from hotline import scheduler

    assert "public.replay_spool" in {job.id for job in scheduler.collect_jobs()}
