"""roll_import: an import can be withdrawn (撤销); the same rows may then be imported again

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 02:30:00
"""
from alembic import op
import sqlalchemy as sa
import models.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('roll_import', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key('fk_roll_import_withdrawn_by_id_user', 'user', ['withdrawn_by_id'], ['id'])
        batch_op.drop_constraint('uq_roll_import_content', type_='unique')
        batch_op.create_index('uq_roll_import_content', ['kind', 'content_hash'], unique=True,
                              postgresql_where=sa.text('withdrawn_at IS NULL'),
                              sqlite_where=sa.text('withdrawn_at IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('roll_import', schema=None) as batch_op:
        batch_op.drop_index('uq_roll_import_content')
        batch_op.create_unique_constraint('uq_roll_import_content', ['kind', 'content_hash'])
        batch_op.drop_constraint('fk_roll_import_withdrawn_by_id_user', type_='foreignkey')
        batch_op.drop_column('withdrawn_reason')
        batch_op.drop_column('withdrawn_by_id')
        batch_op.drop_column('withdrawn_at')
