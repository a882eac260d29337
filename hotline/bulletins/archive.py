"""Building a bulletin version and keeping it: figures, figures.json, the .docx, .xlsx, .html, charts;
publishing one (文号, issue date), and corrections.

Every build is a new version of its period (1, 2, ...) stored with its build time: a draft, or,
when published, the official record: numbered from its issue year's sequence, dated the day it is
issued, carrying the approved typical cases and the pending corrections, and never changed again
(a period is published once; an error is corrected in the next bulletin published). A period not
ended is built only as an interim report and is never published. The scheduled Monday build
first claims the week (a unique `schedule_key`), so two schedulers, or one run twice, never build
and publish it twice. Callers commit; `claim_scheduled` needs a commit of its own right after it,
so other schedulers see the claim.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import render_template
from sqlmodel import Session, select

from hotline import audit
from hotline.bulletins import charts as charts_mod
from hotline.bulletins import docx, figures as figures_mod, layout, periods, typical, xlsx
from hotline.bulletins.periods import Period
from hotline.bulletins.tables import Figures, show
from hotline.bulletins.weeks import IsoWeek
from models.base import utcnow
from models.bulletins import Bulletin, BulletinCorrection, BulletinFile, BulletinStatus, PeriodKind
from models.complaints import Complaint, IntakeJob
from models.users import Actor

STALE_CLAIM = dt.timedelta(minutes=30)  # a scheduled build claimed longer ago than this has died
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Built:
    """A bulletin's outputs before they are stored: file name → (bytes, content type)."""

    figures: Figures
    files: dict[str, tuple[bytes, str]]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


DRAFT_NUMBER = "（草稿，未发布）"


class PublishError(ValueError):
    """A bulletin that cannot be published (the message is Chinese)."""


def document_number(settings, year: int, sequence: int) -> str:
    """文号: the prefix, the issue year and the year's sequence, e.g. 青纪热线〔2026〕12号."""
    return f"{settings.BULLETIN_NUMBER_PREFIX}〔{year}〕{sequence}号"


def local_date(moment: dt.datetime, zone: str) -> dt.date:
    return moment.astimezone(ZoneInfo(zone)).date()


def period_of(bulletin: Bulletin, zone: str) -> Period:
    """The period a version reports on (cut at its `as_of` for an interim report)."""
    return periods.parse(bulletin.week, zone, title=bulletin.period_title).cut(bulletin.as_of)


def render(session: Session, period: Period, *, settings, number: str, built_at: dt.datetime, issued: dt.date,
           version: int = 1, typical_cases: list[dict] | None = None, corrections: list[dict] | None = None
           ) -> Built:
    """Compute the figures and draw every output (needs an app context for the HTML template)."""
    figures = figures_mod.compute(session, period, zone=settings.TIMEZONE,
                                  typical_limit=settings.BULLETIN_TYPICAL_CASES, typical_cases=typical_cases)
    figures.corrections = corrections or []
    return draw(figures, settings=settings, number=number, built_at=built_at, issued=issued, version=version)


def draw(figures: Figures, *, settings, number: str, built_at: dt.datetime, issued: dt.date, version: int) -> Built:
    images = charts_mod.draw_all(figures, font_path=settings.BULLETIN_FONT or None)
    files: dict[str, tuple[bytes, str]] = {}
    files["bulletin.docx"] = (docx.build(figures, images, commission=settings.COMMISSION_NAME, number=number,
                                         issued=issued, version=version), DOCX_TYPE)
    files["bulletin.xlsx"] = (xlsx.build(figures, commission=settings.COMMISSION_NAME, number=number,
                                         built_at=built_at), XLSX_TYPE)
    inline = {name: "data:image/png;base64," + base64.b64encode(data).decode() for name, data in images.items()}
    html = render_template("bulletins/standalone.html", **page_context(figures, settings=settings, number=number,
                                                                      version=version, issued=issued),
                           chart_src=inline)
    files["bulletin.html"] = (html.encode("utf-8"), "text/html; charset=utf-8")
    files["figures.json"] = (figures_mod.figures_json(figures), "application/json")
    for name, data in images.items():
        files[f"charts/{name}.png"] = (data, "image/png")
    return Built(figures, files)


def page_context(figures: Figures, *, settings, number: str, version: int, issued: dt.date) -> dict:
    """What the HTML templates need to lay the bulletin out (shared by the archive and the view)."""
    return {"figures": figures, "sections": layout.sections(figures), "notes": layout.closing_notes(figures),
            "title": layout.title(figures), "number": number, "commission": settings.COMMISSION_NAME,
            "issued": issued, "version": version, "show": show}


def issued_of(bulletin: Bulletin, zone: str) -> dt.date:
    """The date a version carries: its issue date once published, else the day it was built."""
    return bulletin.issued_on or local_date(bulletin.built_at or bulletin.started_at, zone)


def next_version(session: Session, key: str) -> int:
    latest = session.exec(select(sa.func.max(Bulletin.version)).where(Bulletin.week == key)).one()
    return (latest or 0) + 1


