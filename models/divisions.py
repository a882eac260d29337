"""The county's administrative divisions: townships (乡镇) and their villages (村/社区)."""
from __future__ import annotations

from sqlmodel import Field, SQLModel


# A township or town (乡/镇/街道) of the county.
class Township(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)
    code: str = Field(max_length=12, unique=True)


# A village or residents' community, belonging to one township.
class Village(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    township_id: int = Field(foreign_key="township.id", index=True)
    name: str = Field(max_length=40)
    code: str = Field(max_length=15, unique=True)
