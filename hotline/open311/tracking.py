"""GET requests: a partner's own requests, filtered as GeoReport v2 says, with what it may know."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from hotline import receipts, scope, settings
from hotline.open311 import catalogue
from hotline.open311.service import MAX_IDS, MAX_RESULTS, MERGED_NOTE, STAGE_NOTES, Open311Error
from models.base import utcnow
from models.cases import Case
from models.complaints import Complaint, ComplaintStatus
from models.divisions import Township, Village
from models.offices import Office
from models.open311 import Open311Client, Open311Request
from models.taxonomy import ProblemType

DEFAULT_WINDOW = dt.timedelta(days=90)
STATUSES = ("open", "closed")


@dataclass
class Query:
    ids: list[str] = field(default_factory=list)
    services: list[ProblemType] = field(default_factory=list)
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    statuses: list[str] = field(default_factory=list)


def _split(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _when(raw: str | None, name: str, zone: ZoneInfo) -> dt.datetime | None:
    if not (raw or "").strip():
        return None
    try:
        value = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise Open311Error(400, f"{name} 须为 ISO 8601 时间，例如 2024-05-01T08:00:00+08:00") from None
    return value.replace(tzinfo=zone) if value.tzinfo is None else value  # naive: local time


def parse_query(args: dict[str, str], zone: ZoneInfo) -> Query:
    """Read the GET parameters; service_request_id, when given, overrides every other filter."""
    ids = _split(args.get("service_request_id"))
    if len(ids) > MAX_IDS:
        raise Open311Error(400, f"service_request_id 一次最多查询{MAX_IDS}个")
    if ids:
        return Query(ids=[receipts.clean(i) for i in ids])
    services = []
    for code in _split(args.get("service_code")):
        service = catalogue.service_for(code)
        if service is None:
            raise Open311Error(400, f"service_code 不存在：{code[:40]}")
        services.append(service)
    statuses = _split(args.get("status"))
    if any(s not in STATUSES for s in statuses):
        raise Open311Error(400, "status 只能是 open 或 closed")
    start, end = _when(args.get("start_date"), "start_date", zone), _when(args.get("end_date"), "end_date", zone)
    if start and end and start > end:
        raise Open311Error(400, "start_date 不能晚于 end_date")
    if start is None:
        start = (end or utcnow()) - DEFAULT_WINDOW
    return Query(services=services, start=start, end=end, statuses=statuses)


def find(session: Session, *, client: Open311Client, query: Query) -> list[dict]:
    """The client's requests matching the query, newest first (at most MAX_RESULTS)."""
    target = aliased(Complaint)
    effective = sa.func.coalesce(target.status, Complaint.status)
    stmt = (select(Open311Request, Complaint).join(Complaint, Complaint.id == Open311Request.complaint_id)
            .join(target, target.id == Complaint.merged_into_id, isouter=True)
            .where(scope.partner_request_filter(client)))
    if query.ids:
        stmt = stmt.where(Complaint.receipt_code.in_(query.ids))
    else:
        if query.services:
            stmt = stmt.where(Open311Request.service_code.in_(query.services))
        if query.start:
            stmt = stmt.where(Complaint.received_at >= query.start)
        if query.end:
            stmt = stmt.where(Complaint.received_at <= query.end)
        if query.statuses == ["closed"]:
            stmt = stmt.where(effective == ComplaintStatus.closed)
        elif query.statuses == ["open"]:
            stmt = stmt.where(effective != ComplaintStatus.closed)
    rows = session.exec(stmt.order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(MAX_RESULTS)).all()
    context = _Context.load(session, [complaint for _request, complaint in rows])
    return [context.describe(request, complaint) for request, complaint in rows]


def find_one(session: Session, *, client: Open311Client, request_id: str) -> dict | None:
    """One of the client's requests by its service_request_id (the receipt code), or None."""
    code = receipts.clean(request_id)
    if not receipts.is_well_formed(code):
        return None
    found = find(session, client=client, query=Query(ids=[code]))
    return found[0] if found else None


def _iso(value: dt.datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat(timespec="seconds") if value else None


@dataclass
class _Context:
    """What describing a page of requests needs, read in a handful of queries (not per row)."""

    handled: dict[int, Complaint]  # complaint id → the complaint whose case handles it
    cases: dict[int, Case]  # complaint id → case
    offices: dict[int, Office]
    towns: dict[int, Township]
    villages: dict[int, Village]
    zone: ZoneInfo

    @classmethod
    def load(cls, session: Session, complaints: list[Complaint]) -> "_Context":
        targets = {c.merged_into_id for c in complaints if c.merged_into_id}
        merged = {c.id: c for c in session.exec(select(Complaint).where(Complaint.id.in_(targets))).all()} \
            if targets else {}
        handled = {c.id: merged.get(c.merged_into_id, c) for c in complaints}
        ids = {h.id for h in handled.values()}
        cases = {c.complaint_id: c for c in session.exec(select(Case).where(Case.complaint_id.in_(ids))).all()} \
            if ids else {}
        zone = ZoneInfo(settings.current().TIMEZONE)
        return cls(handled, cases, {o.id: o for o in session.exec(select(Office)).all()},
                   {t.id: t for t in session.exec(select(Township)).all()},
                   {v.id: v for v in session.exec(select(Village)).all()}, zone)

    def describe(self, request: Open311Request, complaint: Complaint) -> dict:
        """A request as GeoReport v2 shows it. A merged complaint reports the case that absorbed it."""
        handled = self.handled.get(complaint.id, complaint)
        case = self.cases.get(handled.id)
        office = self.offices.get(case.office_id) if case else None
        town, village = self.towns.get(complaint.township_id), self.villages.get(complaint.village_id)
        notes = STAGE_NOTES.get(handled.status, "")
        if handled is not complaint:
            notes = f"{MERGED_NOTE}；{notes}"
        updated = max(t for t in (complaint.updated_at, handled.updated_at, complaint.received_at) if t)
        return {
            "service_request_id": complaint.receipt_code,
            "status": "closed" if handled.status is ComplaintStatus.closed else "open",
            "status_notes": notes,
            "service_name": request.service_code.label,
            "service_code": request.service_code.value,
            "agency_responsible": office.kind.label if office else None,
            "service_notice": None,
            "requested_datetime": _iso(complaint.received_at, self.zone),
            "updated_datetime": _iso(updated, self.zone),
            "expected_datetime": None,
            "address": ((town.name if town else "") + (village.name if village else "")) or None,
            "address_id": village.code if village else (town.code if town else None),
            "zipcode": None, "lat": None, "long": None, "media_url": None,
            "external_id": request.partner_id,
        }
