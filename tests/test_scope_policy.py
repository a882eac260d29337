"""The scope policy (hotline/scope.py): a user of another office or township reaches none of a row's
routes, and lists and exports show only his rows. Every route declares what it shows (EXPECT), so a
route added without a declaration fails this suite, as tests/test_access_control.py does for roles.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pytest
from sqlmodel import select

from hotline import access
from hotline.auth.accounts import issue_token
from hotline.cases import supervision
from hotline.trust import retention
from models.cases import Case
from models.complaints import Complaint, TriageState
from models.findings import Finding
from models.retention import LegalHold
from models.telephony import Recording
from models.users import Role

# What each route shows, by endpoint (routes for admins and auditors only, and public routes, need
# no entry: the former configure the county or read the trail and reach no office's complaints, the
# latter have no user). Row kinds: the route takes the id of such a row and must
# refuse (403/404) a user outside the row's scope. "list:<rows>": the page or export lists rows and
# must hold only the user's. "none:<why>": the route shows no row of an office or township.
EXPECT = {
    "cases.act": "case", "intake.complaint": "complaint", "intake.identity": "complaint",
    "triage.labels": "complaint", "intake.receipt": "receipt", "telephony.recording": "recording",
    "crosscheck.finding": "finding", "crosscheck.decide": "finding", "crosscheck.clue": "finding",
    "crosscheck.attach": "finding", "trust.release_hold": "hold",
    "api.get_complaint": "api_complaint", "clues.act": "clue", "attachments.download": "attachment",
    "api.add_attachments": "api_complaint", "public_review.mark": "complaint",
    "public_review.queue": "list:complaints",
    "clues.register_view": "list:clues", "clues.register_export": "list:clues",
    "open311.get_request": "none:a partner's own requests (tests/open311/test_tracking.py, other_partner)",
    "open311.list_requests": "none:a partner's own requests (tests/open311/test_tracking.py, other_partner)",
    "cases.queue": "list:cases", "cases.board": "list:cases", "intake.complaints": "list:complaints",
    "intake.contacts": "list:complaints", "triage.review": "list:complaints",
    "triage.unclassified": "list:complaints", "crosscheck.index": "list:findings",
    "crosscheck.export": "list:findings", "trust.retention_page": "list:holds",
    "cases.duplicates_fragment": "list:complaints", "intake.history": "list:complaints",
    "telephony.screen_pop": "list:complaints", "telephony.outbox_page": "none:the line's SMS delivery log: purpose, masked number, status; no text",
    "cases.notices": "none:the user's own reminders", "outcomes.visits": "list:cases",
    "outcomes.forms": "none:county-wide aggregates (the four forms table)",
    "trust.place_hold": "none:a case named in the form, refused out of scope (test below)",
    "intake.new": "none:a new report", "api.create_complaint": "none:a new report (existing external_id: scoped)",
    "open311.create_request": "none:a new report", "crosscheck.run": "none:runs the rules, shows counts",
    "crosscheck.run_detail": "none:a run's counts per rule",
    "bulletins.index": "none:county-wide publication (aggregates)",
    "bulletins.view": "none:county-wide publication (aggregates)",
    "bulletins.download": "none:county-wide publication (aggregates)",
    "bulletins.build": "none:county-wide publication (aggregates)",
    "bulletins.publish": "none:county-wide publication (aggregates)",
    "bulletins.correct": "none:county-wide publication (aggregates)",
    "bulletins.add_campaign": "none:county-wide publication (aggregates)",
    "bulletins.dashboard": "none:county-wide aggregates", "bulletins.dashboard_trend": "none:county-wide aggregates",
    "bulletins.typical_cases": "none:anonymised typical cases for the bulletin",
    "bulletins.decide_typical": "none:anonymised typical cases for the bulletin",
    "bulletins.propose_typical": "none:anonymised typical cases for the bulletin",
    "crosscheck.imports": "none:admin: roll imports (every roll row)",
    "crosscheck.upload": "none:admin: roll imports (every roll row)",
    "crosscheck.import_detail": "none:admin: roll imports (every roll row)",
    "crosscheck.withdraw": "none:admin: roll imports (every roll row)",
    "crosscheck.cancel": "none:the uploader's own pending file (checked by user id)",
    "crosscheck.commit": "none:the uploader's own pending file (checked by user id)",
    "grants.index": "none:admin: the grant table", "grants.edit": "none:admin: the grant table",
    "grants.new": "none:admin: the grant table", "grants.map_text": "none:admin: the grant table",
    "admin.audit_log": "none:auditor/admin: the whole trail", "admin.audit_export": "none:auditor: the whole trail",
    "admin.offices": "none:admin configuration", "admin.users": "none:admin configuration",
    "admin.update_user": "none:admin configuration", "cases.rules": "none:admin configuration",
    "cases.rule": "none:admin configuration", "cases.move_rule": "none:admin configuration",
    "cases.holidays": "none:admin configuration", "cases.delete_holiday": "none:admin configuration",
    "cases.conflicts_page": "none:admin configuration",
    "home.index": "none:public", "home.health": "none:public", "auth.login": "none:public",
    "auth.second_factor": "none:public", "auth.logout": "none:own session", "api.openapi": "none:public",
    "open311.services": "none:public", "open311.service_definition": "none:public", "open311.unknown": "none:public",
    "telephony.voice": "none:Twilio webhook", "telephony.voice_step": "none:Twilio webhook",
    "telephony.sms": "none:Twilio webhook", "telephony.status": "none:Twilio webhook",
    "telephony.fallback": "none:Twilio webhook",
}
SCOPED_ROLES = (Role.inspector, Role.supervisor)


@dataclass
class World:
    mine: Complaint  # in 柳河乡: the outsiders' own
    theirs: Complaint  # in 石桥镇: out of the outsiders' scope
    their_case: Case
    my_finding: Finding
    their_finding: Finding
    recording: Recording
    hold: LegalHold
    users: dict


def _finding(db, township: str, name: str) -> Finding:
    row = Finding(fingerprint=f"fp-{name}", rule="payroll_household", id_number="510122198001010011",
                  name=name, name_key=name, township=township, village="村", reason=f"{name}的疑点",
                  evidence=[])
    db.add(row)
    db.commit()
    return row


THEIR_WORDS, MY_WORDS = "侄子家有小车", "危房改造补助给了自己亲戚"


def _waiting_call(app, db, theirs: Complaint) -> None:
    """A call from the same number waiting for an operator (screen pop)."""
    from hotline import phones
    from hotline.vault import vault
    from models.base import utcnow
    from models.telephony import CallState, PhoneCall

    with app.app_context():
        number = phones.normalize("13812345678")
        db.add(PhoneCall(call_sid="CA" + "2" * 32, from_number_enc=vault().seal(number, field="phone"),
                         phone_hash=phones.lookup_hash(number, app.config["LOOKUP_KEY"]),
                         state=CallState.operator, routed_at=utcnow()))
        db.commit()


@pytest.fixture
def world(factory, db) -> World:
    county = factory.routed_county()
    operator = factory.user(Role.operator, office="信访举报受理中心")
    report = dict(user=operator, accused_name="王某", accused_title="村支书", accused_level="village_cadre",
                  program="dibao", phone="13812345678", name="李秀兰")
    theirs = factory.complaint("石桥镇红旗村村支书王某把低保名额给了自己侄子，侄子家有小车。",
                               village_id=county["villages"]["红旗村"].id, **report)
    mine = factory.complaint("柳河乡水井村村主任把危房改造补助给了自己亲戚。", township_id=county["townships"]["柳河乡"].id,
                             village_id=county["villages"]["水井村"].id, **report)
    cases = {c.complaint_id: c for c in db.exec(select(Case)).all()}
    offices = county["offices"]
    assert cases[theirs.id].office_id == offices["石桥镇纪委"].id
    assert cases[mine.id].office_id == offices["柳河乡纪委"].id
    for complaint in (theirs, mine):
        complaint.triage_state = TriageState.needs_review
        db.add(complaint)
        supervision.supervise(session=db, case=cases[complaint.id], days=10, interval_days=5, reason="群众反映强烈",
                              actor=None)
    hold = retention.place_hold(session=db, case=cases[theirs.id], actor=None, reason="纪律审查需要")
    _waiting_call(factory.app, db, theirs)
    recording = Recording(recording_sid="RE" + "1" * 32, call_sid="CA" + "1" * 32, url="https://api.twilio.com/x",
                          complaint_id=theirs.id)
    db.add(recording)
    db.commit()
    users = {
        Role.inspector: factory.user(Role.inspector, office="柳河乡纪委"),
        Role.supervisor: factory.user(Role.supervisor, office="柳河乡纪委"),
        Role.operator: factory.user(Role.operator, office="信访举报受理中心"),  # not the one who logged them
    }
    return World(mine, theirs, cases[theirs.id], _finding(db, "柳河乡", "柳乙某"), _finding(db, "石桥镇", "石甲某"),
                 recording, hold, users)


def _clue_number(complaint: Complaint) -> str:
    from sqlalchemy.orm import object_session

    from models.clues import Clue

    return object_session(complaint).exec(select(Clue.number).where(Clue.complaint_id == complaint.id)).one()


def _clue_id(complaint: Complaint) -> int:
    from sqlalchemy.orm import object_session

    from models.clues import Clue

    return object_session(complaint).exec(select(Clue.id).where(Clue.complaint_id == complaint.id)).one()


def _attachment_id(complaint: Complaint) -> int:
    """An evidence file on the complaint (the route refuses before opening it)."""
    from sqlalchemy.orm import object_session

    from models.attachments import Attachment

    session = object_session(complaint)
    row = session.exec(select(Attachment).where(Attachment.complaint_id == complaint.id)).first()
    if row is None:
        row = Attachment(complaint_id=complaint.id, filename="现场.jpg", kind="jpeg", size=1, sha256="0" * 64,
                         sealed="v1.x.y")
        session.add(row)
        session.commit()
    return row.id


def _row_id(world: World, kind: str) -> str:
    if kind == "clue":
        return _clue_id(world.theirs)
    if kind == "attachment":
        return _attachment_id(world.theirs)
    return {"case": world.their_case.id, "complaint": world.theirs.id, "receipt": world.theirs.id,
            "recording": world.recording.id, "finding": world.their_finding.id, "hold": world.hold.id}[kind]


def _url(rule, row_id) -> str:
    def fill(match):
        name = match.group(2)
        return "progress" if name == "action" else str(row_id)
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", fill, rule.rule)


def _declared_roles(app, endpoint) -> frozenset:
    declared = getattr(app.view_functions[endpoint], "__access__", None)
    return declared if isinstance(declared, frozenset) else frozenset()


def _public(app, endpoint) -> bool:
    """A public route (no login) has no user whose scope could apply: what it may show a stranger
    is the role matrix's business (tests/test_access_control.py)."""
    return getattr(app.view_functions[endpoint], "__access__", None) == access.PUBLIC


