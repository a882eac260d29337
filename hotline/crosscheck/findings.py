"""Findings: running the rules and storing what they find, keeping decisions across runs.

The inspector's decisions are in `hotline.crosscheck.decisions`, the export in
`hotline.crosscheck.export`, evidence snapshots in `hotline.crosscheck.evidence`.

A finding's fingerprint is the rule, the person (ID number, or name and village), the programme and
what the evidence points at; a re-run updates the evidence of an existing finding but never its
decision, so a dismissed finding stays dismissed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, select

from hotline import audit
from hotline.settings import Settings
from hotline.settings import current as current_settings
from hotline.bulkload import IndexHold
from hotline.crosscheck import assembly, evidence, grants
from hotline.crosscheck.assembly import BULK_FINDINGS, MAX_EVIDENCE_ROWS, RECIPIENT_ROLE
from hotline.crosscheck import links
from hotline.crosscheck.rules import RULES, SCRATCH_TABLES, Hit, prepare
from models.base import utcnow
from models.findings import CrosscheckRun, Finding, FindingStatus
from models.users import Actor


class FindingError(ValueError):
    """The action cannot be done; the message says why, in Chinese."""


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def assemble(session: Session, hits: list[Hit], resolved: dict) -> list[dict]:
    """Group hits into findings (one per fingerprint) with their evidence rows."""
    recipients = evidence.load_rows(session, "recipients", {rid for h in hits for rid in h.recipient_ids})
    others: dict[str, set[int]] = defaultdict(set)
    for hit in hits:
        for kind, row_id, _role in hit.evidence:
            others[kind].add(row_id)
    loaded = {kind: evidence.load_rows(session, kind, ids) for kind, ids in others.items()}
    grouped: dict[tuple, dict] = {}
    for hit in hits:
        first = recipients[hit.recipient_ids[0]]
        subject = (hit.subject_id or first["id_number"]
                   or getattr(resolved.get(first["id"]), "id_number", None)
                   or f"name:{first['name_key']}@{first['village'] or ''}")
        group = (hit.rule, subject, first["grant_name"], hit.key)  # hashed once per finding, below
        item = grouped.get(group)
        if item is None or hit.score > item["score"]:
            previous = item
            item = {"fingerprint": previous["fingerprint"] if previous else _fingerprint(*group), "rule": hit.rule, "id_number": subject if not subject.startswith("name:") else (first["id_raw"] or None),
                    "name": first["name"], "name_key": first["name_key"], "programme": first["grant_name"],
                    "program": first["program"], "township": first["township"], "village": first["village"],
                    "score": hit.score, "match": hit.match, "reason": hit.reason,
                    "rows": previous["rows"] if previous else {}, "other": previous["other"] if previous else {}}
            grouped[group] = item
        for rid in hit.recipient_ids:
            if len(item["rows"]) < MAX_EVIDENCE_ROWS:
                item["rows"].setdefault(("recipients", rid), RECIPIENT_ROLE)
        for kind, row_id, role in hit.evidence:
            item["other"].setdefault((kind, row_id), role)
    out = []
    cache: dict = {}
    for item in grouped.values():
        shown = [evidence.snapshot("recipients", recipients[rid], role, cache)
                 for (_k, rid), role in item.pop("rows").items()]
        shown += [evidence.snapshot(kind, loaded[kind][row_id], role, cache)
                  for (kind, row_id), role in item.pop("other").items() if row_id in loaded.get(kind, {})]
        item["evidence"] = shown
        out.append(item)
    return out


def latest_runs(session: Session) -> dict[str, int]:
    """{rule: the latest finished run that ran it}. A finding whose `last_run_id` is older was not
    found again by that run: the rows it rested on were withdrawn or corrected (`not_found_since`)."""
    out: dict[str, int] = {}
    stmt = (select(CrosscheckRun.id, CrosscheckRun.rules).where(CrosscheckRun.finished_at.is_not(None))
            .order_by(CrosscheckRun.id.desc()).limit(500))
    for run_id, codes in session.exec(stmt):
        for code in codes or []:
            out.setdefault(code, run_id)
        if len(out) >= len(RULES):
            break
    return out


def not_found_since(finding: Finding, latest: dict[str, int]) -> int | None:
    """The run that ran this finding's rule and did not find it again, if any."""
    newest = latest.get(finding.rule)
    if newest is not None and finding.last_run_id is not None and newest > finding.last_run_id:
        return newest
    return None


def _status_for(score: float, review_threshold: float) -> FindingStatus:
    return FindingStatus.open if score >= review_threshold else FindingStatus.needs_review


