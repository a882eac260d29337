"""outcomes: measures graded and dated when reversed; 容错免责 conditions and applications;
澄清正名; 回访教育

Revision ID: 0004_outcomes
Revises: 0003
Create Date: 2026-12-07 03:30:00

Old rows: every existing measure keeps its kind. Those of a graded kind (组织处理, 党纪处分,
政务处分) get the grade `unspecified` (未注明): the old records never said which grade, and the
four-forms table reports them as 未注明 rather than guessing the second or third form. Measures of
ungraded kinds keep no grade. No measure is marked reversed.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base

revision = '0004_outcomes'
down_revision = '0003'
branch_labels = None
depends_on = None

GRADES = ('unspecified', 'warning', 'serious_warning', 'removal_from_party_post', 'party_probation',
          'party_expulsion', 'demerit', 'major_demerit', 'demotion', 'dismissal', 'discharge', 'suspension',
          'post_adjustment', 'ordered_resignation', 'removal', 'downgrade', 'circulated_criticism',
          'ordered_review', 'admonition', 'org_adjustment', 'disciplinary')


def upgrade() -> None:
    with op.batch_alter_table('casemeasure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade', sa.Enum(*GRADES, name='measuregrade', native_enum=False, length=30),
                                      nullable=True))
        batch_op.add_column(sa.Column('influence_ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reversed_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reversed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reversal_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key('fk_casemeasure_reversed_by_id_user', 'user', ['reversed_by_id'], ['id'])
    op.execute("UPDATE casemeasure SET grade = 'unspecified' "
               "WHERE kind IN ('organisational', 'party_sanction', 'government_sanction')")

    op.create_table('tolerance_condition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('wording', sa.Text(), nullable=False),
    sa.Column('requires_basis', sa.Boolean(), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('retired_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key', 'version', name='uq_tolerance_condition_version')
    )
    with op.batch_alter_table('tolerance_condition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tolerance_condition_current'), ['current'], unique=False)
        batch_op.create_index(batch_op.f('ix_tolerance_condition_key'), ['key'], unique=False)

    op.create_table('tolerance_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('accused_person_id', sa.Integer(), nullable=True),
    sa.Column('applicant', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('condition_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=True),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('applied_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.Enum('exonerated', 'reduced', 'refused', name='tolerancedecision', native_enum=False,
                                  length=30), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('reduction', sa.Text(), nullable=True),
    sa.Column('unaffected', models.base.JSONType(), nullable=True),
    sa.Column('influence_ends_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('influence_reminded_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['accused_person_id'], ['accusedperson.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['condition_id'], ['tolerance_condition.id'], ),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tolerance_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tolerance_application_applied_at'), ['applied_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tolerance_application_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tolerance_application_decided_at'), ['decided_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tolerance_application_decision'), ['decision'], unique=False)

    op.create_table('clearance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('accused_person_id', sa.Integer(), nullable=True),
    sa.Column('cleared_on', sa.Date(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('done_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['accused_person_id'], ['accusedperson.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('clearance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clearance_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clearance_cleared_on'), ['cleared_on'], unique=False)

    op.create_table('education_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('person_name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=True),
    sa.Column('visited_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['measure_id'], ['casemeasure.id'], ),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('education_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_education_visit_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_visit_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_visit_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_visit_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_visit_visited_on'), ['visited_on'], unique=False)


def downgrade() -> None:
    op.drop_table('education_visit')
    op.drop_table('clearance')
    op.drop_table('tolerance_application')
    op.drop_table('tolerance_condition')
    with op.batch_alter_table('casemeasure', schema=None) as batch_op:
        batch_op.drop_constraint('fk_casemeasure_reversed_by_id_user', type_='foreignkey')
        batch_op.drop_column('reversal_reason')
        batch_op.drop_column('reversed_by_id')
        batch_op.drop_column('reversed_at')
        batch_op.drop_column('influence_ends_on')
        batch_op.drop_column('grade')
