"""Each demo case's life through the real workflow: assignment, dispositions, outcomes, feedback.

`Director.plan` writes a case's story as steps at working-day offsets from its intake; the
timeline plays them in time order, so older cases are further along and a young one is still
waiting. A few roles are handed out once each (send-backs, stalled cases that become overdue,
supervision, an extension, a rejected proposal, an unsatisfied return visit and a reopening),
to the first case old enough to show it.
"""
from __future__ import annotations

import random
from collections import Counter

from sqlmodel import Session, select

from hotline.cases import deadlines, feedback, supervision, workflow
from hotline.demo import outcomes as demo_outcomes
from hotline.demo import stories
from hotline.demo.timeline import Story, Timeline, office_time
from models.cases import Case, CaseStatus
from models.complaints import AccusedPerson, Complaint
from models.offices import Office, OfficeJurisdiction, OfficeKind
from models.taxonomy import ProblemType
from models.users import Role, User

# Roles handed out once each, to the first cases whose planned steps show them by `now`
# (a filed case still under investigation, a reopening that has happened ...): role -> how many.
QUOTAS = {"send_back": 2, "stall_assign": 1, "stall_dispose": 3, "reject": 1, "supervise": 2, "file": 2,
          "file_old": 1, "extend": 1, "resume": 1, "unsatisfied": 1, "stall_feedback": 1}
DISPATCH_BY_PROGRAM = {"education": "派驻县教育局纪检监察组", "dibao": "派驻县民政局纪检监察组",
                       "housing": "派驻县住建局纪检监察组", "agri_subsidy": "派驻县农业农村局纪检监察组",
                       "industry": "派驻县农业农村局纪检监察组"}


