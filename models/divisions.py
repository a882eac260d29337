"""The county's administrative divisions: townships (乡镇) and their villages (村/社区), with history.

A division is never deleted: a merged (撤并) or retired one stays, inactive, so complaints keep the
place they were filed under; every add, rename, merge and retirement is a dated `DivisionChange`.
"""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, enum_column, utc_column


# A township or town (乡/镇/街道) of the county.
class Township(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)
    code: str = Field(max_length=12, unique=True)
    # False once merged into another township or retired; offered nowhere new, still shown on old rows.
    active: bool = Field(default=True, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.true()))
    merged_into_id: int | None = Field(default=None, foreign_key="township.id")


# A village or residents' community, belonging to one township.
class Village(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    township_id: int = Field(foreign_key="township.id", index=True)
    name: str = Field(max_length=40)
    code: str = Field(max_length=15, unique=True)
    # 城乡分类代码 of the statistics bureau's list (111 主城区 … 220 村庄), when the list gives it.
    urban_rural_code: str | None = Field(default=None, max_length=3)
    active: bool = Field(default=True, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.true()))
    merged_into_id: int | None = Field(default=None, foreign_key="village.id")


class DivisionLevel(str, enum.Enum):
    township = "township"
    village = "village"


class ChangeKind(LabelledEnum):
    add = "add", "新增"
    rename = "rename", "更名"
    merge = "merge", "撤并"  # (into merged_into_id)
    retire = "retire", "撤销"
    restore = "restore", "恢复"  # (an admin undoing a retirement)
    recode = "recode", "改码"  # 改码: the same place under a new code (and, for a village, perhaps a new township)


# One dated change of a division: what it was called before and after, what it was merged into,
# from which list or by whom. Old names stay searchable through these rows.
class DivisionChange(SQLModel, table=True):
    __tablename__ = "division_change"

    id: int | None = Field(default=None, primary_key=True)
    level: DivisionLevel = Field(sa_column=enum_column(DivisionLevel))
    division_id: int = Field(index=True)
    kind: ChangeKind = Field(sa_column=enum_column(ChangeKind))
    code: str = Field(max_length=15)
    old_code: str | None = Field(default=None, max_length=15)  # a recode's previous code
    old_name: str | None = Field(default=None, max_length=40)
    new_name: str | None = Field(default=None, max_length=40)
    merged_into_id: int | None = None
    effective_on: dt.date
    # "import 2026年统计用区划代码.csv (sha256 1a2b3c4d…)" or "admin"
    source: str = Field(max_length=200)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