ADMIN_ONLY = frozenset({Role.admin, Role.auditor})  # configuration and the trail: no office scope to keep


def test_every_route_declares_what_it_shows(app):
    missing = sorted(r.endpoint for r in app.url_map.iter_rules()
                     if r.endpoint != "static" and r.endpoint not in EXPECT and not _public(app, r.endpoint)
                     and not (_declared_roles(app, r.endpoint) and _declared_roles(app, r.endpoint) <= ADMIN_ONLY))
    assert missing == [], "declare the route's scope in EXPECT (and check it in hotline/scope.py)"


@pytest.mark.parametrize("role", [Role.inspector, Role.supervisor, Role.operator])
def test_no_route_taking_a_row_lets_another_office_reach_it(app, world, login, role):
    client = login.as_(world.users[role])
    reached = []
    for rule in app.url_map.iter_rules():
        kind = EXPECT.get(rule.endpoint, "")
        if not kind or ":" in kind or kind == "api_complaint" or role not in _declared_roles(app, rule.endpoint):
            continue  # an undeclared route fails test_every_route_declares_what_it_shows
        if kind != "receipt" and role is Role.operator and kind not in ("recording",):
            continue  # operators read every complaint (follow-up calls); see hotline/scope.py
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_url(rule, _row_id(world, kind)), method=method,
                                   data={"progress": "本office不应能报告", "reason": "越权测试原因", "action": "dismiss"})
            if response.status_code not in (403, 404):
                reached.append((rule.rule, method, response.status_code))
    assert reached == []


