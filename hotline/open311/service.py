"""Requests from partner platforms: creating complaints through intake, and reporting their status.

A partner sees only what it may know: the receipt code, open/closed, a coarse stage, the level of
the office handling the matter and the place. Never the complainant, the accused, the office's
name, the finding or the report text.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from sqlmodel import Session, select

from hotline import audit
from hotline.clues.sources import SourceInput
from hotline.intake import service as intake
from hotline.open311 import catalogue
from hotline.open311.clients import actor_for
from hotline.public import service as public
from models.base import utcnow
from models.complaints import Complaint, ComplaintStatus
from models.contacts import Contact
from models.divisions import Township, Village
from models.open311 import Open311Client, Open311Request
from models.taxonomy import Channel

MAX_PARTNER_ID = 50
MAX_ADDRESS = 200
MAX_IDS = 100  # service_request_id values per GET
MAX_RESULTS = 1000  # the spec's default page
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

STAGE_NOTES = {
    ComplaintStatus.received: "已受理，正在分办",
    ComplaintStatus.assigned: "已转交承办机构",
    ComplaintStatus.in_progress: "承办机构正在办理",
    ComplaintStatus.closed: "已办结",
}
MERGED_NOTE = "已与反映同一问题的其他举报合并办理"
CREATED_NOTICE = "已受理。办理结果由纪检监察机关按规定直接反馈实名举报人。"
# Intake's field names → the request parameter a partner sent.
PARAMETERS = {"text": "description", "phone": "phone", "name": "first_name/last_name",
              "township_id": "attribute[township]", "village_id": "attribute[village]",
              "program": "attribute[program]", "accused_level": "attribute[accused_level]",
              "amount": "attribute[amount]", "channel": "channel"}


class Open311Error(Exception):
    """A request refused: an HTTP status and one Chinese description per problem."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = list(descriptions)


# --- POST requests ---------------------------------------------------------------------------

def _attributes(params: dict[str, str]) -> dict[str, str]:
    found = {}
    for key, value in params.items():
        match = re.fullmatch(r"attribute\[(.+)\]", key)
        if match:
            found[match.group(1)] = (value or "").strip()
    unknown = sorted(set(found) - set(catalogue.ATTRIBUTE_CODES))
    if unknown:
        raise Open311Error(400, "不支持的属性：" + "、".join(f"attribute[{code}]" for code in unknown))
    return found


def _partner_id(params: dict[str, str], attributes: dict[str, str]) -> str | None:
    top, attr = (params.get("external_id") or "").strip(), attributes.get("external_id", "")
    if top and attr and top != attr:
        raise Open311Error(400, "external_id 与 attribute[external_id] 不一致")
    value = top or attr
    if not value:
        return None
    if len(value) > MAX_PARTNER_ID or _CONTROL.search(value):
        raise Open311Error(400, f"external_id 须为不超过{MAX_PARTNER_ID}个字符的可见字符")
    return value


def _division_ids(session: Session, attributes: dict[str, str], address: str) -> tuple[int | None, int | None]:
    """Township and village from their codes, or else found by name in the address string."""
    from hotline.county.names import in_use_by_code

    errors, town_id, village_id = [], None, None
    if attributes.get("township"):
        town = in_use_by_code(session, Township, attributes["township"])  # an old code still answers
        town_id = town.id if town is not None else None
        if town_id is None:
            errors.append(f"attribute[township] 不是有效的乡镇代码：{attributes['township'][:20]}")
    if attributes.get("village"):
        village = in_use_by_code(session, Village, attributes["village"])
        village_id = village.id if village is not None else None
        if village_id is None:
            errors.append(f"attribute[village] 不是有效的村（社区）代码：{attributes['village'][:20]}")
    if errors:
        raise Open311Error(400, *errors)
    if town_id is None and village_id is None and address:
        town_id, village_id = _place_in_address(session, address)
    return town_id, village_id


