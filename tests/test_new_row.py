"""models.base.new_row builds the object a table model's constructor builds, and the database
stores it the same way."""
from __future__ import annotations

import datetime as dt
import decimal

import pytest
from sqlmodel import SQLModel, select

import models  # noqa: F401  (every table model registered)
from models.audit import AuditEntry
from models.base import new_row
from models.complaints import Complaint, ComplaintStatus
from models.taxonomy import Program

TABLE_MODELS = sorted((mapper.class_ for mapper in SQLModel._sa_registry.mappers), key=lambda m: m.__name__)


def _fields(instance) -> dict:
    return {key: value for key, value in instance.__dict__.items() if key != "_sa_instance_state"}


@pytest.mark.parametrize("model", TABLE_MODELS, ids=lambda model: model.__name__)
def test_every_table_model_gets_the_constructors_object(model):
    built, constructed = new_row(model), model()
    assert _fields(built) == _fields(constructed)
    assert built.__pydantic_fields_set__ == constructed.__pydantic_fields_set__ == set()


def test_given_values_and_defaults_are_those_of_the_constructor():
    values = {"receipt_code": "12345678901234", "text": "村支书冒领低保", "program": Program.dibao,
              "amount_yuan": decimal.Decimal("600"), "received_at": dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc)}
    built, constructed = new_row(Complaint, **values), Complaint(**values)
    assert _fields(built) == _fields(constructed)
    assert built.__pydantic_fields_set__ == constructed.__pydantic_fields_set__ == set(values)
    assert built.model_dump() == constructed.model_dump()


def test_a_name_that_is_no_field_is_refused():
    with pytest.raises(TypeError, match="no field receipt"):
        new_row(Complaint, receipt="12345678901234")


def test_a_mutable_default_is_not_shared_between_rows():
    mutable = [(model, name) for model in TABLE_MODELS for name, field in model.model_fields.items()
               if isinstance(field.default, (list, dict, set))]
    for model, name in mutable:
        first, second = new_row(model), new_row(model)
        assert getattr(first, name) == getattr(second, name)
        assert getattr(first, name) is not getattr(second, name)


def test_the_database_stores_a_built_row_as_a_constructed_one(db):
    at = dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.timezone.utc)
    values = {"text": "镇里扣了每户三百元", "program": Program.industry, "amount_yuan": decimal.Decimal("300"),
              "received_at": at}
    built = new_row(Complaint, receipt_code="11112222333344", **values)
    constructed = Complaint(receipt_code="55556666777788", **values)
    entry = new_row(AuditEntry, at=at, action="complaint.create", entity="complaint", detail={"n": 1})
    db.add_all([built, constructed, entry])
    db.flush()
    built.status = ComplaintStatus.assigned  # changed after its insert: an UPDATE, as for any row
    db.commit()
    db.expunge_all()
    rows = {row.receipt_code: row for row in db.exec(select(Complaint))}
    first, second = rows["11112222333344"], rows["55556666777788"]
    assert first.status is ComplaintStatus.assigned and second.status is ComplaintStatus.received
    skip = {"id", "receipt_code", "status", "created_at", "updated_at"}
    assert {k: v for k, v in first.model_dump().items() if k not in skip} == \
        {k: v for k, v in second.model_dump().items() if k not in skip}
    assert db.exec(select(AuditEntry)).one().detail == {"n": 1}
