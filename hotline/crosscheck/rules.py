"""The cross-check rules: each is a set-based SQL join over the rolls that yields "hits".

A hit names the recipient row, the rows that show the problem, and how sure the person match is.
Hits become findings with their evidence in `hotline.crosscheck.assembly` (SQL, PostgreSQL; the
household rules write their hits there directly, `Rule.write`) or `hotline.crosscheck.findings`
(Python, SQLite). The joins are plain SQL that SQLite and PostgreSQL both run, starting from the
smaller side (the registry) and using the indexes of the big rolls. The rules share tables that
depend on the rolls alone and are kept between runs (`hotline.crosscheck.links`):
`crosscheck_link_resolved` (fuzzy identities of recipients without a valid ID),
`crosscheck_link_registry` (registry rows with a mistyped ID) and `crosscheck_link_household`
(registry people found in a recipient's household, by 户编号, 户主身份证号 or the recipient's own
household record).
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session

from hotline.crosscheck import assembly, links, values
from hotline.crosscheck.grants import CONDITIONS, GrantBook, GrantRule
from hotline.crosscheck.matching import SCORES, Resolved, combine
from hotline.crosscheck.scratch import fill_scratch_table, planner, scratch_table

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
    # The same hits written straight into the run's hit tables (`hotline.crosscheck.assembly`),
    # numbered from the given number; returns how many. Where given, used by the SQL assembly.
    write: Callable[["Context", int], int] | None = None


@dataclass
class Context:
    session: Session
    resolved: dict[int, Resolved] = field(default_factory=dict)
    registry: dict[tuple[str, int], Resolved] = field(default_factory=dict)  # (kind, row id): mistyped registry IDs
    grants: GrantBook = field(default_factory=lambda: GrantBook([]))
    grant_names: dict[str, int] = field(default_factory=dict)  # 项目 texts on the rolls: rows
    today: dt.date = field(default_factory=dt.date.today)
    links: dict = field(default_factory=dict)  # whether the links were kept or rebuilt (`links.ensure`)

    def all(self, sql: str, **params) -> list:
        if self.session.get_bind().dialect.name == "sqlite":  # sqlite3's date adapter is deprecated
            params = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in params.items()}
        return self.session.execute(sa.text(sql), params).all()

    def all_in(self, sql: str, **params) -> list:
        """`all`, with list parameters expanded (`x IN :names`)."""
        lists = [sa.bindparam(k, expanding=True) for k, v in params.items() if isinstance(v, list)]
        if self.session.get_bind().dialect.name == "sqlite":
            params = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in params.items()}
        return self.session.execute(sa.text(sql).bindparams(*lists), params).all()

    def person(self, rid: int, how_exact: bool = False) -> tuple[float, str, str]:
        """(score, match code, reason prefix) for a recipient row's identity."""
        found = self.resolved.get(rid)
        if found is None or how_exact:
            return 1.0, "exact_id", ""
        return found.score, found.match, found.reason


def prepare(session: Session) -> Context:
    """The fuzzy identities, both sides, and the household links (`hotline.crosscheck.links`:
    kept between runs, rebuilt here first when the rolls changed since they were built). The rules
    join with their tables: `crosscheck_link_resolved` (recipients), `crosscheck_link_registry`
    (registry rows whose ID failed its check), `crosscheck_link_household`."""
    ctx = Context(session=session)
    ctx.resolved, ctx.registry, ctx.links = links.ensure(session)
    return ctx


