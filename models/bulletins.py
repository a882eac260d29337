"""Bulletins (通报): each built version of a week's bulletin, its figures and its files."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import enum_column, json_column, utc_column


class BulletinStatus(str, enum.Enum):
    building = "building"  # claimed, being built
    built = "built"  # archived with its files
    failed = "failed"  # the build raised; `error` says why


BULLETIN_STATUS_LABELS = {
    BulletinStatus.building: "生成中",
    BulletinStatus.built: "已生成",
    BulletinStatus.failed: "生成失败",
}


# One version of the bulletin of an ISO week. Versions of a week are numbered 1, 2, ...;
# `schedule_key` is set (to the week) only on the scheduled build, and its uniqueness is the
# claim that keeps two schedulers from building and archiving the same Monday bulletin twice.
class Bulletin(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("week", "version", name="uq_bulletin_week_version"),)

    id: int | None = Field(default=None, primary_key=True)
    week: str = Field(max_length=8, index=True)  # "2026-W47"
    version: int = 1
    number: str = Field(max_length=40)  # document number, e.g. 青纪热线〔2026〕47号
    status: BulletinStatus = Field(
        default=BulletinStatus.building, sa_column=enum_column(BulletinStatus, index=True))
    trigger: str = Field(default="cli", max_length=10)  # schedule | cli | web
    schedule_key: str | None = Field(default=None, max_length=8, unique=True)
    claimed_by: str = Field(default="", max_length=80)  # host:pid of the builder
    built_by_id: int | None = Field(default=None, foreign_key="user.id")
    started_at: dt.datetime = Field(sa_column=utc_column(index=True))
    built_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    figures: dict | None = Field(default=None, sa_column=json_column())
    error: str | None = Field(default=None, sa_column=sa.Column(sa.Text))


# One file of a built bulletin: the .docx, the .xlsx, the standalone .html, each chart PNG.
class BulletinFile(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("bulletin_id", "name", name="uq_bulletin_file_name"),)

    id: int | None = Field(default=None, primary_key=True)
    bulletin_id: int = Field(foreign_key="bulletin.id", index=True)
    name: str = Field(max_length=80)  # "bulletin.docx", "charts/trend.png"
    content_type: str = Field(max_length=100)
    size: int = 0
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
