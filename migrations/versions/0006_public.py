"""public side: attachment, publicaccesskey, publicthrottle

Revision ID: 0006_public
Revises: 0005
Create Date: 2026-12-07 04:40:00

New tables only; existing complaints have no attachments and no access key (their receipt code
alone cannot be checked on /status, which asks for the key issued with a web report).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base

revision = '0006_public'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('location_kept', sa.Boolean(), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_attachment_complaint_id'), 'attachment', ['complaint_id'], unique=False)
    op.create_index(op.f('ix_attachment_contact_id'), 'attachment', ['contact_id'], unique=False)
    op.create_table('publicaccesskey',
    sa.Column('complaint_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.PrimaryKeyConstraint('complaint_id')
    )
    op.create_table('publicthrottle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('window_start', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'subject', name='uq_public_throttle_subject')
    )


def downgrade() -> None:
    op.drop_table('publicthrottle')
    op.drop_table('publicaccesskey')
    op.drop_index(op.f('ix_attachment_contact_id'), table_name='attachment')
    op.drop_index(op.f('ix_attachment_complaint_id'), table_name='attachment')
    op.drop_table('attachment')