# The household rules start from the registries (the small side) and walk to the recipients, all
# registries in one pass (built after the rolls change, `build_households`, in the scratch table
# `cc_household`, then kept in `crosscheck_link_household`):
# registry people found in the household registry (cc_hm), every ID of those households (cc_hids),
# then the recipients linked to such a household by 户编号, by 户主身份证号 or by their own (resolved)
# ID, plus recipients who are, or whose 户主 is, the registry person.
# how: 0 = linked by the roll's own 户编号/户主身份证号 (no fuzzy step), 1 = via the recipient's identity.
HOUSEHOLD_STEPS = (
    "{create} cc_reg AS {registry}",
    """{create} cc_hm AS
       SELECT x.kind, x.tid, x.tpid, m.id AS via_row, m.household_no AS hno
         FROM cc_reg x JOIN roll_household_member m ON m.id_number = x.tpid""",
    "CREATE INDEX cc_hm_hno ON cc_hm (hno)",
    # Every ID that counts for a registry person: the members of their households (via_row: the
    # household row that placed them there) and the person themself (via_row NULL). Repeats (a
    # member listed twice) are folded by the rules' own DISTINCT, not here.
    """{create} cc_hids AS
       SELECT hm.kind, hm.tid, hm.tpid, hm.via_row, m.id_number AS pid
         FROM cc_hm hm JOIN roll_household_member m ON m.household_no = hm.hno WHERE m.id_number IS NOT NULL
       UNION ALL SELECT x.kind, x.tid, x.tpid, NULL, x.tpid FROM cc_reg x""",
    "CREATE INDEX cc_hids_pid ON cc_hids (pid)",
    """{create} cc_household AS
       SELECT hm.kind, r.id AS rid, hm.via_row, 0 AS how, hm.tid, hm.tpid
         FROM cc_hm hm JOIN roll_recipient r ON r.household_no = hm.hno
       UNION ALL SELECT h.kind, r.id, h.via_row, 0, h.tid, h.tpid FROM cc_hids h JOIN roll_recipient r ON r.head_id = h.pid
       UNION ALL SELECT h.kind, r.id, h.via_row, 1, h.tid, h.tpid FROM cc_hids h JOIN roll_recipient r ON r.id_number = h.pid
       UNION ALL SELECT h.kind, c.rid, h.via_row, 1, h.tid, h.tpid FROM cc_hids h JOIN {resolved} c ON c.id_number = h.pid""",
    "CREATE INDEX cc_household_kind ON cc_household (kind)",
)
SCRATCH_TABLES = ("cc_household", "cc_hids", "cc_hm", "cc_reg", "cc_relative",
                  "cc_variant", "cc_rule_hit", "cc_condition")


def build_households(session: Session, kinds: tuple[str, ...]) -> int:
    """Add to `crosscheck_link_household` the links of these registry kinds (one pass over the big
    tables, through the scratch tables above); returns how many. Called by `links.build`, which
    has taken out the kinds' old links."""
    conn = session.connection()
    for name in ("cc_household", "cc_hids", "cc_hm", "cc_reg"):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    parts = []
    for table, kind, where in HOUSEHOLD_RULES.values():
        if kind not in kinds:
            continue
        parts.append(f"SELECT '{kind}' AS kind, t.id AS tid, t.id_number AS tpid FROM {table} t "
                     f"WHERE t.id_number IS NOT NULL{' AND ' + where if where else ''}")
        # Registry rows whose mistyped ID was matched to a roll member stand for that member.
        parts.append(f"SELECT '{kind}', t.id, g.id_number FROM {links.REGISTRY} g JOIN {table} t ON t.id = g.tid "
                     f"WHERE g.kind = '{kind}'{' AND ' + where if where else ''}")
    registry = " UNION ALL ".join(parts)
    postgres = conn.dialect.name == "postgresql"
    # These joins keep a few percent of their rows, which PostgreSQL cannot foresee: counting on
    # every row crossing from the parallel workers, it would plan them without any. The rolls were
    # just read and sit in memory: fetching rows by index costs little more than reading in order.
    with planner(conn, parallel_tuple_cost="0.001", random_page_cost="1.1"):
        for step in HOUSEHOLD_STEPS:
            if step.startswith("CREATE INDEX"):
                # PostgreSQL hash-joins these small tables and only needs their statistics; SQLite
                # (nested loops only) needs the index.
                if postgres:
                    conn.exec_driver_sql(f"ANALYZE {step.split(' ON ')[1].split(' ')[0]}")
                    continue
            # text(): the LIKE patterns hold '%'
            session.execute(sa.text(step.format(create=scratch_table(conn), registry=registry,
                                                resolved=links.RESOLVED)))
            if postgres and step.startswith("{create} cc_reg "):
                conn.exec_driver_sql("ANALYZE cc_reg")
    count = conn.execute(sa.text(f"""INSERT INTO {links.HOUSEHOLD} (kind, rid, via_row, how, tid, tpid)
                                     SELECT kind, rid, via_row, how, tid, tpid FROM cc_household""")).rowcount
    for name in ("cc_household", "cc_hids", "cc_hm", "cc_reg"):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    return count


_HOUSEHOLD_ROLE = "家庭成员（户籍登记）"
_LAST = 2**31 - 1  # a position after any household row's: the registry row comes last


