"""crosscheck_finding: room on each page for a re-run's updates (HOT), no index on last_run_id

A rules run marks every finding it sees again with its run (`last_run_id`). With full pages and
an index on that column, PostgreSQL writes each such row anew and adds it to all ten indexes
(52,406 findings: 3.0 s); with free room on the page and no index on the column the update stays
on the page (HOT) and touches no index (0.6 s). Nothing looks findings up by their last run.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 02:10:00
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('crosscheck_finding', schema=None) as batch_op:
        batch_op.drop_index('ix_crosscheck_finding_last_run_id')
    if op.get_bind().dialect.name == 'postgresql':
        # New rows get the room; existing pages get it as they are rewritten (VACUUM FULL or a re-run).
        op.execute('ALTER TABLE crosscheck_finding SET (fillfactor = 50)')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE crosscheck_finding RESET (fillfactor)')
    with op.batch_alter_table('crosscheck_finding', schema=None) as batch_op:
        batch_op.create_index('ix_crosscheck_finding_last_run_id', ['last_run_id'], unique=False)
