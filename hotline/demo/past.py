"""The demo county's last five weeks, played in time order through the real domain functions.

Under a simulated clock (hotline.demo.clock): operators log the sample contacts when they came in;
each case then lives its story (hotline.demo.history); repeat reports are merged; the rolls are
imported and cross-checked two weeks ago and the findings decided; the reminder jobs run every
working morning; each Monday at 08:00 the scheduled bulletin of the week before is built and
published (with a typical case the demo supervisor approved, hotline.demo.bulletins). Only
contacts this run logs get a story, so loading the demo twice adds nothing.
"""
from __future__ import annotations

import datetime as dt
import random

from flask import current_app, has_app_context
from sqlmodel import Session, select

from hotline.cases import duplicates, reminders, supervision
from hotline.demo import rolls as demo_rolls
from hotline.demo import clues as demo_clues
from hotline.demo import stories
from hotline.demo.clock import simulated
from hotline.demo.county import TEACHER_ID
from hotline.demo.history import Director, stage_counts
from hotline.demo.timeline import Story, Timeline, at_local, office_time, zone
from hotline.intake import service
from models.cases import Case
from models.contacts import Contact
from models.users import User

BULLETIN_WEEKS = 3  # scheduled bulletins of the last weeks, built on their Mondays


class Past:
    """The shared state of one playing: the timeline, the director and the people in the story."""

    def __init__(self, session: Session, timeline: Timeline, lookup_key: bytes):
        self.session, self.timeline, self.lookup_key = session, timeline, lookup_key
        self.director = Director(session, timeline)
        self.users = {u.username: u for u in session.exec(select(User)).all()}
        self.teacher_story = Story("教师家庭领取助学金")
        self.merged = 0
        self.logged = 0

    def teacher_complaint(self):
        from models.complaints import Complaint

        contact = self.session.exec(select(Contact).where(Contact.external_id == TEACHER_ID)).first()
        return self.session.get(Complaint, contact.complaint_id) if contact and contact.complaint_id else None

    # --- contacts ---------------------------------------------------------------------------------
    def log(self, spec) -> None:
        data = service.IntakeData(
            text=spec.text, channel=spec.channel, phone=spec.phone, name=spec.name, anonymous=not spec.phone,
            township_id=spec.village.township_id, village_id=spec.village.id, external_id=spec.external_id,
            received_at=spec.received)
        operator = self.users.get(spec.operator) or self.users["operator"]
        complaint = service.log_contact(session=self.session, data=data, actor=operator,
                                         lookup_key=self.lookup_key)
        self.logged += 1
        case = self.session.exec(select(Case).where(Case.complaint_id == complaint.id)).one()
        rng = random.Random(spec.external_id)
        if spec.kind == "repeat":
            at = spec.received + dt.timedelta(minutes=12)
            self.timeline.add(at, "并单", lambda: self.merge(complaint.id, operator), self.teacher_story)
            return
        self.director.plan(case, complaint, rng, special="teacher" if spec.kind == "teacher" else "")

    def merge(self, complaint_id: int, operator: User) -> None:
        from models.complaints import Complaint

        target = self.teacher_complaint()
        surviving = duplicates.merge(session=self.session, source=self.session.get(Complaint, complaint_id),
                                     target=target, actor=operator, reason="同一事项重复举报，并入首次举报办理")
        self.merged += 1
        if target.repeat_count >= 3 and not surviving.supervised:
            cal, rng = self.director.cal, random.Random("teacher-supervision")
            at = office_time(cal, self.timeline.clock.at, 0, rng)
            inspector = self.director.inspectors.get(surviving.office_id, self.users["inspector3"])
            self.timeline.add(at, "挂牌督办", lambda: supervision.supervise(
                session=self.session, case=self.session.get(Case, surviving.id), days=20, interval_days=3,
                reason="同一问题被反复举报，" + stories.SUPERVISE_REASON, actor=self.users["supervisor"]),
                self.teacher_story)
            report_at = office_time(cal, at, 2, rng)
            self.timeline.add(report_at, "报告督办进展", lambda: supervision.report_progress(
                session=self.session, case=self.session.get(Case, surviving.id), progress=stories.PROGRESS[0]
                + "，大数据比对显示其父母均在财政供养人员名单中", actor=inspector), self.teacher_story)

    # --- rolls and findings -------------------------------------------------------------------------
    def rolls(self, now: dt.datetime) -> None:
        if demo_rolls.already_imported(self.session):
            return
        day = now.astimezone(zone()).date() - dt.timedelta(days=14)
        story = Story("大数据比对")
        generated = demo_rolls.Rolls(day)
        self.timeline.add(at_local(day, 10), "导入名册", lambda: demo_rolls.import_all(
            self.session, generated, actor=self.users["admin"]), story)
        self.timeline.add(at_local(day, 10, 40), "运行比对规则", lambda: self.run_rules(day), story)
        self.timeline.add(at_local(day + dt.timedelta(days=1), 9, 30), "核查疑点", lambda: self.decide(generated),
                          story)

    def run_rules(self, day: dt.date) -> None:
        from hotline.crosscheck import findings

        findings.run_rules(session=self.session, actor=self.users["supervisor"], today=day)

    def decide(self, generated) -> None:
        from hotline.crosscheck import decisions
        from models.findings import Finding

        def finding(rule: str, pid: str) -> Finding:
            return self.session.exec(select(Finding).where(Finding.rule == rule, Finding.id_number == pid)
                                     .order_by(Finding.id)).first()

        complaint = self.teacher_complaint()
        for teacher in self.session.exec(select(Finding).where(  # one finding per parent on the payroll
                Finding.rule == "payroll_household", Finding.id_number == generated.teacher["son"][1])).all():
            decisions.decide(session=self.session, finding=teacher, action="confirm", actor=self.users["inspector3"],
                             reason="经核实，张国华、李红梅系县第二中学在编教师，其子张浩然不符合助学金资助条件")
            if complaint is not None:
                decisions.attach(session=self.session, finding=teacher, complaint=complaint,
                                 actor=self.users["inspector3"])
        car = finding("vehicle_owner", generated.car_owner[1])
        decisions.decide(session=self.session, finding=car, action="dismiss", actor=self.users["supervisor"],
                         reason="经核实，该车辆已于去年转让他人，车管登记未及时变更")
        dead = finding("deceased_recipient", generated.deceased[1])
        decisions.decide(session=self.session, finding=dead, action="confirm", actor=self.users["supervisor"],
                         reason="经民政所核实，享受人已于6月去世，低保金仍在发放，需查明资金去向")
        clue = decisions.make_clue(session=self.session, finding=dead, actor=self.users["supervisor"],
                                   lookup_key=self.lookup_key)
        case = self.session.exec(select(Case).where(Case.complaint_id == clue.id)).one()
        self.director.plan(case, clue, random.Random("deceased-clue"))

    # --- the scheduler's jobs ---------------------------------------------------------------------
    def jobs(self, start: dt.datetime, now: dt.datetime) -> None:
        cal = self.director.cal
        day = start.astimezone(zone()).date()
        while day <= now.astimezone(zone()).date():
            if cal.is_workday(day):
                self.timeline.add(at_local(day, 9, 5), "催办督办", lambda: reminders.run_all(
                    self.session, now=self.timeline.clock.at))
            if day.weekday() == 0 and day > start.astimezone(zone()).date() + dt.timedelta(days=6):
                self.timeline.add(at_local(day, 8), "每周通报", self.bulletin)
            day += dt.timedelta(days=1)

    def bulletin(self) -> None:
        from hotline.bulletins import archive
        from hotline.bulletins.weeks import last_complete_week
        from hotline.demo import bulletins as demo_bulletins

        if not has_app_context():
            return
        settings = current_app.config["SETTINGS"]
        moment = self.timeline.clock.at
        week = last_complete_week(moment, settings.TIMEZONE)
        if moment < self.timeline.now - dt.timedelta(weeks=BULLETIN_WEEKS):
            return
        bulletin = archive.claim_scheduled(session=self.session, week=week, settings=settings)
        if bulletin is not None:
            demo_bulletins.before_publication(self.session)  # the campaign, an approved typical case
            archive.complete(session=self.session, bulletin=bulletin, settings=settings, publish=True)


def play(session: Session, *, lookup_key: bytes, now: dt.datetime, specs: list) -> dict[str, int]:
    """Play the contacts in `specs` and everything that followed them; returns what was added."""
    if not specs:
        return {"来电来信": 0}
    with simulated() as clock:
        timeline = Timeline(session, clock, now)
        past = Past(session, timeline, lookup_key)
        for spec in specs:
            timeline.add(min(spec.received + dt.timedelta(minutes=3), now), "登记来电", lambda spec=spec: past.log(spec))
        past.rolls(now)
        demo_clues.plan(past, now)  # a clue from every source, and the register's steps
        past.jobs(min(spec.received for spec in specs), now)
        timeline.play()
    stages = stage_counts(session)
    return {"来电来信": past.logged, "并单": past.merged, "办理步骤": timeline.played,
            "已办结": stages["closed"], "未能执行的步骤": len(timeline.problems)}
