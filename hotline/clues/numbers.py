"""Clue numbers (线索编号): a configurable pattern over a per-year, per-commission sequence.

The sequence lives in one ClueCounter row per commission and year, incremented by the registering
transaction itself (UPDATE … RETURNING). The row lock makes concurrent registrations wait for each
other; a registration that rolls back takes its increment with it. So numbers are gap-free and
none is given twice, and the unique constraints on the clue table would refuse a repeat anyway.

The lock lasts from the draw to the commit, and every registration in the county queues on it, so
callers draw as late as they can: intake (intake/service.py log_contact) registers the clue after
the complaint, its contact and its case are written, leaving only the clue row, the audit entries
and the channel's own row between the draw and the commit. A separate transaction for the draw
would shorten the hold further but leave a gap whenever the intake then failed.
"""
from __future__ import annotations

import string

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models.clues import Clue, ClueCounter

MAX_LENGTH = 60  # Clue.number


def check_pattern(pattern: str) -> None:
    """Refuse a pattern that cannot number clues: it needs {year} and {seq}, and nothing else."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
        samples = {format_number(pattern, year=2026, seq=seq) for seq in (1, 2, 9999, 10000)}
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ValueError(f"线索编号格式 CLUE_NUMBER_PATTERN 无法使用（{exc}），例如：青纪线〔{{year}}〕{{seq:04d}}号") from None
    if fields != {"year", "seq"}:
        raise ValueError("线索编号格式 CLUE_NUMBER_PATTERN 须且只能包含 {year} 和 {seq}，例如：青纪线〔{year}〕{seq:04d}号")
    if len(samples) != 4 or max(len(s) for s in samples) > MAX_LENGTH:
        raise ValueError(f"线索编号格式 CLUE_NUMBER_PATTERN 须使不同序号得出不同编号，且不超过{MAX_LENGTH}字")


def format_number(pattern: str, *, year: int, seq: int) -> str:
    """The number for sequence `seq` of `year`, e.g. 青纪线〔2026〕0123号."""
    return pattern.format(year=year, seq=seq)


def _create_counter(session: Session, *, commission: str, year: int) -> None:
    """The year's counter row, starting after any number already given (a counter row lost or
    deleted by hand must not hand out a number again); a concurrent creator's row wins."""
    already = (sa.select(sa.literal(commission), sa.literal(year), sa.func.coalesce(sa.func.max(Clue.seq), 0))
               .where(Clue.commission == commission, Clue.year == year))
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (insert(ClueCounter).from_select(["commission", "year", "last_seq"], already)
            .on_conflict_do_nothing(index_elements=["commission", "year"]))
    session.execute(stmt)


def draw(session: Session, *, commission: str, year: int) -> int:
    """The next sequence number of `year`, taken inside the caller's transaction (whose commit
    releases the counter row: draw last)."""
    bump = (sa.update(ClueCounter)
            .where(ClueCounter.commission == commission, ClueCounter.year == year)
            .values(last_seq=ClueCounter.last_seq + 1)
            .returning(ClueCounter.last_seq))
    seq = session.execute(bump).scalar()
    if seq is None:  # the year's first clue
        _create_counter(session, commission=commission, year=year)
        seq = session.execute(bump).scalar()
    return int(seq)
