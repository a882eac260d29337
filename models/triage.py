"""Inspectors' confirmations and corrections of the classifier's labels (training data)."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from models.base import json_column, utc_column


# One confirmation or correction: the labels before and after, by whom. The latest per
# complaint is what retraining learns from.
class LabelCorrection(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    before: dict | None = Field(default=None, sa_column=json_column())
    after: dict | None = Field(default=None, sa_column=json_column())
    changed: bool = False