def published_of(session: Session, key: str) -> Bulletin | None:
    return session.exec(select(Bulletin).where(Bulletin.week == key, Bulletin.status == BulletinStatus.published)).first()


def _store(session: Session, bulletin: Bulletin, built: Built, *, status=BulletinStatus.built) -> None:
    for name, (data, content_type) in built.files.items():
        session.add(BulletinFile(bulletin_id=bulletin.id, name=name, content_type=content_type, size=len(data),
                                 sha256=hashlib.sha256(data).hexdigest(), content=data))
    bulletin.figures = built.figures.to_json()
    bulletin.status, bulletin.built_at, bulletin.error = status, utcnow(), None
    session.add(bulletin)


def _new_version(session: Session, period: Period, *, settings, trigger: str, actor: Actor = None,
                 schedule_key: str | None = None) -> Bulletin | None:
    for _attempt in range(3):
        bulletin = Bulletin(week=period.key, version=next_version(session, period.key), number=DRAFT_NUMBER,
                            period_kind=PeriodKind(period.kind), period_title=period.title,
                            as_of=period.end if period.interim else None, trigger=trigger,
                            schedule_key=schedule_key, claimed_by=worker_name(),
                            built_by_id=getattr(actor, "id", None), started_at=utcnow())
        try:
            with session.begin_nested():
                session.add(bulletin)
                session.flush()
            return bulletin
        except sa.exc.IntegrityError:  # another builder took this version number: take the next
            if schedule_key and session.exec(select(Bulletin.id).where(Bulletin.schedule_key == schedule_key)).first():
                return None  # another scheduler claimed it first
            continue
    raise RuntimeError(f"could not number a new version of {period.key}")


def build(*, session: Session, period, settings, trigger: str, actor: Actor = None, publish: bool = False) -> Bulletin:
    """Build and archive a new version of the period's bulletin (a draft, or published at once);
    the caller commits. A week given as an IsoWeek is taken whole."""
    if isinstance(period, IsoWeek):
        period = Period.of(period, settings.TIMEZONE)
    if publish:
        check_publishable(session, period, now=utcnow())
    bulletin = _new_version(session, period, settings=settings, trigger=trigger, actor=actor)
    complete(session=session, bulletin=bulletin, settings=settings, actor=actor, publish=publish)
    return bulletin


def check_publishable(session: Session, period: Period, *, now: dt.datetime) -> None:
    if period.interim or period.natural_end > now:
        raise PublishError(f"{period.label()}尚未结束，只能生成阶段性统计，不能作为正式通报发布")
    if published_of(session, period.key) is not None:
        raise PublishError(f"{period.label()}的通报已经发布；如发现差错，请在已发布通报上登记更正，随下一期通报发布")
    waiting = _still_being_routed(session, period)
    if waiting:
        # Their type, programme and office are not settled yet: published now, the figures would
        # change once they are (the drain normally takes seconds; readiness names a stuck one).
        raise PublishError(f"本期有 {waiting} 件短信、电话反映尚在分析分办中，分类和承办机构未定，"
                           "暂不能发布；通常几秒内完成，请稍后再发布。若一直不减，请检查定时任务进程（见系统就绪检查）")


def _still_being_routed(session: Session, period: Period) -> int:
    """Reports received up to the period's end whose background triage and routing wait."""
    return session.exec(select(sa.func.count(IntakeJob.id)).join(Complaint, Complaint.id == IntakeJob.complaint_id)
                        .where(Complaint.received_at < period.natural_end)).one()


def _claim_number(session: Session, bulletin: Bulletin, *, settings, now: dt.datetime) -> None:
    """The next 文号 of the issue year (unique per year: a concurrent publisher takes the next)."""
    issued = local_date(now, settings.TIMEZONE)
    for _attempt in range(5):
        latest = session.exec(select(sa.func.max(Bulletin.sequence)).where(Bulletin.issue_year == issued.year)).one()
        sequence = (latest or 0) + 1
        try:
            with session.begin_nested():
                bulletin.issue_year, bulletin.sequence, bulletin.issued_on = issued.year, sequence, issued
                bulletin.number = document_number(settings, issued.year, sequence)
                session.add(bulletin)
                session.flush()
            return
        except sa.exc.IntegrityError:
            continue
    raise RuntimeError("could not take a document number")


def pending_corrections(session: Session) -> list[BulletinCorrection]:
    return list(session.exec(select(BulletinCorrection).where(BulletinCorrection.issued_in_id.is_(None))
                             .order_by(BulletinCorrection.created_at, BulletinCorrection.id)).all())


def correction_items(session: Session, rows: list[BulletinCorrection]) -> list[dict]:
    from hotline.bulletins import registry

    items = []
    for row in rows:
        original = session.get(Bulletin, row.original_id)
        issued = original.issued_on
        items.append({"id": row.id, "original_id": original.id, "original_number": original.number,
                      "original_issued": f"{issued.year}年{issued.month}月{issued.day}日" if issued else "",
                      "figure": row.figure, "figure_name": registry.name(row.figure) if row.figure else "",
                      "text": row.text})
    return items