def _place_in_address(session: Session, address: str) -> tuple[int | None, int | None]:
    towns = [t for t in session.exec(select(Township).where(Township.active == True)).all()  # noqa: E712
             if t.name in address]
    if len(towns) != 1:  # none, or ambiguous: leave it to the operator reading the address
        return None, None
    villages = [v for v in session.exec(select(Village).where(Village.township_id == towns[0].id,
                                                             Village.active == True)).all()  # noqa: E712
                if v.name in address]
    return towns[0].id, villages[0].id if len(villages) == 1 else None


def _existing(session: Session, client: Open311Client, partner_id: str) -> Complaint | None:
    row = session.exec(select(Open311Request).where(Open311Request.client_id == client.id,
                                                    Open311Request.partner_id == partner_id)).first()
    return session.get(Complaint, row.complaint_id) if row else None


def submit(*, session: Session, client: Open311Client, params: dict[str, str], lookup_key: bytes,
           max_chars: int, files: list[tuple[str, bytes]] | None = None) -> tuple[Complaint, bool]:
    """POST requests: log the matter as a complaint (triaged, case opened) with its evidence files
    (`media` parts, checked and stored as web files are); the caller commits.

    Returns (complaint, created). A partner id seen before returns the first complaint unchanged
    (its files are not stored again). A refused file refuses the request, nothing stored.
    """
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "缺少 service_code")
    service = catalogue.service_for(code)
    if service is None:
        raise Open311Error(400, f"service_code 不存在：{code[:40]}")
    attributes = _attributes(params)
    try:
        checked = public.check_evidence(files or [])
    except public.PublicError as exc:
        raise Open311Error(400, *(f"media：{reason}" for reason in exc.errors["files"].split("；"))) from None
    partner_id = _partner_id(params, attributes)
    if partner_id:
        existing = _existing(session, client, partner_id)
        if existing is not None:
            return existing, False
    address = _CONTROL.sub("", params.get("address_string") or "").strip()
    if len(address) > MAX_ADDRESS:
        raise Open311Error(400, f"address_string 过长（最多{MAX_ADDRESS}字）")
    town_id, village_id = _division_ids(session, attributes, address)
    description = params.get("description") or ""
    if address and description.strip():
        description = f"{description.rstrip()}\n（12345平台地址：{address}）"
    name = ((params.get("last_name") or "").strip() + (params.get("first_name") or "").strip())
    data = intake.IntakeData(
        text=description, channel=Channel.open311.value, source="open311",
        external_id=f"{client.id}:{partner_id}" if partner_id else None,
        phone=params.get("phone") or "", name=name, anonymous=not (name or (params.get("phone") or "").strip()),
        township_id=town_id, village_id=village_id, program=attributes.get("program", ""),
        accused_level=attributes.get("accused_level", ""), amount=attributes.get("amount", ""),
        # The register's 来源单位 and 来源文号: the platform and its own work-order number.
        clue=SourceInput(referring_body=client.name, doc_number=partner_id or ""))
    try:
        with session.begin_nested():
            complaint = intake.log_contact(session=session, data=data, actor=None, lookup_key=lookup_key,
                                           max_chars=max_chars)
    except intake.IntakeError as exc:
        raise Open311Error(400, *(f"{PARAMETERS.get(f, f)}：{m}" for f, m in exc.errors.items())) from None
    except sa.exc.IntegrityError:  # the same partner id posted twice at once: the other one won
        existing = _existing(session, client, partner_id) if partner_id else None
        if existing is None:
            raise
        return existing, False
    contact_id = session.exec(select(Contact.id).where(Contact.complaint_id == complaint.id)).first()
    session.add(Open311Request(client_id=client.id, complaint_id=complaint.id, contact_id=contact_id,
                               service_code=service, partner_id=partner_id, created_at=utcnow()))
    public.add_evidence(session, complaint.id, contact_id, checked, actor=actor_for(client), channel="open311")
    audit.record(session, actor=actor_for(client), action="open311.request_create", entity="complaint",
                 entity_id=complaint.id, detail={"client_id": client.id, "service_code": service.value,
                                                 "partner_id": partner_id})
    return complaint, True


def created_json(complaint: Complaint) -> dict:
    return {"service_request_id": complaint.receipt_code, "service_notice": CREATED_NOTICE, "account_id": None}
