"""Subsidy rolls and registries (补助名册与比对库): one import batch, one table per kind of roll.

Every roll row keeps the ID number as validated (`id_number`, NULL when it failed GB 11643)
and as typed (`id_raw`, cleaned), plus name keys for fuzzy matching: `name_key` is the name in
simplified characters without spaces or dots, `name_py` its toneless pinyin.
"""
from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import code_type, json_column, utc_column


# One file imported as one roll: who, when, what it held, what was refused and why.
class RollImport(SQLModel, table=True):
    __tablename__ = "roll_import"
    # The same rows are imported once: a withdrawn import does not count (its rows are gone).
    __table_args__ = (sa.Index("uq_roll_import_content", "kind", "content_hash", unique=True,
                               postgresql_where=sa.text("withdrawn_at IS NULL"),
                               sqlite_where=sa.text("withdrawn_at IS NULL")),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, index=True)
    grant_name: str | None = Field(default=None, max_length=60)  # 项目 given for a file without the column
    filename: str = Field(max_length=255)
    file_sha256: str = Field(max_length=64, index=True)
    # Hash of the normalised rows: the same data re-exported in another format is still a repeat.
    content_hash: str = Field(max_length=64)
    rows_read: int = 0
    rows_imported: int = 0
    rows_id_problem: int = 0  # imported, but the ID failed its check: used for fuzzy matching only
    rows_rejected: int = 0
    header_row: int = 0
    columns: dict | None = Field(default=None, sa_column=json_column())
    # Recipient rolls: {项目 text: rows}, so the grant table can name the 项目 it does not know.
    grant_names: dict | None = Field(default=None, sa_column=json_column())
    problems: list | None = Field(default=None, sa_column=json_column())  # first N [row, field, reason]
    imported_by_id: int | None = Field(default=None, foreign_key="user.id")
    imported_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    # Withdrawn (撤销): a wrong file taken back; its rows are deleted, this record and its report stay.
    withdrawn_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    withdrawn_by_id: int | None = Field(default=None, foreign_key="user.id")
    withdrawn_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))


# Columns every roll row has.
class RollRowBase(SQLModel):
    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="roll_import.id", index=True)
    row_no: int
    name: str = Field(max_length=60)
    name_key: str = Field(max_length=60, index=True, sa_type=code_type(60))
    name_py: str = Field(max_length=240)
    id_number: str | None = Field(default=None, max_length=18, index=True, sa_type=code_type(18))
    id_raw: str | None = Field(default=None, max_length=40)
    id_error: str | None = Field(default=None, max_length=120)
    birth_date: dt.date | None = None


# 补助发放名册: a payment of a programme to a person.
class RollRecipient(RollRowBase, table=True):
    __tablename__ = "roll_recipient"
    grant_name: str = Field(max_length=60)  # 项目 as the roll writes it: which grant
    program: str = Field(max_length=20, index=True)  # models.taxonomy.Program value: the programme area
    amount: decimal.Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(14, 2)))
    paid_on: dt.date | None = None
    household_no: str | None = Field(default=None, max_length=40, index=True, sa_type=code_type(40))
    head_id: str | None = Field(default=None, max_length=18, index=True, sa_type=code_type(18))
    township: str | None = Field(default=None, max_length=40)
    village: str | None = Field(default=None, max_length=40)


# 户籍家庭成员: who lives in which household.
class RollHouseholdMember(RollRowBase, table=True):
    __tablename__ = "roll_household_member"
    household_no: str = Field(max_length=40, index=True, sa_type=code_type(40))
    relation: str | None = Field(default=None, max_length=20)
    township: str | None = Field(default=None, max_length=40)
    village: str | None = Field(default=None, max_length=40)


# 财政供养人员: teachers, civil servants and others on the public payroll.
class RollPayroll(RollRowBase, table=True):
    __tablename__ = "roll_payroll"
    unit: str = Field(max_length=120)
    post: str | None = Field(default=None, max_length=60)


