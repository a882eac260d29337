"""telephony_sms: one index on (from_hash, received_at) for the SMS join window's look-up, instead of
one on each column (issue 23)

Revision ID: 0011_sms_sender_index
Revises: 0010_intake_jobs
Create Date: 2026-12-08 01:50:00

Every SMS report looks up the sender's latest report or part of the last SMS_JOIN_MINUTES. With an
index per column PostgreSQL ANDed the sender's entries with every message received in the window,
so during a burst each report read thousands of index entries and the cost grew with the burst.
The composite index answers the look-up with one probe; its first column serves any look-up by
sender alone, and nothing else searches SMS by time, so both single-column indexes go.
"""
from __future__ import annotations

from alembic import op

revision = '0011_sms_sender_index'
down_revision = '0010_intake_jobs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('telephony_sms', schema=None) as batch_op:
        batch_op.create_index('ix_telephony_sms_sender_received', ['from_hash', 'received_at'], unique=False)
        batch_op.drop_index('ix_telephony_sms_from_hash')
        batch_op.drop_index('ix_telephony_sms_received_at')


def downgrade() -> None:
    with op.batch_alter_table('telephony_sms', schema=None) as batch_op:
        batch_op.create_index('ix_telephony_sms_received_at', ['received_at'], unique=False)
        batch_op.create_index('ix_telephony_sms_from_hash', ['from_hash'], unique=False)
        batch_op.drop_index('ix_telephony_sms_sender_received')
