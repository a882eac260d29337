"""Spam / 无效 review of web reports: suspicious ones are queued (never refused), operators mark a
report 无效 or 有效 with a reason, audited, reversible, the report never deleted."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hotline.public import spam
from models.attachments import SpamMark
from models.audit import AuditEntry
from models.cases import Case
from models.complaints import Complaint
from models.users import Role

from tests.conftest import csrf_from

GOOD = "石桥镇红旗村村支书王某把低保名额给了自己的亲戚，涉及金额约两万元。"


@pytest.mark.parametrize("text, said", [
    ("啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊", "重复字符"),
    ("asdf asdf qwer zxcv hjkl uiop", "不含中文"),
    ("加微信领补贴 http://example.com/x 名额有限", "网址"),
    ("王某", "过短"),
])
def test_garbage_text_is_suspected(text, said):
    assert any(said in reason for reason in spam.suspicions(text))


def test_an_ordinary_report_is_not_suspected():
    assert spam.suspicions(GOOD) == [] and spam.suspicions(GOOD, address_reports=2) == []
    assert spam.suspicions(GOOD, address_reports=3) == ["同一网络地址一小时内第3次提交"]


def _complaint_of_last(db) -> Complaint:
    db.expire_all()
    return db.exec(select(Complaint).order_by(Complaint.id.desc())).first()


def test_a_garbage_web_report_is_stored_and_queued_not_refused(send_report, db):
    response = send_report(text="啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊")
    assert response.status_code == 302
    complaint = _complaint_of_last(db)
    mark = db.get(SpamMark, complaint.id)
    assert mark.state == "suspected" and "重复字符" in mark.suspicion
    assert db.exec(select(Case).where(Case.complaint_id == complaint.id)).first() is not None


def test_a_burst_from_one_address_is_queued_from_the_third_report(send_report, db):
    ids = []
    for n in range(3):
        send_report(text=f"{GOOD}第{n + 1}份")
        ids.append(_complaint_of_last(db).id)
    assert [db.get(SpamMark, i) is not None for i in ids] == [False, False, True]
    assert "第3次提交" in db.get(SpamMark, ids[2]).suspicion


@pytest.fixture
def operator(factory, login, client):
    user = factory.user(Role.operator)
    login.as_(user)
    return user


def _mark(client, complaint_id: int, state: str, reason: str):
    return client.post(f"/public/review/{complaint_id}", data={"state": state, "reason": reason, "back": "suspected"})


def test_an_operator_marks_a_report_spam_with_a_reason_and_can_reverse_it(send_report, operator, client, db):
    send_report(text="啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊")
    complaint = _complaint_of_last(db)
    page = client.get("/public/review").get_data(as_text=True)
    assert f'id="review-{complaint.id}"' in page and "重复字符" in page

    refused = _mark(client, complaint.id, "spam", "  ")
    assert refused.status_code == 422 and "请填写理由" in refused.get_data(as_text=True)
    db.expire_all()
    assert db.get(SpamMark, complaint.id).state == "suspected"

    assert _mark(client, complaint.id, "spam", "无意义的重复字符").status_code == 302
    db.expire_all()
    mark = db.get(SpamMark, complaint.id)
    assert (mark.state, mark.reason, mark.marked_by_id) == ("spam", "无意义的重复字符", operator.id)
    assert f'id="review-{complaint.id}"' in client.get("/public/review?state=spam").get_data(as_text=True)
    assert f'id="review-{complaint.id}"' not in client.get("/public/review").get_data(as_text=True)

    assert _mark(client, complaint.id, "valid", "复核后确认是老人误按键盘，另有来电说明").status_code == 302
    db.expire_all()
    assert db.get(SpamMark, complaint.id).state == "valid"
    assert db.get(Complaint, complaint.id) is not None  # never deleted
    entries = db.exec(select(AuditEntry).where(AuditEntry.action == "public.spam_review").order_by(AuditEntry.id)).all()
    assert [(e.detail["from"], e.detail["to"]) for e in entries] == [("suspected", "spam"), ("spam", "valid")]
    assert entries[0].actor_id == operator.id and entries[0].detail["reason"] == "无意义的重复字符"


def test_any_web_report_can_be_marked_from_the_list_of_all(send_report, operator, client, db):
    send_report()
    complaint = _complaint_of_last(db)
    assert f'id="review-{complaint.id}"' in client.get("/public/review?state=recent").get_data(as_text=True)
    assert _mark(client, complaint.id, "spam", "广告").status_code == 302
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "public.spam_review")).one()
    assert entry.detail["from"] is None and entry.detail["to"] == "spam"


def test_only_web_reports_can_be_marked(factory, operator, client, db):
    complaint = factory.complaint("柳河乡水井村会计刘某代领五保户的粮食补贴。")
    response = _mark(client, complaint.id, "spam", "测试")
    assert response.status_code == 422 and "只能标记网上举报" in response.get_data(as_text=True)
    assert db.get(SpamMark, complaint.id) is None


def test_marking_needs_the_csrf_token(app, send_report, operator, client, db):
    send_report(text="啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊")
    complaint = _complaint_of_last(db)
    app.config["WTF_CSRF_ENABLED"] = True
    assert _mark(client, complaint.id, "spam", "广告").status_code == 400
    token = csrf_from(client.get("/public/review").get_data(as_text=True))
    ok = client.post(f"/public/review/{complaint.id}", data={"state": "spam", "reason": "广告", "csrf_token": token})
    assert ok.status_code == 302


def test_an_inspector_cannot_reach_the_queue(factory, login, client):
    login.as_(factory.user(Role.inspector))
    assert client.get("/public/review").status_code == 403


def test_the_complaint_page_shows_the_mark(send_report, operator, client, db):
    send_report(text="啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊")
    complaint = _complaint_of_last(db)
    page = client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert 'id="spam-mark"' in page and "疑似无效" in page and "重复字符" in page
    _mark(client, complaint.id, "valid", "核实为真实举报")
    assert 'id="spam-mark"' not in client.get(f"/complaints/{complaint.id}").get_data(as_text=True)


def test_a_supervisor_sees_and_marks_only_web_reports_in_scope(send_report, factory, login, client, db):
    from models.offices import Office

    send_report(text="啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊", township_id=str(factory.county()["townships"]["石桥镇"].id))
    complaint = _complaint_of_last(db)
    case = db.exec(select(Case).where(Case.complaint_id == complaint.id)).one()
    assert db.get(Office, case.office_id).name == "石桥镇纪委"
    login.as_(factory.user(Role.supervisor, office="柳河乡纪委"))
    for state in ("suspected", "recent"):
        assert f'id="review-{complaint.id}"' not in client.get(f"/public/review?state={state}").get_data(as_text=True)
    assert _mark(client, complaint.id, "spam", "越权").status_code in (403, 404)
    db.expire_all()
    assert db.get(SpamMark, complaint.id).state == "suspected"
