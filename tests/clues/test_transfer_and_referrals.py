"""不予受理/转送, referred matters (受理或转办, 报结), 提级办理 and 异地交叉 — through the web steps."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from hotline.clues.sources import SourceInput
from models.audit import AuditEntry
from models.cases import CaseEvent, CaseStatus
from models.clues import ClueHandling, ClueNotice, NoticeKind
from models.offices import Office
from models.telephony import OutboxMessage

from tests.clues.conftest import case_of, clue_of

REFERRAL = SourceInput(source="superior_assigned", referring_body="市纪委监委信访室", doc_number="市纪交〔2026〕12号",
                       date="2026-03-02", due_date="2026-04-30")


def _step(client, clue, step, **form):
    return client.post(f"/clues/{clue.id}/{step}", data=form)


def test_a_matter_outside_the_remit_is_transferred_with_a_notice_to_the_named_reporter(as_user, db, named, staff):
    clue = clue_of(db, named)
    response = _step(as_user(staff.operator), clue, "transfer", destination="人民法院",
                     reason="邻里宅基地纠纷，属民事争议", method="sms")
    assert response.status_code == 302
    clue, case = clue_of(db, named), case_of(db, named)
    assert (clue.handling, clue.transferred_to) == (ClueHandling.transferred, "人民法院")
    assert case.status is CaseStatus.closed and case.due_at is None
    notice = db.exec(select(ClueNotice).where(ClueNotice.kind == NoticeKind.transfer)).one()
    assert "已转送人民法院" in db.get(OutboxMessage, notice.outbox_id).body
    event = db.exec(select(CaseEvent).where(CaseEvent.kind == "transferred")).one()
    assert (event.note, event.data["destination"]) == ("邻里宅基地纠纷，属民事争议", "人民法院")
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "case.transferred")).one()


@pytest.mark.parametrize("form, message", [
    ({"destination": "", "reason": "民事纠纷", "method": "phone", "note": "已电话告知"}, "请填写转送的有权处理单位"),
    ({"destination": "民政局", "reason": "", "method": "phone", "note": "已电话告知"}, "请填写不予受理并转送的理由"),
    ({"destination": "民政局", "reason": "政策咨询"}, "请选择告知方式"),
])
def test_a_bad_transfer_is_refused_in_chinese_and_nothing_changes(as_user, db, named, staff, form, message):
    clue = clue_of(db, named)
    response = _step(as_user(staff.operator), clue, "transfer", **form)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert clue_of(db, named).handling is ClueHandling.own
    assert case_of(db, named).status is not CaseStatus.closed
    assert db.exec(select(CaseEvent).where(CaseEvent.kind == "transferred")).all() == []


def test_an_inspector_may_not_take_register_steps(as_user, db, named, staff):
    response = _step(as_user(staff.inspector), clue_of(db, named), "transfer", destination="民政局", reason="x")
    assert response.status_code == 403
    assert clue_of(db, named).handling is ClueHandling.own


def test_the_steps_need_a_csrf_token(app, db, named, staff):
    from tests.conftest import LoggedIn

    client = LoggedIn(app.test_client()).as_(staff.operator)
    app.config["WTF_CSRF_ENABLED"] = True
    response = _step(client, clue_of(db, named), "transfer", destination="民政局", reason="政策咨询",
                     method="phone", note="已告知")
    assert response.status_code == 400  # Flask-WTF's answer to a missing token
    assert clue_of(db, named).handling is ClueHandling.own


def test_a_referred_matter_is_accepted_then_reported_back_with_its_date(app, as_user, db, factory, staff):
    complaint = factory.complaint("市纪委交办：石桥镇危房改造补助被截留", user=staff.operator, clue=REFERRAL)
    clue = clue_of(db, complaint)
    assert clue.accept_due_at is not None and clue.referral_due_date == dt.date(2026, 4, 30)
    supervisor = as_user(staff.supervisor)
    refused = _step(as_user(staff.operator), clue, "accept")  # a leader's step
    assert refused.status_code == 422 and "您的角色不能登记受理" in refused.get_data(as_text=True)
    assert _step(supervisor, clue, "accept", note="已受理").status_code == 302
    assert _step(supervisor, clue, "report_back", note="x").status_code == 422  # not concluded yet
    case = case_of(db, complaint)
    from tests.clues.conftest import conclude

    conclude(app, db, case, staff)
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    refused = _step(supervisor, clue, "report_back", note="县纪报〔2026〕3号", date=future)
    assert refused.status_code == 422 and "不能晚于今天" in refused.get_data(as_text=True)
    assert _step(supervisor, clue, "report_back", note="县纪报〔2026〕3号", date="2026-04-28").status_code == 302
    clue = clue_of(db, complaint)
    assert clue.accepted_at is not None and clue.report_back_note == "县纪报〔2026〕3号"
    assert clue.reported_back_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() == dt.date(2026, 4, 28)
    kinds = {e.kind for e in db.exec(select(CaseEvent).where(CaseEvent.case_id == case.id))}
    assert {"clue_accepted", "clue_reported_back"} <= kinds


def test_a_transferred_referral_counts_as_passed_on(as_user, db, factory, staff):
    complaint = factory.complaint("上级转办：邻里纠纷", user=staff.operator, clue=SourceInput(
        source="superior_forwarded", referring_body="市信访局", doc_number="市信转〔2026〕8号"))
    clue = clue_of(db, complaint)
    assert _step(as_user(staff.supervisor), clue, "transfer", destination="信访部门", reason="信访事项").status_code == 302
    assert clue_of(db, complaint).accepted_at is not None


def test_escalation_goes_up_only_and_crossing_goes_to_another_township(as_user, db, named, staff):
    offices = {o.name: o for o in db.exec(select(Office)).all()}
    clue, supervisor = clue_of(db, named), as_user(staff.supervisor)
    assert case_of(db, named).office_id == offices["石桥镇纪委"].id
    local = _step(supervisor, clue, "cross_assign", office_id=offices["石桥镇纪委"].id, reason="回避")
    assert local.status_code == 422
    moved = _step(supervisor, clue, "cross_assign", office_id=offices["柳河乡纪委"].id, reason="被反映人与本镇干部有亲属关系")
    assert moved.status_code == 302 and case_of(db, named).office_id == offices["柳河乡纪委"].id
    down = _step(supervisor, clue, "escalate", office_id=offices["柳河乡纪委"].id, reason="x")
    assert down.status_code == 422 and "更高一级" in down.get_data(as_text=True)
    up = _step(supervisor, clue, "escalate", office_id=offices["县纪委监委"].id, reason="涉及乡镇领导，提级办理")
    assert up.status_code == 302
    case = case_of(db, named)
    assert case.office_id == offices["县纪委监委"].id and case.status is CaseStatus.pending_assignment
    events = db.exec(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind.in_(
        ["cross_assigned", "escalated"])).order_by(CaseEvent.id)).all()
    assert [(e.kind, e.note) for e in events] == [("cross_assigned", "被反映人与本镇干部有亲属关系"),
                                                 ("escalated", "涉及乡镇领导，提级办理")]