def run_rules(*, session: Session, rules: list[str] | None = None, actor: Actor = None,
              settings: Settings | None = None, today: dt.date | None = None,
              in_sql: bool | None = None) -> CrosscheckRun:
    """Run the rules over all imported rolls and store their findings; the caller commits.

    `settings`: where the thresholds come from (CROSSCHECK_REVIEW_THRESHOLD: below it a finding
    is 待复核; CROSSCHECK_MIN_SCORE: below it nothing is reported); the running app's by default.
    `in_sql`: assemble the findings inside the database (`hotline.crosscheck.assembly`; the
    default on PostgreSQL) rather than in Python (SQLite's way, and the reference the SQL is
    tested against).
    """
    settings = settings or current_settings()
    review_threshold, min_score = settings.CROSSCHECK_REVIEW_THRESHOLD, settings.CROSSCHECK_MIN_SCORE
    codes = rules or list(RULES)
    unknown = [c for c in codes if c not in RULES]
    if unknown:
        raise FindingError(f"未知的比对规则：{'、'.join(unknown)}（可选：{'、'.join(RULES)}）")
    postgres = session.get_bind().dialect.name == "postgresql"
    in_sql = postgres if in_sql is None else in_sql
    if in_sql and not postgres:
        raise FindingError("数据库内组装疑点仅支持PostgreSQL")
    run = CrosscheckRun(started_at=utcnow(), rules=codes, stats={}, started_by_id=getattr(actor, "id", None))
    session.add(run)
    session.flush()
    started = time.perf_counter()
    conn = session.connection()
    # One run at a time: its scratch tables have fixed names (a second run waits here for the first
    # to commit), two runs would only race for the same findings, and a links refresh after an
    # import (`links.refresh`) waits for the run too.
    links.lock(conn)
    if postgres:
        conn.exec_driver_sql("SET LOCAL work_mem = '128MB'")  # the run's groupings and hashes
        # Each statement runs once, over data read moments ago: compiling it (JIT) costs more than
        # it saves (~0.3 s over a full-scale run).
        conn.exec_driver_sql("SET LOCAL jit = off")
    ctx = prepare(session)
    ctx.grants, ctx.grant_names = grants.book(session), grants.names_on_rolls(session)
    ctx.today = today or dt.date.today()
    unmapped = grants.unmapped(ctx.grants, ctx.grant_names)
    stats = {"_prepare": {"seconds": round(time.perf_counter() - started, 3), "resolved": len(ctx.resolved),
                          **{k: v for k, v in ctx.links.items() if k not in ("seconds", "kinds", "version")}},
             "_grants": {"unmapped": len(unmapped), "unmapped_rows": sum(n for _t, n in unmapped)}}
    if in_sql:
        _run_in_sql(ctx, codes, stats, run, review_threshold, min_score)
    else:
        _run_in_python(ctx, codes, stats, run, review_threshold, min_score)
    for name in SCRATCH_TABLES + assembly.SCRATCH_TABLES:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    stats["_total"] = {"seconds": round(time.perf_counter() - started, 3)}
    run.stats, run.finished_at = stats, utcnow()
    session.add(run)
    audit.record(session, actor=actor, action="crosscheck.run", entity="crosscheck_run", entity_id=run.id,
                 detail={code: s.get("found") for code, s in stats.items() if not code.startswith("_")})
    return run


def _run_in_python(ctx, codes: list[str], stats: dict, run: CrosscheckRun, review_threshold: float,
                   min_score: float) -> None:
    session = ctx.session
    fresh = _NewFindings(session.connection())
    for code in codes:
        began = time.perf_counter()
        hits = [h for h in RULES[code].run(ctx) if h.score >= min_score]
        items = assemble(session, hits, ctx.resolved)
        new, refreshed = _store(session, items, run, review_threshold, fresh)
        stats[code] = {"found": len(items), "new": new, "refreshed": refreshed,
                       "seconds": round(time.perf_counter() - began, 3)}
    began, new = time.perf_counter(), len(fresh)
    fresh.insert()  # every rule's new findings at once, indexes built once
    stats["_insert"] = {"new": new, "seconds": round(time.perf_counter() - began, 3)}


