"""intake_job: complaints stored by a webhook whose triage, routing and clue registration wait
for the background drain (issue 23)

Revision ID: 0010_intake_jobs
Revises: 0009_crosscheck_speed
Create Date: 2026-12-07 09:20:00

A new table only; TriageState gains "pending" (a VARCHAR, no type change).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base

revision = '0010_intake_jobs'
down_revision = '0009_crosscheck_speed'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('intake_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('inputs', models.base.JSONType(), nullable=True),
    sa.Column('queued_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_try_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('complaint_id')
    )


def downgrade() -> None:
    op.drop_table('intake_job')
