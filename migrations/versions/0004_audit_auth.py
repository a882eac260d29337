"""audit_auth: the audit trail sealed by a sequencer under a key; TOTP lockout; session versions;
two-person grants of identity roles

Revision ID: 0004_audit_auth
Revises: 0003
Create Date: 2026-12-07 03:30:00

Old rows:
- auditentry: every existing row keeps its plain SHA-256 `prev_hash`/`hash` and gets no `seq`
  (pending). The sequencer's first run (after the upgrade: any commit that records, the job,
  `audit verify`) checks that old chain, appends an `audit.sealed_from_here` entry recording how
  many rows it held, its head and whether it was intact, and seals every row in id order under
  AUDIT_KEY. The key protects the old rows only from that moment on (docs/security.md).
- user: `failed_totp` and `session_version` start at 0 (existing sessions carry no version and are
  signed out once: their holders log in again).
- role_grant starts empty: custodians already appointed keep their role.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base

revision = '0004_audit_auth'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.alter_column('prev_hash', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        batch_op.alter_column('hash', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        batch_op.create_unique_constraint('uq_auditentry_seq', ['seq'])
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_totp', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
    op.create_table(
        'role_grant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.Enum('operator', 'inspector', 'supervisor', 'admin', 'auditor', 'custodian',
                                  name='role', native_enum=False, length=30), nullable=False),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('status', sa.Enum('pending', 'approved', 'refused', 'withdrawn', name='grantstatus',
                                    native_enum=False, length=30), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], ),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], ),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('role_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_grant_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_grant_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('role_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_grant_user_id'))
        batch_op.drop_index(batch_op.f('ix_role_grant_status'))
    op.drop_table('role_grant')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
        batch_op.drop_column('failed_totp')
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.drop_constraint('uq_auditentry_seq', type_='unique')
        batch_op.drop_column('seq')