def _household_rule(code: str, kind: str, role: str, what: str) -> tuple[Callable, Callable]:
    """The rule's hits made in Python, and the same written by SQL (see `Rule.write`)."""
    text = f"享受人家庭成员（身份证号{{}}）{what}"

    def run(ctx: Context) -> Iterator[Hit]:
        # One hit per recipient row and registry row: the household rows that link them come
        # aggregated, and the link is exact if any of its paths is (how 0).
        agg = "string_agg" if ctx.session.get_bind().dialect.name == "postgresql" else "group_concat"
        rows = ctx.all(f"""SELECT rid, tid, tpid, MIN(how), {agg}(CAST(via_row AS VARCHAR(20)), ',')
                             FROM (SELECT DISTINCT rid, via_row, how, tid, tpid FROM crosscheck_link_household WHERE kind = :k) h
                            GROUP BY rid, tid, tpid ORDER BY rid, tid""", k=kind)  # ordered: a stable first row
        for rid, tid, tpid, how, vias in rows:
            score, match, why = combine(ctx.person(rid, how_exact=(how == 0)), ctx.registry.get((kind, tid)))
            evidence = [("households", v, _HOUSEHOLD_ROLE) for v in sorted({int(v) for v in vias.split(",")})] \
                if vias else []
            evidence.append((kind, tid, role))
            reason = text.format(tpid)
            yield Hit(code, [rid], evidence, key=f"{kind}:{tpid}", score=score, match=match,
                      reason=f"{why}；{reason}" if why else reason)

    def write(ctx: Context, first_no: int) -> int:
        conn = ctx.session.connection()
        params = {"k": kind, "first": first_no, "code": code, "role": role, "hrole": _HOUSEHOLD_ROLE,
                  "recipient": assembly.RECIPIENT_ROLE, "before": text.split("{}")[0], "after": text.split("{}")[1]}
        conn.exec_driver_sql("DROP TABLE IF EXISTS cc_rule_hit")
        conn.exec_driver_sql(f"""
            {scratch_table(conn)} cc_rule_hit AS
            SELECT CAST(row_number() OVER (ORDER BY rid, tid) AS INTEGER) + %(first)s - 1 AS hit_no,
                   rid, tid, tpid, MIN(how) AS how
              FROM crosscheck_link_household WHERE kind = %(k)s GROUP BY rid, tid, tpid""", params)
        # A fuzzy identity counts only where the link went through it (how 1), as `Context.person`;
        # a registry row's mistyped ID (crosscheck_link_registry) is combined with it as `matching.combine` does.
        conn.exec_driver_sql("""
            INSERT INTO cc_hit (hit_no, rule, rid, key, score, match, reason, subject_id)
            SELECT h.hit_no, %(code)s, h.rid, %(k)s || ':' || h.tpid,
                   CASE WHEN c.rid IS NULL THEN 1.0 ELSE c.score END * COALESCE(g.score, 1.0),
                   CASE WHEN g.tid IS NOT NULL AND g.score < COALESCE(c.score, 1.0) THEN g.match
                        WHEN c.rid IS NULL THEN 'exact_id' ELSE c.match END,
                   CASE WHEN c.rid IS NULL THEN '' ELSE c.reason || '；' END
                       || CASE WHEN g.tid IS NULL THEN '' ELSE g.reason || '；' END
                       || %(before)s || h.tpid || %(after)s, NULL
              FROM cc_rule_hit h LEFT JOIN crosscheck_link_resolved c ON c.rid = h.rid AND h.how <> 0
                   LEFT JOIN crosscheck_link_registry g ON g.kind = %(k)s AND g.tid = h.tid""", params)
        conn.exec_driver_sql("""
            INSERT INTO cc_ref (hit_no, section, pos, kind, row_id, role)
            SELECT hit_no, 0, 0, 'recipients', rid, %(recipient)s FROM cc_rule_hit
            UNION ALL
            SELECT DISTINCT h.hit_no, 1, x.via_row, 'households', x.via_row, %(hrole)s
              FROM crosscheck_link_household x JOIN cc_rule_hit h ON h.rid = x.rid AND h.tid = x.tid
             WHERE x.kind = %(k)s AND x.via_row IS NOT NULL
            UNION ALL
            SELECT hit_no, 1, """ + str(_LAST) + """, %(k)s, tid, %(role)s FROM cc_rule_hit""", params)
        count = conn.exec_driver_sql("SELECT COUNT(*) FROM cc_rule_hit").scalar()
        conn.exec_driver_sql("DROP TABLE cc_rule_hit")
        return count

    return run, write


def _not_words(column: str, words: tuple[str, ...], keep_null: bool) -> str:
    parts = " AND ".join(f"{column} NOT LIKE '%{w}%'" for w in words)
    return f"({column} IS NULL OR ({parts}))" if keep_null else f"({column} IS NOT NULL AND {parts})"


def _any_words(column: str, words: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f"{column} LIKE '%{w}%'" for w in words) + ")"


