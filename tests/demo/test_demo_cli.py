"""The `demo` command on the loaded demo county: what the county holds, and a second run changes nothing.

(It used to load a county of its own per run; the folder's shared load is the same `load_demo`.)"""
from __future__ import annotations

from sqlmodel import select

from models.audit import AuditEntry
from models.complaints import Complaint
from models.divisions import Township, Village
from models.offices import Office, OfficeKind
from models.users import Role, User
from tests.demo.conftest import count


def test_the_demo_county_has_every_kind_of_office_and_role_and_weeks_of_contacts(session):
    assert count(session, Township) >= 12 and count(session, Village) >= 150 and count(session, Complaint) >= 10
    kinds = {o.kind for o in session.exec(select(Office)).all()}
    assert {OfficeKind.township_commission, OfficeKind.supervision_office, OfficeKind.resident_group,
            OfficeKind.case_management} <= kinds
    assert {u.role for u in session.exec(select(User)).all()} >= set(Role)
    times = session.exec(select(Complaint.received_at)).all()  # contacts spread over recent weeks
    assert (max(times) - min(times)).days >= 14


def test_running_the_demo_command_again_adds_nothing_and_says_what_is_there(session, demo_app):
    models = (Township, Village, Office, User, Complaint, AuditEntry)
    before = {m: count(session, m) for m in models}
    result = demo_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert {m: count(session, m) for m in models} == before
    # A restart says the county was already there, with its figures, never "乡镇 0，村 0".
    assert "此前已加载" in result.output and f"乡镇 {before[Township]}" in result.output
    assert f"问题线索 {before[Complaint]}" in result.output
