"""Building a bulletin version and keeping it: figures, the .docx, .xlsx, .html and charts.

Every build is a new version of its week (1, 2, ...) stored with its build time. The scheduled
Monday build first claims the week (a unique `schedule_key`), so two schedulers, or one run twice,
never build and archive it twice. Callers commit; `claim_scheduled` needs a commit of its own
right after it, so other schedulers see the claim.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import socket
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import render_template
from sqlmodel import Session, select

from hotline import audit
from hotline.bulletins import charts as charts_mod
from hotline.bulletins import docx, figures as figures_mod, layout, xlsx
from hotline.bulletins.tables import Figures, show
from hotline.bulletins.weeks import IsoWeek
from models.base import utcnow
from models.bulletins import Bulletin, BulletinFile, BulletinStatus

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


def document_number(settings, week: IsoWeek) -> str:
    return f"{settings.BULLETIN_NUMBER_PREFIX}〔{week.year}〕{week.week}号"


def issue_date(week: IsoWeek) -> dt.date:
    """The Monday after the week: the day the bulletin goes out."""
    return week.sunday + dt.timedelta(days=1)


def render(session: Session, week: IsoWeek, *, settings, number: str, built_at: dt.datetime,
           version: int = 1) -> Built:
    """Compute the figures and draw every output (needs an app context for the HTML template)."""
    figures = figures_mod.compute(session, week, zone=settings.TIMEZONE,
                                  typical_limit=settings.BULLETIN_TYPICAL_CASES)
    images = charts_mod.draw_all(figures, font_path=settings.BULLETIN_FONT or None)
    files: dict[str, tuple[bytes, str]] = {}
    files["bulletin.docx"] = (docx.build(figures, images, commission=settings.COMMISSION_NAME, number=number,
                                         issued=issue_date(week), version=version), DOCX_TYPE)
    files["bulletin.xlsx"] = (xlsx.build(figures, commission=settings.COMMISSION_NAME, number=number,
                                         built_at=built_at), XLSX_TYPE)
    inline = {name: "data:image/png;base64," + base64.b64encode(data).decode() for name, data in images.items()}
    html = render_template("bulletins/standalone.html", **page_context(figures, settings=settings, number=number,
                                                                      version=version), chart_src=inline)
    files["bulletin.html"] = (html.encode("utf-8"), "text/html; charset=utf-8")
    for name, data in images.items():
        files[f"charts/{name}.png"] = (data, "image/png")
    return Built(figures, files)


def page_context(figures: Figures, *, settings, number: str, version: int) -> dict:
    """What the HTML templates need to lay the bulletin out (shared by the archive and the view)."""
    week = IsoWeek.parse(figures.week)
    return {"figures": figures, "sections": layout.sections(figures), "notes": layout.closing_notes(figures),
            "title": layout.title(figures), "number": number, "commission": settings.COMMISSION_NAME,
            "issued": issue_date(week), "version": version, "show": show}


def next_version(session: Session, week: IsoWeek) -> int:
    latest = session.exec(select(sa.func.max(Bulletin.version)).where(Bulletin.week == str(week))).one()
    return (latest or 0) + 1


def _store(session: Session, bulletin: Bulletin, built: Built) -> None:
    for name, (data, content_type) in built.files.items():
        session.add(BulletinFile(bulletin_id=bulletin.id, name=name, content_type=content_type, size=len(data),
                                 sha256=hashlib.sha256(data).hexdigest(), content=data))
    bulletin.figures = built.figures.to_json()
    bulletin.status, bulletin.built_at, bulletin.error = BulletinStatus.built, utcnow(), None
    session.add(bulletin)


def build(*, session: Session, week: IsoWeek, settings, trigger: str, actor=None) -> Bulletin:
    """Build and archive a new version of the week's bulletin; the caller commits."""
    for _attempt in range(3):
        version = next_version(session, week)
        bulletin = Bulletin(week=str(week), version=version, number=document_number(settings, week),
                            trigger=trigger, claimed_by=worker_name(), built_by_id=getattr(actor, "id", None),
                            started_at=utcnow())
        try:
            with session.begin_nested():
                session.add(bulletin)
                session.flush()
            break
        except sa.exc.IntegrityError:  # another builder took this version number: take the next
            continue
    else:
        raise RuntimeError(f"could not number a new version of {week}")
    complete(session=session, bulletin=bulletin, settings=settings, actor=actor)
    return bulletin


def complete(*, session: Session, bulletin: Bulletin, settings, actor=None) -> Bulletin:
    """Draw and store the outputs of a claimed (or new) version."""
    week = IsoWeek.parse(bulletin.week)
    built = render(session, week, settings=settings, number=bulletin.number, built_at=utcnow(),
                   version=bulletin.version)
    _store(session, bulletin, built)
    audit.record(session, actor=actor, action="bulletin.build", entity="bulletin", entity_id=bulletin.id,
                 detail={"week": bulletin.week, "version": bulletin.version, "trigger": bulletin.trigger})
    return bulletin


def claim_scheduled(*, session: Session, week: IsoWeek, settings) -> Bulletin | None:
    """Claim the scheduled build of `week`; None when another scheduler has it (or has done it).

    A claim left `building` for longer than STALE_CLAIM, or `failed`, is taken over with an
    optimistic update (only one taker's UPDATE matches the old claimant).
    """
    key, me, now = str(week), worker_name(), utcnow()
    existing = session.exec(select(Bulletin).where(Bulletin.schedule_key == key)).first()
    if existing is None:
        for _attempt in range(3):
            bulletin = Bulletin(week=key, version=next_version(session, week), number=document_number(settings, week),
                                trigger="schedule", schedule_key=key, claimed_by=me, started_at=now)
            try:
                with session.begin_nested():
                    session.add(bulletin)
                    session.flush()
                return bulletin
            except sa.exc.IntegrityError:
                if session.exec(select(Bulletin.id).where(Bulletin.schedule_key == key)).first() is not None:
                    return None  # another scheduler claimed it first
        return None
    stale = existing.status is BulletinStatus.building and existing.started_at < now - STALE_CLAIM
    if existing.status is BulletinStatus.built or not (stale or existing.status is BulletinStatus.failed):
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
