"""Migration 0004_outcomes on a database holding old outcome records (both databases)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hotline.db import make_engine
from hotline.migrate import upgrade

NOW = dt.datetime(2026, 10, 12, 2, tzinfo=dt.timezone.utc)


def _old_rows(conn) -> None:
    conn.execute(sa.text("INSERT INTO office (id, name, kind, active) VALUES (1, '石桥镇纪委', 'township_commission', :t)"),
                 {"t": True})
    for n in (1, 2):
        conn.execute(sa.text(
            "INSERT INTO complaint (id, receipt_code, text, status, source, triage_state, repeat_count, received_at, "
            "created_at, updated_at) VALUES (:n, :code, '反映村支书问题', 'closed', 'phone', 'done', 1, :now, :now, :now)"),
            {"n": n, "code": f"1000000{n}", "now": NOW})
        conn.execute(sa.text("INSERT INTO accusedperson (complaint_id, name, level) VALUES (:n, :name, 'village_cadre')"),
                     {"n": n, "name": "王某" if n == 1 else "李某"})
    conn.execute(sa.text(
        'INSERT INTO "case" (id, complaint_id, office_id, status, priority, supervised, opened_at, concluded_at, '
        "finding, name_cleared, reopen_count, updated_at) VALUES (1, 1, 1, 'closed', 0, :f, :now, :now, 'unfounded', "
        ":t, 0, :now)"), {"now": NOW, "t": True, "f": False})
    conn.execute(sa.text(
        'INSERT INTO "case" (id, complaint_id, office_id, status, priority, supervised, opened_at, concluded_at, '
        "finding, name_cleared, exoneration, exoneration_condition, reopen_count, updated_at) VALUES "
        "(2, 2, 1, 'closed', 0, :f, :now, :now, 'partly_true', :f, 'reduced', 'policy_changed', 0, :now)"),
        {"now": NOW, "f": False})
    for kind in ("party_sanction", "criticism"):
        conn.execute(sa.text("INSERT INTO casemeasure (case_id, kind, person_name, at) VALUES (2, :k, '李某', :now)"),
                     {"k": kind, "now": NOW})


def test_old_measures_keep_their_kind_and_old_protections_move_to_the_person_tables(empty_database_url):  # noqa: F811
    upgrade(empty_database_url, "0003")
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            _old_rows(conn)
        upgrade(empty_database_url)
        with engine.connect() as conn:
            grades = dict(conn.execute(sa.text("SELECT kind, grade FROM casemeasure")).all())
            cleared = conn.execute(sa.text("SELECT case_id, person_name, accused_person_id, cleared_on, method "
                                           "FROM clearance")).all()
            applied = conn.execute(sa.text(
                "SELECT a.case_id, a.person_name, a.decision, t.wording, t.current FROM tolerance_application a "
                "JOIN tolerance_condition t ON t.id = a.condition_id")).all()
    finally:
        engine.dispose()
    assert grades == {"party_sanction": "unspecified", "criticism": None}
    assert [(c[0], c[1], c[2] is not None, str(c[3]), c[4]) for c in cleared] == [(1, "王某", True, "2026-10-12", "未注明")]
    assert [tuple(a[:4]) for a in applied] == [(2, "李某", "reduced", "因上级政策调整导致失误")]
    assert not applied[0][4]  # the old wording is kept as a retired condition, never offered again