class Director:
    """Plans the stories of the demo cases on a timeline."""

    def __init__(self, session: Session, timeline: Timeline):
        self.session, self.timeline = session, timeline
        self.cal = deadlines.calendar_for(session)
        self.used: Counter[str] = Counter()
        users = session.exec(select(User).where(User.active)).all()
        self.by_name = {u.username: u for u in users}
        self.inspectors: dict[int, User] = {}
        for user in sorted(users, key=lambda u: (not u.username.startswith("inspector"), u.id)):
            if user.role is Role.inspector and user.office_id:
                self.inspectors.setdefault(user.office_id, user)
        self.offices = {o.id: o for o in session.exec(select(Office)).all()}
        self.office_by_name = {o.name: o for o in self.offices.values()}
        self.supervisor = self.by_name.get("supervisor")
        deputy = self.by_name.get("supervisor2")
        self.deputy_offices = workflow.supervised_office_ids(session, deputy) if deputy else set()
        self.outcome_no: Counter[str] = Counter()
        self.exonerated: list[tuple] = []
        self.visit_no = 0

    # --- who acts -----------------------------------------------------------------------------
    def supervisor_for(self, office_id: int, rng: random.Random) -> User:
        deputy = self.by_name.get("supervisor2")
        if deputy is not None and office_id in self.deputy_offices and rng.random() < 0.7:
            return deputy
        return self.supervisor

    def operator(self, rng: random.Random) -> User:
        return self.by_name.get(rng.choice(["operator", "operator2"])) or self.by_name["operator"]

    def take(self, role: str, shows: bool) -> bool:
        """Hand out a once-only role to this case if, as planned, it shows by `now`."""
        if shows and self.used[role] < QUOTAS[role]:
            self.used[role] += 1
            return True
        return False

    def later(self, t, days: int, rng: random.Random):
        return office_time(self.cal, t, days, rng)

    def past(self, t) -> bool:
        return t <= self.timeline.now

    # --- steps ----------------------------------------------------------------------------------
    def _case(self, case_id: int) -> Case:
        return self.session.get(Case, case_id)

    def step(self, at, label: str, story: Story, func, **kwargs) -> None:
        """Queue a workflow call on the case (fetched fresh when the step plays)."""
        case_id = kwargs.pop("case_id")
        self.timeline.add(at, label, lambda: func(session=self.session, case=self._case(case_id), **kwargs), story)

    def plan(self, case: Case, complaint: Complaint, rng: random.Random, *, special: str = "") -> None:
        """Write the case's story from its intake on."""
        story = Story(f"线索{complaint.receipt_code}")
        t = case.office_received_at or case.opened_at
        office, cid = self.offices[case.office_id], case.id
        if office.kind is OfficeKind.case_management:
            office = self.office_by_name.get(DISPATCH_BY_PROGRAM.get(getattr(complaint.program, "value", ""), ""),
                                             self.office_by_name["第一监督检查室"])
            t = self.later(t, 0, rng)
            self.step(t, "改派", story, workflow.reassign, case_id=cid, office=office,
                      reason=stories.DISPATCH_REASON, actor=self.supervisor_for(office.id, rng))
        elif office.kind is OfficeKind.township_commission and office.id in self.inspectors:
            target = self._jurisdiction_office(office)
            back = self.later(t, 0, rng)
            if target is not None and self.take("send_back", self.past(self.later(back, 6, rng))):
                self.step(back, "退单", story, workflow.send_back, case_id=cid, reason=stories.SEND_BACK_REASON,
                          actor=self.inspectors[office.id])
                t = self.later(back, 0, rng)
                self.step(t, "改派", story, workflow.reassign, case_id=cid, office=target,
                          reason=stories.REASSIGN_REASON, actor=self.supervisor)
                office = target
        inspector = self.inspectors.get(office.id)
        if inspector is None:
            return  # nobody to work it: it waits in the office's queue
        boss = self.supervisor_for(office.id, rng)
        stalled = self.take("stall_assign", self.past(self.later(t, 2, rng)) and not self.past(self.later(t, 5, rng)))
        t = self.later(t, 8 if stalled else rng.choice([0, 0, 0, 1]), rng)
        self.step(t, "分办", story, workflow.assign, case_id=cid, inspector=inspector, actor=boss)
        if special == "teacher":
            return self._teacher(story, cid, t, inspector, boss, rng)
        disposition = self._disposition(rng)
        if complaint.problem_type is ProblemType.other:
            disposition = "dismissed"  # not a complaint (praise, an enquiry): settled, never substantiated
        overdue = self.past(self.later(t, 16, rng)) and not self.past(self.later(t, 22, rng))
        t = self.later(t, 30 if self.take("stall_dispose", overdue) else rng.randint(1, 4), rng)
        if self.take("reject", self.past(self.later(t, 4, rng))):
            self.step(t, "提出处置意见", story, workflow.propose, case_id=cid, disposition=disposition,
                      reason=stories.PROPOSALS[disposition], actor=inspector)
            t = self.later(t, 1, rng)
            self.step(t, "退回处置意见", story, workflow.reject, case_id=cid, reason=stories.REJECT_REASON, actor=boss)
            t = self.later(t, 2, rng)
        self.step(t, "提出处置意见", story, workflow.propose, case_id=cid, disposition=disposition,
                  reason=stories.PROPOSALS[disposition], actor=inspector)
        t = self.later(t, rng.choice([0, 1]), rng)
        self.step(t, "批准处置意见", story, workflow.approve, case_id=cid, actor=boss)
        if disposition == "dismissed":
            return self._closing(story, cid, complaint, t, inspector, boss, rng)
        if disposition == "shelved":
            resumed = self.later(t, 6, rng)
            if not self.take("resume", self.past(resumed)):
                return None
            t = resumed
            self.step(t, "恢复核实", story, workflow.resume, case_id=cid, reason=stories.RESUME_REASON, actor=boss)
            disposition = "preliminary_verification"
        if disposition == "talk_inquiry":
            t = self.later(t, rng.randint(4, 8), rng)
            outcome = self._outcome("light", t)
        else:
            begun = self.later(t, 1, rng)
            done = self.later(begun, rng.randint(15, 20), rng)
            if self.take("supervise", self.past(begun) and not self.past(done)):
                self.step(begun, "挂牌督办", story, supervision.supervise, case_id=cid, days=25, interval_days=5,
                          reason=stories.SUPERVISE_REASON, actor=self.supervisor)
                self._progress(story, cid, begun, done, inspector, rng)
                t, outcome = done, self._outcome("full", done)
            else:
                t, outcome = self._verification(story, cid, t, boss, rng)
        if outcome[0] is None:  # a 谈话函询 settled (了结): no finding
            self.step(t, "函询了结", story, workflow.settle, case_id=cid, reason=outcome[-1],
                      measures=self._measures_for(complaint, outcome), actor=inspector)
        else:
            self.step(t, "登记办理结果", story, workflow.record_outcome, case_id=cid,
                      outcome=self._outcome_for(complaint, outcome), actor=inspector)
        demo_outcomes.after_outcome(self, story, cid, self._accused_name(complaint), outcome, t, inspector, boss, rng)
        # A case whose accused is publicly cleared (澄清正名) is not the one reopened: reopening
        # withdraws its finding, and the clearance would then rest on none.
        return self._closing(story, cid, complaint, t, inspector, boss, rng, reopenable=not outcome[3])

    def _verification(self, story: Story, cid: int, t, boss: User, rng: random.Random) -> tuple:
        """Preliminary verification, sometimes turned into a formal case (立案): (outcome time, outcome)."""
        t = self.later(t, rng.randint(6, 12), rng)
        filed_done = self.later(t, rng.randint(8, 12), rng)
        ongoing = self.past(t) and not self.past(filed_done)
        if not (self.take("file", ongoing) or self.take("file_old", self.past(filed_done))):
            return t, self._outcome("full", t)
        self.step(t, "立案审查调查", story, workflow.file_case, case_id=cid, reason=stories.FILE_REASON, actor=boss)
        extended = self.later(t, 2, rng)
        if self.take("extend", self.past(extended) and ongoing):
            self.step(extended, "批准延期", story, workflow.extend, case_id=cid, days=10,
                      reason=stories.EXTEND_REASON, actor=boss)
        return filed_done, self._outcome("serious", filed_done)

    def _teacher(self, story: Story, cid: int, t, inspector: User, boss: User, rng: random.Random) -> None:
        """The teacher-household letter: in preliminary verification, supervised once merged (see past)."""
        t = self.later(t, 1, rng)
        self.step(t, "提出处置意见", story, workflow.propose, case_id=cid, disposition="preliminary_verification",
                  reason=stories.PROPOSALS["preliminary_verification"], actor=inspector)
        self.step(self.later(t, 0, rng), "批准处置意见", story, workflow.approve, case_id=cid, actor=boss)

    def _progress(self, story: Story, cid: int, start, end, inspector: User, rng: random.Random) -> None:
        t = start
        for text in stories.PROGRESS:
            t = self.later(t, 5, rng)
            if t >= end:
                return
            self.timeline.add(t, "报告督办进展", lambda text=text: supervision.report_progress(
                session=self.session, case=self._case(cid), progress=text, actor=inspector), story)

    def _closing(self, story: Story, cid: int, complaint: Complaint, t, inspector: User, boss: User,
                 rng: random.Random, *, reopenable: bool = True) -> None:
        """Feedback and a return visit for a named complainant, then the closing (and one reopening)."""
        unsatisfied = False
        if workflow.named_complainant(self.session, self._case(cid)) is not None:
            operator = self.operator(rng)
            late = self.take("stall_feedback", self.past(self.later(t, 17, rng)))  # overdue feedback
            t = self.later(t, 25 if late else rng.randint(1, 3), rng)
            note = rng.choice(stories.FEEDBACK_NOTES)
            self.timeline.add(t, "反馈举报人", lambda: feedback.record_feedback(
                session=self.session, case=self._case(cid), channel="call", note=note, actor=operator), story)
            t = self.later(t, rng.randint(1, 3), rng)
            due = self.past(self.later(t, 3, rng))
            unsatisfied = reopenable and self.take("unsatisfied", due)
            satisfaction, visit = stories.UNSATISFIED if unsatisfied else stories.VISIT[self.visit_no % len(stories.VISIT)]
            self.visit_no += 1
            self.timeline.add(t, "登记回访", lambda: feedback.record_return_visit(
                session=self.session, case=self._case(cid), satisfaction=satisfaction, note=visit, actor=operator),
                story)
        t = self.later(t, rng.choice([0, 1]), rng)
        self.step(t, "提请办结", story, workflow.propose_close, case_id=cid, note=stories.CLOSE_NOTE, actor=inspector)
        t = self.later(t, rng.choice([0, 1]), rng)
        self.step(t, "批准办结", story, workflow.close, case_id=cid, actor=boss)
        if unsatisfied:
            self.step(self.later(t, 1, rng), "重新办理", story, workflow.reopen, case_id=cid,
                      reason=stories.REOPEN_REASON, actor=self.supervisor)

    # --- choices --------------------------------------------------------------------------------
    def _jurisdiction_office(self, office: Office) -> Office | None:
        towns = select(OfficeJurisdiction.township_id).where(OfficeJurisdiction.office_id == office.id)
        for row in self.session.exec(select(OfficeJurisdiction).where(
                OfficeJurisdiction.township_id.in_(towns))).all():
            other = self.offices[row.office_id]
            if other.kind is OfficeKind.supervision_office and other.id in self.inspectors:
                return other
        return None

    @staticmethod
    def _disposition(rng: random.Random) -> str:
        roll = rng.random()
        if roll < 0.18:
            return "dismissed"
        if roll < 0.42:
            return "talk_inquiry"
        if roll < 0.9:
            return "preliminary_verification"
        return "shelved"

    def _outcome(self, pool: str, when) -> tuple:
        """The next outcome of the pool (light: talk inquiries; full: verifications; serious: formal cases).
        Only outcomes recorded by `now` take their turn, so the played ones show the whole pool."""
        outcomes = stories.OUTCOMES[pool]
        if not self.past(when):
            return outcomes[0]
        while True:  # exonerations are rare: each one once
            chosen = outcomes[self.outcome_no[pool] % len(outcomes)]
            self.outcome_no[pool] += 1
            if not chosen[4] or chosen not in self.exonerated:
                break
        if chosen[4]:
            self.exonerated.append(chosen)
        return chosen

    def _accused_name(self, complaint: Complaint) -> str:
        accused = self.session.exec(select(AccusedPerson.name).where(AccusedPerson.complaint_id == complaint.id,
                                                                     AccusedPerson.name != "不详")).first()
        return accused or stories.ACCUSED_FALLBACK[complaint.id % len(stories.ACCUSED_FALLBACK)]

    def _measures_for(self, complaint: Complaint, spec: tuple) -> list[tuple[str, str, str]]:
        name = self._accused_name(complaint)
        return [(kind, name if person is None else f"{name[0]}某（{person}）", grade or "")
                for kind, grade, person in spec[1]]

    def _outcome_for(self, complaint: Complaint, spec: tuple) -> workflow.Outcome:
        finding, _measures, money, _cleared, _tolerance, _condition, note = spec
        return workflow.Outcome(finding=finding, measures=self._measures_for(complaint, spec), money_recovered=money,
                                note=note)


def stage_counts(session: Session) -> dict[str, int]:
    """How many demo cases are at each status (for the loader's summary and the tests)."""
    counts: Counter[str] = Counter(s.value for s in session.exec(select(Case.status)).all())
    return {status.value: counts.get(status.value, 0) for status in CaseStatus}
