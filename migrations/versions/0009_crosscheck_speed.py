"""cross-check: the identity and household links kept between rules runs
(crosscheck_link_state, crosscheck_link_resolved, crosscheck_link_registry, crosscheck_link_household);
the cadre roll's relatives' pinyin stored at import (roll_cadre.relative_name_py); what a finding's
evidence was built from (crosscheck_finding.evidence_key)

Revision ID: 0009_crosscheck_speed
Revises: 0008
Create Date: 2026-12-07 09:30:00

They depend on the rolls alone; `hotline.crosscheck.links` rebuilds them after an import or a
withdrawal, and a run whose rolls differ from their stamp rebuilds them first. Empty at first: the
next run builds them. relative_name_py stays NULL for rows imported before: the rule works those
out itself.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base

revision = '0009_crosscheck_speed'
down_revision = '0008'
branch_labels = None
depends_on = None


def _code(length: int):
    return sa.String(length=length).with_variant(sa.String(length=length, collation='C'), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('crosscheck_finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    with op.batch_alter_table('roll_cadre', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relative_name_py', sqlmodel.sql.sqltypes.AutoString(length=240), nullable=True))
    op.create_table('crosscheck_link_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stamp', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('built_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stats', models.base.JSONType(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('crosscheck_link_resolved',
    sa.Column('rid', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('id_number', _code(18), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('match', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('rid')
    )
    with op.batch_alter_table('crosscheck_link_resolved', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crosscheck_link_resolved_id_number'), ['id_number'], unique=False)
    op.create_table('crosscheck_link_registry',
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('tid', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('id_number', _code(18), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('match', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'tid')
    )
    with op.batch_alter_table('crosscheck_link_registry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crosscheck_link_registry_id_number'), ['id_number'], unique=False)
    op.create_table('crosscheck_link_household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('rid', sa.Integer(), nullable=False),
    sa.Column('via_row', sa.Integer(), nullable=True),
    sa.Column('how', sa.Integer(), nullable=False),
    sa.Column('tid', sa.Integer(), nullable=False),
    sa.Column('tpid', _code(18), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('crosscheck_link_household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crosscheck_link_household_kind'), ['kind'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('crosscheck_link_household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crosscheck_link_household_kind'))
    op.drop_table('crosscheck_link_household')
    with op.batch_alter_table('crosscheck_link_registry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crosscheck_link_registry_id_number'))
    op.drop_table('crosscheck_link_registry')
    with op.batch_alter_table('crosscheck_link_resolved', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crosscheck_link_resolved_id_number'))
    op.drop_table('crosscheck_link_resolved')
    op.drop_table('crosscheck_link_state')
    with op.batch_alter_table('roll_cadre', schema=None) as batch_op:
        batch_op.drop_column('relative_name_py')
    with op.batch_alter_table('crosscheck_finding', schema=None) as batch_op:
        batch_op.drop_column('evidence_key')
