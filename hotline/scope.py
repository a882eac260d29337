"""Which rows a user may see and act on: the one scope policy for every view, export, API and CLI path.

Roles (hotline/access.py) say which routes a user may reach; this module says which rows behind a
route are theirs. One pair per entity: a SQL filter for lists and exports, and a check for one row.

- complaint / case: an inspector works his own office's cases; a supervisor the offices he acts for
  (all of them for the commission, the 案管室 or no office; else his office and the offices covering
  the townships of its jurisdiction); operators and custodians read every complaint (follow-up calls,
  identity requests) but act only through the workflow's own rules; anyone else sees none.
- finding / roll row: by township. A user of an office with a township jurisdiction sees those
  townships' rows; a county-level office (no jurisdiction, or the commission / 案管室) sees all;
  an inspector without an office sees none (a supervisor without one is county-wide). Admins, who
  import the rolls, see every roll row. Roll rows matched to a complaint on its case page are seen
  through that complaint (need to know).
- identity: the operator who logged the report, a supervisor of the handling office (or one with
  no office: county-wide), or a custodian; and never outside the complaint scope.
- Open311 requests: a partner sees only the requests it posted.

A row out of scope answers 403 on a page (OutOfScope) or 404 where saying "it exists" is itself
a leak (the API's receipt-code look-up, Open311).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select
from werkzeug.exceptions import Forbidden

from models.cases import Case
from models.complaints import Complaint
from models.divisions import Township
from models.findings import Finding
from models.offices import Office, OfficeJurisdiction, OfficeKind
from models.open311 import Open311Request
from models.users import Role

COUNTY_WIDE = (OfficeKind.commission, OfficeKind.case_management)
ALL = None  # "no limit" in a Reach


class OutOfScope(Forbidden):
    """A row the user may not see or act on (answered 403 with a Chinese message)."""

    message_zh = "该记录不在您的职责范围内"


@dataclass(frozen=True)
class Reach:
    """What one user reaches: office ids (complaints, cases) and township names (findings, roll
    rows); None means every one, an empty set none."""

    offices: frozenset[int] | None
    townships: frozenset[str] | None
    every_roll_row: bool = False


def reach(session: Session, user) -> Reach:
    """The user's reach, from role and office (the single rule; see the module docstring)."""
    role = getattr(user, "role", None)
    if role in (Role.operator, Role.custodian):
        return Reach(offices=ALL, townships=frozenset())
    if role is Role.inspector:
        offices = frozenset({user.office_id}) if user.office_id else frozenset()
        return Reach(offices=offices, townships=_office_townships(session, user))
    if role is Role.supervisor:
        offices = supervised_offices(session, user)  # no office: county-wide, as for cases
        return Reach(offices=offices, townships=ALL if offices is ALL else _office_townships(session, user))
    if role is Role.admin:
        return Reach(offices=frozenset(), townships=frozenset(), every_roll_row=True)
    return Reach(offices=frozenset(), townships=frozenset())


def supervised_offices(session: Session, user) -> frozenset[int] | None:
    """Offices a supervisor acts for: every office (None) for the commission, the 案管室 or no
    office; else his own office and the offices covering the townships in its jurisdiction."""
    office = session.get(Office, user.office_id) if getattr(user, "office_id", None) else None
    if office is None or office.kind in COUNTY_WIDE:
        return ALL
    towns = select(OfficeJurisdiction.township_id).where(OfficeJurisdiction.office_id == office.id)
    covered = session.exec(select(OfficeJurisdiction.office_id).where(OfficeJurisdiction.township_id.in_(towns))).all()
    return frozenset({office.id, *covered})


def _office_townships(session: Session, user) -> frozenset[str] | None:
    office = session.get(Office, user.office_id) if getattr(user, "office_id", None) else None
    if office is None:
        return frozenset()
    if office.kind in COUNTY_WIDE:
        return ALL
    names = session.exec(select(Township.name).join(OfficeJurisdiction, OfficeJurisdiction.township_id == Township.id)
                         .where(OfficeJurisdiction.office_id == office.id)).all()
    return frozenset(names) if names else ALL  # a county-level office has no township jurisdiction


def office_ids(session: Session, user) -> set[int] | None:
    """The offices whose cases the user reaches, for the services that filter by office (None: all)."""
    offices = reach(session, user).offices
    return None if offices is ALL else set(offices)


def _within(column, allowed) -> sa.ColumnElement:
    if allowed is ALL:
        return sa.true()
    return column.in_(sorted(allowed)) if allowed else sa.false()


def require(allowed: bool) -> None:
    """Raise OutOfScope unless allowed (for views; domain code asks the may_* functions)."""
    if not allowed:
        raise OutOfScope(OutOfScope.message_zh)


# --- cases -----------------------------------------------------------------------------------

