"""Routing: the first active rule (by position) whose conditions all hold names the lead office.

The table is data an admin edits (never code). No match, or a rule whose office cannot be
found for the complaint's township, sends the complaint to the 案管室 for manual dispatch.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, func, select

from hotline import audit, money
from hotline.db import cached
from models.base import utcnow
from models.complaints import AccusedPerson, Complaint
from models.divisions import Township, Village
from models.offices import Office, OfficeJurisdiction, OfficeKind
from models.routing import RoutingRule
from models.taxonomy import AccusedLevel, Program, ProblemType


class RoutingError(ValueError):
    """A rule that cannot be saved; `errors` maps fields to Chinese messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class Route:
    office: Office
    rule: RoutingRule | None
    helper_office_ids: list[int]


def rules(session: Session, *, active_only: bool = True) -> list[RoutingRule]:
    stmt = select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)
    if active_only:
        stmt = stmt.where(RoutingRule.active == True)  # noqa: E712
    return cached(session, f"routing.rules:{active_only}", lambda: list(session.exec(stmt).all()))


def matches(rule: RoutingRule, complaint: Complaint, levels: set[AccusedLevel]) -> bool:
    """Whether every condition the rule sets holds for the complaint."""
    if rule.township_id is not None and rule.township_id != complaint.township_id:
        return False
    if rule.village_id is not None and rule.village_id != complaint.village_id:
        return False
    if rule.problem_type is not None and rule.problem_type != complaint.problem_type:
        return False
    if rule.program is not None and rule.program != complaint.program:
        return False
    if rule.accused_level is not None and rule.accused_level not in levels:
        return False
    if rule.min_amount_yuan is not None and (complaint.amount_yuan is None
                                             or complaint.amount_yuan < rule.min_amount_yuan):
        return False
    if rule.min_repeat_count is not None and (complaint.repeat_count or 1) < rule.min_repeat_count:
        return False
    return True


def _office_for(session: Session, rule: RoutingRule, complaint: Complaint) -> Office | None:
    if rule.lead_office_id is not None:
        office = session.get(Office, rule.lead_office_id)
        return office if office is not None and office.active else None
    if complaint.township_id is None or rule.lead_by_jurisdiction is None:
        return None
    return session.exec(
        select(Office).join(OfficeJurisdiction, OfficeJurisdiction.office_id == Office.id)
        .where(OfficeJurisdiction.township_id == complaint.township_id,
               Office.kind == rule.lead_by_jurisdiction, Office.active == True)  # noqa: E712
        .order_by(Office.id)).first()


def case_management_office(session: Session) -> Office:
    """The 案管室: where complaints no routing rule claims wait for manual dispatch."""
    office = session.exec(select(Office).where(Office.kind == OfficeKind.case_management)).first()
    if office is None:
        office = Office(name="案件监督管理室", kind=OfficeKind.case_management)
        session.add(office)
        session.flush()
    return office


def route(session: Session, complaint: Complaint, levels: set[AccusedLevel] | None = None) -> Route:
    """The office the complaint goes to and the rule that chose it (None: the 案管室).

    `levels`: the accused persons' levels when the caller has them (intake routes before the
    complaint and its accused are stored); otherwise read from the stored accused."""
    if levels is None:
        levels = set(session.exec(select(AccusedPerson.level)
                                  .where(AccusedPerson.complaint_id == complaint.id)).all())
    for rule in rules(session):
        if not matches(rule, complaint, levels):
            continue
        office = _office_for(session, rule, complaint)
        if office is not None:
            return Route(office, rule, [i for i in (rule.helper_office_ids or []) if i != office.id])
    return Route(case_management_office(session), None, [])


# --- editing the table (admin) ---------------------------------------------------------------

RULE_FIELDS = ("name", "township_id", "village_id", "problem_type", "program", "accused_level",
               "min_amount_yuan", "min_repeat_count", "lead_office_id", "lead_by_jurisdiction",
               "helper_office_ids", "note", "active")


def _int(raw, field: str, message: str, errors: dict) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(str(raw))
    except ValueError:
        errors[field] = message
        return None


def _enum(cls, raw, field: str, message: str, errors: dict):
    if raw in (None, ""):
        return None
    try:
        return cls(raw)
    except ValueError:
        errors[field] = message
        return None


def _division(session: Session, model, division_id: int | None, key: str, what: str, kept: RoutingRule | None,
              errors: dict[str, str]) -> None:
    """A rule names a current division; an ended (merged or retired) one only if the rule already did."""
    if division_id is None:
        return
    division = session.get(model, division_id)
    if division is None:
        errors[key] = f"{what}不存在"
    elif not division.active and getattr(kept, key, None) != division_id:
        errors[key] = f"“{division.name}”已撤并或撤销，请选择现在的{what}"


