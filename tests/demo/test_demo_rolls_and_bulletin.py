"""The demo's rolls, cross-check findings and archived bulletins, and loading it a second time."""
from __future__ import annotations

import datetime as dt

from sqlmodel import select

from hotline.bulletins.weeks import last_complete_week
from hotline.crosscheck import lookup
from models.audit import AuditEntry
from models.bulletins import Bulletin, BulletinFile, BulletinStatus
from models.cases import Case, CaseEvent
from models.complaints import Complaint
from models.contacts import Contact
from models.findings import Finding, FindingComplaint, FindingStatus
from models.rolls import RollImport
from tests.demo.conftest import NOW, count


def _teacher_letter(session) -> Complaint:
    contact = session.exec(select(Contact).where(Contact.external_id == "demo-teacher")).one()
    return session.get(Complaint, contact.complaint_id)


def test_every_roll_kind_is_imported_through_the_importer(session):
    imports = session.exec(select(RollImport)).all()
    assert {i.kind for i in imports} == {"recipients", "households", "payroll", "deaths", "vehicles", "cadres"}
    assert all(i.rows_imported > 0 and i.rows_rejected == 0 and i.content_hash for i in imports)


def test_the_teacher_household_findings_are_confirmed_and_attached_to_the_letter(session):
    found = session.exec(select(Finding).where(Finding.rule == "payroll_household", Finding.name == "张浩然")).all()
    assert len(found) == 2  # one per parent on the payroll
    letter = _teacher_letter(session)
    for finding in found:
        assert finding.status is FindingStatus.confirmed and finding.village == "安乐村"
        assert {e["kind"] for e in finding.evidence} >= {"recipients", "payroll"}
        link = session.exec(select(FindingComplaint).where(FindingComplaint.finding_id == finding.id)).one()
        assert link.complaint_id == letter.id


def test_the_case_page_panel_shows_the_grant_and_the_parents_payroll_rows(session):
    matches = lookup.complaint_matches(session, _teacher_letter(session))
    grants = [r for r in matches.rows if r["kind"] == "recipients"]
    payroll = [r for r in matches.rows if r["kind"] == "payroll"]
    assert grants and all(r["fields"]["项目"] == "普通高中国家助学金" for r in grants)
    assert {r["fields"]["单位"] for r in payroll} == {"县第二中学"} and len(payroll) == 2


def test_the_planted_anomalies_are_found_and_the_tractor_decoy_is_not(session):
    rules = set(session.exec(select(Finding.rule)).all())
    assert rules >= {"payroll_household", "deceased_recipient", "vehicle_owner", "cadre_relative",
                      "duplicate_payment", "age_ineligible"}
    assert session.exec(select(Finding).where(Finding.name == "陈德贵")).first() is None


def test_one_finding_is_dismissed_and_one_becomes_a_clue_with_its_own_case(session):
    dismissed = session.exec(select(Finding).where(Finding.status == FindingStatus.dismissed)).one()
    assert dismissed.rule == "vehicle_owner" and dismissed.decision_reason
    clue = session.exec(select(FindingComplaint).where(FindingComplaint.kind == "clue")).one()
    complaint = session.get(Complaint, clue.complaint_id)
    assert complaint.source == "crosscheck"
    case = session.exec(select(Case).where(Case.complaint_id == complaint.id)).one()
    assert count(session, CaseEvent, CaseEvent.case_id == case.id, CaseEvent.kind == "assigned") == 1


def test_last_weeks_bulletin_is_built_and_published_with_its_files(session, demo_app):
    week = last_complete_week(NOW, demo_app.config["SETTINGS"].TIMEZONE)
    bulletin = session.exec(select(Bulletin).where(Bulletin.week == str(week))).one()
    assert bulletin.status is BulletinStatus.published and bulletin.trigger == "schedule"
    assert bulletin.started_at <= bulletin.built_at <= NOW and bulletin.started_at.weekday() == 0
    assert bulletin.issued_on == bulletin.started_at.date() and bulletin.number.endswith("号")
    values = bulletin.figures["values"]
    assert values["contacts"][0] > 0 and values["cases_closed"][0] > 0 and values["satisfaction_rate"][0] > 0
    names = set(session.exec(select(BulletinFile.name).where(BulletinFile.bulletin_id == bulletin.id)).all())
    assert {"bulletin.docx", "bulletin.xlsx", "bulletin.html", "figures.json"} <= names
    assert count(session, Bulletin) >= 2  # the archive holds earlier weeks too


def test_the_demo_has_a_campaign_period_and_an_approved_typical_case_published(session, demo_app):
    from hotline.bulletins import campaigns, figures, seed
    from models.bulletins import TypicalCase, TypicalStatus

    zone = demo_app.config["SETTINGS"].TIMEZONE
    period = campaigns.period_of(session, "专项整治以来", zone, last=(NOW - dt.timedelta(days=1)).date())
    assert period.start.year == NOW.year - 1
    published = session.exec(select(TypicalCase).where(TypicalCase.status == TypicalStatus.published)).all()
    assert published and all(row.approved_by_id and row.summary for row in published)
    result = figures.compute(session, period, zone=zone)
    text = seed.sentence(result.values, period)
    assert text.startswith("专项整治以来，共摸排问题线索") and f"通报典型案例{len(published)}起" in text


def test_loading_the_demo_again_adds_nothing(session, demo_app):
    from hotline.db import get_session
    from hotline.demo.loader import load_demo

    models = (Complaint, Case, CaseEvent, Finding, RollImport, Bulletin, AuditEntry)
    before = {m: count(session, m) for m in models}
    with demo_app.app_context():
        again = load_demo(get_session(), lookup_key=demo_app.config["LOOKUP_KEY"], now=NOW)
    assert not any(again.values())
    assert {m: count(session, m) for m in models} == before



def test_the_audit_trail_reads_in_time_order_and_ends_before_now(session, demo):
    times = session.exec(select(AuditEntry.at).where(AuditEntry.id <= demo["audit_last_id"])
                         .order_by(AuditEntry.id)).all()
    assert times == sorted(times) and times[-1] <= NOW
