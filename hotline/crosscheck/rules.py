"""The cross-check rules: each is a set-based SQL join over the rolls that yields "hits".

A hit names the recipient row, the rows that show the problem, and how sure the person match is.
`hotline.crosscheck.findings` turns hits into findings with their evidence. The joins are plain
SQL that SQLite and PostgreSQL both run; the rules share two temporary tables built once per run:
`cc_resolved` (fuzzy identities of recipients without a valid ID) and `cc_members` (every person
of each recipient's household, by 户编号, 户主身份证号 or the recipient's own household record).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session

from hotline.crosscheck import values
from hotline.crosscheck.matching import SCORES, Resolved, resolve_recipients

AGRICULTURAL_VEHICLE_WORDS = ("拖拉机", "农用", "三轮", "低速", "收割", "插秧", "农机")
COMMERCIAL_USAGE_WORDS = ("商业", "商服", "商铺", "商用", "门面", "店铺", "办公", "写字楼", "酒店", "宾馆", "厂房",
                          "仓储", "商住", "经营")


@dataclass
class Hit:
    rule: str
    recipient_ids: list[int]
    evidence: list[tuple[str, int, str]]  # (kind, row id, role in Chinese)
    key: str  # what makes this the same finding next run (besides the person and programme)
    score: float = 1.0
    match: str = "exact_id"
    reason: str = ""
    subject_id: str | None = None  # the recipient's ID number as matched


@dataclass
class Rule:
    code: str
    name: str
    description: str
    run: Callable[["Context"], Iterator[Hit]]


@dataclass
class Context:
    session: Session
    resolved: dict[int, Resolved] = field(default_factory=dict)
    age_limits: dict[str, list[int]] = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)

    def all(self, sql: str, **params) -> list:
        if self.session.get_bind().dialect.name == "sqlite":  # sqlite3's date adapter is deprecated
            params = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in params.items()}
        return self.session.execute(sa.text(sql), params).all()

    def person(self, rid: int, how_exact: bool = False) -> tuple[float, str, str]:
        """(score, match code, reason prefix) for a recipient row's identity."""
        found = self.resolved.get(rid)
        if found is None or how_exact:
            return 1.0, "exact_id", ""
        return found.score, found.match, found.reason


IDENT = ("SELECT id AS rid, id_number AS pid FROM roll_recipient WHERE id_number IS NOT NULL "
         "UNION ALL SELECT rid, id_number AS pid FROM cc_resolved")


def prepare(session: Session) -> Context:
    """Resolve fuzzy identities and build the household-member table the rules share."""
    ctx = Context(session=session)
    conn = session.connection()
    for name in ("cc_members", "cc_resolved"):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    conn.exec_driver_sql("CREATE TEMPORARY TABLE cc_resolved (rid INTEGER NOT NULL, id_number VARCHAR(18) NOT NULL)")
    ctx.resolved = resolve_recipients(session)
    if ctx.resolved:
        session.execute(sa.text("INSERT INTO cc_resolved (rid, id_number) VALUES (:rid, :pid)"),
                        [{"rid": rid, "pid": r.id_number} for rid, r in ctx.resolved.items()])
    # how: 0 = the household came from the roll's own 户编号/户主身份证号 (no fuzzy step), 1 = via identity
    conn.exec_driver_sql(f"""
        CREATE TEMPORARY TABLE cc_members AS
        WITH ident AS ({IDENT}),
        hh AS (
            SELECT id AS rid, household_no AS hno, 0 AS how FROM roll_recipient WHERE household_no IS NOT NULL
            UNION SELECT r.id, h.household_no, 0 FROM roll_recipient r
                  JOIN roll_household_member h ON h.id_number = r.head_id
            UNION SELECT i.rid, h.household_no, 1 FROM ident i
                  JOIN roll_household_member h ON h.id_number = i.pid)
        SELECT hh.rid AS rid, m.id AS via_row, m.id_number AS pid, hh.how AS how
          FROM hh JOIN roll_household_member m ON m.household_no = hh.hno WHERE m.id_number IS NOT NULL
        UNION ALL SELECT rid, NULL, pid, 1 FROM ident
        UNION ALL SELECT id, NULL, head_id, 0 FROM roll_recipient WHERE head_id IS NOT NULL""")
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE cc_members")
    else:
        conn.exec_driver_sql("CREATE INDEX cc_members_pid ON cc_members (pid)")
    return ctx


def _household_rule(code: str, table: str, kind: str, role: str, what: str, where: str = "") -> Callable:
    def run(ctx: Context) -> Iterator[Hit]:
        rows = ctx.all(f"""
            SELECT mb.rid, mb.via_row, mb.how, t.id AS tid, t.id_number AS tpid
              FROM cc_members mb JOIN {table} t ON t.id_number = mb.pid {where}""")
        for rid, via_row, how, tid, tpid in rows:
            score, match, why = ctx.person(rid, how_exact=(how == 0))
            evidence = [(kind, tid, role)]
            if via_row is not None:
                evidence.insert(0, ("households", via_row, "家庭成员（户籍登记）"))
            text = f"享受人家庭成员（身份证号{tpid}）{what}"
            yield Hit(code, [rid], evidence, key=f"{kind}:{tpid}", score=score, match=match,
                      reason=f"{why}；{text}" if why else text)
    return run


