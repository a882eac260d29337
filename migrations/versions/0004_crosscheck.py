"""cross-check: the roll's 项目 text column is `grant_name` (`program` stays the programme-area code);
the grant table (补助项目规则) with its versions; each recipient import keeps its 项目 texts; a cadre
roll keeps a relative's mistyped ID

Revision ID: 0004_crosscheck
Revises: 0003
Create Date: 2026-12-07 03:10:00

Old rows: `roll_recipient.programme` and `roll_import.programme` are renamed in place, their
values kept (on SQLite the batch operation copies the table once). `roll_import.grant_names` is
NULL for imports made before: the grant table counts their 项目 texts from their rows.
`roll_cadre.relative_id_raw` (a relative's ID as typed when it failed its check, for registry-side
fuzzy matching) is NULL for cadre rows imported before: those relatives are matched by name in the
village as until now; re-import the roll to match their mistyped IDs. The grant
table starts empty and is loaded with the common grants the first time the rules or its screen
need it (`hotline.crosscheck.grants.ensure_seeded`), so the seed lives in one place.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base

revision = '0004_crosscheck'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('roll_recipient', schema=None) as batch_op:
        batch_op.alter_column('programme', new_column_name='grant_name')
    with op.batch_alter_table('roll_import', schema=None) as batch_op:
        batch_op.alter_column('programme', new_column_name='grant_name')
        batch_op.add_column(sa.Column('grant_names', models.base.JSONType(), nullable=True))
    with op.batch_alter_table('roll_cadre', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relative_id_raw', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
    op.create_table('crosscheck_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('program', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('max_age', sa.Integer(), nullable=True),
    sa.Column('aliases', models.base.JSONType(), nullable=True),
    sa.Column('excludes', models.base.JSONType(), nullable=True),
    sa.Column('conditions', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('crosscheck_grant_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('snapshot', models.base.JSONType(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['grant_id'], ['crosscheck_grant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('grant_id', 'version', name='uq_grant_version')
    )
    with op.batch_alter_table('crosscheck_grant_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crosscheck_grant_version_grant_id'), ['grant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('crosscheck_grant_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crosscheck_grant_version_grant_id'))
    op.drop_table('crosscheck_grant_version')
    op.drop_table('crosscheck_grant')
    with op.batch_alter_table('roll_cadre', schema=None) as batch_op:
        batch_op.drop_column('relative_id_raw')
    with op.batch_alter_table('roll_import', schema=None) as batch_op:
        batch_op.drop_column('grant_names')
        batch_op.alter_column('grant_name', new_column_name='programme')
    with op.batch_alter_table('roll_recipient', schema=None) as batch_op:
        batch_op.alter_column('grant_name', new_column_name='programme')