def deceased_recipient(ctx: Context) -> Iterator[Hit]:
    rows = ctx.all("""
        SELECT r.id, d.id, d.id_number, d.death_date, r.paid_on
          FROM roll_death d JOIN roll_recipient r ON r.id_number = d.id_number
         WHERE d.id_number IS NOT NULL AND r.paid_on > d.death_date
        UNION ALL
        SELECT r.id, d.id, d.id_number, d.death_date, r.paid_on
          FROM roll_death d JOIN crosscheck_link_resolved c ON c.id_number = d.id_number JOIN roll_recipient r ON r.id = c.rid
         WHERE r.paid_on > d.death_date
        UNION ALL
        SELECT r.id, d.id, g.id_number, d.death_date, r.paid_on
          FROM crosscheck_link_registry g JOIN roll_death d ON d.id = g.tid JOIN roll_recipient r ON r.id_number = g.id_number
         WHERE g.kind = 'deaths' AND r.paid_on > d.death_date
        UNION ALL
        SELECT r.id, d.id, g.id_number, d.death_date, r.paid_on
          FROM crosscheck_link_registry g JOIN roll_death d ON d.id = g.tid JOIN crosscheck_link_resolved c ON c.id_number = g.id_number
          JOIN roll_recipient r ON r.id = c.rid
         WHERE g.kind = 'deaths' AND r.paid_on > d.death_date""")
    for rid, did, pid, died, paid in rows:
        score, match, why = combine(ctx.person(rid), ctx.registry.get(("deaths", did)))
        text = f"死亡火化记录显示已于{values.text(died)}死亡，{values.text(paid)}仍在发放"
        yield Hit("deceased_recipient", [rid], [("deaths", did, "死亡火化记录")], key=f"death:{pid}",
                  score=score, match=match, reason=f"{why}；{text}" if why else text, subject_id=pid)


def duplicate_payment(ctx: Context) -> Iterator[Hit]:
    period = "COALESCE(substr(CAST(r.paid_on AS VARCHAR(10)), 1, 7), '')"
    # The payments of everyone paid more than once (valid or resolved ID), split by grant, period
    # and township here. Grouping by the ID alone lets the database read its index instead of
    # hashing a million (ID, 项目) pairs (0.2 s instead of 1.2 s at full scale, once the table is
    # vacuumed: `importer.settle`); people paid by two grants once each come back too and are
    # passed over below, unless the grant table says the two are not paid together.
    rows = ctx.all(f"""
        SELECT r.id_number, r.grant_name, {period}, r.township, r.id FROM roll_recipient r
         WHERE r.id_number IN (SELECT id_number FROM roll_recipient WHERE id_number IS NOT NULL
                                GROUP BY id_number HAVING COUNT(*) > 1
                               UNION SELECT id_number FROM crosscheck_link_resolved)
        UNION ALL
        SELECT c.id_number, r.grant_name, {period}, r.township, r.id
          FROM crosscheck_link_resolved c JOIN roll_recipient r ON r.id = c.rid""")
    # The same grant under two texts ("低保", "2026年农村低保") is one grant; an unmapped text is its own.
    groups: dict[tuple[str, str], list[tuple[str, str | None, int, str]]] = defaultdict(list)
    for pid, text, when, township, rid in rows:
        rule = ctx.grants.find(text)
        groups[(pid, f"grant:{rule.code}" if rule else f"text:{text}")].append((when, township, rid, text))
    towns = []
    # Most people paid more than once were paid two different grants: one payment of a grant is
    # never a duplicate of it, and half the work here was spent naming such grants.
    for (pid, grant), paid in sorted(item for item in groups.items() if len(item[1]) > 1):
        name = _grant_text(ctx, grant, {text for *_rest, text in paid})
        by_period: dict[str, list[int]] = defaultdict(list)
        for when, _township, rid, _text in paid:
            by_period[when].append(rid)
        for when, rids in sorted(by_period.items()):
            if len(rids) > 1:
                yield _duplicate(ctx, pid, sorted(rids), f"period:{when}",
                                 f"同一人同一项目（{name}）在{when or '同一批次'}发放{len(rids)}次")
        placed = [(township, rid) for _when, township, rid, _text in paid if township is not None]
        names = {township for township, _rid in placed}
        if len(names) > 1:
            towns.append((pid, sorted(rid for _t, rid in placed),
                          f"同一人同一项目（{name}）在{'、'.join(sorted(names))}两地以上享受"))
    for pid, rids, text in towns:
        yield _duplicate(ctx, pid, rids, "townships", text)
    yield from _excluded_together(ctx, groups)


