"""Rows that refer to each other's new ids, written in one statement (hotline.linked_insert):
each row gets the right ids, the objects are in the session as loaded rows, a refusal by a
constraint inserts nothing, and a rollback leaves no stale object behind for a retry."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from hotline import linked_insert
from hotline.linked_insert import NewRow, Ref
from models.audit import AuditEntry
from models.complaints import Complaint
from models.contacts import Contact
from models.taxonomy import Channel

from tests.sql_capture import sent


def _rows(code: str, text: str = "村支书把低保给了亲戚") -> list[NewRow]:
    complaint = Complaint(receipt_code=code, text=text)
    contact = Contact(channel=Channel.sms, raw_text=text, external_id=f"SM{code}")
    entry = AuditEntry(at=complaint.received_at, action="complaint.create", entity="complaint")
    return [NewRow("complaint", complaint),
            NewRow("contact", contact, {"complaint_id": Ref("complaint")}),
            NewRow("audit", entry, {"entity_id": Ref("complaint", text=True),
                                    "detail": {"contact_id": Ref("contact"), "channel": "sms", "anonymous": True}})]


def test_each_row_takes_the_ids_of_the_rows_before_it(db):
    rows = _rows("11112222333344")
    linked_insert.insert(db, rows)
    db.commit()
    complaint, contact, entry = (row.obj for row in rows)
    assert contact.complaint_id == complaint.id is not None
    assert entry.entity_id == str(complaint.id)
    assert entry.detail == {"contact_id": contact.id, "channel": "sms", "anonymous": True}
    db.expunge_all()  # read back what the database holds, not the objects
    stored = db.exec(select(AuditEntry)).one()
    assert (stored.entity_id, stored.detail) == (str(complaint.id), {"contact_id": contact.id, "channel": "sms",
                                                                      "anonymous": True})
    assert db.exec(select(Contact.complaint_id)).one() == complaint.id
    assert db.get(Complaint, complaint.id).created_at is not None  # the column's default was filled


def test_the_objects_are_in_the_session_as_loaded_rows(db):
    rows = _rows("11112222333355")
    linked_insert.insert(db, rows)
    complaint = rows[0].obj
    assert complaint in db and complaint not in db.new  # nothing left to insert
    complaint.text = "改过的内容"
    db.commit()  # an UPDATE of the row, not a second INSERT
    assert db.exec(select(sa.func.count()).select_from(Complaint)).one() == 1
    db.expunge_all()
    assert db.exec(select(Complaint.text)).one() == "改过的内容"


def test_a_refused_row_leaves_nothing_inserted(db):
    linked_insert.insert(db, _rows("11112222333366"))
    db.commit()
    with pytest.raises(sa.exc.IntegrityError):  # the same receipt code again: unique
        linked_insert.insert(db, _rows("11112222333366", text="另一条"))
    db.rollback()
    assert db.exec(select(sa.func.count()).select_from(Contact)).one() == 1
    assert db.exec(select(sa.func.count()).select_from(AuditEntry)).one() == 1


def test_a_rollback_after_the_insert_leaves_no_stale_object_for_the_retry(db):
    first = _rows("11112222333377")
    linked_insert.insert(db, first)
    db.rollback()  # something later in the same transaction failed
    assert all(row.obj not in db for row in first)
    again = _rows("11112222333388")
    linked_insert.insert(db, again)  # on SQLite the ids of the rolled-back rows come again
    db.commit()
    assert db.exec(select(Complaint.receipt_code)).all() == ["11112222333388"]


def test_a_savepoint_rolled_back_drops_only_its_own_rows(db):
    kept = _rows("11112222333399")
    linked_insert.insert(db, kept)
    savepoint = db.begin_nested()
    dropped = _rows("11112222334400")
    linked_insert.insert(db, dropped)
    savepoint.rollback()
    assert all(row.obj in db for row in kept) and all(row.obj not in db for row in dropped)
    db.commit()
    assert db.exec(select(Complaint.receipt_code)).all() == ["11112222333399"]


def test_a_none_is_stored_as_null_and_a_json_none_as_json_null(db):
    from models.complaints import IntakeJob

    rows = _rows("11112222333377")
    rows.append(NewRow("job", IntakeJob(inputs=None), {"complaint_id": Ref("complaint")}))
    assert rows[0].obj.township_id is None and rows[0].obj.amount_yuan is None
    linked_insert.insert(db, rows)
    db.commit()
    complaint_id = rows[0].obj.id
    db.expunge_all()
    null = db.execute(sa.select(Complaint.__table__.c.township_id, Complaint.__table__.c.amount_yuan)
                      .where(Complaint.__table__.c.id == complaint_id)).one()
    assert tuple(null) == (None, None)
    # The ORM writes a JSON column's None as JSON null (not SQL NULL); so does the linked insert.
    assert not db.execute(sa.text("SELECT inputs IS NULL FROM intake_job")).scalar_one()


def test_the_statement_fits_psycopgs_conversion_cache(db, app):
    """The intake's statement, with its Nones left out, stays within psycopg's cache limits, so its
    conversion is done once per connection instead of at every intake (it had 67 parameters)."""
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("one statement only on PostgreSQL")
    from psycopg import _queries

    with sent(app) as seen:
        linked_insert.insert(db, _rows("11112222333388"))
    statement = next(s for s in seen if s.text.startswith("WITH"))
    assert len(statement.raw.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH
    assert len(statement.parameters) <= _queries.MAX_CACHED_STATEMENT_PARAMS
    assert None not in statement.parameters.values()


# A look-up built once, as callers build theirs (the statement is cached by it).
_SAME_CODE = sa.select(Complaint.__table__.c.id).where(Complaint.__table__.c.receipt_code == sa.bindparam("code"))
_AMOUNT_OF_CODE = (sa.select(Complaint.__table__.c.amount_yuan)
                   .where(Complaint.__table__.c.receipt_code == sa.bindparam("code")))


def _count(db, model) -> int:
    return db.exec(select(sa.func.count()).select_from(model)).one()


def test_a_look_up_that_finds_a_row_inserts_nothing_and_says_what_it_found(db):
    first = _rows("11112222333311")
    linked_insert.insert(db, first)
    db.commit()
    again = _rows("11112222333322")
    with pytest.raises(linked_insert.Found) as found:
        linked_insert.insert(db, again, unless=linked_insert.Unless(_SAME_CODE, {"code": "11112222333311"}))
    assert found.value.value == first[0].obj.id
    assert not any(row.obj in db for row in again)
    db.commit()
    assert (_count(db, Complaint), _count(db, Contact), _count(db, AuditEntry)) == (1, 1, 1)


def test_a_look_up_that_finds_nothing_inserts_every_row_linked(db):
    rows = _rows("11112222333333")
    linked_insert.insert(db, rows, unless=linked_insert.Unless(_SAME_CODE, {"code": "99998888777766"}))
    db.commit()
    complaint, contact, entry = (row.obj for row in rows)
    assert contact.complaint_id == complaint.id is not None and entry.entity_id == str(complaint.id)
    db.expunge_all()
    assert db.exec(select(Contact.complaint_id)).one() == complaint.id
    assert db.exec(select(AuditEntry.detail)).one()["contact_id"] == contact.id


def test_a_look_up_that_finds_only_null_counts_as_nothing_found(db):
    linked_insert.insert(db, _rows("11112222333344"))  # amount_yuan left NULL
    db.commit()
    linked_insert.insert(db, _rows("11112222333355", text="又一条"),
                         unless=linked_insert.Unless(_AMOUNT_OF_CODE, {"code": "11112222333344"}))
    db.commit()
    assert _count(db, Complaint) == 2 and _count(db, Contact) == 2


def test_a_guarded_insert_is_still_one_statement(db, app):
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("one statement only on PostgreSQL")
    with sent(app) as seen:
        linked_insert.insert(db, _rows("11112222333366"), unless=linked_insert.Unless(_SAME_CODE, {"code": "1"}))
    assert len(seen) == 1 and seen[0].text.startswith("WITH unless_found AS")
    assert _count(db, Complaint) == 1
