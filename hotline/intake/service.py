"""Logging a contact as a complaint: validation, identity kept apart, receipt code, triage, case.

Called by the operator's web form, the JSON API and the phone line alike.
"""
from __future__ import annotations

import datetime as dt
import functools
import decimal
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from hotline import audit, controlchars, linked_insert, money, phones, receipts
from hotline.linked_insert import NewRow, Ref
from hotline.clues import lookup as clue_lookup, sources as clue_sources
from hotline.clues.registration import register_clue
from hotline.clues.sources import CleanSource, SourceInput
from models.base import new_row, utcnow
from models.complainants import Complainant
from models.clues import ClueSource
from models.complaints import AccusedPerson, Complaint, IntakeJob, TriageState
from models.contacts import Contact
from models.divisions import Township, Village
from models.taxonomy import AccusedLevel, Channel, Program
from models.users import Actor

MAX_NAME = 40


class IntakeError(ValueError):
    """The report cannot be saved as given; `errors` maps each field to a message in Chinese."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class IntakeData:
    """What an intake channel hands over, as typed (strings), before validation."""

    text: str
    channel: str = Channel.call.value
    phone: str = ""
    name: str = ""
    anonymous: bool = False
    township_id: str | int | None = None
    village_id: str | int | None = None
    accused_name: str = ""
    accused_title: str = ""
    accused_level: str = ""
    program: str = ""
    amount: str = ""
    external_id: str | None = None
    received_at: dt.datetime | None = None
    source: str = "hotline"
    extra: dict = field(default_factory=dict)
    # The clue register's source (empty: the channel's default) and a referral's details.
    clue: SourceInput = field(default_factory=SourceInput)
    # The earlier complaint the operator confirmed this one repeats (the intake form's 并单 choice).
    merge_into: str | int | None = None


@dataclass
class Cleaned:
    text: str
    channel: Channel
    phone: str | None
    name: str | None
    anonymous: bool
    township: Township | None
    village: Village | None
    accused_name: str | None
    accused_title: str | None
    accused_level: AccusedLevel
    program: Program | None
    amount: decimal.Decimal | None
    clue_source: CleanSource | None = None


def _as_int(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if -2**31 <= number < 2**31 else None  # beyond an INTEGER key: no such row


def _clean_text(data: IntakeData, max_chars: int, errors: dict[str, str]) -> str:
    text = controlchars.drop(data.text or "").strip()
    if not text:
        errors["text"] = "反映内容不能为空"
    elif len(text) > max_chars:
        errors["text"] = f"反映内容过长（{len(text)}字，超出{len(text) - max_chars}字），请控制在{max_chars}字以内，可分多次登记"
    return text


def _clean_places(session: Session, data: IntakeData, errors: dict[str, str]):
    township = village = None
    if data.township_id not in (None, ""):
        township = session.get(Township, _as_int(data.township_id) or -1)
        if township is None:
            errors["township_id"] = "所选乡镇不存在，请从列表中选择"
        elif not township.active:  # a form opened before a 撤并
            errors["township_id"] = f"乡镇“{township.name}”已撤并或撤销，请重新选择"
    if data.village_id not in (None, ""):
        village = session.get(Village, _as_int(data.village_id) or -1)
        if village is None:
            errors["village_id"] = "所选村（社区）不存在，请从列表中选择"
        elif not village.active:
            errors["village_id"] = f"村（社区）“{village.name}”已撤并或撤销，请重新选择"
        elif township is not None and village.township_id != township.id:
            errors["village_id"] = "所选村不属于所选乡镇"
        elif township is None:
            township = session.get(Township, village.township_id)
    return township, village


def _choice(enum_cls, raw: str, field_name: str, message: str, errors: dict[str, str]):
    if not raw:
        return None
    try:
        return enum_cls(raw)
    except ValueError:
        errors[field_name] = message
        return None


def validate(session: Session, data: IntakeData, *, max_chars: int) -> Cleaned:
    """Check every field; raise IntakeError listing all problems at once."""
    errors: dict[str, str] = {}
    text = _clean_text(data, max_chars, errors)
    channel = _choice(Channel, data.channel or "call", "channel", "来源渠道不正确", errors)
    phone = None
    if (data.phone or "").strip():
        try:
            phone = phones.normalize(data.phone)
        except phones.PhoneError as exc:
            errors["phone"] = str(exc)
    name = controlchars.drop(data.name or "").strip() or None
    if name and len(name) > MAX_NAME:
        errors["name"] = f"姓名过长（最多{MAX_NAME}字）"
    township, village = _clean_places(session, data, errors)
    level = _choice(AccusedLevel, data.accused_level, "accused_level", "被反映人层级不正确", errors)
    program = _choice(Program, data.program, "program", "所涉领域不正确", errors)
    accused_name = controlchars.drop(data.accused_name or "").strip()[:MAX_NAME] or None
    accused_title = controlchars.drop(data.accused_title or "").strip()[:60] or None
    amount = None
    if (data.amount or "").strip():
        try:
            amount = money.parse_yuan(data.amount)
        except ValueError as exc:
            message = str(exc)
            errors["amount"] = "涉及" + message if message.startswith("金额") else f"涉及金额{message}"
    clue_source = clue_sources.clean(data.clue, channel=channel, errors=errors)
    if errors:
        raise IntakeError(errors)
    return Cleaned(text, channel or Channel.call, phone, None if data.anonymous else name,
                   bool(data.anonymous), township, village, accused_name, accused_title,
                   level or AccusedLevel.unknown, program, amount, clue_source)


def accused_from_entities(complaint: Complaint, limit: int = 3) -> list[AccusedPerson]:
    """Accused persons named with a title in the text (村支书王某, 会计刘某), as triage found them."""
    found, seen = [], set()
    for entity in complaint.entities or []:
        attrs = entity.get("attrs") or {}
        if entity.get("kind") != "person" or not attrs.get("title") or entity.get("value") in seen:
            continue
        seen.add(entity.get("value"))
        try:
            level = AccusedLevel(attrs.get("level") or "unknown")
        except ValueError:
            level = AccusedLevel.unknown
        found.append(AccusedPerson(complaint_id=complaint.id, name=str(entity.get("value"))[:MAX_NAME],
                                   title=str(attrs["title"])[:60], level=level))
    return found[:limit]


def accused_for(complaint: Complaint, cleaned: Cleaned) -> list[AccusedPerson]:
    """The accused to record: what the operator typed, completed from the text.

    A name typed without a level gets the level of the text's title for that name (or the
    level the text points to); a level typed without a name gets the name of a person of that
    level in the text; nothing typed: the titled people the text names, or — when it names
    none (村长贪污) — one unnamed accused at the level the text points to.
    """
    from_text = accused_from_entities(complaint)
    text_level = _text_level(complaint)
    if not (cleaned.accused_name or cleaned.accused_level is not AccusedLevel.unknown):
        if from_text:
            return from_text
        return [AccusedPerson(complaint_id=complaint.id, name="不详", level=text_level)] \
            if text_level is not AccusedLevel.unknown else []
    name, title, level = cleaned.accused_name, cleaned.accused_title, cleaned.accused_level
    if name and level is AccusedLevel.unknown:
        same = [p for p in from_text if p.name == name or (name in p.name or p.name in name)]
        level = same[0].level if same else text_level
        title = title or (same[0].title if same else None)
    elif not name:
        same = [p for p in from_text if p.level is level]
        name, title = (same[0].name, title or same[0].title) if same else ("不详", title)
    return [AccusedPerson(complaint_id=complaint.id, name=name, title=title, level=level)]


def _text_level(complaint: Complaint) -> AccusedLevel:
    """The accused level the text points to (titles, units, level words), or unknown."""
    from classifiers.entity import Entity
    from classifiers.extract import summarize_accused_level

    entities = [
        Entity(e["kind"], e.get("text", ""), e["span"][0], e["span"][1], e.get("value"), e.get("attrs") or {})
        for e in complaint.entities or [] if e.get("kind") in ("person", "accused_level") and e.get("span")
    ]
    try:
        return AccusedLevel(summarize_accused_level(entities) or "unknown")
    except ValueError:
        return AccusedLevel.unknown


def _place_from_entities(session: Session, complaint: Complaint) -> None:
    """Township and village from a known place the text names, when nobody chose one."""
    from hotline.county.names import successor

    for entity in complaint.entities or []:
        attrs = entity.get("attrs") or {}
        if entity.get("kind") != "place" or not attrs.get("known") or attrs.get("ref") is None:
            continue
        if attrs.get("level") == "village" and complaint.village_id is None:
            village = successor(session, session.get(Village, attrs["ref"]))  # never an ended village
            if village is not None:
                complaint.village_id, complaint.township_id = village.id, village.township_id
                return
        if attrs.get("level") == "township" and complaint.township_id is None:
            township = successor(session, session.get(Township, attrs["ref"]))
            complaint.township_id = township.id if township is not None else None


def draw_receipt_code(session: Session, *, check: bool = True) -> str:
    """A fresh receipt code; `check=False` skips the look-up and leaves a clash (one in 10^13 at a
    county's volume) to the unique constraint, whose refusal the caller retries with a check."""
    return _unique_receipt_code(session) if check else receipts.new_code()


def _unique_receipt_code(session: Session) -> str:
    for _ in range(10):
        code = receipts.new_code()
        if session.exec(select(Complaint.id).where(Complaint.receipt_code == code)).first() is None:
            return code
    raise RuntimeError("could not draw a unique receipt code")  # 10 collisions in 10^13: broken RNG


def _complainant(cleaned: Cleaned, phone_hash: str | None) -> Complainant | None:
    from hotline.intake.identity import seal_complainant

    if cleaned.anonymous or not (cleaned.name or cleaned.phone):
        return None
    return seal_complainant(name=cleaned.name, phone=cleaned.phone, phone_hash=phone_hash)


@dataclass(frozen=True)
class Typed:
    """What a channel typed that is settled after the complaint row exists: the accused as typed,
    the clue's source, whether the complainant gave a name, the 并单 choice. A deferred intake keeps
    it as JSON on its IntakeJob (`to_json`/`from_json`)."""

    accused_name: str | None = None
    accused_title: str | None = None
    accused_level: AccusedLevel = AccusedLevel.unknown
    clue_source: CleanSource | None = None
    named: bool = False
    merge_into: int | None = None

    @classmethod
    def of(cls, cleaned: Cleaned, *, named: bool, merge_into: int | None) -> "Typed":
        return cls(cleaned.accused_name, cleaned.accused_title, cleaned.accused_level, cleaned.clue_source,
                   named, merge_into)

    def to_json(self) -> dict:
        source = self.clue_source
        return {"accused_name": self.accused_name, "accused_title": self.accused_title,
                "accused_level": self.accused_level.value, "named": self.named, "merge_into": self.merge_into,
                "clue": None if source is None else {
                    "source": source.source.value, "referring_body": source.referring_body,
                    "doc_number": source.doc_number,
                    "date": source.date.isoformat() if source.date else None,
                    "due_date": source.due_date.isoformat() if source.due_date else None}}

    @classmethod
    def from_json(cls, raw: dict | None) -> "Typed":
        raw = raw or {}
        clue = raw.get("clue")
        source = None if clue is None else CleanSource(
            ClueSource(clue["source"]), clue.get("referring_body"), clue.get("doc_number"),
            dt.date.fromisoformat(clue["date"]) if clue.get("date") else None,
            dt.date.fromisoformat(clue["due_date"]) if clue.get("due_date") else None)
        return cls(raw.get("accused_name"), raw.get("accused_title"),
                   AccusedLevel(raw.get("accused_level") or "unknown"), source, bool(raw.get("named")),
                   raw.get("merge_into"))


@dataclass(frozen=True)
class Logged:
    complaint: Complaint
    contact: Contact


def log_contact(*, session: Session, data: IntakeData, actor: Actor, lookup_key: bytes,
                max_chars: int = 20_000, defer: bool = False) -> Complaint:
    """Validate and store one contact as a new complaint; the caller commits (see `log`)."""
    return log(session=session, data=data, actor=actor, lookup_key=lookup_key, max_chars=max_chars,
               defer=defer).complaint


def log(*, session: Session, data: IntakeData, actor: Actor, lookup_key: bytes,
        max_chars: int = 20_000, defer: bool = False, receipt_code: str | None = None,
        attach: Sequence[SQLModel] = (), unless: linked_insert.Unless | None = None) -> Logged:
    """Validate and store one contact as a new complaint, with its contact row; the caller commits.

    At once (`defer=False`: the operator's form, the API): triage, routing into a case and the
    clue number happen in this transaction. Triage runs before the first write, so no database
    lock is held while the classifier works; everything the complaint row holds is settled before
    it is inserted, the audit entries go in as one INSERT, and the clue number (a counter row's
    lock, clues/numbers.py) is drawn last.

    Deferred (`defer=True`: webhooks, where the caller waits for the answer): only what the answer
    needs is written — contact, complaint with its receipt code, sealed identity, audit entry — plus
    an IntakeJob row and the channel's own `attach` rows (the SMS, given its complaint_id and
    contact_id), all in one statement (hotline.linked_insert); `hotline.intake.completion` settles
    and routes it within seconds, with the same `settle` and `open_matter` as the immediate path.

    `receipt_code`: the code already drawn (the SMS reply quotes it before the insert, see
    `draw_receipt_code`); otherwise one is drawn and looked up first. `unless` (deferred only): a
    look-up made in the insert's own statement; when it finds a row nothing is written and
    linked_insert.Found is raised (an SMS that continues its sender's last report).
    """
    if unless is not None and not defer:
        raise TypeError("unless: only a deferred intake is written in one statement")
    cleaned = validate(session, data, max_chars=max_chars)
    received_at = data.received_at or utcnow()
    phone_hash = phones.lookup_hash(cleaned.phone, lookup_key) if cleaned.phone else None
    complainant = _complainant(cleaned, phone_hash)
    typed = Typed.of(cleaned, named=complainant is not None and bool(cleaned.name),
                     merge_into=_as_int(data.merge_into))
    complaint = new_row(Complaint, receipt_code="", text=cleaned.text, program=cleaned.program, received_at=received_at,
                        source=data.source, amount_yuan=cleaned.amount,
                        township_id=cleaned.township.id if cleaned.township else None,
                        village_id=cleaned.village.id if cleaned.village else None,
                        created_by_id=getattr(actor, "id", None))
    if defer:
        complaint.triage_state = TriageState.pending
        complaint.receipt_code = receipt_code or _unique_receipt_code(session)
        contact = _store_deferred(session, complaint, complainant, cleaned, data, phone_hash, actor, typed, attach,
                                  unless)
        audit.seal_in_background(session)  # the drain's commit, within a second, seals these too
        return Logged(complaint, contact)
    accused, chosen = settle(session, complaint, typed)
    with audit.batched(session):
        contact = _store(session, complaint, complainant, cleaned, data, phone_hash, actor)
        open_matter(session, complaint, accused, chosen, typed, actor=actor)
    return Logged(complaint, contact)


def settle(session: Session, complaint: Complaint, typed: Typed, *, triage: bool = True):
    """Triage the complaint (unless `triage` is False: labels an inspector already confirmed) and
    settle what follows from its text: the amount and place it names when none was given, the
    accused, the route and the status its case gives it. Writes nothing of its own; returns
    (accused, route) for `open_matter`."""
    from hotline.cases.opening import status_on_opening
    from hotline.intake import hooks  # late: hooks import the capabilities that build on intake

    # A stored complaint (the background drain) is written once, when open_matter flushes, not
    # at every lookup in between.
    with session.no_autoflush:
        if triage:
            hooks.classify(session=session, complaint=complaint)
        if complaint.amount_yuan is None:  # left empty: the amount the text names fills it
            found = money.amount_from_entities(complaint.entities or [])
            complaint.amount_yuan = found[0] if found else None
        if complaint.township_id is None:
            _place_from_entities(session, complaint)
        accused = accused_for(complaint, typed)
        chosen = hooks.choose_route(session=session, complaint=complaint, levels={p.level for p in accused})
        complaint.status = status_on_opening(chosen)
    return accused, chosen


def _store(session: Session, complaint: Complaint, complainant: Complainant | None, cleaned: Cleaned,
           data: IntakeData, phone_hash: str | None, actor: Actor) -> Contact:
    """Insert the sealed identity, the complaint with a fresh receipt code, its contact row and the
    complaint.create audit entry."""
    if complainant is not None:
        session.add(complainant)
        session.flush()
    complaint.complainant_id = complainant.id if complainant else None
    complaint.receipt_code = _unique_receipt_code(session)
    session.add(complaint)
    session.flush()
    contact = _new_contact(complaint, cleaned, data, phone_hash, actor)
    session.add(contact)
    session.flush()
    audit.record(session, actor=actor, action="complaint.create", entity="complaint", entity_id=complaint.id,
                 detail=_create_detail(cleaned, complainant, contact_id=contact.id))
    return contact


def _store_deferred(session: Session, complaint: Complaint, complainant: Complainant | None, cleaned: Cleaned,
                    data: IntakeData, phone_hash: str | None, actor: Actor, typed: Typed,
                    attach: Sequence[SQLModel], unless: linked_insert.Unless | None = None) -> Contact:
    """What `_store` writes, plus the IntakeJob and the `attach` rows, in one statement: each row
    takes the ids of the rows before it from the statement itself (hotline.linked_insert)."""
    complaint_ref, contact_ref = Ref("complaint"), Ref("contact")
    identity = {"complainant_id": Ref("complainant")} if complainant is not None else {}
    contact = _new_contact(complaint, cleaned, data, phone_hash, actor)
    entry = audit.new_entry(actor=actor, action="complaint.create", entity="complaint")
    rows = [NewRow("complainant", complainant)] if complainant is not None else []
    rows += [
        NewRow("complaint", complaint, identity),
        NewRow("contact", contact, {"complaint_id": complaint_ref, **identity}),
        NewRow("audit", entry, {"entity_id": Ref("complaint", text=True),
                                "detail": _create_detail(cleaned, complainant, contact_id=contact_ref,
                                                         routing="background")}),
        NewRow("job", new_row(IntakeJob, inputs=typed.to_json()), {"complaint_id": complaint_ref}),
        *(NewRow(f"attached{n}", row, {"complaint_id": complaint_ref, "contact_id": contact_ref})
          for n, row in enumerate(attach)),
    ]
    linked_insert.insert(session, rows, unless=unless)
    audit.recorded(session)
    return contact


def _new_contact(complaint: Complaint, cleaned: Cleaned, data: IntakeData, phone_hash: str | None,
                 actor: Actor) -> Contact:
    return new_row(Contact, channel=cleaned.channel, external_id=data.external_id, received_at=complaint.received_at,
                   raw_text=cleaned.text, complainant_id=complaint.complainant_id,
                   phone_hash=phone_hash, complaint_id=complaint.id, logged_by_id=getattr(actor, "id", None))


def _create_detail(cleaned: Cleaned, complainant: Complainant | None, *, contact_id, **more) -> dict:
    """The complaint.create entry's detail (contact_id: an id, or a Ref to the row being inserted)."""
    return {"channel": cleaned.channel.value, "contact_id": contact_id, "anonymous": complainant is None, **more}


def open_matter(session: Session, complaint: Complaint, accused: list[AccusedPerson], chosen, typed: Typed, *,
                actor: Actor) -> None:
    """Record the accused, open the case where `chosen` routes it (merged when the operator chose
    so) and number the clue — last, so the counter's lock is held only to the commit."""
    from hotline.intake import hooks

    for person in accused:
        person.complaint_id = complaint.id
    session.add_all(accused)
    hooks.route(session=session, complaint=complaint, actor=actor, merge_into=typed.merge_into, chosen=chosen)
    register_clue(session=session, complaint=complaint, source=typed.clue_source, named=typed.named, actor=actor)


def caller_history(session: Session, *, phone: str, lookup_key: bytes, limit: int = 20) -> list[tuple[Contact, Complaint | None]]:
    """Earlier contacts from this number, newest first, found through the keyed hash."""
    number = phones.normalize(phone)
    digest = phones.lookup_hash(number, lookup_key)
    rows = session.exec(
        select(Contact, Complaint).join(Complaint, Complaint.id == Contact.complaint_id, isouter=True)
        .where(Contact.phone_hash == digest).order_by(Contact.received_at.desc()).limit(limit)
    ).all()
    return list(rows)


def find_by_receipt(session: Session, code: str) -> Complaint | None:
    code = receipts.clean(code)
    if not receipts.is_well_formed(code):
        return None
    return session.exec(select(Complaint).where(Complaint.receipt_code == code)).first()


def find_by_code(session: Session, code: str) -> Complaint | None:
    """For staff: the complaint with this receipt code or clue number (线索编号). Callers' own
    look-ups (SMS, voice, Open311) stay on the receipt code: clue numbers are sequential."""
    return find_by_receipt(session, code) or clue_lookup.complaint_numbered(session, code)


@functools.lru_cache(maxsize=2)
def _opencc(config: str):
    from opencc import OpenCC

    return OpenCC(config)


def script_variants(query: str) -> list[str]:
    """The query as typed, in simplified and in traditional characters (opencc, by phrase:
    干部 → 幹部, not 乾部), without repeats."""
    variants = [query, _opencc("t2s").convert(query), _opencc("s2t").convert(query)]
    return list(dict.fromkeys(v for v in variants if v))


def search(session: Session, *, query: str = "", status: str = "", township_id: int | None = None,
           office_ids: set[int] | None = None, limit: int = 50, offset: int = 0) -> list[Complaint]:
    """Complaints matching a free-text query (text, receipt code or clue number), newest first.

    `office_ids` limits the result to complaints whose case is in those offices.
    """
    from hotline.county.names import lineage, places_named
    from models.cases import Case

    stmt = select(Complaint)
    if office_ids is not None:
        stmt = stmt.join(Case, Case.complaint_id == Complaint.id).where(Case.office_id.in_(office_ids or {-1}))
    q = (query or "").strip()
    if q:
        code = receipts.clean(q)
        # The query in simplified and in traditional characters: 村干部冒领 finds 村幹部冒領.
        likes = [Complaint.text.like(f"%{variant.replace('%', '').replace('_', '')}%")
                 for variant in script_variants(q)]
        # A place's current or former name finds what was filed under it (renamed, merged: 撤并).
        township_ids, village_ids = places_named(session, q)
        stmt = stmt.where(sa.or_(*likes, Complaint.receipt_code == code,
                                 Complaint.id.in_(clue_lookup.complaint_ids_numbered(q)),
                                 Complaint.township_id.in_(township_ids), Complaint.village_id.in_(village_ids)))
    if status:
        stmt = stmt.where(Complaint.status == status)
    if township_id:
        stmt = stmt.where(Complaint.township_id.in_(lineage(Township, _as_int(township_id) or -1)))
    return list(session.exec(stmt.order_by(Complaint.received_at.desc()).offset(offset).limit(limit)).all())