def test_the_rows_out_of_scope_were_untouched(app, world, login, db):
    client = login.as_(world.users[Role.supervisor])
    client.post(f"/cases/{world.their_case.id}/progress", data={"progress": "越权报告"})
    client.post(f"/crosscheck/findings/{world.their_finding.id}/decide", data={"action": "dismiss", "reason": "越权排除"})
    db.expire_all()
    assert supervision.active_order(db, world.their_case) is not None
    from models.cases import SupervisionReport
    assert db.exec(select(SupervisionReport).where(SupervisionReport.case_id == world.their_case.id)).all() == []
    assert db.get(Finding, world.their_finding.id).decision_reason is None


LIST_URLS = {
    "clues.register_view": "/clues/register", "clues.register_export": "/clues/register/export?format=csv",
    "cases.queue": "/cases/", "cases.board": "/cases/supervised", "intake.complaints": "/complaints",
    "intake.contacts": "/contacts", "triage.review": "/triage/review", "triage.unclassified": "/triage/unclassified",
    "crosscheck.index": "/crosscheck/", "crosscheck.export": "/crosscheck/export?format=csv",
    "trust.retention_page": "/trust/retention",
    "cases.duplicates_fragment": "/cases/duplicates?text=村支书王某把低保名额给了自己侄子侄子家有小车&program=dibao",
    "intake.history": "/intake/history", "telephony.screen_pop": "/twilio/screen-pop",
    "outcomes.visits": "/outcomes/visits", "public_review.queue": "/public/review?state=recent",
}
# Routes that take their look-up in a POST body (no identity in URLs).
LIST_FORMS = {"intake.history": {"phone": "13812345678"}}


