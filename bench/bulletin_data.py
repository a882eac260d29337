"""A year of hotline data for the bulletin benchmark: contacts, clues, cases and their history.

Rows go in with SQLAlchemy Core bulk inserts (no ORM, no intake hooks) so 100,000 contacts load
in well under a minute; the shapes follow models/ and docs/workflow.md.
"""
from __future__ import annotations

import datetime as dt
import random

from sqlmodel import SQLModel

from hotline.clues.sources import CHANNEL_SOURCES
from models.cases import DeadlineKind, Finding, MeasureKind, Satisfaction
from models.taxonomy import Channel, ProblemType, Program

CHANNELS = [Channel.call] * 6 + [Channel.sms, Channel.web, Channel.letter, Channel.visit, Channel.voice]


def _insert(conn, table, rows, chunk=5000):
    for i in range(0, len(rows), chunk):
        conn.execute(SQLModel.metadata.tables[table].insert(), rows[i:i + chunk])


def generate(engine, *, contacts: int = 100_000, year_start: dt.datetime, seed: int = 7) -> dict:
    """Fill an empty schema; returns row counts."""
    rnd = random.Random(seed)
    tables = SQLModel.metadata.tables
    with engine.begin() as conn:
        conn.execute(tables["township"].insert(), [{"id": i, "name": f"第{i}镇", "code": f"T{i:04d}"}
                                                   for i in range(1, 21)])
        conn.execute(tables["office"].insert(), [{"id": i, "name": f"第{i}镇纪委", "kind": "township_commission",
                                                  "active": True} for i in range(1, 21)])
        complaints, contact_rows, cases, events, deadlines, measures, visits = [], [], [], [], [], [], []
        clues = []
        n_clues = int(contacts * 0.85)
        span = 365 * 24 * 3600
        for cid in range(1, n_clues + 1):
            at = year_start + dt.timedelta(seconds=rnd.randrange(span))
            town = rnd.randrange(1, 21)
            complaints.append({"id": cid, "receipt_code": f"{cid:012d}", "text": "反映问题", "status": "received",
                               "source": "hotline", "township_id": town, "received_at": at,
                               "program": rnd.choice(list(Program)).value,
                               "problem_type": rnd.choice(list(ProblemType)).value, "triage_state": "classified",
                               "repeat_count": 1, "created_at": at, "updated_at": at})
            channel = rnd.choice(CHANNELS)
            contact_rows.append({"channel": channel.value, "received_at": at, "raw_text": "反映问题",
                                 "complaint_id": cid, "is_followup": False, "created_at": at})
            clues.append({"id": cid, "complaint_id": cid, "number": f"青纪线〔{at.year}〕{cid:06d}号", "commission": "青溪县",
                          "year": at.year, "seq": cid, "source": CHANNEL_SOURCES[channel].value, "named": False,
                          "received_at": at, "registered_at": at, "handling": "own"})
            closed = at + dt.timedelta(days=rnd.randint(10, 60)) if rnd.random() < 0.7 else None
            finding = rnd.choice([Finding.true, Finding.partly_true, Finding.unfounded, None]) if closed else None
            money = rnd.randint(0, 20000) if finding is Finding.true else None
            cases.append({"id": cid, "complaint_id": cid, "office_id": town, "status": "closed" if closed else "assigned",
                          "priority": 0, "supervised": rnd.random() < 0.01, "opened_at": at, "closed_at": closed,
                          "concluded_at": closed, "finding": finding.value if finding else None,
                          "money_recovered_yuan": money, "name_cleared": False, "reopen_count": 0, "updated_at": at})
            assigned = at + dt.timedelta(hours=rnd.randint(1, 40))
            events += [{"case_id": cid, "kind": "opened", "at": at, "office_id": town},
                       {"case_id": cid, "kind": "assigned", "at": assigned, "office_id": town}]
            deadlines.append({"case_id": cid, "office_id": town, "kind": DeadlineKind.assignment.value, "started_at": at,
                              "due_at": at + dt.timedelta(days=1), "met_at": assigned, "extended_days": 0})
            deadlines.append({"case_id": cid, "office_id": town, "kind": DeadlineKind.disposition.value,
                              "started_at": assigned, "due_at": assigned + dt.timedelta(days=21),
                              "met_at": closed if closed and rnd.random() < 0.9 else None, "extended_days": 0})
            if rnd.random() < 0.02:
                events.append({"case_id": cid, "kind": "sent_back", "at": assigned, "office_id": town})
            if closed:
                outcome = {"finding": finding.value, "money_recovered": f"{money}.00" if money is not None else None} \
                    if finding else None
                events += [{"case_id": cid, "kind": "outcome_recorded" if finding else "disposition_approved",
                            "at": closed, "office_id": town, "data": outcome or {"disposition": "dismissed"}},
                           {"case_id": cid, "kind": "closed", "at": closed, "office_id": town}]
                if rnd.random() < 0.03:  # reopened after an unsatisfied return visit, concluded again
                    reopened = closed + dt.timedelta(days=rnd.randint(3, 20))
                    again = reopened + dt.timedelta(days=rnd.randint(5, 30))
                    events += [{"case_id": cid, "kind": "reopened", "at": reopened, "office_id": town},
                               {"case_id": cid, "kind": "outcome_recorded", "at": again, "office_id": town,
                                "data": {"finding": Finding.partly_true.value, "money_recovered": "100.00"}},
                               {"case_id": cid, "kind": "closed", "at": again, "office_id": town}]
                if finding in (Finding.true, Finding.partly_true) and rnd.random() < 0.3:
                    measures.append({"case_id": cid, "kind": rnd.choice(list(MeasureKind)).value,
                                     "person_name": "某", "at": closed})
                if rnd.random() < 0.4:
                    visits.append({"case_id": cid, "satisfaction": rnd.choice(list(Satisfaction)).value,
                                   "at": closed + dt.timedelta(days=2)})
        for n in range(contacts - n_clues):
            cid = rnd.randrange(1, n_clues + 1)
            at = complaints[cid - 1]["received_at"] + dt.timedelta(days=rnd.randint(1, 20))
            contact_rows.append({"channel": "call", "received_at": at, "raw_text": "查询", "complaint_id": cid,
                                 "is_followup": True, "created_at": at})
        findings = [{"fingerprint": f"fp{i}", "rule": rnd.choice(["payroll", "deceased", "vehicle", "duplicate"]),
                     "name": "某", "name_key": "", "score": 1.0, "match": "exact_id", "reason": "疑点", "status": "open",
                     "created_at": year_start + dt.timedelta(seconds=rnd.randrange(span))} for i in range(2000)]
        for event in events:
            event.setdefault("data", None)
        for table, rows in (("complaint", complaints), ("clue", clues), ("contact", contact_rows), ("case", cases),
                            ("caseevent", events), ("casedeadline", deadlines), ("casemeasure", measures),
                            ("returnvisit", visits), ("crosscheck_finding", findings)):
            _insert(conn, table, rows)
    return {"contacts": len(contact_rows), "complaints": len(complaints), "clues": len(clues), "cases": len(cases),
            "events": len(events), "deadlines": len(deadlines), "measures": len(measures), "visits": len(visits)}
