"""Merge the two branches written in parallel from 0006_public (MMS evidence and spam marks; the
cross-check's grant conditions and 残疾人证 registry) into one head. No schema change of its own.

Revision ID: 0008
Revises: 0007_crosscheck_conditions, 0007_public_evidence
Create Date: 2026-12-07 08:00:00
"""
revision = '0008'
down_revision = ('0007_crosscheck_conditions', '0007_public_evidence')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
