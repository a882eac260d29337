"""Roll rows and findings that match a complaint's extracted entities (the panel on the case page).

"他父母都是老师，儿子张小明却领了助学金": the person 张小明 in the complaint's village is found on the
grant roll, his household is found in the household registry, and the household's payroll rows
are shown next to it, with the findings already raised about him.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from hotline.crosscheck import values
from hotline.crosscheck.evidence import snapshot
from models.divisions import Township, Village
from models.findings import Finding
from models.rolls import ROW_TABLES

MAX_ROWS = 40
_ASSET_KINDS = ("payroll", "deaths", "vehicles", "businesses", "property", "cadres", "disability")


@dataclass
class Matches:
    people: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # evidence-style snapshots with a "why"
    findings: list[Finding] = field(default_factory=list)
    truncated: bool = False

    def __bool__(self) -> bool:
        return bool(self.rows or self.findings)


def _entity_terms(entities: list | None) -> tuple[set[str], set[str], set[str]]:
    ids, names, programs = set(), set(), set()
    for entity in entities or []:
        kind, value = entity.get("kind"), entity.get("value")
        if kind == "id_number" and value:
            number, _c, error, _b = values.check_id(value)
            if number:
                ids.add(number)
        elif kind == "person" and isinstance(value, str):
            key = values.name_key(value)
            if len(key) >= 2 and not key.endswith("某"):
                names.add(key)
        elif kind == "program" and value:
            programs.add(str(value))
    return ids, names, programs


def complaint_matches(session: Session, complaint) -> Matches:
    """Rows of every roll and findings that fit the complaint's IDs, names, place and programme.

    Four stages, each widening from the last: the people the complaint names (by ID, or by name
    in its village or township), their households, the registry rows of everyone found so far,
    and the findings already raised about them."""
    ids, names, programs = _entity_terms(getattr(complaint, "entities", None))
    village = session.get(Village, complaint.village_id) if complaint.village_id else None
    township = session.get(Township, complaint.township_id) if complaint.township_id else None
    result = _Collector(Matches(people=sorted(ids | names)))
    if not ids and not names:
        return result.matches
    people_ids, households = _named_people(session, result, ids, names, programs, village, township)
    people_ids |= _households(session, result, households)
    _registry_rows(session, result, people_ids)
    result.matches.findings = _findings(session, people_ids, names, village)
    return result.matches


class _Collector:
    """Rows gathered across the stages: each once, at most MAX_ROWS (then `truncated`)."""

    def __init__(self, matches: Matches):
        self.matches = matches
        self.seen: set[tuple[str, int]] = set()

    def add(self, kind: str, row: dict, why: str) -> None:
        if (kind, row["id"]) in self.seen:
            return
        if len(self.matches.rows) >= MAX_ROWS:
            self.matches.truncated = True
            return
        self.seen.add((kind, row["id"]))
        self.matches.rows.append(snapshot(kind, row, why))


def _named_people(session: Session, result: _Collector, ids: set[str], names: set[str], programs: set[str],
                  village, township) -> tuple[set[str], set[str]]:
    """Stage 1: recipients and household members the complaint names; (their IDs, their households)."""
    people_ids, households = set(ids), set()
    for kind in ("recipients", "households"):
        table = ROW_TABLES[kind].__table__
        clauses = []
        if ids:
            clauses.append(table.c.id_number.in_(ids))
        if names:
            by_name = table.c.name_key.in_(names)
            if village is not None:
                by_name = sa.and_(by_name, table.c.village == village.name)
            elif township is not None:
                by_name = sa.and_(by_name, table.c.township == township.name)
            clauses.append(by_name)
        stmt = sa.select(table).where(sa.or_(*clauses)).limit(MAX_ROWS)
        if kind == "recipients" and programs:
            stmt = stmt.order_by(sa.case((table.c.program.in_(programs), 0), else_=1), table.c.id)
        for row in session.execute(stmt).mappings():
            row = dict(row)
            how = "身份证号一致" if row["id_number"] in ids else "姓名一致" + ("、同村" if village else "")
            result.add(kind, row, f"与举报中的{row['name']}{how}")
            if row["id_number"]:
                people_ids.add(row["id_number"])
            if row.get("household_no"):
                households.add(row["household_no"])
    return people_ids, households


def _households(session: Session, result: _Collector, households: set[str]) -> set[str]:
    """Stage 2: the members of those households; their IDs."""
    found: set[str] = set()
    if not households:
        return found
    table = ROW_TABLES["households"].__table__
    for row in session.execute(sa.select(table).where(table.c.household_no.in_(sorted(households)[:50]))
                               .limit(MAX_ROWS)).mappings():
        row = dict(row)
        result.add("households", row, f"同户家庭成员（户编号{row['household_no']}）")
        if row["id_number"]:
            found.add(row["id_number"])
    return found


def _registry_rows(session: Session, result: _Collector, people_ids: set[str]) -> None:
    """Stage 3: payroll, vehicles, businesses, property, deaths, cadre and 残疾人证 rows of everyone found."""
    if not people_ids:
        return
    for kind in _ASSET_KINDS:
        table = ROW_TABLES[kind].__table__
        for row in session.execute(sa.select(table).where(table.c.id_number.in_(sorted(people_ids)[:500]))
                                   .limit(MAX_ROWS)).mappings():
            result.add(kind, dict(row), "举报所涉人员或其家庭成员")


def _findings(session: Session, people_ids: set[str], names: set[str], village) -> list[Finding]:
    """Stage 4: findings already raised about them."""
    clauses = []
    if people_ids:
        clauses.append(Finding.id_number.in_(sorted(people_ids)[:500]))
    if names and village is not None:
        clauses.append(sa.and_(Finding.name_key.in_(names), Finding.village == village.name))
    if not clauses:
        return []
    return list(session.exec(select(Finding).where(sa.or_(*clauses))
                             .order_by(Finding.score.desc(), Finding.id).limit(30)).all())