def _run_in_sql(ctx, codes: list[str], stats: dict, run: CrosscheckRun, review_threshold: float,
                min_score: float) -> None:
    """The rules' hits into the run's scratch tables, then findings made and stored by SQL."""
    conn = ctx.session.connection()
    assembly.start(conn)
    next_no = 1
    for code in codes:
        began = time.perf_counter()
        rule = RULES[code]
        count = rule.write(ctx, next_no) if rule.write else assembly.add_hits(ctx.session, rule.run(ctx), next_no)
        next_no += count
        stats[code] = {"seconds": round(time.perf_counter() - began, 3)}
    began = time.perf_counter()
    counts = assembly.store(conn, run_id=run.id, review_threshold=review_threshold, min_score=min_score,
                            now=utcnow())
    for code in codes:
        stats[code].update(counts.get(code, {"found": 0, "new": 0, "refreshed": 0}))
    stats["_insert"] = {"new": sum(c["new"] for c in counts.values()), "seconds": round(time.perf_counter() - began, 3)}


_REFRESHED = ("score", "match", "reason", "evidence", "township", "village")


def _existing(session: Session, prints: list[str]) -> dict[str, dict]:
    """The stored findings among these fingerprints: what a re-run may refresh."""
    table = Finding.__table__
    columns = [table.c.id, table.c.fingerprint, table.c.status, *[table.c[k] for k in _REFRESHED]]
    out: dict[str, dict] = {}
    if not prints:
        return out
    if session.get_bind().dialect.name == "postgresql":
        batches = [prints]  # one query, the fingerprints as one array parameter
        where = lambda batch: table.c.fingerprint == sa.func.any(sa.literal(batch, ARRAY(sa.String)))  # noqa: E731
    else:
        batches = list(evidence.chunks(prints))
        where = lambda batch: table.c.fingerprint.in_(batch)  # noqa: E731
    for batch in batches:
        for row in session.execute(sa.select(*columns).where(where(batch))).mappings():
            out[row["fingerprint"]] = dict(row)
    return out


def _store(session: Session, items: list[dict], run: CrosscheckRun, review_threshold: float,
           fresh: _NewFindings) -> tuple[int, int]:
    """Refresh known findings whose content changed (their decisions stay); new ones go to `fresh`.

    Returns (new, refreshed). Every finding seen gets this run as its last run (one statement);
    only a finding whose score, match, reason, evidence or place changed is rewritten. The caller
    inserts `fresh`.
    """
    known_rule = session.execute(sa.select(Finding.__table__.c.id).where(
        Finding.__table__.c.rule == items[0]["rule"]).limit(1)).first() if items else None
    existing = _existing(session, [i["fingerprint"] for i in items]) if known_rule else {}
    now = utcnow()
    changed, seen, new = [], [], []
    for item in items:
        known = existing.get(item["fingerprint"])
        if known is None:
            new.append({**item, "status": _status_for(item["score"], review_threshold).value,
                        "first_run_id": run.id, "last_run_id": run.id, "created_at": now, "updated_at": now})
            continue
        status = FindingStatus(known["status"])
        if status in (FindingStatus.open, FindingStatus.needs_review):
            status = _status_for(item["score"], review_threshold)
        if status.value != FindingStatus(known["status"]).value or any(item[k] != known[k] for k in _REFRESHED):
            # evidence_key: only the SQL assembly works it out; evidence rewritten here has none.
            changed.append({**{k: item[k] for k in _REFRESHED}, "status": status, "last_run_id": run.id,
                            "updated_at": now, "evidence_key": None, "b_id": known["id"]})
        else:
            seen.append(known["id"])
    table = Finding.__table__
    if changed:
        session.execute(table.update().where(table.c.id == sa.bindparam("b_id")), changed)
    if seen:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(table.update().where(table.c.id == sa.func.any(sa.literal(seen, ARRAY(sa.Integer))))
                            .values(last_run_id=run.id))
        else:
            for chunk in evidence.chunks(seen):
                session.execute(table.update().where(table.c.id.in_(chunk)).values(last_run_id=run.id))
    fresh.add(new)
    return len(new), len(changed)


class _NewFindings:
    """New findings gathered over a run and inserted at the end, all rules' at once (the
    table's indexes set aside when there are many)."""

    def __init__(self, connection: sa.Connection):
        self.connection = connection
        self.rows: list[dict] = []

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, rows: list[dict]) -> None:
        self.rows.extend(rows)

    def insert(self) -> None:
        if not self.rows:
            return
        hold = IndexHold(self.connection, Finding.__table__)
        if len(self.rows) >= BULK_FINDINGS:  # a first run over big rolls: tens of thousands of findings
            hold.drop_if_worth_it(len(self.rows))
        self.connection.execute(sa.insert(Finding.__table__), self.rows)
        hold.restore()
        self.rows = []