def _not_words(column: str, words: tuple[str, ...], keep_null: bool) -> str:
    parts = " AND ".join(f"{column} NOT LIKE '%{w}%'" for w in words)
    return f"({column} IS NULL OR ({parts}))" if keep_null else f"({column} IS NOT NULL AND {parts})"


def _any_words(column: str, words: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f"{column} LIKE '%{w}%'" for w in words) + ")"


def deceased_recipient(ctx: Context) -> Iterator[Hit]:
    rows = ctx.all(f"""
        WITH ident AS ({IDENT})
        SELECT i.rid, d.id, d.id_number, d.death_date, r.paid_on
          FROM ident i JOIN roll_recipient r ON r.id = i.rid JOIN roll_death d ON d.id_number = i.pid
         WHERE r.paid_on > d.death_date""")
    for rid, did, pid, died, paid in rows:
        score, match, why = ctx.person(rid)
        text = f"死亡火化记录显示已于{values.text(died)}死亡，{values.text(paid)}仍在发放"
        yield Hit("deceased_recipient", [rid], [("deaths", did, "死亡火化记录")], key=f"death:{pid}",
                  score=score, match=match, reason=f"{why}；{text}" if why else text, subject_id=pid)


def duplicate_payment(ctx: Context) -> Iterator[Hit]:
    period = "COALESCE(substr(CAST(r.paid_on AS VARCHAR(10)), 1, 7), '')"
    same_period = ctx.all(f"""
        WITH ident AS ({IDENT}),
        p AS (SELECT i.rid, i.pid, r.programme, {period} AS period FROM ident i JOIN roll_recipient r ON r.id = i.rid),
        g AS (SELECT pid, programme, period FROM p GROUP BY pid, programme, period HAVING COUNT(*) > 1)
        SELECT p.rid, p.pid, p.programme, p.period FROM p
          JOIN g ON g.pid = p.pid AND g.programme = p.programme AND g.period = p.period""")
    groups: dict[tuple, list[int]] = {}
    for rid, pid, programme, when in same_period:
        groups.setdefault((pid, programme, when), []).append(rid)
    for (pid, programme, when), rids in groups.items():
        score, match, why = min((ctx.person(r) for r in rids), key=lambda p: p[0])
        text = f"同一人同一项目（{programme}）在{when or '同一批次'}发放{len(rids)}次"
        yield Hit("duplicate_payment", rids, [], key=f"period:{when}", score=score, match=match,
                  reason=f"{why}；{text}" if why else text, subject_id=pid)
    towns = ctx.all(f"""
        WITH ident AS ({IDENT}),
        p AS (SELECT i.rid, i.pid, r.programme, r.township FROM ident i JOIN roll_recipient r ON r.id = i.rid
               WHERE r.township IS NOT NULL),
        g AS (SELECT pid, programme FROM p GROUP BY pid, programme HAVING COUNT(DISTINCT township) > 1)
        SELECT p.rid, p.pid, p.programme, p.township FROM p JOIN g ON g.pid = p.pid AND g.programme = p.programme""")
    groups = {}
    for rid, pid, programme, town in towns:
        groups.setdefault((pid, programme), []).append((rid, town))
    for (pid, programme), items in groups.items():
        rids = [r for r, _ in items]
        score, match, why = min((ctx.person(r) for r in rids), key=lambda p: p[0])
        names = "、".join(sorted({t for _, t in items}))
        text = f"同一人同一项目（{programme}）在{names}两地以上享受"
        yield Hit("duplicate_payment", rids, [], key="townships", score=score, match=match,
                  reason=f"{why}；{text}" if why else text, subject_id=pid)


