"""cross-check: the 残疾人证 registry (roll_disability) and the grant conditions a rule checks
(crosscheck_grant.requires)

Revision ID: 0007_crosscheck_conditions
Revises: 0006_public
Create Date: 2026-12-07 07:00:00

The seeded disability grants get the conditions their words already promised (a new version is
not made: the words do not change, the rule now reads them).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base

revision = '0007_crosscheck_conditions'
down_revision = '0006_public'
branch_labels = None
depends_on = None

SEEDED = {"disability_two": ["disability_cert"], "disability_living": ["disability_cert", "dibao_household"],
          "disability_care": ["disability_severe"]}


def upgrade() -> None:
    op.create_table('roll_disability',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('row_no', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('name_key', sa.String(length=60).with_variant(sa.String(length=60, collation='C'), 'postgresql'), nullable=False),
    sa.Column('name_py', sqlmodel.sql.sqltypes.AutoString(length=240), nullable=False),
    sa.Column('id_number', sa.String(length=18).with_variant(sa.String(length=18, collation='C'), 'postgresql'), nullable=True),
    sa.Column('id_raw', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('id_error', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('cert_no', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['roll_import.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('roll_disability', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roll_disability_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_roll_disability_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roll_disability_name_key'), ['name_key'], unique=False)
    with op.batch_alter_table('crosscheck_grant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requires', models.base.JSONType(), nullable=True))
    grant = sa.table('crosscheck_grant', sa.column('code', sa.String), sa.column('requires', models.base.JSONType()))
    for code, requires in SEEDED.items():
        op.execute(grant.update().where(grant.c.code == code).values(requires=requires))


def downgrade() -> None:
    with op.batch_alter_table('crosscheck_grant', schema=None) as batch_op:
        batch_op.drop_column('requires')
    with op.batch_alter_table('roll_disability', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roll_disability_name_key'))
        batch_op.drop_index(batch_op.f('ix_roll_disability_import_id'))
        batch_op.drop_index(batch_op.f('ix_roll_disability_id_number'))
    op.drop_table('roll_disability')
