"""Complainants: the people who report, kept apart from what they report."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import utc_column


# A reporting person's identity, sealed at rest (hotline.vault: AES-GCM); complaints point here.
# Lists show only the masked columns; phone_hash (a keyed hash) finds a caller's history
# without opening any identity.
class Complainant(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    anonymous: bool = False
    name_enc: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    phone_enc: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    id_number_enc: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    name_masked: str | None = Field(default=None, max_length=40)
    phone_masked: str | None = Field(default=None, max_length=20)
    phone_hash: str | None = Field(default=None, max_length=64, index=True)
    # Whether the person refused outbound SMS (退订).
    sms_opt_out: bool = False
    created_at: dt.datetime | None = Field(default=None, sa_column=utc_column())
    purged_at: dt.datetime | None = Field(default=None, sa_column=utc_column(nullable=True, default=False))