def cadre_relative(ctx: Context) -> Iterator[Hit]:
    same_village = "(c.village IS NULL OR r.village IS NULL OR c.village = r.village)"
    rows = ctx.all(f"""
        WITH ident AS ({IDENT})
        SELECT i.rid, c.id, c.name, c.title, c.relation, i.pid FROM ident i
          JOIN roll_cadre c ON c.relative_id = i.pid JOIN roll_recipient r ON r.id = i.rid
         WHERE {same_village}""")
    for rid, cid, cadre, title, relation, pid in rows:
        score, match, why = ctx.person(rid)
        text = f"享受人是{cadre}（{title}）的{relation or '亲属'}"
        yield Hit("cadre_relative", [rid], [("cadres", cid, "村干部及亲属登记")], key=f"cadre:{cid}",
                  score=score, match=match, reason=f"{why}；{text}" if why else text, subject_id=pid)
    # Relatives listed by name only: same name (after traditional→simplified) or same pinyin, same village.
    named = ctx.all("""SELECT id, name, title, relation, relative_name, relative_name_key, village FROM roll_cadre
                        WHERE relative_id IS NULL AND relative_name_key IS NOT NULL AND village IS NOT NULL""")
    by_village: dict[str, list] = {}
    for row in named:
        by_village.setdefault(row.village, []).append(row)
    for chunk_start in range(0, len(by_village), 500):
        villages = list(by_village)[chunk_start:chunk_start + 500]
        marks = ", ".join(f":v{i}" for i in range(len(villages)))
        people = ctx.all(f"SELECT id, name_key, name_py, village FROM roll_recipient WHERE village IN ({marks})",
                         **{f"v{i}": v for i, v in enumerate(villages)})
        for person in people:
            for cadre in by_village[person.village]:
                rel_py = values.name_keys(cadre.relative_name)[1]
                if person.name_key == cadre.relative_name_key:
                    match, how = "relative_name_village", "姓名一致（繁简转换后）" if person.name_key != cadre.relative_name else "姓名一致"
                elif person.name_py == rel_py:
                    match, how = "relative_pinyin_village", "姓名同音"
                else:
                    continue
                text = (f"村干部及亲属登记中{cadre.name}（{cadre.title}）的{cadre.relation or '亲属'}“{cadre.relative_name}”"
                        f"无身份证号，与享受人{how}且同村（{person.village}）")
                yield Hit("cadre_relative", [person.id], [("cadres", cadre.id, "村干部及亲属登记")],
                          key=f"cadre:{cadre.id}", score=SCORES[match], match=match, reason=text)


def age_ineligible(ctx: Context) -> Iterator[Hit]:
    for program, (low, high) in sorted(ctx.age_limits.items()):
        bounds = ctx.all("SELECT MIN(paid_on), MAX(paid_on) FROM roll_recipient WHERE program = :p", p=program)
        first, last = bounds[0]
        first = min(_as_date(first) or ctx.today, ctx.today)  # rows without a date count as paid today
        last = max(_as_date(last) or ctx.today, ctx.today)
        # A superset in SQL (over `high` on the latest date, under `low` on the earliest), exact in Python.
        rows = ctx.all("""SELECT id, birth_date, paid_on, programme FROM roll_recipient
                           WHERE program = :p AND birth_date IS NOT NULL
                             AND (birth_date <= :old OR birth_date > :young)""",
                       p=program, old=_years_before(last, high + 1), young=_years_before(first, low))
        for rid, born, paid, programme in rows:
            born, on = _as_date(born), _as_date(paid) or ctx.today
            age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
            if low <= age <= high:
                continue
            text = (f"按身份证号出生日期{born.isoformat()}，{on.isoformat()}发放时{age}岁，"
                    f"不符合{programme}的年龄条件（{low}—{high}岁）")
            yield Hit("age_ineligible", [rid], [], key=f"age:{program}", reason=text)


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


RULES: dict[str, Rule] = {r.code: r for r in (
    Rule("payroll_household", "家庭成员财政供养",
         "享受人所在家庭（按户编号或户主身份证号）有成员在财政供养人员名单中，如教师、公务员家庭领取助学金或低保",
         _household_rule("payroll_household", "roll_payroll", "payroll", "财政供养人员", "在财政供养人员名单中")),
    Rule("deceased_recipient", "死亡后仍发放", "发放日期晚于死亡火化记录中的死亡日期", deceased_recipient),
    Rule("vehicle_owner", "家庭有车辆", "享受人家庭成员名下登记有非农用车辆（拖拉机、农用三轮车等除外）",
         _household_rule("vehicle_owner", "roll_vehicle", "vehicles", "车辆登记", "名下登记有非农用车辆",
                         "WHERE " + _not_words("t.vehicle_type", AGRICULTURAL_VEHICLE_WORDS, keep_null=True))),
    Rule("business_owner", "家庭有工商登记", "享受人家庭成员是工商登记的经营者",
         _household_rule("business_owner", "roll_business", "businesses", "工商登记", "是工商登记的经营者")),
    Rule("property_owner", "家庭有商业用房", "享受人家庭成员名下登记有商业、办公等经营性不动产",
         _household_rule("property_owner", "roll_property", "property", "不动产登记", "名下有经营性不动产",
                         "WHERE " + _any_words("t.usage", COMMERCIAL_USAGE_WORDS))),
    Rule("duplicate_payment", "重复享受", "同一人同一项目同一期重复发放，或在两个以上乡镇享受同一项目", duplicate_payment),
    Rule("cadre_relative", "村干部亲属享受", "享受人是同村村干部的亲属（按亲属身份证号，缺号时按姓名同村匹配）", cadre_relative),
    Rule("age_ineligible", "年龄不符", "按身份证号中的出生日期，享受人年龄不符合项目条件（如超龄领取教育资助）",
         age_ineligible),
)}