def complete(*, session: Session, bulletin: Bulletin, settings, actor: Actor = None, publish: bool = False) -> Bulletin:
    """Draw and store the outputs of a claimed (or new) version; `publish`: with a 文号 and today's
    date, the approved typical cases and the pending corrections, frozen from then on."""
    period = period_of(bulletin, settings.TIMEZONE)
    now = utcnow()
    typical_items = corrections = None
    if publish:
        check_publishable(session, period, now=now)
        _claim_number(session, bulletin, settings=settings, now=now)
        typical_items = typical.for_period(session, period)[:settings.BULLETIN_TYPICAL_CASES]
        pending = pending_corrections(session)
        corrections = correction_items(session, pending)
        bulletin.published_at, bulletin.published_by_id = now, getattr(actor, "id", None)
    built = render(session, period, settings=settings, number=bulletin.number, built_at=now,
                   issued=bulletin.issued_on or local_date(now, settings.TIMEZONE), version=bulletin.version,
                   typical_cases=typical_items, corrections=corrections)
    _store(session, bulletin, built, status=BulletinStatus.published if publish else BulletinStatus.built)
    if publish:
        typical.mark_published(session, built.figures.typical_cases, bulletin.id, now)
        for row in pending:
            row.issued_in_id = bulletin.id
            session.add(row)
    audit.record(session, actor=actor, action="bulletin.publish" if publish else "bulletin.build",
                 entity="bulletin", entity_id=bulletin.id,
                 detail={"period": bulletin.week, "version": bulletin.version, "trigger": bulletin.trigger,
                         "number": bulletin.number if publish else None})
    return bulletin


def publish(*, session: Session, draft: Bulletin, settings, actor: Actor = None) -> Bulletin:
    """A supervisor publishes the period of a draft: a new version, numbered and dated today."""
    if draft.as_of is not None:
        raise PublishError("阶段性统计不能作为正式通报发布")
    period = periods.parse(draft.week, settings.TIMEZONE, title=draft.period_title)
    return build(session=session, period=period, settings=settings, trigger="web", actor=actor, publish=True)


def add_correction(*, session: Session, original: Bulletin, figure: str, text: str,
                   actor: Actor = None) -> BulletinCorrection:
    """Record a correction (更正) of a published bulletin; it is issued with the next one published."""
    from hotline.bulletins import registry

    if original.status is not BulletinStatus.published:
        raise PublishError("只能对已发布的通报登记更正")
    text = (text or "").strip()
    if not text:
        raise PublishError("请填写更正内容（原数据与更正后的数据）")
    if len(text) > 1000:
        raise PublishError("更正内容最多1000字")
    figure = (figure or "").strip()
    if figure and figure not in registry.BY_CODE:
        raise PublishError(f"没有名为{figure}的指标")
    row = BulletinCorrection(original_id=original.id, figure=figure, text=text,
                             created_by_id=getattr(actor, "id", None), created_at=utcnow())
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="bulletin.correction", entity="bulletin", entity_id=original.id,
                 detail={"correction": row.id, "figure": figure})
    return row


def claim_scheduled(*, session: Session, week: IsoWeek, settings) -> Bulletin | None:
    """Claim the scheduled build of `week`; None when another scheduler has it (or has done it).

    A claim left `building` for longer than STALE_CLAIM, or `failed`, is taken over with an
    optimistic update (only one taker's UPDATE matches the old claimant).
    """
    key, me, now = str(week), worker_name(), utcnow()
    existing = session.exec(select(Bulletin).where(Bulletin.schedule_key == key)).first()
    if existing is None:
        return _new_version(session, Period.of(week, settings.TIMEZONE), settings=settings, trigger="schedule",
                            schedule_key=key)
    stale = existing.status is BulletinStatus.building and existing.started_at < now - STALE_CLAIM
    if existing.status in (BulletinStatus.built, BulletinStatus.published) or not (
            stale or existing.status is BulletinStatus.failed):
        return None
    taken = session.execute(
        sa.update(Bulletin).where(Bulletin.id == existing.id, Bulletin.claimed_by == existing.claimed_by,
                                  Bulletin.started_at == existing.started_at, Bulletin.status == existing.status)
        .values(claimed_by=me, started_at=now, status=BulletinStatus.building, error=None))
    if taken.rowcount != 1:
        return None
    session.refresh(existing)
    return existing


def mark_failed(*, session: Session, bulletin_id: int, error: str) -> None:
    session.execute(sa.update(Bulletin).where(Bulletin.id == bulletin_id)
                    .values(status=BulletinStatus.failed, error=error[:4000]))


def file_of(session: Session, bulletin: Bulletin, name: str) -> BulletinFile | None:
    return session.exec(select(BulletinFile).where(BulletinFile.bulletin_id == bulletin.id,
                                                   BulletinFile.name == name)).first()


def write_out(session: Session, bulletin: Bulletin, directory: Path) -> list[Path]:
    """Copy a version's files into a directory (charts into charts/); returns the paths written."""
    written = []
    rows = session.exec(select(BulletinFile).where(BulletinFile.bulletin_id == bulletin.id)
                        .order_by(BulletinFile.name)).all()
    for row in rows:
        path = directory / row.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(row.content)
        written.append(path)
    return written
