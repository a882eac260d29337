"""Timestamps are timezone-aware, stored in UTC, and shown in the commission's local time."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import StatementError

from hotline.templating import local_time
from models.complaints import Complaint


def test_a_stored_timestamp_comes_back_aware_in_utc(factory, db):
    beijing = dt.timezone(dt.timedelta(hours=8))
    complaint = factory.complaint("某条线索", received_at=dt.datetime(2026, 11, 2, 9, 30, tzinfo=beijing))
    db.expire_all()
    stored = db.get(Complaint, complaint.id).received_at
    assert stored.tzinfo is not None and stored.utcoffset() == dt.timedelta(0)
    assert stored == dt.datetime(2026, 11, 2, 1, 30, tzinfo=dt.timezone.utc)


def test_a_naive_timestamp_is_refused(factory, db):
    with pytest.raises((StatementError, ValueError)):
        factory.complaint("某条线索", received_at=dt.datetime(2026, 11, 2, 9, 30))


def test_pages_show_local_time(app):
    with app.app_context():
        assert local_time(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.timezone.utc)) == "2027-01-01 00:30"
