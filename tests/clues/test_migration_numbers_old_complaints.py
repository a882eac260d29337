"""Migration 0004_clues: complaints received before the register get numbers in received order."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hotline.db import make_engine
from hotline.migrate import upgrade

UTC = dt.timezone.utc


def _complaint(conn, code: str, received: dt.datetime, *, source="hotline", channel="call",
               complainant: bool | None = None) -> int:
    complainant_id = None
    if complainant is not None:
        complainant_id = conn.execute(sa.text(
            "INSERT INTO complainant (anonymous, name_enc, sms_opt_out, created_at) "
            "VALUES (:anon, :name, false, :now) RETURNING id"),
            {"anon": not complainant, "name": "sealed" if complainant else None, "now": received}).scalar()
    complaint_id = conn.execute(sa.text(
        "INSERT INTO complaint (receipt_code, text, status, source, triage_state, repeat_count, received_at, "
        "created_at, updated_at, complainant_id) VALUES (:code, '反映低保问题', 'received', :source, "
        "'unclassified', 1, :at, :at, :at, :who) RETURNING id"),
        {"code": code, "source": source, "at": received, "who": complainant_id}).scalar()
    conn.execute(sa.text(
        "INSERT INTO contact (channel, received_at, raw_text, complaint_id, is_followup, created_at) "
        "VALUES (:channel, :at, 'x', :id, false, :at)"), {"channel": channel, "at": received, "id": complaint_id})
    return complaint_id


def test_old_complaints_are_numbered_in_received_order_per_local_year(empty_database_url):
    upgrade(empty_database_url, "0003")
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            late = _complaint(conn, "1", dt.datetime(2025, 6, 2, 3, tzinfo=UTC), channel="sms")
            early = _complaint(conn, "2", dt.datetime(2025, 3, 1, 3, tzinfo=UTC), complainant=True)
            # 2025-12-31 17:00 UTC is already 2026 in Beijing: the first clue of 2026.
            new_year = _complaint(conn, "3", dt.datetime(2025, 12, 31, 17, tzinfo=UTC), source="open311",
                                  channel="open311", complainant=False)
            web = _complaint(conn, "4", dt.datetime(2026, 2, 1, 3, tzinfo=UTC), channel="web")
        upgrade(empty_database_url)
        with engine.connect() as conn:
            rows = {r.complaint_id: r for r in conn.execute(sa.text(
                "SELECT complaint_id, number, year, seq, source, named FROM clue"))}
            counters = dict(conn.execute(sa.text("SELECT year, last_seq FROM clue_counter")).all())
    finally:
        engine.dispose()
    assert [rows[i].number for i in (early, late, new_year, web)] == [
        "青纪线〔2025〕0001号", "青纪线〔2025〕0002号", "青纪线〔2026〕0001号", "青纪线〔2026〕0002号"]
    assert [rows[i].source for i in (early, late, new_year, web)] == ["call", "sms", "platform_12345", "online"]
    assert [bool(rows[i].named) for i in (early, late, new_year, web)] == [True, False, False, False]
    assert counters == {2025: 2, 2026: 2}
