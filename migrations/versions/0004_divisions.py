"""divisions: townships and villages can be merged (撤并) or retired; their dated history

Revision ID: 0004_divisions
Revises: 0003
Create Date: 2026-12-07 03:15:00

Old rows: every existing township and village becomes active (server default true), merged into
nothing, without an 城乡分类代码; the history starts empty (the first `county import` of the
same list records nothing, since nothing changes).
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base

revision = '0004_divisions'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('township', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_township_merged_into_id_township', 'township', ['merged_into_id'], ['id'])
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urban_rural_code', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True))
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_village_merged_into_id_village', 'village', ['merged_into_id'], ['id'])
    op.create_table(
        'division_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('level', sa.Enum('township', 'village', name='divisionlevel', native_enum=False, length=30),
                  nullable=False),
        sa.Column('division_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('add', 'rename', 'merge', 'retire', 'restore', 'recode', name='changekind',
                                  native_enum=False, length=30), nullable=False),
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=15), nullable=False),
        sa.Column('old_code', sqlmodel.sql.sqltypes.AutoString(length=15), nullable=True),
        sa.Column('old_name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column('new_name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_division_change_division_id'), 'division_change', ['division_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_division_change_division_id'), table_name='division_change')
    op.drop_table('division_change')
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.drop_constraint('fk_village_merged_into_id_village', type_='foreignkey')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('active')
        batch_op.drop_column('urban_rural_code')
    with op.batch_alter_table('township', schema=None) as batch_op:
        batch_op.drop_constraint('fk_township_merged_into_id_township', type_='foreignkey')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('active')