def _grant_text(ctx: Context, grant: str, texts: set[str]) -> str:
    """The 项目 as a duplicate's reason names it: the roll's text, or the grant and its texts."""
    if len(texts) == 1:
        return next(iter(texts))
    return f"{ctx.grants.rules[grant.split(':', 1)[1]].name}：{'、'.join(sorted(texts))}"


def _excluded_together(ctx: Context, groups: dict) -> Iterator[Hit]:
    """One person paid, in one period, two grants that the grant table says are not paid together
    (特困供养 and 低保)."""
    exclusive = {code for code, rule in ctx.grants.rules.items() if rule.excludes}
    exclusive |= {other for code in exclusive for other in ctx.grants.rules[code].excludes}
    held: dict[str, set[str]] = defaultdict(set)  # person -> exclusive grants paid to them
    for pid, grant in groups:
        if grant[6:] in exclusive and grant.startswith("grant:"):
            held[pid].add(grant[6:])
    periods: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for pid, codes in held.items():
        if len(codes) < 2:  # most people: one exclusive grant at most, nothing to compare
            continue
        for code in codes:
            for when, _township, rid, _text in groups[(pid, f"grant:{code}")]:
                periods[(pid, when)][code].append(rid)
    for (pid, when), paid in sorted(periods.items()):
        for code in sorted(paid):
            rule = ctx.grants.rules[code]
            for other in sorted(set(rule.excludes) & set(paid)):
                if other < code and code in ctx.grants.rules[other].excludes:
                    continue  # each pair once, whichever of the two names the other
                text = (f"同一人在{when or '同一批次'}同时享受{rule.name}和{ctx.grants.rules[other].name}，"
                        f"按{rule.label}二者不得同时享受")
                yield _duplicate(ctx, pid, sorted(paid[code] + paid[other]), f"excludes:{code}:{other}:{when}", text)


def _duplicate(ctx: Context, pid: str, rids: list[int], key: str, text: str) -> Hit:
    score, match, why = min((ctx.person(r) for r in rids), key=lambda p: p[0])
    return Hit("duplicate_payment", rids, [], key=key, score=score, match=match,
               reason=f"{why}；{text}" if why else text, subject_id=pid)


def cadre_relative(ctx: Context) -> Iterator[Hit]:
    same_village = "(c.village IS NULL OR r.village IS NULL OR c.village = r.village)"
    rows = ctx.all(f"""
        SELECT r.id, c.id, c.name, c.title, c.relation, r.id_number FROM roll_cadre c
          JOIN roll_recipient r ON r.id_number = c.relative_id
         WHERE c.relative_id IS NOT NULL AND {same_village}
        UNION ALL
        SELECT r.id, c.id, c.name, c.title, c.relation, cr.id_number FROM roll_cadre c
          JOIN crosscheck_link_resolved cr ON cr.id_number = c.relative_id JOIN roll_recipient r ON r.id = cr.rid
         WHERE {same_village}
        UNION ALL
        SELECT r.id, c.id, c.name, c.title, c.relation, g.id_number FROM crosscheck_link_registry g
          JOIN roll_cadre c ON c.id = g.tid JOIN roll_recipient r ON r.id_number = g.id_number
         WHERE g.kind = 'cadres' AND {same_village}
        UNION ALL
        SELECT r.id, c.id, c.name, c.title, c.relation, g.id_number FROM crosscheck_link_registry g
          JOIN roll_cadre c ON c.id = g.tid JOIN crosscheck_link_resolved cr ON cr.id_number = g.id_number
          JOIN roll_recipient r ON r.id = cr.rid
         WHERE g.kind = 'cadres' AND {same_village}""")
    for rid, cid, cadre, title, relation, pid in rows:
        score, match, why = combine(ctx.person(rid), ctx.registry.get(("cadres", cid)))
        text = f"享受人是{cadre}（{title}）的{relation or '亲属'}"
        yield Hit("cadre_relative", [rid], [("cadres", cid, "村干部及亲属登记")], key=f"cadre:{cid}",
                  score=score, match=match, reason=f"{why}；{text}" if why else text, subject_id=pid)
    # Relatives listed by name only: same name (after traditional→simplified) or same pinyin, same village.
    # Their pinyin as imported (rows imported before migration 0009 have none: worked out here).
    named = ctx.all("""SELECT id, relative_name, relative_name_py FROM roll_cadre
                        WHERE relative_id IS NULL AND relative_name_key IS NOT NULL AND village IS NOT NULL""")
    if not named:
        return
    fill_scratch_table(ctx.session, "cc_relative", {"cid": "INTEGER NOT NULL", "name_py": "VARCHAR(240) NOT NULL"},
                       [(cid, values.name_keys(name)[1] if py is None else py) for cid, name, py in named])
    # Looked up through the recipients' name indexes (PostgreSQL would rather scan them all).
    with planner(ctx.session.connection(), random_page_cost="1.1"):
        rows = ctx.all("""
            SELECT r.id, r.village, c.id AS cid, c.name, c.title, c.relation, c.relative_name, 0 AS sound
              FROM roll_cadre c JOIN roll_recipient r ON r.name_key = c.relative_name_key AND r.village = c.village
             WHERE c.relative_id IS NULL AND c.relative_name_key IS NOT NULL AND c.village IS NOT NULL
            UNION ALL
            SELECT r.id, r.village, c.id, c.name, c.title, c.relation, c.relative_name, 1
              FROM cc_relative x JOIN roll_cadre c ON c.id = x.cid
              JOIN roll_recipient r ON r.name_py = x.name_py AND r.village = c.village
             WHERE r.name_key <> c.relative_name_key""")
    ctx.session.connection().exec_driver_sql("DROP TABLE IF EXISTS cc_relative")
    for rid, village, cid, cadre, title, relation, relative_name, sound in rows:
        if sound:
            match, how = "relative_pinyin_village", "姓名同音"
        else:
            match = "relative_name_village"
            how = "姓名一致（繁简转换后）" if values.name_key(relative_name) != relative_name else "姓名一致"
        text = (f"村干部及亲属登记中{cadre}（{title}）的{relation or '亲属'}“{relative_name}”"
                f"无身份证号，与享受人{how}且同村（{village}）")
        yield Hit("cadre_relative", [rid], [("cadres", cid, "村干部及亲属登记")],
                  key=f"cadre:{cid}", score=SCORES[match], match=match, reason=text)


