"""The register (台账) as staff read and export it: one row per clue, filtered, within the reader's scope.

No column says who reported: the register is passed around on paper; identity stays in the vault.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from hotline import settings
from models.cases import Case, CaseStatus, Disposition, Finding
from models.clues import Clue, ClueHandling, ClueSource
from models.complaints import AccusedPerson, Complaint
from models.divisions import Township, Village
from models.offices import Office
from models.taxonomy import AccusedLevel, Program, ProblemType

TRANSFERRED = "transferred"  # the status filter's value for 已转送 (beside the case statuses)
COLUMNS = ("线索编号", "受理日期", "来源", "来源文号", "反映人类型", "被反映人及职务层级", "涉及乡镇村", "问题类型",
           "涉及项目", "涉及金额", "承办单位", "处置方式", "办理状态", "办结日期", "办理结果")


@dataclass
class RegisterFilter:
    """Validated filters (hotline/clues/views.py and commands.py parse them)."""

    start: dt.date | None = None  # received on or after (local date)
    end: dt.date | None = None  # received on or before
    source: ClueSource | None = None
    named: bool | None = None
    problem_type: ProblemType | None = None
    program: Program | None = None
    township_id: int | None = None
    disposition: Disposition | None = None
    status: str = ""  # a CaseStatus value or TRANSFERRED
    scope: sa.ColumnElement | None = None  # a WHERE on Complaint (hotline.scope.complaint_filter)


@dataclass
class RegisterRow:
    clue: Clue
    complaint: Complaint
    case: Case | None
    office: str
    township: str
    village: str
    accused: list[AccusedPerson]

    def cells(self, zone: ZoneInfo) -> list:
        """The row in COLUMNS order: text and dates for a spreadsheet, the amount as a number."""
        clue, complaint, case = self.clue, self.complaint, self.case
        transferred = clue.handling is ClueHandling.transferred
        return [
            clue.number, clue.received_at.astimezone(zone).date(), ClueSource(clue.source).label,
            clue.referral_doc_number or "", "实名" if clue.named else "匿名",
            "；".join(_accused_text(a) for a in self.accused), f"{self.township}{self.village}",
            ProblemType(complaint.problem_type).label if complaint.problem_type else "",
            Program(complaint.program).label if complaint.program else "",
            complaint.amount_yuan,
            f"转送{clue.transferred_to}" if transferred else self.office,
            Disposition(case.disposition).label if case and case.disposition else "",
            status_label(clue, case),
            _date(clue.transferred_at if transferred else case.closed_at if case else None, zone),
            result_label(clue, case),
        ]


def _date(value: dt.datetime | None, zone: ZoneInfo) -> dt.date | None:
    return value.astimezone(zone).date() if value else None


def _accused_text(person: AccusedPerson) -> str:
    title = "，".join(x for x in (person.title, AccusedLevel(person.level).label if person.level else "") if x)
    return f"{person.name}（{title}）" if title else person.name


def status_label(clue: Clue, case: Case | None) -> str:
    if clue.handling is ClueHandling.transferred:
        return "已转送"
    return CaseStatus(case.status).label if case else "待分办"


def result_label(clue: Clue, case: Case | None) -> str:
    if clue.handling is ClueHandling.transferred:
        return f"不予受理，转送{clue.transferred_to}"
    if case is None:
        return ""
    if case.finding:
        return Finding(case.finding).label
    if case.disposition is Disposition.dismissed and case.concluded_at:
        return "予以了结"
    return ""


def _local_bound(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.timezone.utc)


def _statement(f: RegisterFilter):
    zone = ZoneInfo(settings.current().TIMEZONE)
    stmt = (select(Clue, Complaint, Case, Office.name, Township.name, Village.name)
            .join(Complaint, Complaint.id == Clue.complaint_id)
            .join(Case, Case.complaint_id == Complaint.id, isouter=True)
            .join(Office, Office.id == Case.office_id, isouter=True)
            .join(Township, Township.id == Complaint.township_id, isouter=True)
            .join(Village, Village.id == Complaint.village_id, isouter=True))
    if f.scope is not None:
        stmt = stmt.where(f.scope)
    if f.start:
        stmt = stmt.where(Clue.received_at >= _local_bound(f.start, zone))
    if f.end:
        stmt = stmt.where(Clue.received_at < _local_bound(f.end + dt.timedelta(days=1), zone))
    if f.source:
        stmt = stmt.where(Clue.source == f.source)
    if f.named is not None:
        stmt = stmt.where(Clue.named == f.named)
    if f.problem_type:
        stmt = stmt.where(Complaint.problem_type == f.problem_type)
    if f.program:
        stmt = stmt.where(Complaint.program == f.program)
    if f.township_id:
        stmt = stmt.where(Complaint.township_id == f.township_id)
    if f.disposition:
        stmt = stmt.where(Case.disposition == f.disposition)
    if f.status == TRANSFERRED:
        stmt = stmt.where(Clue.handling == ClueHandling.transferred)
    elif f.status:
        stmt = stmt.where(Clue.handling == ClueHandling.own, Case.status == f.status)
    return stmt


def _rows(session: Session, result) -> list[RegisterRow]:
    result = list(result)
    accused: dict[int, list[AccusedPerson]] = {}
    ids = [complaint.id for _, complaint, *_ in result]
    for person in session.exec(select(AccusedPerson).where(AccusedPerson.complaint_id.in_(ids or [-1]))
                               .order_by(AccusedPerson.id)).all():
        accused.setdefault(person.complaint_id, []).append(person)
    return [RegisterRow(clue, complaint, case, office or "", township or "", village or "",
                        accused.get(complaint.id, []))
            for clue, complaint, case, office, township, village in result]


def page(session: Session, f: RegisterFilter, *, limit: int = 50, offset: int = 0) -> list[RegisterRow]:
    """One page of the register, newest number first."""
    stmt = _statement(f).order_by(Clue.year.desc(), Clue.seq.desc()).offset(offset).limit(limit)
    return _rows(session, session.exec(stmt).all())


def count(session: Session, f: RegisterFilter) -> int:
    return session.exec(select(sa.func.count()).select_from(_statement(f).subquery())).one()


def every_row(session: Session, f: RegisterFilter, *, batch: int = 1000) -> Iterator[RegisterRow]:
    """The whole register in number order, read in batches (keyset on year, sequence, id)."""
    key = sa.tuple_(Clue.year, Clue.seq, Clue.id)
    last = None
    while True:
        stmt = _statement(f)
        if last is not None:
            stmt = stmt.where(key > sa.tuple_(*last))
        rows = _rows(session, session.exec(stmt.order_by(Clue.year, Clue.seq, Clue.id).limit(batch)).all())
        if not rows:
            return
        yield from rows
        last = (rows[-1].clue.year, rows[-1].clue.seq, rows[-1].clue.id)
