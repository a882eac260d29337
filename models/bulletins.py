"""Bulletins (通报): each built version of a period's bulletin, its figures and its files; publication
(文号, issue date), corrections (更正), campaign periods and the typical cases a person approved.

A published bulletin is an official record: its row and files are never changed afterwards.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, enum_column, json_column, utc_column


class BulletinStatus(LabelledEnum):
    building = "building", "生成中"  # claimed, being built
    built = "built", "已生成"  # archived with its files
    failed = "failed", "生成失败"  # the build raised; `error` says why
    published = "published", "已发布"  # issued with a 文号 and an issue date: frozen


class PeriodKind(LabelledEnum):
    week = "week", "周"  # ISO week, 2026-W47
    month = "month", "月"  # 2026-11
    quarter = "quarter", "季度"  # 2026-Q4
    year = "year", "年"  # year to date, 2026
    range = "range", "期"  # from .. to, e.g. a campaign period (专项整治以来)


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


class TypicalStatus(LabelledEnum):
    proposed = "proposed", "待审定"  # drafted by the system, waiting for a supervisor
    approved = "approved", "已审定"  # a supervisor edited and approved the text: may be published
    rejected = "rejected", "不予通报"  # a supervisor decided not to publish it
    published = "published", "已通报"  # issued in `bulletin_id`


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