def age_ineligible(ctx: Context) -> Iterator[Hit]:
    """Payments whose grant has an age range that the recipient's age on the payment date is outside.

    Ages come from birth dates of IDs that pass their check (a birth date read from a mistyped ID
    is not asserted); a 项目 the grant table does not know is not judged (the run counts it)."""
    limited: dict[str, GrantRule] = {}
    for text in ctx.grant_names:
        rule = ctx.grants.find(text)
        if rule is not None and (rule.min_age is not None or rule.max_age is not None):
            limited[text] = rule
    if not limited:
        return
    texts = sorted(limited)
    first, last = ctx.all_in("SELECT MIN(paid_on), MAX(paid_on) FROM roll_recipient WHERE grant_name IN :texts",
                             texts=texts)[0]
    first = min(_as_date(first) or ctx.today, ctx.today)  # rows without a date count as paid today
    last = max(_as_date(last) or ctx.today, ctx.today)
    # A superset in SQL (per grant: over its oldest age on the latest date, under its youngest on
    # the earliest), the exact age in Python.
    by_rule: dict[GrantRule, list[str]] = defaultdict(list)
    for text in texts:
        by_rule[limited[text]].append(text)
    clauses, params = [], {}
    for n, (rule, names) in enumerate(sorted(by_rule.items(), key=lambda item: item[0].code)):
        outside = []
        if rule.max_age is not None:
            outside.append(f"birth_date <= :old{n}")
            params[f"old{n}"] = _years_before(last, rule.max_age + 1)
        if rule.min_age is not None:
            outside.append(f"birth_date > :young{n}")
            params[f"young{n}"] = _years_before(first, rule.min_age)
        clauses.append(f"(grant_name IN :texts{n} AND ({' OR '.join(outside)}))")
        params[f"texts{n}"] = names
    rows = ctx.all_in(f"""SELECT id, birth_date, paid_on, grant_name FROM roll_recipient
                          WHERE birth_date IS NOT NULL AND id_number IS NOT NULL AND ({' OR '.join(clauses)})
                          ORDER BY id""", **params)
    for rid, born, paid, text in rows:
        rule = limited[text]
        born, on = _as_date(born), _as_date(paid) or ctx.today
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        if (rule.min_age is None or age >= rule.min_age) and (rule.max_age is None or age <= rule.max_age):
            continue
        why = (f"按身份证号出生日期{born.isoformat()}，{on.isoformat()}发放时{age}岁，"
               f"不符合{rule.name}的年龄条件（{rule.ages}，补助项目规则第{rule.version}版）")
        yield Hit("age_ineligible", [rid], [], key=f"age:{rule.program}", reason=why)


_GRADE = re.compile(r"([一二三四1-4])\s*级")
_GRADE_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_SEVERE = (1, 2)
CONDITION_COLUMNS = {"rid": "INTEGER NOT NULL", "id_number": "VARCHAR(18) NOT NULL", "household_no": "VARCHAR(40)",
                     "head_id": "VARCHAR(18)"}


