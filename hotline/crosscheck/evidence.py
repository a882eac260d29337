"""Evidence rows as people read them: a roll row under the roll's own column labels, as text
(the snapshot a finding keeps, and the rows of the case page's panel)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session

from hotline.crosscheck import values
from hotline.crosscheck.kinds import KINDS
from models.rolls import ROW_TABLES


def chunks(items: list, size: int = 900):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def load_rows(session: Session, kind: str, ids: set[int]) -> dict[int, dict]:
    table = ROW_TABLES[kind].__table__
    out = {}
    if not ids:
        return out
    conn = session.connection()
    if conn.dialect.name == "postgresql":  # one query, the IDs as one array parameter, plain tuples
        result = conn.exec_driver_sql(f"SELECT * FROM {table.name} WHERE id = ANY(%(ids)s)", {"ids": sorted(ids)})
        names = list(result.keys())
        for row in result:
            item = dict(zip(names, row))
            out[item["id"]] = item
        return out
    for chunk in chunks(sorted(ids)):
        for row in session.execute(sa.select(table).where(table.c.id.in_(chunk))).mappings():
            out[row["id"]] = dict(row)
    return out


_SNAPSHOT_COLUMNS = {code: tuple((c.label, c.field) for c in kind.columns) for code, kind in KINDS.items()}


def fields_of(kind: str, row: dict) -> dict:
    """The row's columns under the roll's own labels, as text."""
    fields = {}
    for label, name in _SNAPSHOT_COLUMNS[kind]:
        value = row.get(name)
        if value is None:
            if name == "id_number":
                value = row.get("id_raw") or ""
                if row.get("id_error"):
                    value = f"{value}（{row['id_error']}）"
                fields[label] = values.text(value)
            else:
                fields[label] = ""
        elif type(value) is str:
            fields[label] = value.strip()
        elif type(value) is dt.date:
            fields[label] = value.isoformat()  # what values.text gives, without strftime
        else:
            fields[label] = values.text(value)
    return fields


def snapshot(kind: str, row: dict, role: str, cache: dict | None = None) -> dict:
    """The evidence row as people read it: the roll's own column labels and values."""
    if cache is None:
        fields = fields_of(kind, row)
    else:  # a registry row is evidence in many findings: its fields are worked out once
        fields = cache.get((kind, row["id"]))
        if fields is None:
            fields = cache[(kind, row["id"])] = fields_of(kind, row)
        fields = dict(fields)
    return {"kind": kind, "kind_label": KINDS[kind].label, "role": role, "row_id": row["id"],
            "import_id": row["import_id"], "row_no": row["row_no"], "fields": fields}
