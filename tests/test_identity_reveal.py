"""A complainant's identity is masked in lists and revealed only with a reason to allowed roles."""
from __future__ import annotations

from sqlmodel import select

from models.audit import AuditEntry
from models.users import Role


def test_the_case_page_shows_the_identity_masked(factory, login):
    operator = factory.user(Role.operator)
    complaint = factory.complaint("低保优亲厚友", user=operator, phone="13812345678", name="王小五")
    page = login.as_(factory.user(Role.supervisor)).get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert "138****5678" in page and "王**" in page
    assert "13812345678" not in page and "王小五" not in page


def test_another_operator_cannot_reveal_and_the_attempt_is_logged(factory, login, db):
    complaint = factory.complaint("低保优亲厚友", user=factory.user(Role.operator), phone="13812345678")
    client = login.as_(factory.user(Role.operator))
    response = client.post(f"/complaints/{complaint.id}/identity", data={"reason": "好奇想看看"})
    assert response.status_code == 403
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "identity.denied")).one()


def test_a_reason_is_required(factory, login):
    operator = factory.user(Role.operator)
    complaint = factory.complaint("低保优亲厚友", user=operator, phone="13812345678")
    response = login.as_(operator).post(f"/complaints/{complaint.id}/identity", data={"reason": " "})
    assert response.status_code == 422 and "查看事由" in response.get_data(as_text=True)


def test_a_custodian_may_reveal(factory, login):
    complaint = factory.complaint("低保优亲厚友", user=factory.user(Role.operator), phone="13812345678")
    response = login.as_(factory.user(Role.custodian)).post(
        f"/complaints/{complaint.id}/identity", data={"reason": "依规调取身份信息"})
    assert response.status_code == 200 and "13812345678" in response.get_data(as_text=True)


def test_caller_history_finds_earlier_contacts_by_number(factory, login):
    operator = factory.user(Role.operator)
    factory.complaint("第一次来电：危房改造", user=operator, phone="13812345678")
    factory.complaint("别人的来电", user=operator, phone="13900000000")
    client = login.as_(operator)
    page = client.post("/intake/history", data={"phone": "138 1234 5678"}).get_data(as_text=True)
    assert "第一次来电" in page and "别人的来电" not in page
    assert "格式不完整" in client.post("/intake/history", data={"phone": "138"}).get_data(as_text=True)