# 死亡火化记录.
class RollDeath(RollRowBase, table=True):
    __tablename__ = "roll_death"
    death_date: dt.date


# 车辆登记.
class RollVehicle(RollRowBase, table=True):
    __tablename__ = "roll_vehicle"
    plate: str = Field(max_length=20)
    vehicle_type: str | None = Field(default=None, max_length=40)


# 工商登记.
class RollBusiness(RollRowBase, table=True):
    __tablename__ = "roll_business"
    business_name: str = Field(max_length=200)


# 不动产登记.
class RollProperty(RollRowBase, table=True):
    __tablename__ = "roll_property"
    location: str = Field(max_length=200)
    usage: str | None = Field(default=None, max_length=40)


# 村干部及亲属: a village cadre, and (optionally) one relative per row.
class RollCadre(RollRowBase, table=True):
    __tablename__ = "roll_cadre"
    title: str = Field(max_length=40)
    village: str | None = Field(default=None, max_length=40)
    relative_name: str | None = Field(default=None, max_length=60)
    relative_name_key: str | None = Field(default=None, max_length=60, index=True, sa_type=code_type(60))
    # The relative's toneless pinyin, worked out at import (migration 0009) so that a rules run need
    # not load pypinyin; NULL for rows imported before it (the rule works those out itself).
    relative_name_py: str | None = Field(default=None, max_length=240)
    relative_id: str | None = Field(default=None, max_length=18, index=True, sa_type=code_type(18))
    relative_id_raw: str | None = Field(default=None, max_length=40)  # as typed, when it failed its check
    relation: str | None = Field(default=None, max_length=20)


# 残疾人证登记 (第二代残疾人证): who holds a certificate, its category and grade (一级 … 四级).
class RollDisability(RollRowBase, table=True):
    __tablename__ = "roll_disability"
    cert_no: str | None = Field(default=None, max_length=40)
    category: str | None = Field(default=None, max_length=20)
    grade: str | None = Field(default=None, max_length=20)


ROW_TABLES: dict[str, type[RollRowBase]] = {
    "recipients": RollRecipient, "households": RollHouseholdMember, "payroll": RollPayroll,
    "deaths": RollDeath, "vehicles": RollVehicle, "businesses": RollBusiness,
    "property": RollProperty, "cadres": RollCadre, "disability": RollDisability,
}


# 补助项目规则: one grant (项目), the programme area it belongs to, who may receive it, and the texts
# rolls write for it. Admins edit it; every change makes a new version (`GrantVersion`).
class Grant(SQLModel, table=True):
    __tablename__ = "crosscheck_grant"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=60)  # the standard name, e.g. 普通高中国家助学金
    program: str = Field(max_length=20)  # models.taxonomy.Program value
    min_age: int | None = None  # full years on the payment date, inclusive
    max_age: int | None = None
    aliases: list | None = Field(default=None, sa_column=json_column())  # synonyms and abbreviations
    excludes: list | None = Field(default=None, sa_column=json_column())  # grant codes not paid alongside
    conditions: str | None = Field(default=None, sa_column=sa.Column(sa.Text))  # other conditions, in words
    # Conditions a rule checks (`grants.CONDITIONS` codes: 残疾证, its grade, the household on the 低保 roll).
    requires: list | None = Field(default=None, sa_column=json_column())
    version: int = 1
    active: bool = True
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")
    updated_at: dt.datetime | None = Field(default=None, sa_column=utc_column())


# One version of a grant as it was saved: what the rules read while it was current.
class GrantVersion(SQLModel, table=True):
    __tablename__ = "crosscheck_grant_version"
    __table_args__ = (sa.UniqueConstraint("grant_id", "version", name="uq_grant_version"),)
    id: int | None = Field(default=None, primary_key=True)
    grant_id: int = Field(foreign_key="crosscheck_grant.id", index=True)
    version: int
    snapshot: dict | None = Field(default=None, sa_column=json_column())
    reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    changed_by_id: int | None = Field(default=None, foreign_key="user.id")
    changed_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
