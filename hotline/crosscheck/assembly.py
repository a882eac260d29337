"""Findings assembled inside PostgreSQL: hits become findings with their evidence without a row
travelling through Python.

The rules' hits go into two scratch tables of the run: `cc_hit` (one row per hit: the first
recipient row, the key, the score, the match and the reason) and `cc_ref` (the rows a hit points
at: section 0 the recipient rows, section 1 the registry rows, in the order the hit names them).
Hits made in Python are copied there; the household rules write theirs with three statements each
(`hotline.crosscheck.rules`). One set of statements then does what `findings.assemble` and
`findings._store` do in Python, with the same result to the byte (`tests/crosscheck/test_assembly.py`
runs both over the same rolls):

- a finding per (rule, person, programme, key); the hit with the highest score speaks for it (the
  first such hit on a tie), its evidence is every row its hits point at, the recipient rows first
  (at most `MAX_EVIDENCE_ROWS`), each in the order it first appeared;
- an evidence row is the row as people read it, under the roll's own column labels
  (`jsonb_build_object`, the same text `evidence.fields_of` gives);
- known findings are refreshed only where something changed, their decisions kept; new ones are
  inserted with the table's secondary indexes set aside when there are many.

SQLite keeps the Python assembly: its JSON functions cannot order an aggregate (3.44 and later
can) and a county's rolls are small.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

import sqlalchemy as sa

from hotline.bulkload import IndexHold
from hotline.crosscheck.kinds import KINDS
from hotline.crosscheck.scratch import bulk_insert, create_scratch_table, planner, scratch_table
from models.findings import Finding, FindingStatus
from models.rolls import ROW_TABLES

MAX_EVIDENCE_ROWS = 20
BULK_FINDINGS = 10_000  # new findings from which the table's indexes and foreign keys are set aside
RECIPIENT_ROLE = "补助发放记录"

HIT_COLUMNS = {"hit_no": "INTEGER NOT NULL", "rule": "VARCHAR(40) NOT NULL", "rid": "INTEGER NOT NULL",
               "key": "TEXT NOT NULL", "score": "DOUBLE PRECISION NOT NULL", "match": "VARCHAR(40) NOT NULL",
               "reason": "TEXT NOT NULL", "subject_id": "VARCHAR(18)"}
REF_COLUMNS = {"hit_no": "INTEGER NOT NULL", "section": "SMALLINT NOT NULL", "pos": "INTEGER NOT NULL",
               "kind": "VARCHAR(20) NOT NULL", "row_id": "INTEGER NOT NULL", "role": "TEXT NOT NULL"}
SCRATCH_TABLES = ("cc_hit", "cc_ref", "cc_grouped", "cc_picked", "cc_refkey", "cc_evidence", "cc_finding")


def start(connection: sa.Connection) -> None:
    """Empty `cc_hit` and `cc_ref` for this run."""
    create_scratch_table(connection, "cc_hit", HIT_COLUMNS)
    create_scratch_table(connection, "cc_ref", REF_COLUMNS)


def add_hits(session, hits: Iterable, first_no: int) -> int:
    """Copy hits made in Python into `cc_hit`/`cc_ref`, numbered from `first_no`; returns how many."""
    hit_rows, ref_rows = [], []
    for number, hit in enumerate(hits, start=first_no):
        hit_rows.append((number, hit.rule, hit.recipient_ids[0], hit.key, hit.score, hit.match, hit.reason,
                         hit.subject_id))
        ref_rows.extend((number, 0, pos, "recipients", rid, RECIPIENT_ROLE)
                        for pos, rid in enumerate(hit.recipient_ids))
        ref_rows.extend((number, 1, pos, kind, row_id, role) for pos, (kind, row_id, role) in enumerate(hit.evidence))
    bulk_insert(session, "cc_hit", tuple(HIT_COLUMNS), hit_rows)
    bulk_insert(session, "cc_ref", tuple(REF_COLUMNS), ref_rows)
    return len(hit_rows)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _field_sql(column) -> str:
    """A column as `evidence.fields_of` shows it: text, '' for nothing; an ID that failed its check
    as typed, with the reason."""
    value = f"t.{column.field}"
    if column.field == "id_number":
        return "COALESCE(t.id_number, COALESCE(t.id_raw, '') || COALESCE('（' || NULLIF(t.id_error, '') || '）', ''))"
    if column.kind == "date":
        return f"COALESCE(to_char({value}, 'YYYY-MM-DD'), '')"
    if column.kind == "amount":
        return f"COALESCE(CAST({value} AS TEXT), '')"
    return f"COALESCE({value}, '')"


def _snapshots_sql() -> str:
    """Every picked reference (cc_picked) with its row as evidence, one SELECT per kind of roll.

    Each kind's references are sorted by row id first, so its rows are fetched in the order they
    lie in the table (rows are imported in id order): 48,137 household and 67,115 recipient rows
    at full scale, 2.3–2.4 s → 1.8 s for the statement, less CPU too."""
    parts = []
    for code, kind in KINDS.items():
        fields = ", ".join(f"{_literal(c.label)}, {_field_sql(c)}" for c in kind.columns)
        parts.append(f"""
            SELECT p.win, p.section, p.hit_no, p.pos,
                   jsonb_build_object('kind', {_literal(code)}, 'kind_label', {_literal(kind.label)}, 'role', p.role,
                                      'row_id', t.id, 'import_id', t.import_id, 'row_no', t.row_no,
                                      'fields', jsonb_build_object({fields})) AS snapshot
              FROM (SELECT * FROM cc_picked WHERE kind = {_literal(code)} ORDER BY row_id) p
              JOIN {ROW_TABLES[code].__tablename__} t ON t.id = p.row_id""")
    return " UNION ALL ".join(parts)


_STEPS = (  # (statement, PostgreSQL planner settings for it)
    # Each hit with its finding's key, and `win`: the hit that speaks for that finding.
    ("""{create} cc_grouped AS
       SELECT g.*, first_value(g.hit_no) OVER (PARTITION BY g.rule, g.subject, g.programme, g.key
                                               ORDER BY g.score DESC, g.hit_no) AS win
         FROM (SELECT h.hit_no, h.rule, h.rid, h.key, h.score, h.match, h.reason, r.grant_name AS programme,
                      COALESCE(h.subject_id, r.id_number, c.id_number,
                               'name:' || r.name_key || '@' || COALESCE(r.village, '')) AS subject
                 FROM cc_hit h JOIN roll_recipient r ON r.id = h.rid LEFT JOIN crosscheck_link_resolved c ON c.rid = h.rid
                WHERE h.score >= %(min_score)s) g""",
     # Each hit's recipient row fetched by primary key (64,156 of 1 M at full scale): PostgreSQL
     # would hash all of roll_recipient, in two processes (1.07 s; by key ~0.3 s).
     {"random_page_cost": "1.1", "enable_hashjoin": "off", "enable_mergejoin": "off"}),
    ("ANALYZE cc_grouped (hit_no, win)", {}),
    # The rows each finding shows: each once, where it first appeared; the first N recipient rows.
    ("""{create} cc_picked AS
       SELECT * FROM (
           SELECT d.*, row_number() OVER (PARTITION BY d.win, d.section ORDER BY d.hit_no, d.pos) AS nth
             FROM (SELECT DISTINCT ON (g.win, f.section, f.kind, f.row_id)
                          g.win, f.section, f.kind, f.row_id, f.role, f.hit_no, f.pos
                     FROM cc_grouped g JOIN cc_ref f ON f.hit_no = g.hit_no
                    ORDER BY g.win, f.section, f.kind, f.row_id, f.hit_no, f.pos) d) n
        WHERE n.section = 1 OR n.nth <= {max_rows}""", {}),
    # What each finding's evidence is made of: its rows (kind, id, role) at their places (section,
    # nth: the order the evidence shows them in), and how a row is shown (the snapshot SQL itself,
    # `_shape_seeds`). Roll rows are never changed, only imported and withdrawn (new rows, new ids): the
    # same key means the same evidence. Two 64-bit hashes of each row, XORed over the finding's
    # rows: no sort per finding, as an ordered aggregate would need (MD5 of a string_agg: 0.21 s
    # at full scale). A hash that changes (another PostgreSQL) only means the evidence is rebuilt.
    ("""{create} cc_refkey AS
       SELECT win, lpad(to_hex(bit_xor(hashtextextended(r, %(shape0)s))), 16, '0')
                   || lpad(to_hex(bit_xor(hashtextextended(r, %(shape1)s))), 16, '0') AS evidence_key
         FROM (SELECT win, section || ':' || nth || ':' || kind || ':' || row_id || ':' || role AS r FROM cc_picked) x
        GROUP BY win""", {}),
    ("""{create} cc_finding AS
       SELECT encode(sha256(convert_to(w.rule || '|' || w.subject || '|' || w.programme || '|' || w.key, 'UTF8')),
                     'hex') AS fingerprint,
              w.rule, CASE WHEN left(w.subject, 5) = 'name:' THEN NULLIF(r.id_raw, '') ELSE w.subject END AS id_number,
              r.name, r.name_key, r.grant_name AS programme, r.program, r.township, r.village, w.score, w.match, w.reason, w.win,
              k.evidence_key
         FROM cc_grouped w JOIN roll_recipient r ON r.id = w.rid LEFT JOIN cc_refkey k ON k.win = w.win
        WHERE w.hit_no = w.win""", {}),
    ("ANALYZE cc_finding (fingerprint, win)", {}),
    # A re-run rebuilds only the evidence that may have changed: a stored finding whose evidence
    # has the same key keeps its evidence (1.1 backend CPU s of snapshots at full scale otherwise).
    ("""DELETE FROM cc_picked p USING cc_finding n, {table} f
         WHERE p.win = n.win AND f.fingerprint = n.fingerprint AND f.evidence_key = n.evidence_key""", {}),
    ("ANALYZE cc_picked (kind, row_id, win)", {}),
    # Fetched by primary key (a few percent of the big rolls): planned as random reads of rows that
    # were just read and sit in memory, else PostgreSQL hashes all of roll_recipient (1.8 s → 1.2 s).
    # With more findings (64,011) it hashed all of roll_recipient again, in each of three processes
    # (a 192 MB hash): hash joins are off for this statement.
    ("""{create} cc_evidence AS
       SELECT s.win, jsonb_agg(s.snapshot ORDER BY s.section, s.hit_no, s.pos) AS evidence
         FROM ({snapshots}) s GROUP BY s.win""", {"random_page_cost": "1.1", "enable_hashjoin": "off"}),
)
# The findings with their evidence, where they are written (the evidence is not copied once more
# into cc_finding: 60 MB at full scale). A stored finding of the same evidence key has none built.
_WITH_EVIDENCE = """(SELECT n.*, COALESCE(e.evidence, '[]'::jsonb) AS evidence
                       FROM cc_finding n LEFT JOIN cc_evidence e ON e.win = n.win)"""
_SAME_EVIDENCE = "COALESCE(n.evidence_key = f.evidence_key, false)"

_STATUS_FOR = "CASE WHEN n.score >= %(review)s THEN %(open)s ELSE %(needs_review)s END"  # `findings._status_for`
_NEW_STATUS = f"CASE WHEN f.status IN (%(open)s, %(needs_review)s) THEN {_STATUS_FOR} ELSE f.status END"
_CHANGED = (f"({_NEW_STATUS} <> f.status OR n.score <> f.score OR n.match <> f.match OR n.reason <> f.reason "
            f"OR (NOT {_SAME_EVIDENCE} AND n.evidence IS DISTINCT FROM f.evidence) "
            "OR n.township IS DISTINCT FROM f.township "
            "OR n.village IS DISTINCT FROM f.village)")
_INSERTED = ("fingerprint", "rule", "id_number", "name", "name_key", "programme", "program", "township", "village",
             "score", "match", "reason", "evidence", "evidence_key")


def _shape_seeds(snapshots: str) -> dict[str, int]:
    """Two hash seeds from the snapshot SQL: evidence keys change when the way rows are shown does."""
    digest = hashlib.md5(snapshots.encode()).digest()
    return {"shape0": int.from_bytes(digest[:8], "big", signed=True),
            "shape1": int.from_bytes(digest[8:], "big", signed=True)}


def store(connection: sa.Connection, *, run_id: int, review_threshold: float, min_score: float,
          now: dt.datetime) -> dict[str, dict[str, int]]:
    """Turn this run's hits into findings and store them: {rule: {found, new, refreshed}}."""
    create, table, snapshots = scratch_table(connection), Finding.__tablename__, _snapshots_sql()
    params = {"min_score": min_score, "review": review_threshold, "run": run_id, "now": now,
              "open": FindingStatus.open.value, "needs_review": FindingStatus.needs_review.value,
              **_shape_seeds(snapshots)}
    for step, settings in _STEPS:
        sql = step.format(create=create, max_rows=MAX_EVIDENCE_ROWS, snapshots=snapshots, table=table)
        with planner(connection, **settings):
            connection.exec_driver_sql(sql, params if "%(" in sql else None)
    counts: dict[str, dict[str, int]] = {}
    for rule, found in connection.exec_driver_sql("SELECT rule, COUNT(*) FROM cc_finding GROUP BY rule"):
        counts[rule] = {"found": found, "new": 0, "refreshed": 0}
    # Known findings: rewritten where anything changed (decisions kept), else only marked as seen.
    refreshed = connection.exec_driver_sql(f"""
        UPDATE {table} f SET score = n.score, match = n.match, reason = n.reason,
                             evidence = CASE WHEN {_SAME_EVIDENCE} THEN f.evidence ELSE n.evidence END,
                             evidence_key = n.evidence_key,
                             township = n.township, village = n.village, status = {_NEW_STATUS},
                             last_run_id = %(run)s, updated_at = %(now)s
          FROM {_WITH_EVIDENCE} n WHERE f.fingerprint = n.fingerprint AND {_CHANGED} RETURNING n.rule""", params)
    for (rule,) in refreshed:
        counts[rule]["refreshed"] += 1
    # The rest marked seen; their evidence key recorded (evidence stored before keys were: the same).
    connection.exec_driver_sql(f"""UPDATE {table} f SET last_run_id = %(run)s, evidence_key = n.evidence_key
                                     FROM cc_finding n
                                    WHERE f.fingerprint = n.fingerprint AND (f.last_run_id IS DISTINCT FROM %(run)s
                                          OR f.evidence_key IS DISTINCT FROM n.evidence_key)""", params)
    fresh = f"WHERE NOT EXISTS (SELECT 1 FROM {table} f WHERE f.fingerprint = n.fingerprint)"
    new = dict(connection.exec_driver_sql(f"SELECT n.rule, COUNT(*) FROM cc_finding n {fresh} GROUP BY n.rule").all())
    hold = IndexHold(connection, Finding.__table__)
    if sum(new.values()) >= BULK_FINDINGS:  # a first run over big rolls: tens of thousands of findings
        hold.drop_if_worth_it(sum(new.values()))
    connection.exec_driver_sql(f"""
        INSERT INTO {table} ({', '.join(_INSERTED)}, status, first_run_id, last_run_id, created_at, updated_at)
        SELECT {', '.join('n.' + c for c in _INSERTED)},
               {_STATUS_FOR}, %(run)s, %(run)s, %(now)s, %(now)s FROM {_WITH_EVIDENCE} n {fresh}""", params)
    hold.restore()
    for rule, count in new.items():
        counts[rule]["new"] = count
    return counts
