"""Load the demo county into a database; every step skips what is already there."""
from __future__ import annotations

import datetime as dt
import decimal
import itertools
import json
import random
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from hotline.auth import totp
from hotline.auth.accounts import create_user
from hotline import audit
from hotline.auth.passwords import hash_password
from hotline.demo import stories
from hotline.demo import texts as demo_texts
from hotline.demo.clock import simulated
from hotline.demo.county import (DEMO_CALENDAR_DAYS, DEMO_STAFF_PASSWORD, DEMO_USERS, FALLBACK_NOTES, OFFICES,
                                 ROUTING_RULES, STAFF_NAMES, STAFF_OFFICE_KINDS, TEACHER_ID, TOWNSHIPS)
from hotline.demo.timeline import at_local, zone
from hotline.settings import ROOT
from models.base import utcnow
from models.contacts import Contact
from models.divisions import Township, Village
from models.offices import Office, OfficeJurisdiction, OfficeKind
from models.users import Role, User

CORPUS_DIR = ROOT / "classifiers" / "corpus"
SAMPLE_CONTACTS = 160
SAMPLE_DAYS = 35
# Demo supervisors and admins share this TOTP secret; demo only, never in production.
from hotline.demo.totp import DEMO_TOTP_SECRET  # noqa: F401  (re-exported for callers)


@dataclass
class ContactSpec:
    """A demo contact to log at its moment: who called, about where, and which story it starts."""

    external_id: str
    channel: str
    text: str
    received: dt.datetime
    village: Village
    phone: str
    name: str
    operator: str
    kind: str = "sample"  # sample | teacher (the teacher-household letter) | repeat (merged into it)


def load_demo(session: Session, *, lookup_key: bytes, now: dt.datetime | None = None) -> dict[str, int]:
    """Divisions, offices, users, then the county's last five weeks played through the real
    workflow (see hotline.demo.past); returns what was added."""
    from hotline.demo import past

    now = now or utcnow()
    added = {"乡镇": 0, "村": 0, "机构": 0, "用户": 0}
    with simulated() as clock:  # the county was set up before its five weeks (the audit trail reads in order)
        clock.set(now - dt.timedelta(days=SAMPLE_DAYS + 2))
        _divisions(session, added)
        _offices(session, added)
        _users(session, added)
        _staff(session, added)
        added["分办规则"] = load_routing(session)
        added["节假日"] = load_calendar_days(session)
        session.commit()
    added.update(past.play(session, lookup_key=lookup_key, now=now, specs=_contact_specs(session, now)))
    return added


def _divisions(session: Session, added: dict[str, int]) -> None:
    """The demo county's code list, through the importer a real county's list goes through."""
    from hotline.demo import code_list

    towns, villages = code_list.load(session, effective_on=utcnow().astimezone(zone()).date())
    added["乡镇"] += towns
    added["村"] += villages


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


def _staff(session: Session, added: dict[str, int]) -> None:
    """An inspector for every office without a demo one. They share one hash (hashing is slow on
    purpose) of the demo staff password, which `run` prints in demo mode."""
    offices = session.exec(select(Office).order_by(Office.id)).all()
    covered = set(session.exec(select(User.office_id).where(User.role == Role.inspector)).all())
    existing = {u.username for u in session.exec(select(User)).all()}
    shared_hash = None
    names = iter(STAFF_NAMES)
    for office in offices:
        if office.kind.value not in STAFF_OFFICE_KINDS or office.id in covered:
            continue
        full_name = next(names, None)
        username = f"staff{office.id:02d}"
        if full_name is None or username in existing:
            continue
        shared_hash = shared_hash or hash_password(DEMO_STAFF_PASSWORD)
        user = User(username=username, full_name=full_name, role=Role.inspector, office_id=office.id,
                    password_hash=shared_hash)
        session.add(user)
        session.flush()
        audit.record(session, actor=None, action="user.create", entity="user", entity_id=user.id,
                     detail={"username": username, "role": "inspector", "office_id": office.id, "demo_staff": True})
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
                if demo_texts.is_complaint(row):
                    notes.append((row.get("channel", "call"), row["text"]))
            except (ValueError, KeyError):
                continue
    if not notes:
        return list(FALLBACK_NOTES)
    random.Random(965888).shuffle(notes)
    places = _county_places()
    # The first SAMPLE_CONTACTS in the shuffled order that name no other county's place: reading
    # the places of the ~11,000 others would cost most of drawing the contacts.
    in_county = (note for note in notes if places.place(note[1]) is not None)
    return list(itertools.islice(in_county, SAMPLE_CONTACTS))


def _county_places() -> demo_texts.CountyPlaces:
    return demo_texts.CountyPlaces("青溪县", {name: villages for name, _code, villages in TOWNSHIPS})


def _contact_specs(session: Session, now: dt.datetime) -> list[ContactSpec]:
    """The sample contacts not yet logged (drawn as the first demo always drew them), and the
    teacher-household letter with its two repeats."""
    rng = random.Random(2026)
    villages = session.exec(select(Village).order_by(Village.id)).all()
    existing = set(session.exec(select(Contact.external_id).where(Contact.external_id.startswith("demo-"))).all())
    specs = []
    places = _county_places()
    for index, (channel, text) in enumerate(_sample_texts()):
        village = _filed_under(session, places.place(text), rng.choice(villages), index)
        received = now - dt.timedelta(days=rng.uniform(0.2, SAMPLE_DAYS))
        received = received.replace(hour=rng.randint(0, 9) if rng.random() < 0.8 else received.hour)
        anonymous = rng.random() < 0.35
        phone = "" if anonymous else f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}"
        name = "" if anonymous else rng.choice("张王李赵刘陈杨黄周吴") + rng.choice(
            ["秀兰", "建华", "国强", "桂英", "志明", "玉梅", "德福"])
        specs.append(ContactSpec(f"demo-{index:04d}", channel, text, min(received, now), village, phone, name,
                                 "operator" if index % 3 else "operator2"))
    village = _village(session, stories.TEACHER_LETTER[1], stories.TEACHER_LETTER[2])
    if village is not None:
        day = now.astimezone(zone()).date()
        specs.append(ContactSpec(TEACHER_ID, stories.TEACHER_LETTER[0], stories.TEACHER_LETTER[3],
                                 at_local(day - dt.timedelta(days=16), 10, 20), village, "13990871234", "赵建华",
                                 "operator", kind="teacher"))
        for n, ((channel, text), days, hour) in enumerate(zip(stories.TEACHER_REPEATS, (9, 4), (15, 9)), start=1):
            specs.append(ContactSpec(f"{TEACHER_ID}-repeat-{n}", channel, text,
                                     at_local(day - dt.timedelta(days=days), hour, 40), village,
                                     "" if channel == "sms" else "13890562211", "" if channel == "sms" else "钱玉梅",
                                     "operator2", kind="repeat"))
    return [s for s in specs if s.external_id not in existing]


def _filed_under(session: Session, place, drawn: Village, index: int) -> Village:
    """The village a note is filed under: the one it names, else one of the township it names,
    else the one drawn (a note naming no place)."""
    if place is None or place.township is None:
        return drawn
    if place.village:
        return _village(session, place.township, place.village) or drawn
    choices = session.exec(select(Village).join(Township, Township.id == Village.township_id)
                           .where(Township.name == place.township).order_by(Village.id)).all()
    return random.Random(index).choice(choices) if choices else drawn


def _village(session: Session, township: str, village: str) -> Village | None:
    return session.exec(select(Village).join(Township, Township.id == Village.township_id)
                        .where(Township.name == township, Village.name == village)).first()
