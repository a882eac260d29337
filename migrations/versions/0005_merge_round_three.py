"""Merge the six branches written in parallel from 0003 (audit/auth, bulletin record, clue register,
cross-check grants, divisions, outcomes) into one head. No schema change of its own.

Revision ID: 0005
Revises: 0004_audit_auth, 0004_bulletin, 0004_clues, 0004_crosscheck, 0004_divisions, 0004_outcomes
Create Date: 2026-12-07 03:35:00
"""
revision = '0005'
down_revision = ('0004_audit_auth', '0004_bulletin', '0004_clues', '0004_crosscheck', '0004_divisions',
                 '0004_outcomes')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