def clean_rule(session: Session, form: dict, kept: RoutingRule | None = None) -> dict:
    """Validate a rule as submitted (strings); raise RoutingError listing every problem. `kept` is
    the rule being edited: the ended division it already names may stay."""
    errors: dict[str, str] = {}
    name = (form.get("name") or "").strip()
    if not name:
        errors["name"] = "请填写规则名称"
    elif len(name) > 60:
        errors["name"] = "规则名称过长（最多60字）"
    values: dict = {"name": name, "note": (form.get("note") or "").strip()[:200] or None,
                    "active": form.get("active") in ("on", "1", "true", True)}
    township_id = _int(form.get("township_id"), "township_id", "乡镇不存在", errors)
    _division(session, Township, township_id, "township_id", "乡镇", kept, errors)
    village_id = _int(form.get("village_id"), "village_id", "村（社区）不存在", errors)
    _division(session, Village, village_id, "village_id", "村（社区）", kept, errors)
    values.update(township_id=township_id, village_id=village_id)
    values["problem_type"] = _enum(ProblemType, form.get("problem_type"), "problem_type", "问题类型不正确", errors)
    values["program"] = _enum(Program, form.get("program"), "program", "所涉领域不正确", errors)
    values["accused_level"] = _enum(AccusedLevel, form.get("accused_level"), "accused_level",
                                    "被反映人层级不正确", errors)
    amount = (form.get("min_amount_yuan") or "").strip()
    values["min_amount_yuan"] = None
    if amount:  # read as intake reads the amount it is compared with (5000, 5000元, 5千, 五千)
        try:
            values["min_amount_yuan"] = money.parse_yuan(amount)
        except ValueError as exc:
            errors["min_amount_yuan"] = f"金额下限：{exc}"
    repeat = _int(form.get("min_repeat_count"), "min_repeat_count", "重复举报次数须为整数", errors)
    if repeat is not None and repeat < 1:
        errors["min_repeat_count"] = "重复举报次数须不小于1"
    values["min_repeat_count"] = repeat
    lead = _int(form.get("lead_office_id"), "lead_office_id", "承办机构不存在", errors)
    if lead is not None and session.get(Office, lead) is None:
        errors["lead_office_id"] = "承办机构不存在"
    by_kind = _enum(OfficeKind, form.get("lead_by_jurisdiction"), "lead_by_jurisdiction", "机构类型不正确", errors)
    if lead is None and by_kind is None and "lead_office_id" not in errors:
        errors["lead_office_id"] = "请选择承办机构，或选择“按属地由某类机构承办”"
    elif lead is not None and by_kind is not None:
        errors["lead_office_id"] = "承办机构与“按属地承办”只能选择一项"
    values.update(lead_office_id=lead, lead_by_jurisdiction=by_kind)
    helpers = form.get("helper_office_ids") or []
    if isinstance(helpers, str):
        helpers = [h for h in helpers.replace("，", ",").split(",") if h.strip()]
    helper_ids = []
    for raw in helpers:
        hid = _int(raw, "helper_office_ids", "协办机构不存在", errors)
        if hid is not None and session.get(Office, hid) is None:
            errors["helper_office_ids"] = "协办机构不存在"
        elif hid is not None:
            helper_ids.append(hid)
    values["helper_office_ids"] = helper_ids or None
    if errors:
        raise RoutingError(errors)
    return values


def save_rule(*, session: Session, form: dict, actor, rule: RoutingRule | None = None) -> RoutingRule:
    """Create (appended last) or update a rule; audited."""
    values = clean_rule(session, form, rule)
    created = rule is None
    if rule is None:
        last = session.exec(select(func.max(RoutingRule.position))).one()
        rule = RoutingRule(position=(last or 0) + 10, name=values["name"])
    for key, value in values.items():
        setattr(rule, key, value)
    rule.updated_by_id, rule.updated_at = getattr(actor, "id", None), utcnow()
    session.add(rule)
    session.flush()
    audit.record(session, actor=actor, action="routing.create" if created else "routing.update",
                 entity="routing_rule", entity_id=rule.id,
                 detail={k: (v.value if hasattr(v, "value") else v) for k, v in values.items()})
    return rule


def move_rule(*, session: Session, rule: RoutingRule, direction: str, actor) -> None:
    """Swap the rule with its neighbour above ("up") or below ("down"); positions renumbered."""
    ordered = rules(session, active_only=False)
    index = next(i for i, r in enumerate(ordered) if r.id == rule.id)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position * 10
        session.add(item)
    session.flush()
    audit.record(session, actor=actor, action="routing.move", entity="routing_rule", entity_id=rule.id,
                 detail={"direction": direction, "order": [r.id for r in ordered]})
