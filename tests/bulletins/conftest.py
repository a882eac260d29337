"""Fixture data for bulletin tests: rows written directly with chosen timestamps (local time)."""
from __future__ import annotations

import datetime as dt
import decimal
import itertools
from zoneinfo import ZoneInfo

import pytest

from models.cases import (Case, CaseDeadline, CaseEvent, CaseMeasure, Finding, MeasureKind,
                          ReturnVisit, Satisfaction, SupervisionOrder, SupervisionReport)
from hotline.clues.sources import CHANNEL_SOURCES
from models.clues import Clue
from models.complaints import AccusedPerson, Complaint, ComplaintStatus
from models.outcomes import MeasureGrade
from models.contacts import Contact
from models.taxonomy import AccusedLevel, Channel

ZONE = ZoneInfo("Asia/Shanghai")
_codes = itertools.count(100000000000)
_clue_numbers = itertools.count(1)


def local(year, month, day, hour=10, minute=0) -> dt.datetime:
    """A Beijing wall-clock time as an aware UTC datetime."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZONE).astimezone(dt.timezone.utc)


class Data:
    """Writes contacts, clues, cases and what happened to them, at the times a test chooses."""

    def __init__(self, db, county):
        self.db, self.county = db, county

    def office(self, name: str):
        return self.county["offices"][name]

    def clue(self, at, *, channel=Channel.call, township="石桥镇", village=None, problem_type=None,
             program=None, followups=0, merged_into=None, accused=None, title=None,
             level=AccusedLevel.village_cadre, text="反映村干部优亲厚友。", source=None) -> Complaint:
        complaint = Complaint(receipt_code=str(next(_codes)), text=text, received_at=at,
                              township_id=self.county["townships"][township].id if township else None,
                              village_id=self.county["villages"][village].id if village else None,
                              problem_type=problem_type, program=program,
                              merged_into_id=merged_into.id if merged_into else None,
                              status=ComplaintStatus.merged if merged_into else ComplaintStatus.received)
        self.db.add(complaint)
        self.db.flush()
        self.db.add(Contact(channel=channel, received_at=at, raw_text=text, complaint_id=complaint.id))
        seq = next(_clue_numbers)  # registered in the clue register, as intake does
        self.db.add(Clue(complaint_id=complaint.id, number=f"测试线〔{at.year}〕{seq:05d}号", commission="测试",
                         year=at.year, seq=seq, source=source or CHANNEL_SOURCES[channel], received_at=at,
                         registered_at=at))
        for n in range(followups):
            self.db.add(Contact(channel=Channel.call, received_at=at + dt.timedelta(hours=n + 1),
                                raw_text="查询办理进度", complaint_id=complaint.id, is_followup=True))
        if accused:
            self.db.add(AccusedPerson(complaint_id=complaint.id, name=accused, title=title, level=level))
        self.db.flush()
        return complaint

    def case(self, complaint, office="石桥镇纪委", *, opened=None) -> Case:
        office_row = self.office(office)
        case = Case(complaint_id=complaint.id, office_id=office_row.id, opened_at=opened or complaint.received_at)
        self.db.add(case)
        self.db.flush()
        self.event(case, "opened", case.opened_at, office=office)
        return case

    def event(self, case, kind, at, *, office=None, **data):
        office_id = self.office(office).id if office else case.office_id
        self.db.add(CaseEvent(case_id=case.id, kind=kind, at=at, office_id=office_id, data=data or None))
        self.db.flush()

    def deadline(self, case, kind, started, due, *, met=None, cancelled=None, office=None):
        office_id = self.office(office).id if office else case.office_id
        row = CaseDeadline(case_id=case.id, office_id=office_id, kind=kind, started_at=started, due_at=due,
                           met_at=met, cancelled_at=cancelled)
        self.db.add(row)
        self.db.flush()
        return row

    def outcome(self, case, at, *, finding=Finding.true, measures=(), money=None, name_cleared=False,
                exoneration=None):
        """An outcome recorded as the workflow records it: the case's columns and a dated event."""
        case.finding, case.concluded_at = finding, at
        case.money_recovered_yuan = decimal.Decimal(money) if money is not None else None
        self.db.add(case)
        for kind, person, *grade in measures:  # (kind, person) or (kind, person, grade)
            self.db.add(CaseMeasure(case_id=case.id, kind=MeasureKind(kind), person_name=person, at=at,
                                    grade=MeasureGrade(grade[0]) if grade else None))
        if finding is None:  # 予以了结: a dismissal approved, no finding
            self.event(case, "disposition_approved", at, disposition="dismissed")
        else:
            self.event(case, "outcome_recorded", at, finding=finding.value,
                       measures=[list(m) for m in measures],
                       money_recovered=str(decimal.Decimal(money).quantize(decimal.Decimal("0.01")))
                       if money is not None else None, name_cleared=name_cleared, exoneration=exoneration)

    def close(self, case, at, *, finding=Finding.true, measures=(), money=None, concluded=None):
        self.outcome(case, concluded or at, finding=finding, measures=measures, money=money)
        case.closed_at = at
        self.db.add(case)
        self.event(case, "closed", at)

    def reopen(self, case, at):
        """As the workflow reopens: the case's outcome columns cleared, a dated event."""
        case.closed_at = case.finding = case.concluded_at = None
        case.reopen_count += 1
        self.db.add(case)
        self.event(case, "reopened", at)

    def visit(self, case, at, satisfaction):
        self.db.add(ReturnVisit(case_id=case.id, at=at, satisfaction=Satisfaction(satisfaction)))
        self.db.flush()

    def supervise(self, case, set_at, due, *, lifted=None, reports=()):
        order = SupervisionOrder(case_id=case.id, reason="群众反复举报", due_at=due, interval_days=5,
                                 next_report_due_at=due, set_at=set_at, lifted_at=lifted)
        self.db.add(order)
        self.db.flush()
        case.supervised = True
        self.db.add(case)
        for at in reports:
            self.db.add(SupervisionReport(order_id=order.id, case_id=case.id, progress="已约谈王某", at=at))
        self.db.flush()
        return order


@pytest.fixture
def data(db, factory) -> Data:
    return Data(db, factory.county())


@pytest.fixture
def settings(app):
    return app.config["SETTINGS"]
