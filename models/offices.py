"""Offices that handle cases and the ground each of them covers."""
from __future__ import annotations


from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, enum_column


class OfficeKind(LabelledEnum):
    township_commission = "township_commission", "乡镇纪委"
    supervision_office = "supervision_office", "监督检查室"
    resident_group = "resident_group", "派驻纪检监察组"
    case_management = "case_management", "案件监督管理室"  # 案管室
    commission = "commission", "县纪委监委"  # (serious matters)
    hotline = "hotline", "信访举报受理中心"  # 举报受理中心 (the operators' own office)



# An office of the commission (or of a township) that receives cases.
class Office(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True)
    kind: OfficeKind = Field(sa_column=enum_column(OfficeKind))
    # For a resident group: the county department it oversees (e.g. 县教育局).
    department: str | None = Field(default=None, max_length=60)
    active: bool = True


# One township within an office's jurisdiction (a supervision office covers several).
class OfficeJurisdiction(SQLModel, table=True):
    office_id: int = Field(foreign_key="office.id", primary_key=True)
    township_id: int = Field(foreign_key="township.id", primary_key=True)