def disability_grade(text: str | None) -> int | None:
    """'一级', '肢体二级', '3级', '4' → 1…4; None when the text names no single grade."""
    text = (text or "").strip()
    if text in _GRADE_NUMBERS:
        return _GRADE_NUMBERS[text]
    found = {_GRADE_NUMBERS[m] for m in _GRADE.findall(text)}
    return found.pop() if len(found) == 1 else None


def grant_condition(ctx: Context) -> Iterator[Hit]:
    """Payments of a grant whose checked conditions (`Grant.requires`) the rolls show unmet.

    - 残疾人证 (disability_cert, disability_severe): judged only once a 残疾人证 registry is
      imported; a recipient with no certificate there (exact or mistyped ID, `crosscheck_link_registry`), or whose
      certificates all name a grade outside 一、二级 where those are required. A grade the text does
      not make clear is not judged.
    - The household on the 低保 roll (dibao_household): judged only when the rolls hold 低保
      payments; the recipient, the 户主, and every member of the recipient's households (by 户编号
      on the roll and in the household registry) are looked for among the 低保 recipients.
    A recipient whose identity is unknown (no valid or resolved ID) is not judged."""
    required = {text: rule for text in ctx.grant_names
                if (rule := ctx.grants.find(text)) is not None and rule.requires}
    if not required:
        return
    rows = ctx.all_in("""SELECT r.id, COALESCE(r.id_number, c.id_number), r.grant_name, r.household_no, r.head_id
                           FROM roll_recipient r LEFT JOIN crosscheck_link_resolved c ON c.rid = r.id
                          WHERE r.grant_name IN :texts ORDER BY r.id""", texts=sorted(required))
    rows = [row for row in rows if row[1]]
    if not rows:
        return
    fill_scratch_table(ctx.session, "cc_condition", CONDITION_COLUMNS, [tuple(row[:2]) + tuple(row[3:]) for row in rows],
                       index="id_number")
    certificates = _certificates(ctx) if ctx.all("SELECT 1 FROM roll_disability LIMIT 1") else None
    on_roll = _on_dibao_roll(ctx)
    ctx.session.connection().exec_driver_sql("DROP TABLE IF EXISTS cc_condition")
    for rid, pid, text, _household, _head in rows:
        rule = required[text]
        if certificates is not None and {"disability_cert", "disability_severe"} & set(rule.requires):
            yield from _certificate_hits(ctx, rule, rid, pid, certificates.get(pid, []))
        if on_roll is not None and "dibao_household" in rule.requires and rid not in on_roll:
            yield _condition_hit(ctx, rule, rid, pid, "dibao_household", [], None,
                                 "补助名册中享受人本人、户主及同户成员均未领取最低生活保障")


def _certificate_hits(ctx: Context, rule: GrantRule, rid: int, pid: str, held: list) -> Iterator[Hit]:
    severe = "disability_severe" in rule.requires
    if not held:
        code = "disability_severe" if severe and "disability_cert" not in rule.requires else "disability_cert"
        yield _condition_hit(ctx, rule, rid, pid, code, [], None, "残疾人证登记中没有享受人的残疾人证")
        return
    grades = [disability_grade(grade) for _row, grade, _fix in held]
    if severe and None not in grades and not any(g in _SEVERE for g in grades):
        fixed = [fix for _row, _grade, fix in held if fix is not None]
        words = "、".join(sorted({grade for _row, grade, _fix in held}))
        yield _condition_hit(ctx, rule, rid, pid, "disability_severe",
                             [("disability", row, "残疾人证登记") for row, _grade, _fix in held],
                             fixed[0] if len(fixed) == len(held) else None, f"享受人的残疾人证等级为{words}")


def _condition_hit(ctx: Context, rule: GrantRule, rid: int, pid: str, code: str, evidence: list,
                   registry: Resolved | None, fact: str) -> Hit:
    score, match, why = combine(ctx.person(rid), registry)
    text = f"{fact}，不符合{rule.name}的条件：{CONDITIONS[code]}（补助项目规则第{rule.version}版）"
    return Hit("grant_condition", [rid], evidence, key=f"condition:{code}", score=score, match=match,
               reason=f"{why}；{text}" if why else text, subject_id=pid)


