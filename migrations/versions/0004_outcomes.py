"""outcomes: measures graded and dated when reversed; 容错免责 conditions and applications;
澄清正名; 回访教育

Revision ID: 0004_outcomes
Revises: 0003
Create Date: 2026-12-07 03:30:00

Old rows: every existing measure keeps its kind. Those of a graded kind (组织处理, 党纪处分,
政务处分) get the grade `unspecified` (未注明): the old records never said which grade, and the
four-forms table reports them as 未注明 rather than guessing the second or third form. Measures of
ungraded kinds keep no grade. No measure is marked reversed.

The old per-case 澄清正名 flag and 容错免责 choice are copied into the per-person tables, saying
what the old records did not say: a case with `name_cleared` gets a clearance row for its first
named accused person (or "未注明") dated on its conclusion, method, scope and who "未注明"; a case
with `exoneration` gets a decided application (免责 or 减责) for that person under a retired
condition row carrying the old reworded label as its wording (key `legacy-<code>`), reasons
"未注明". The old columns stay, no longer written or read (the bulletin tests still set them); a
later migration drops them.
"""
import datetime as dt

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

    _copy_old_protections()


LEGACY_CONDITIONS = {  # the old reworded options (models.cases.EXONERATION_CONDITION_LABELS)
    'not_forbidden': '法律法规和党内法规没有明令禁止', 'proper_procedure': '经过科学、民主、公开的决策程序',
    'no_private_gain': '没有谋取私利', 'losses_remedied': '积极主动挽回损失、消除影响',
    'authorised_pilot': '经授权开展的改革试点', 'policy_changed': '因上级政策调整导致失误',
}
FIRST_ACCUSED = ("(SELECT {col} FROM accusedperson a WHERE a.complaint_id = c.complaint_id AND a.name != '不详' "
                 "ORDER BY a.id LIMIT 1)")


def _copy_old_protections() -> None:
    bind = op.get_bind()
    day = "date(c.concluded_at)" if bind.dialect.name == "sqlite" else "CAST(c.concluded_at AS DATE)"
    name = f"COALESCE({FIRST_ACCUSED.format(col='a.name')}, '未注明')"
    person_id = FIRST_ACCUSED.format(col='a.id')
    moment = "COALESCE(c.concluded_at, c.updated_at, c.opened_at)"
    op.execute(
        "INSERT INTO clearance (case_id, person_name, accused_person_id, cleared_on, method, scope, done_by, note, at) "
        f"SELECT c.id, {name}, {person_id}, COALESCE({day}, {day.replace('concluded_at', 'opened_at')}), "
        "'未注明', '未注明', '未注明', '迁移自旧记录：案件级“已澄清正名”', " + moment +
        ' FROM "case" c WHERE c.name_cleared')
    used = [code for (code,) in bind.execute(sa.text(
        'SELECT DISTINCT exoneration_condition FROM "case" WHERE exoneration IS NOT NULL')).all()]
    for position, code in enumerate(used, start=1):
        wording = LEGACY_CONDITIONS.get(code, '（旧记录未注明条件）') if code else '（旧记录未注明条件）'
        bind.execute(sa.text(
            "INSERT INTO tolerance_condition (key, version, position, wording, requires_basis, current, created_at, "
            "retired_at) VALUES (:key, 1, :position, :wording, :false, :false, :now, :now)"),
            {"key": f"legacy-{code or 'none'}", "position": 900 + position, "wording": wording, "false": False,
             "now": dt.datetime.now(dt.timezone.utc)})
    condition = "(SELECT t.id FROM tolerance_condition t WHERE t.key = 'legacy-' || COALESCE(c.exoneration_condition, 'none'))"
    op.execute(
        "INSERT INTO tolerance_application (case_id, person_name, accused_person_id, applicant, condition_id, facts, "
        "applied_at, decision, decision_reason, decided_at) "
        f"SELECT c.id, {name}, {person_id}, '未注明', {condition}, '迁移自旧记录：案件级容错免责/减责', {moment}, "
        f"c.exoneration, '未注明（迁移自旧记录）', {moment} FROM \"case\" c WHERE c.exoneration IS NOT NULL")


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
