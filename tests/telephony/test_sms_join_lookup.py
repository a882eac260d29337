"""The join window's look-up reads the sender's own messages, not the whole window: during a burst
the window holds thousands of other senders' messages, and every report runs the look-up."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from hotline.telephony.sms import _last_report_part
from models.base import utcnow
from models.telephony import SmsKind, SmsMessage


def _others(db, complaint_id: int, now: dt.datetime, first: int, count: int) -> None:
    """Reports from `count` other senders received within the last four minutes."""
    db.execute(sa.insert(SmsMessage), [
        {"message_sid": f"SM{k:032d}", "from_hash": f"other{k}", "body": "…", "kind": SmsKind.report, "reply": "",
         "complaint_id": complaint_id, "received_at": now - dt.timedelta(seconds=k % 240), "replayed": False}
        for k in range(first, first + count)])


def _mine(db, complaint_ids: tuple[int, int], now: dt.datetime) -> None:
    """Two reports from the sender 'me', one and two minutes ago: the newer one's complaint second."""
    db.execute(sa.insert(SmsMessage), [
        {"message_sid": f"SMme{k}", "from_hash": "me", "body": "…", "kind": SmsKind.report, "reply": "",
         "complaint_id": complaint_ids[1 - k], "received_at": now - dt.timedelta(seconds=60 * (k + 1)),
         "replayed": False} for k in range(2)])


def _pages_read(db, mode: str, now: dt.datetime) -> int:
    """Pages the look-up for 'me' reads (EXPLAIN ANALYZE), planned as `mode` says."""
    db.execute(sa.text(f"SET LOCAL plan_cache_mode = {mode}"))
    compiled = _last_report_part().compile(db.get_bind())
    params = {"sender": "me", "since": now - dt.timedelta(minutes=5), "until": now}
    raw = db.connection().exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + str(compiled),
                                          compiled.construct_params(params)).scalar()
    plan = (raw if isinstance(raw, list) else json.loads(raw))[0]["Plan"]
    assert plan["Actual Rows"] == 1
    return plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]


@pytest.mark.postgres_only
@pytest.mark.parametrize("mode", ["force_custom_plan", "force_generic_plan"])
def test_the_senders_last_report_costs_the_same_however_full_the_window(factory, db, mode):
    # Generic: psycopg prepares the guarded insert after five runs, and PostgreSQL may then plan it
    # without the values. No ANALYZE: during a burst the statistics lag behind the table.
    # With an index per column the look-up read 1,010 pages (custom plan, 1,000 messages in the window)
    # or 30 → 42 (generic, 1,000 → 20,000 messages): it ANDed the sender's entries with the window's.
    complaint = factory.complaint()
    now = utcnow()
    _mine(db, (complaint.id, complaint.id), now)
    _others(db, complaint.id, now, 0, 1000)
    quiet = _pages_read(db, mode, now)
    _others(db, complaint.id, now, 1000, 19000)
    burst = _pages_read(db, mode, now)
    assert max(quiet, burst) <= 12, (quiet, burst)  # one probe: index levels and the two rows


def test_the_look_up_finds_the_senders_latest_report_in_the_window(factory, db):
    older, newer = factory.complaint(), factory.complaint("第二个反映：村会计扣了我家的补贴。")
    now = utcnow()
    _mine(db, (older.id, newer.id), now)
    _others(db, older.id, now, 0, 300)
    found = db.execute(_last_report_part(), {"sender": "me", "since": now - dt.timedelta(minutes=5),
                                             "until": now}).scalar()
    assert found == newer.id
    nobody = db.execute(_last_report_part(), {"sender": "nobody", "since": now - dt.timedelta(minutes=5),
                                              "until": now}).scalar()
    assert nobody is None
