"""Bulletins (通报): each built version of a period's bulletin, its figures and its files; publication
(文号, issue date), corrections (更正), campaign periods and the typical cases a person approved.

A published bulletin is an official record: its row and files are never changed afterwards.
"""
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
    published = "published"  # issued with a 文号 and an issue date: frozen


BULLETIN_STATUS_LABELS = {
    BulletinStatus.building: "生成中",
    BulletinStatus.built: "已生成",
    BulletinStatus.failed: "生成失败",
    BulletinStatus.published: "已发布",
}


class PeriodKind(str, enum.Enum):
    week = "week"  # ISO week, 2026-W47
    month = "month"  # 2026-11
    quarter = "quarter"  # 2026-Q4
    year = "year"  # year to date, 2026
    range = "range"  # from .. to, e.g. a campaign period (专项整治以来)


PERIOD_KIND_LABELS = {PeriodKind.week: "周", PeriodKind.month: "月", PeriodKind.quarter: "季度",
                      PeriodKind.year: "年", PeriodKind.range: "期"}


# One version of the bulletin of a period. Versions of a period are numbered 1, 2, ...;
# `schedule_key` is set (to the week) only on the scheduled build, and its uniqueness is the
# claim that keeps two schedulers from building and archiving the same Monday bulletin twice.
# `week` holds the period's key ("2026-W47", "2026-11", "2026-Q4", "2026", "2025-11-01~2026-12-06").
# Publishing gives the version a 文号 from its issue year's sequence (unique per year) and the
# issue date; an interim report (a period not ended, `as_of` set) is never published.
class Bulletin(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("week", "version", name="uq_bulletin_week_version"),
                      sa.UniqueConstraint("issue_year", "sequence", name="uq_bulletin_issue_sequence"))

    id: int | None = Field(default=None, primary_key=True)
    week: str = Field(max_length=32, index=True)  # the period's key
    version: int = 1
    number: str = Field(max_length=40)  # 文号 once published, e.g. 青纪热线〔2026〕12号; "" for a draft
    period_kind: PeriodKind = Field(default=PeriodKind.week, sa_column=enum_column(PeriodKind))
    period_title: str = Field(default="", max_length=60)  # a campaign's title, e.g. 专项整治以来
    as_of: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    issue_year: int | None = None
    sequence: int | None = None
    issued_on: dt.date | None = None
    published_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    published_by_id: int | None = Field(default=None, foreign_key="user.id")
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


# A period an admin records for cumulative reporting (专项整治以来): from `start` to `end` (None:
# still running; reports on it end where the command or the screen says).
class CampaignPeriod(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=60, unique=True)
    start: dt.date
    end: dt.date | None = None
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())


class TypicalStatus(str, enum.Enum):
    proposed = "proposed"  # drafted by the system, waiting for a supervisor
    approved = "approved"  # a supervisor edited and approved the text: may be published
    rejected = "rejected"  # a supervisor decided not to publish it
    published = "published"  # issued in `bulletin_id`


TYPICAL_STATUS_LABELS = {TypicalStatus.proposed: "待审定", TypicalStatus.approved: "已审定",
                         TypicalStatus.rejected: "不予通报", TypicalStatus.published: "已通报"}


# A typical case (典型案例): proposed from a case whose standing finding is 属实/部分属实 with
# measures; `draft` is the system's anonymised summary of the verified facts, `summary` the text a
# supervisor approved. Only approved ones are published, each once.
class TypicalCase(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", unique=True)
    status: TypicalStatus = Field(default=TypicalStatus.proposed, sa_column=enum_column(TypicalStatus, index=True))
    draft: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    summary: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    proposed_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    approved_by_id: int | None = Field(default=None, foreign_key="user.id")
    approved_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
    bulletin_id: int | None = Field(default=None, foreign_key="bulletin.id", index=True)
    published_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))


# A correction (更正) of a published bulletin: recorded against the original, issued in the next
# bulletin published after it (`issued_in_id`), which states it and refers to the original's 文号.
class BulletinCorrection(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    original_id: int = Field(foreign_key="bulletin.id", index=True)
    figure: str = Field(default="", max_length=40)  # the registry code corrected ("" for text)
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # what was wrong and what is right
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    issued_in_id: int | None = Field(default=None, foreign_key="bulletin.id", index=True)