def _markers(world: World, rows: str) -> tuple[list[str], list[str]]:
    """(in scope, out of scope) strings a page shows for the rows it lists."""
    if rows == "findings":
        return [world.my_finding.name], [world.their_finding.name]
    if rows == "clues":  # the register shows clue numbers, not the words or the receipt code
        return [_clue_number(world.mine)], [_clue_number(world.theirs)]
    return [MY_WORDS], [THEIR_WORDS, world.theirs.receipt_code]


def test_every_list_route_has_a_probe():
    lists = {e for e, kind in EXPECT.items() if kind.startswith("list:")}
    assert lists == set(LIST_URLS)


@pytest.mark.parametrize("endpoint", sorted(LIST_URLS))
@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_lists_and_exports_show_only_rows_in_scope(app, world, login, endpoint, role):
    if endpoint not in app.view_functions:
        pytest.skip(f"{endpoint} is not in this build")
    if role not in _declared_roles(app, endpoint):
        pytest.skip(f"{role.value} cannot reach {endpoint}")
    client = login.as_(world.users[role])
    if endpoint in LIST_FORMS:
        response = client.post(LIST_URLS[endpoint], data=LIST_FORMS[endpoint])
    else:
        response = client.get(LIST_URLS[endpoint])
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    _mine, theirs = _markers(world, EXPECT[endpoint].split(":", 1)[1])
    for marker in theirs:
        assert marker not in page, (endpoint, marker)