def case_filter(session: Session, user) -> sa.ColumnElement:
    """A WHERE clause on Case: the cases the user may see."""
    return _within(Case.office_id, reach(session, user).offices)


def may_see_case(session: Session, user, case: Case) -> bool:
    offices = reach(session, user).offices
    return offices is ALL or case.office_id in offices


def may_act_on_case(session: Session, user, case: Case) -> bool:
    """Acting needs the case in scope; which step a role may take is the transition table's job."""
    return may_see_case(session, user, case)


# --- complaints ------------------------------------------------------------------------------

def complaint_filter(session: Session, user) -> sa.ColumnElement:
    """A WHERE clause on Complaint: complaints whose case the user may see."""
    offices = reach(session, user).offices
    if offices is ALL:
        return sa.true()
    return Complaint.id.in_(select(Case.complaint_id).where(_within(Case.office_id, offices)))


def may_see_complaint(session: Session, user, complaint: Complaint) -> bool:
    offices = reach(session, user).offices
    if offices is ALL:
        return True
    case = _case_of(session, complaint)
    return case is not None and case.office_id in offices


def visible_complaints(session: Session, user, rows: list, complaint_of=lambda row: row[1]) -> list:
    """The rows (e.g. (Contact, Complaint) pairs of a caller's history) whose complaint the user may
    see, or that have none (a call not logged as a report)."""
    offices = reach(session, user).offices
    if offices is ALL:
        return list(rows)
    ids = {c.id for c in (complaint_of(r) for r in rows) if c is not None}
    seen = set(session.exec(select(Complaint.id).where(Complaint.id.in_(ids), complaint_filter(session, user))).all()) \
        if ids else set()
    return [r for r in rows if complaint_of(r) is None or complaint_of(r).id in seen]


def may_see_receipt(session: Session, user, complaint: Complaint) -> bool:
    """The receipt (its code is what a caller follows up with): who logged it; else a supervisor
    who may see the complaint."""
    if complaint.created_by_id is not None and complaint.created_by_id == getattr(user, "id", None):
        return True
    return getattr(user, "role", None) is Role.supervisor and may_see_complaint(session, user, complaint)


def _case_of(session: Session, complaint: Complaint) -> Case | None:
    return session.exec(select(Case).where(Case.complaint_id == complaint.id)).first()


# --- findings and roll rows ------------------------------------------------------------------

def finding_filter(session: Session, user) -> sa.ColumnElement:
    """A WHERE clause on Finding: the findings of the townships the user reaches."""
    return _within(Finding.township, reach(session, user).townships)


def may_see_finding(session: Session, user, finding: Finding) -> bool:
    towns = reach(session, user).townships
    return towns is ALL or finding.township in towns


def roll_row_filter(session: Session, user, table: sa.Table) -> sa.ColumnElement:
    """A WHERE clause on a roll or registry table: rolls with a township column by township;
    registries without one (payroll, vehicles ...) only for users who reach every township."""
    scope = reach(session, user)
    if scope.every_roll_row:
        return sa.true()
    if "township" in table.c:
        return _within(table.c.township, scope.townships)
    return sa.true() if scope.townships is ALL else sa.false()


def may_see_roll_row(session: Session, user, row: Mapping) -> bool:
    scope = reach(session, user)
    if scope.every_roll_row or scope.townships is ALL:
        return True
    return "township" in row and row["township"] in scope.townships


# --- identity --------------------------------------------------------------------------------

def identity_filter(session: Session, user) -> sa.ColumnElement:
    """A WHERE clause on Complaint: complaints whose complainant the user may identify."""
    role = getattr(user, "role", None)
    named = Complaint.complainant_id.is_not(None)
    if role is Role.custodian:
        return named
    if role is Role.operator:
        return sa.and_(named, Complaint.created_by_id == user.id)
    if role is Role.supervisor:
        if user.office_id is None:
            return named
        own = select(Case.complaint_id).where(Case.office_id == user.office_id)
        return sa.and_(named, Complaint.id.in_(own))
    return sa.false()


def may_reveal_identity(session: Session, user, complaint: Complaint, case: Case | None = None) -> bool:
    """The operator who logged it, a supervisor of the handling office, or an identity custodian."""
    if complaint.complainant_id is None:
        return False
    role = getattr(user, "role", None)
    if role is Role.custodian:
        return True
    if role is Role.operator:
        return complaint.created_by_id == user.id
    if role is Role.supervisor:
        case = case if case is not None else _case_of(session, complaint)
        return user.office_id is None or (case is not None and case.office_id == user.office_id)
    return False


# --- Open311 partners ------------------------------------------------------------------------

def partner_request_filter(client) -> sa.ColumnElement:
    """A WHERE clause on Open311Request: the requests this partner posted itself."""
    return Open311Request.client_id == client.id