def _certificates(ctx: Context) -> dict[str, list[tuple[int, str | None, Resolved | None]]]:
    """{recipient's ID: [(certificate row, grade, the row's mistyped-ID match or None)]} of the
    recipients in `cc_condition`."""
    out: dict[str, list] = defaultdict(list)
    for row_id, pid, grade, fixed in ctx.all("""
            SELECT d.id, d.id_number, d.grade, 0 FROM roll_disability d
             WHERE d.id_number IN (SELECT id_number FROM cc_condition)
            UNION ALL
            SELECT d.id, g.id_number, d.grade, 1 FROM crosscheck_link_registry g JOIN roll_disability d ON d.id = g.tid
             WHERE g.kind = 'disability' AND g.id_number IN (SELECT id_number FROM cc_condition)
            ORDER BY 1"""):
        out[pid].append((row_id, grade, ctx.registry.get(("disability", row_id)) if fixed else None))
    return out


def _on_dibao_roll(ctx: Context) -> set[int] | None:
    """The recipient rows of `cc_condition` whose household is on the 低保 roll; None when the
    rolls hold no 低保 payment at all (nothing to judge by)."""
    texts = sorted(t for t in ctx.grant_names if (g := ctx.grants.find(t)) is not None and g.code == "dibao")
    if not texts:
        return None
    household_ids = """
        SELECT rid, id_number AS pid FROM cc_condition
        UNION SELECT rid, head_id FROM cc_condition WHERE head_id IS NOT NULL
        UNION SELECT c.rid, m.id_number FROM cc_condition c JOIN roll_household_member m ON m.household_no = c.household_no
               WHERE m.id_number IS NOT NULL
        UNION SELECT c.rid, m2.id_number FROM cc_condition c JOIN roll_household_member m ON m.id_number = c.id_number
                JOIN roll_household_member m2 ON m2.household_no = m.household_no WHERE m2.id_number IS NOT NULL"""
    # The household's IDs once (a CTE named twice is computed once), not once per branch.
    found = ctx.all_in(f"""
        WITH i AS ({household_ids})
        SELECT i.rid FROM i JOIN roll_recipient r ON r.id_number = i.pid WHERE r.grant_name IN :texts
        UNION SELECT i.rid FROM i JOIN crosscheck_link_resolved c ON c.id_number = i.pid
                JOIN roll_recipient r ON r.id = c.rid WHERE r.grant_name IN :texts
        UNION SELECT c.rid FROM cc_condition c JOIN roll_recipient r ON r.household_no = c.household_no
               WHERE r.grant_name IN :texts""", texts=texts)
    return {rid for (rid,) in found}


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
         *_household_rule("payroll_household", "payroll", "财政供养人员", "在财政供养人员名单中")),
    Rule("deceased_recipient", "死亡后仍发放", "发放日期晚于死亡火化记录中的死亡日期", deceased_recipient),
    Rule("vehicle_owner", "家庭有车辆", "享受人家庭成员名下登记有非农用车辆（拖拉机、农用三轮车等除外）",
         *_household_rule("vehicle_owner", "vehicles", "车辆登记", "名下登记有非农用车辆")),
    Rule("business_owner", "家庭有工商登记", "享受人家庭成员是工商登记的经营者",
         *_household_rule("business_owner", "businesses", "工商登记", "是工商登记的经营者")),
    Rule("property_owner", "家庭有商业用房", "享受人家庭成员名下登记有商业、办公等经营性不动产",
         *_household_rule("property_owner", "property", "不动产登记", "名下有经营性不动产")),
    Rule("duplicate_payment", "重复享受", "同一人同一项目同一期重复发放，或在两个以上乡镇享受同一项目", duplicate_payment),
    Rule("cadre_relative", "村干部亲属享受", "享受人是同村村干部的亲属（按亲属身份证号，缺号时按姓名同村匹配）", cadre_relative),
    Rule("age_ineligible", "年龄不符", "按身份证号中的出生日期，享受人年龄不符合项目条件（如超龄领取教育资助）",
         age_ineligible),
    Rule("grant_condition", "不符合项目条件",
         "补助项目规则中由规则核查的条件未满足：无残疾人证或等级不符（已导入残疾人证登记时）、家庭不在低保名册上",
         grant_condition),
)}

# code -> (registry table, evidence kind, extra condition on the registry row `t`)
HOUSEHOLD_RULES = {
    "payroll_household": ("roll_payroll", "payroll", ""),
    "vehicle_owner": ("roll_vehicle", "vehicles", _not_words("t.vehicle_type", AGRICULTURAL_VEHICLE_WORDS, keep_null=True)),
    "business_owner": ("roll_business", "businesses", ""),
    "property_owner": ("roll_property", "property", _any_words("t.usage", COMMERCIAL_USAGE_WORDS)),
}