def test_the_outsiders_still_see_their_own_rows(world, login):
    inspector = login.as_(world.users[Role.inspector])
    assert world.mine.receipt_code in inspector.get("/complaints").get_data(as_text=True)
    assert world.my_finding.name in inspector.get("/crosscheck/").get_data(as_text=True)
    export = inspector.get("/crosscheck/export?format=csv").get_data(as_text=True)
    assert world.my_finding.name in export


# --- the holes reproduced in issue 15, each on its own --------------------------------------

def test_the_findings_export_keeps_to_the_inspectors_townships(world, login):
    export = login.as_(world.users[Role.inspector]).get("/crosscheck/export?format=csv").get_data(as_text=True)
    names = [row[4] for row in csv.reader(io.StringIO(export.lstrip("\ufeff")))][1:]
    assert names == [world.my_finding.name]


def test_a_supervisor_of_another_office_cannot_report_progress(world, login, db):
    client = login.as_(world.users[Role.supervisor])
    response = client.post(f"/cases/{world.their_case.id}/progress", data={"progress": "越权报告"})
    assert response.status_code == 403
    assert "职责范围" in response.get_data(as_text=True)


def test_a_supervisor_of_another_office_cannot_merge_his_case_away(world, login, db):
    client = login.as_(world.users[Role.supervisor])
    response = client.post(f"/cases/{world.their_case.id}/merge", data={"target_code": world.mine.receipt_code})
    assert response.status_code == 403
    db.expire_all()
    assert db.get(Complaint, world.theirs.id).merged_into_id is None


def test_a_supervisor_cannot_merge_his_case_into_one_out_of_scope(world, login, db):
    mine = db.exec(select(Case).where(Case.complaint_id == world.mine.id)).one()
    client = login.as_(world.users[Role.supervisor])
    response = client.post(f"/cases/{mine.id}/merge", data={"target_code": world.theirs.receipt_code})
    assert response.status_code == 422
    db.expire_all()
    assert db.get(Complaint, world.mine.id).merged_into_id is None


def test_the_api_token_keeps_to_the_inspectors_office(world, client, db):
    token = issue_token(db, user=world.users[Role.inspector], label="scope")
    db.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/complaints/{world.mine.receipt_code}", headers=headers).status_code == 200
    response = client.get(f"/api/v1/complaints/{world.theirs.receipt_code}", headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_legal_hold_cannot_be_placed_on_a_case_out_of_scope(world, factory, login, db):
    other = factory.complaint("石桥镇下湾村会计把扶贫项目资金挪去还债。", accused_level="village_cadre")
    client = login.as_(world.users[Role.supervisor])
    response = client.post("/trust/holds", data={"receipt_code": other.receipt_code, "reason": "越权留存"})
    assert response.status_code == 422
    assert db.exec(select(LegalHold).where(LegalHold.reason == "越权留存")).all() == []


def test_an_inspector_without_an_office_sees_no_finding(world, factory, login):
    page = login.as_(factory.user(Role.inspector)).get("/crosscheck/").get_data(as_text=True)
    assert world.my_finding.name not in page and world.their_finding.name not in page


def test_a_finding_cannot_be_attached_to_a_complaint_out_of_scope(world, login, db):
    from models.findings import FindingComplaint

    client = login.as_(world.users[Role.inspector])
    response = client.post(f"/crosscheck/findings/{world.my_finding.id}/attach",
                           data={"receipt_code": world.theirs.receipt_code})
    assert response.status_code == 422 and "没有找到" in response.get_data(as_text=True)
    assert db.exec(select(FindingComplaint)).all() == []
