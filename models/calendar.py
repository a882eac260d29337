"""Admin-entered calendar days: public holidays and swapped working days (调休)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import utc_column


# One date whose working status an admin set. It overrides the chinese-calendar package, and
# is the only source beyond the package's last known year. workday=False: a holiday (休);
# workday=True: a swapped working weekend day (班).
class CalendarDay(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    day: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False, unique=True))
    workday: bool = False
    name: str = Field(default="", max_length=40)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
