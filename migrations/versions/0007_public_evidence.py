"""public side, round two: mmsmedia (MMS pictures to fetch and store), spammark (operator review)

Revision ID: 0007_public_evidence
Revises: 0006_public
Create Date: 2026-12-07 06:30:00

New tables only.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base

revision = '0007_public_evidence'
down_revision = '0006_public'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mmsmedia',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_sid', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('sender_enc', sa.Text(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], ),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_sid', 'position', name='uq_mms_media_position')
    )
    op.create_index(op.f('ix_mmsmedia_complaint_id'), 'mmsmedia', ['complaint_id'], unique=False)
    op.create_index(op.f('ix_mmsmedia_message_sid'), 'mmsmedia', ['message_sid'], unique=False)
    op.create_index(op.f('ix_mmsmedia_status'), 'mmsmedia', ['status'], unique=False)
    op.create_table('spammark',
    sa.Column('complaint_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('suspicion', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.ForeignKeyConstraint(['marked_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('complaint_id')
    )
    op.create_index(op.f('ix_spammark_state'), 'spammark', ['state'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_spammark_state'), table_name='spammark')
    op.drop_table('spammark')
    op.drop_index(op.f('ix_mmsmedia_status'), table_name='mmsmedia')
    op.drop_index(op.f('ix_mmsmedia_message_sid'), table_name='mmsmedia')
    op.drop_index(op.f('ix_mmsmedia_complaint_id'), table_name='mmsmedia')
    op.drop_table('mmsmedia')
