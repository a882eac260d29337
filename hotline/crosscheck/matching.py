"""Who is who when an ID number is missing or mistyped: fuzzy identity with a score and a reason.

A recipient row whose ID failed its check (or is empty) is matched, in this order, to:
1. a valid ID one digit or one adjacent transposition away, held in any registry by a person of the
   same name (same pinyin scores lower);
2. the member of the same household (户编号) with the same name (or the same pinyin);
3. the only person of that name (or pinyin) in the same village of the household registry.
Ambiguous matches (two different people fit) are not used. Exact IDs score 1.0 and need no entry.

The registries carry typos as often as the rolls: a registry row (payroll, deaths, vehicles,
businesses, property) whose ID fails its check is matched, the same way, to a roll member (the
household registry or a recipient) whose valid ID is one digit or one adjacent transposition
away, with the same name (or pinyin) **and the same birth date** (`resolve_registries`). The
candidates are blocked by ID variant: the valid numbers one such edit away are built from the
MOD 11-2 arithmetic and looked up in the rolls' ID indexes in one join, so the work grows with the
mistyped rows, not with the rolls. A registry ID that passes its check is never "one edit" from
another valid ID: MOD 11-2 changes its check character for every single-digit change and every
adjacent transposition, so such a pair differs in two places at least and is not matched.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from hotline.crosscheck import values
from hotline.crosscheck.scratch import fill_scratch_table, planner

SCORES = {
    "exact_id": 1.0,
    "id_typo_name": 0.85,  # ID one digit/transposition from a registry ID, same name
    "name_household": 0.8,  # ID missing/invalid, same name in the same household
    "id_typo_pinyin": 0.75,  # ID one digit/transposition away, names sound the same
    "name_village": 0.7,  # the only person of that name in the same village
    "pinyin_household": 0.65,
    "pinyin_village": 0.6,
    "relative_name_village": 0.75,  # a cadre's relative listed by name only, same name and village
    "relative_pinyin_village": 0.6,
    "registry_id_typo_name": 0.85,  # the registry's ID one digit/transposition from a roll member's, same name, same birth date
    "registry_id_typo_pinyin": 0.75,
    # the registry's ID one digit off inside the birth date, the very same name (and village where the
    # registry names one): a typo in the date is also how two different people differ, so below the above
    "registry_birth_typo_name": 0.7,
}
MATCH_LABELS = {
    "exact_id": "身份证号一致", "id_typo_name": "身份证号相差一位、姓名相同", "name_household": "同户同名",
    "id_typo_pinyin": "身份证号相差一位、姓名同音", "name_village": "同村同名", "pinyin_household": "同户同音",
    "pinyin_village": "同村同音", "relative_name_village": "亲属姓名一致且同村", "relative_pinyin_village": "亲属姓名同音且同村",
    "registry_id_typo_name": "登记库身份证号相差一位、姓名相同", "registry_id_typo_pinyin": "登记库身份证号相差一位、姓名同音",
    "registry_birth_typo_name": "登记库身份证号出生日期相差一位、姓名相同",
}
# Registries whose mistyped IDs are resolved: kind -> (table, label in reasons). The cadre roll's
# person of interest is the relative (亲属身份证号, 亲属姓名), the others' the row's own person.
REGISTRIES = {"payroll": ("roll_payroll", "财政供养人员名单中"), "deaths": ("roll_death", "死亡火化记录中"),
              "vehicles": ("roll_vehicle", "车辆登记中"), "businesses": ("roll_business", "工商登记中"),
              "property": ("roll_property", "不动产登记中"), "cadres": ("roll_cadre", "村干部及亲属登记中亲属"),
              "disability": ("roll_disability", "残疾人证登记中")}
_REGISTRY_PERSON = {"cadres": ("relative_name", "relative_id_raw", "relative_id")}  # name, raw ID, valid ID
# Where a registry person is looked for: the people on the rolls.
_MEMBER_TABLES = {"roll_household_member": "户籍登记", "roll_recipient": "补助发放名册"}
_ID_TABLES = ("roll_household_member", "roll_payroll", "roll_death", "roll_vehicle", "roll_business",
              "roll_property", "roll_cadre", "roll_recipient")


@dataclass(frozen=True)
class Resolved:
    id_number: str
    score: float
    match: str
    reason: str


# (rid, id_number): a recipient row and an ID number that stands for it.
PERSON_COLUMNS = {"rid": "INTEGER NOT NULL", "id_number": "VARCHAR(18) NOT NULL"}


def resolve_recipients(session: Session) -> dict[int, Resolved]:
    """Fuzzy identities for recipient rows without a valid ID: {recipient row id: Resolved}.

    The candidates are gathered with three joins (ID variants via a temporary table, household,
    village); the choice among them is made here, strongest method first.
    """
    rows = session.execute(sa.text(
        "SELECT id, name, name_key, name_py, id_raw, id_error, household_no, township, village "
        "FROM roll_recipient WHERE id_number IS NULL")).all()
    if not rows:
        return {}
    resolved: dict[int, Resolved] = {}
    by_typo = _by_id_typo(session, rows)
    by_household = _by_household(session, [r for r in rows if r.id not in by_typo and r.household_no])
    by_village = _by_village(session, [r for r in rows if r.id not in by_typo and r.id not in by_household
                                        and r.village])
    for found in (by_village, by_household, by_typo):  # later (stronger) methods win
        resolved.update(found)
    return resolved


def _why_id(row) -> str:
    return f"享受人身份证号“{row.id_raw or '空'}”无效（{row.id_error or '缺失'}）"


def _by_id_typo(session: Session, rows) -> dict[int, Resolved]:
    variants: dict[int, set[str]] = {}
    for row in rows:
        if row.id_raw and len(row.id_raw) == 18:
            found = values.id_variants(row.id_raw)
            if found:
                variants[row.id] = found
    if not variants:
        return {}
    # One join of every (row, variant) pair against every roll's ID index, instead of IN lists.
    fill_scratch_table(session, "cc_variant", PERSON_COLUMNS,
                       [(rid, v) for rid, found in variants.items() for v in sorted(found)])
    holders_sql = " UNION ALL ".join(
        f"SELECT v.rid, v.id_number, t.name_key, t.name_py FROM cc_variant v JOIN {table} t ON t.id_number = v.id_number"
        for table in _ID_TABLES)
    holders: dict[int, dict[str, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
    # A few thousand variants, each looked up in every roll's ID index: PostgreSQL would rather
    # scan all 3.7 M roll rows unless told that index reads of rows in memory are cheap.
    with planner(session.connection(), random_page_cost="1.1"):
        for rid, number, key, py in session.execute(sa.text(holders_sql)):
            holders[rid][number].add((key, py))
    session.connection().exec_driver_sql("DROP TABLE IF EXISTS cc_variant")
    out = {}
    by_id = {r.id: r for r in rows}
    for rid, found in holders.items():
        row = by_id[rid]
        exact = {v for v, people in found.items() if any(k == row.name_key for k, _ in people)}
        sounds = {v for v, people in found.items() if any(p == row.name_py for _, p in people)} - exact
        for pool, match, how in ((exact, "id_typo_name", "姓名相同"), (sounds, "id_typo_pinyin", "姓名同音")):
            if len(pool) == 1:
                number = next(iter(pool))
                out[rid] = Resolved(number, SCORES[match], match,
                                    f"{_why_id(row)}；与登记库中身份证号{number}{values.id_difference(row.id_raw, number)}，{how}")
                break
    return out


def _by_household(session: Session, rows) -> dict[int, Resolved]:
    out = {}
    if not rows:
        return out
    members: dict[str, list] = defaultdict(list)
    for m in session.execute(sa.text(
            "SELECT DISTINCT m.household_no, m.id_number, m.name_key, m.name_py FROM roll_household_member m "
            "WHERE m.id_number IS NOT NULL AND m.household_no IN "
            "(SELECT household_no FROM roll_recipient WHERE id_number IS NULL AND household_no IS NOT NULL)")):
        members[m.household_no].append(m)
    for row in rows:
        people = members.get(row.household_no, [])
        for match, pick, how in (("name_household", lambda m: m.name_key == row.name_key, "姓名相同"),
                                 ("pinyin_household", lambda m: m.name_py == row.name_py, "姓名同音")):
            ids = {m.id_number for m in people if pick(m)}
            if len(ids) == 1:
                number = next(iter(ids))
                out[row.id] = Resolved(number, SCORES[match], match,
                                       f"{_why_id(row)}；户籍登记同户（户编号{row.household_no}）成员{how}，身份证号{number}")
                break
    return out


def _by_village(session: Session, rows) -> dict[int, Resolved]:
    out = {}
    if not rows:
        return out
    # Only people who share a name (or its pinyin) with a recipient of the same village can decide.
    people: dict[str, list] = defaultdict(list)
    for m in session.execute(sa.text("""
            SELECT m.village, m.township, m.id_number, m.name_key, m.name_py FROM roll_household_member m
              JOIN (SELECT DISTINCT village, name_key FROM roll_recipient
                     WHERE id_number IS NULL AND village IS NOT NULL) r
                ON r.village = m.village AND r.name_key = m.name_key
             WHERE m.id_number IS NOT NULL
            UNION
            SELECT m.village, m.township, m.id_number, m.name_key, m.name_py FROM roll_household_member m
              JOIN (SELECT DISTINCT village, name_py FROM roll_recipient
                     WHERE id_number IS NULL AND village IS NOT NULL) r
                ON r.village = m.village AND r.name_py = m.name_py
             WHERE m.id_number IS NOT NULL""")):
        people[m.village].append(m)
    for row in rows:
        here = [m for m in people.get(row.village, []) if not row.township or not m.township
                or m.township == row.township]
        for match, pick, how in (("name_village", lambda m: m.name_key == row.name_key, "同名"),
                                 ("pinyin_village", lambda m: m.name_py == row.name_py, "同音")):
            ids = {m.id_number for m in here if pick(m)}
            if len(ids) == 1:
                number = next(iter(ids))
                out[row.id] = Resolved(number, SCORES[match], match,
                                       f"{_why_id(row)}；户籍登记中{row.village}仅有一人{how}，身份证号{number}")
                break
    return out


def resolve_registries(session: Session, kinds: tuple[str, ...] = tuple(REGISTRIES)) -> dict[tuple[str, int], Resolved]:
    """Roll members for registry rows whose ID failed its check: {(kind, registry row id): Resolved}.

    Every valid number one edit away (`values.id_variants`, ~13 per row) is looked up in the
    household registry's and the recipients' ID indexes in one join. Then, per row: a holder with the same birth date and the same name
    (or pinyin) decides (`_same_birth`); failing that, one with the birth date one digit off and
    the very same name, in the same village where the registry names one (`_birth_typo`).
    """
    rows = _mistyped_registry_rows(session, kinds)
    variants = [(n, v) for n, (_kind, row) in enumerate(rows) for v in values.id_variants(row.id_raw)]
    if not variants:
        return {}
    fill_scratch_table(session, "cc_variant", PERSON_COLUMNS, variants)
    holders_sql = " UNION ALL ".join(
        f"SELECT v.rid, v.id_number, t.name_key, t.name_py, t.village, '{table}' FROM cc_variant v "
        f"JOIN {table} t ON t.id_number = v.id_number" for table in _MEMBER_TABLES)
    holders: dict[int, dict[str, set[tuple[str, str, str | None]]]] = defaultdict(lambda: defaultdict(set))
    where: dict[str, set[str]] = defaultdict(set)
    # ~13 probes per mistyped row in the ID indexes: PostgreSQL would rather hash the 2 M household
    # rows and the 1 M recipients (in three processes), which costs about twice the time.
    with planner(session.connection(), random_page_cost="1.1", enable_hashjoin="off", enable_mergejoin="off"):
        for n, number, key, py, village, table in session.execute(sa.text(holders_sql)).all():
            holders[n][number].add((key, py, village))
            where[number].add(table)
    session.connection().exec_driver_sql("DROP TABLE IF EXISTS cc_variant")
    out = {}
    for n, found in sorted(holders.items()):
        kind, row = rows[n]
        picked = _same_birth(row, found) or _birth_typo(row, found)
        if picked is not None:
            number, match, how = picked
            out[(kind, row.id)] = Resolved(number, SCORES[match], match, (
                f"{REGISTRIES[kind][1]}身份证号“{row.id_raw}”无效（{values.check_id(row.id_raw)[2] or '校验不符'}）；"
                f"与{_MEMBER_TABLES[min(where[number])]}中身份证号"
                f"{number}{values.id_difference(row.id_raw, number)}，{how}"))
    return out


def _mistyped_registry_rows(session: Session, kinds: tuple[str, ...]) -> list[tuple[str, _Typed]]:
    """The registry rows of `kinds` whose 18-character ID failed its check, with their name keys
    (as imported; a cadre's relative's are worked out here) and village (the cadre roll's)."""
    rows = []
    for kind in kinds:
        table, _label = REGISTRIES[kind]
        if kind in _REGISTRY_PERSON:
            name, raw, valid = _REGISTRY_PERSON[kind]
            found = session.execute(sa.text(
                f"SELECT id, {name}, {raw}, village FROM {table} WHERE {valid} IS NULL AND {raw} IS NOT NULL "
                f"AND {name} IS NOT NULL ORDER BY id")).all()
            keyed = [(row_id, *values.name_keys(person), typed, village) for row_id, person, typed, village in found]
        else:
            keyed = session.execute(sa.text(
                f"SELECT id, name_key, name_py, id_raw, NULL FROM {table} "
                f"WHERE id_number IS NULL AND id_raw IS NOT NULL ORDER BY id")).all()
        rows += [(kind, _Typed(row_id, key, py, typed, village))
                 for row_id, key, py, typed, village in keyed if len(typed) == 18 and key]
    return rows


def _same_birth(row: _Typed, found: dict) -> tuple[str, str, str] | None:
    """(number, match, how) of the one holder with the registry's birth date and its name (or,
    failing that, its pinyin); None when there is none or several."""
    born = row.id_raw[6:14]
    found = {v: people for v, people in found.items() if v[6:14] == born}
    exact = {v for v, people in found.items() if any(k == row.name_key for k, _p, _v in people)}
    sounds = {v for v, people in found.items() if any(p == row.name_py for _k, p, _v in people)} - exact
    for pool, match, how in ((exact, "registry_id_typo_name", "姓名相同、出生日期相同"),
                             (sounds, "registry_id_typo_pinyin", "姓名同音、出生日期相同")):
        if len(pool) == 1:
            return next(iter(pool)), match, how
    return None


def _birth_typo(row: _Typed, found: dict) -> tuple[str, str, str] | None:
    """A typo inside the birth date: the one holder with the very same name (pinyin is not
    enough) whose number differs from the registry's in the birth date only, in the registry's
    village where it names one, and no holder of the same name or pinyin with the registry's own
    birth date (those decide, or make it ambiguous). Scored below the same-birth match."""
    born = row.id_raw[6:14]
    if any(v[6:14] == born and any(k == row.name_key or p == row.name_py for k, p, _v in people)
           for v, people in found.items()):
        return None
    pool = {v for v, people in found.items() if v[6:14] != born
            and any(k == row.name_key and (row.village is None or village == row.village) for k, _p, village in people)}
    if len(pool) != 1:
        return None
    return next(iter(pool)), "registry_birth_typo_name", "出生日期有一位之差，姓名相同" + ("、同村" if row.village else "")


@dataclass(frozen=True)
class _Typed:
    """A registry row's person whose ID failed its check (village: where the registry names one)."""
    id: int
    name_key: str
    name_py: str
    id_raw: str
    village: str | None = None


def combine(person: tuple[float, str, str], registry: Resolved | None) -> tuple[float, str, str]:
    """A hit's (score, match, reason prefix) from the recipient's identity and the registry row's.

    Both uncertain: the scores multiply; the match named is the less sure side's (the recipient's
    on a tie); the reason gives both. `Rule.write` does the same in SQL."""
    score, match, why = person
    if registry is None:
        return person
    reason = f"{why}；{registry.reason}" if why else registry.reason
    return score * registry.score, registry.match if registry.score < score else match, reason
