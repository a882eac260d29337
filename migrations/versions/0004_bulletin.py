"""bulletin: periods, publication (文号 per year, issue date), corrections, campaign periods, typical cases

Revision ID: 0004_bulletin
Revises: 0003
Create Date: 2026-12-07 03:30:00

Old rows: every existing bulletin version was a week's (`period_kind` 'week'); none was published
(the old status 'built' stays: a draft), so no 文号 sequence is taken by them. Their document number
column keeps the old week-numbered text. `week` widens from 8 to 32 characters for other periods' keys.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base

revision = '0004_bulletin'
down_revision = '0003'
branch_labels = None
depends_on = None

PERIOD_KINDS = ('week', 'month', 'quarter', 'year', 'range')
TYPICAL = ('proposed', 'approved', 'rejected', 'published')


def upgrade() -> None:
    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.alter_column('week', existing_type=sqlmodel.sql.sqltypes.AutoString(length=8),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=32), existing_nullable=False)
        batch_op.add_column(sa.Column('period_kind', sa.Enum(*PERIOD_KINDS, name='periodkind', native_enum=False,
                                                             length=30), nullable=False, server_default='week'))
        batch_op.add_column(sa.Column('period_title', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('as_of', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('issue_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sequence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('issued_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('published_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_bulletin_published_by_id_user', 'user', ['published_by_id'], ['id'])
        batch_op.create_unique_constraint('uq_bulletin_issue_sequence', ['issue_year', 'sequence'])
    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.alter_column('period_kind', server_default=None)
        batch_op.alter_column('period_title', server_default=None)

    op.create_table('campaignperiod',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('title')
    )
    op.create_table('typicalcase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum(*TYPICAL, name='typicalstatus', native_enum=False, length=30), nullable=False),
    sa.Column('draft', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('proposed_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('bulletin_id', sa.Integer(), nullable=True),
    sa.Column('published_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['bulletin_id'], ['bulletin.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id')
    )
    with op.batch_alter_table('typicalcase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_typicalcase_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_typicalcase_bulletin_id'), ['bulletin_id'], unique=False)
    op.create_table('bulletincorrection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('original_id', sa.Integer(), nullable=False),
    sa.Column('figure', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_in_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['issued_in_id'], ['bulletin.id'], ),
    sa.ForeignKeyConstraint(['original_id'], ['bulletin.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('bulletincorrection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletincorrection_original_id'), ['original_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulletincorrection_issued_in_id'), ['issued_in_id'], unique=False)


def downgrade() -> None:
    op.drop_table('bulletincorrection')
    op.drop_table('typicalcase')
    op.drop_table('campaignperiod')
    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.drop_constraint('uq_bulletin_issue_sequence', type_='unique')
        batch_op.drop_constraint('fk_bulletin_published_by_id_user', type_='foreignkey')
        for column in ('published_by_id', 'published_at', 'issued_on', 'sequence', 'issue_year', 'as_of',
                       'period_title', 'period_kind'):
            batch_op.drop_column(column)
        batch_op.alter_column('week', existing_type=sqlmodel.sql.sqltypes.AutoString(length=32),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=8), existing_nullable=False)
