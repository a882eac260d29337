"""The routing table: ordered rules, first match wins, that send a complaint to an office."""
from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import enum_column, json_column, utc_column
from models.offices import OfficeKind
from models.taxonomy import AccusedLevel, Program, ProblemType


# One routing rule. Empty conditions match anything. The lead office is either a fixed office
# (lead_office_id) or "the office of this kind whose jurisdiction covers the complaint's township"
# (lead_by_jurisdiction); exactly one of the two is set. Lower `position` is tried first.
class RoutingRule(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    position: int = Field(default=0, index=True)
    name: str = Field(max_length=60)
    active: bool = True
    township_id: int | None = Field(default=None, foreign_key="township.id")
    village_id: int | None = Field(default=None, foreign_key="village.id")
    problem_type: ProblemType | None = Field(default=None, sa_column=enum_column(ProblemType, nullable=True))
    program: Program | None = Field(default=None, sa_column=enum_column(Program, nullable=True))
    accused_level: AccusedLevel | None = Field(default=None, sa_column=enum_column(AccusedLevel, nullable=True))
    min_amount_yuan: decimal.Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(14, 2)))
    min_repeat_count: int | None = None
    lead_office_id: int | None = Field(default=None, foreign_key="office.id")
    lead_by_jurisdiction: OfficeKind | None = Field(default=None, sa_column=enum_column(OfficeKind, nullable=True))
    # Ids of offices that assist (协办); shown on the case, they do not own its queue entry.
    helper_office_ids: list | None = Field(default=None, sa_column=json_column())
    note: str | None = Field(default=None, max_length=200)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")
    updated_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
