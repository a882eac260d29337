"""Load the demo county into a database; every step skips what is already there."""
from __future__ import annotations

import datetime as dt
import decimal
import json
import random
from pathlib import Path

from sqlmodel import Session, select

from hotline.auth import totp
from hotline.auth.accounts import create_user
from hotline.demo.county import (COUNTY_CODE, DEMO_CALENDAR_DAYS, DEMO_USERS, FALLBACK_NOTES, OFFICES,
                                 ROUTING_RULES, TOWNSHIPS)
from hotline.intake import service
from hotline.settings import ROOT
from models.base import utcnow
from models.contacts import Contact
from models.divisions import Township, Village
from models.offices import Office, OfficeJurisdiction, OfficeKind
from models.users import User

CORPUS_DIR = ROOT / "classifiers" / "corpus"
SAMPLE_CONTACTS = 160
SAMPLE_DAYS = 35
# Demo supervisors and admins share this TOTP secret; demo only, never in production.
DEMO_TOTP_SECRET = "DEMOHOTLINEQINGXICOUNTYSUPERVISE"


def load_demo(session: Session, *, identity_key: bytes, now: dt.datetime | None = None) -> dict[str, int]:
    """Divisions, offices, users and sample contacts; returns what was added."""
    added = {"乡镇": 0, "村": 0, "机构": 0, "用户": 0, "来电来信": 0}
    _divisions(session, added)
    _offices(session, added)
    _users(session, added)
    added["分办规则"] = load_routing(session)
    added["节假日"] = load_calendar_days(session)
    session.commit()
    _contacts(session, identity_key, now or utcnow(), added)
    session.commit()
    return added


def _divisions(session: Session, added: dict[str, int]) -> None:
    existing = {t.name for t in session.exec(select(Township)).all()}
    for name, code, villages in TOWNSHIPS:
        if name in existing:
            continue
        township = Township(name=name, code=COUNTY_CODE + code)
        session.add(township)
        session.flush()
        added["乡镇"] += 1
        for i, village in enumerate(villages, start=1):
            session.add(Village(township_id=township.id, name=village,
                                code=f"{COUNTY_CODE}{code}{i:03d}"))
            added["村"] += 1
    session.flush()


def _offices(session: Session, added: dict[str, int]) -> None:
    townships = {t.name: t.id for t in session.exec(select(Township)).all()}
    existing = {o.name for o in session.exec(select(Office)).all()}
    for name, kind, department, jurisdiction in OFFICES:
        if name in existing:
            continue
        office = Office(name=name, kind=OfficeKind(kind), department=department)
        session.add(office)
        session.flush()
        added["机构"] += 1
        for township in jurisdiction:
            session.add(OfficeJurisdiction(office_id=office.id, township_id=townships[township]))
    session.flush()


def _users(session: Session, added: dict[str, int]) -> None:
    offices = {o.name: o for o in session.exec(select(Office)).all()}
    existing = {u.username for u in session.exec(select(User)).all()}
    for username, full_name, role, office, password in DEMO_USERS:
        if username in existing:
            continue
        user = create_user(session, username=username, full_name=full_name, role=role, password=password,
                           office=offices.get(office) if office else None)
        if totp.required(user):
            user.totp_secret = DEMO_TOTP_SECRET  # so `python -m hotline demo-code` can give the code
        added["用户"] += 1


def load_routing(session: Session) -> int:
    """The demo routing table, when the table is empty; rules whose office is missing are skipped."""
    from models.routing import RoutingRule

    if session.exec(select(RoutingRule.id)).first() is not None:
        return 0
    offices = session.exec(select(Office).order_by(Office.id)).all()
    by_name = {o.name: o for o in offices}
    by_kind: dict[str, Office] = {}
    for office in offices:
        by_kind.setdefault(office.kind.value, office)
    count = 0
    for position, (name, conditions, (how, target)) in enumerate(ROUTING_RULES, start=1):
        values = dict(conditions)
        if "min_amount_yuan" in values:
            values["min_amount_yuan"] = decimal.Decimal(values["min_amount_yuan"])
        rule = RoutingRule(position=position * 10, name=name, **values)
        if how == "jurisdiction":
            rule.lead_by_jurisdiction = OfficeKind(target)
        else:
            office = by_name.get(target) if how == "office" else by_kind.get(target)
            if office is None:
                continue
            rule.lead_office_id = office.id
        session.add(rule)
        count += 1
    session.flush()
    return count


def load_calendar_days(session: Session) -> int:
    """Demo holidays for the year past the chinese-calendar package's data."""
    from models.calendar import CalendarDay

    existing = set(session.exec(select(CalendarDay.day)).all())
    count = 0
    for day, workday, name in DEMO_CALENDAR_DAYS:
        date = dt.date.fromisoformat(day)
        if date not in existing:
            session.add(CalendarDay(day=date, workday=workday, name=name))
            count += 1
    session.flush()
    return count


def _sample_texts() -> list[tuple[str, str]]:
    """Notes to log: drawn from the labelled corpus when present (it reads like real calls)."""
    notes: list[tuple[str, str]] = []
    for path in sorted(Path(CORPUS_DIR).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
                notes.append((row.get("channel", "call"), row["text"]))
            except (ValueError, KeyError):
                continue
    if not notes:
        return list(FALLBACK_NOTES)
    random.Random(965888).shuffle(notes)
    return notes[:SAMPLE_CONTACTS]


def _contacts(session: Session, identity_key: bytes, now: dt.datetime, added: dict[str, int]) -> None:
    rng = random.Random(2026)
    operator = session.exec(select(User).where(User.username == "operator")).first()
    villages = session.exec(select(Village)).all()
    channel_map = {"call": "call", "sms": "sms", "letter": "letter", "web": "web"}
    for index, (channel, text) in enumerate(_sample_texts()):
        external_id = f"demo-{index:04d}"
        if session.exec(select(Contact.id).where(Contact.external_id == external_id)).first():
            continue
        village = rng.choice(villages)
        received = now - dt.timedelta(days=rng.uniform(0.2, SAMPLE_DAYS))
        received = received.replace(hour=rng.randint(0, 9) if rng.random() < 0.8 else received.hour)
        anonymous = rng.random() < 0.35
        data = service.IntakeData(
            text=text, channel=channel_map.get(channel, "call"),
            phone="" if anonymous else f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
            name="" if anonymous else rng.choice("张王李赵刘陈杨黄周吴") + rng.choice(["秀兰", "建华", "国强", "桂英", "志明", "玉梅", "德福"]),
            anonymous=anonymous, township_id=village.township_id, village_id=village.id,
            external_id=external_id, received_at=received,
        )
        service.log_contact(session=session, data=data, user=operator, identity_key=identity_key)
        added["来电来信"] += 1
