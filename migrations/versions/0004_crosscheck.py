"""cross-check: the roll's 项目 text column is `grant_name` (`program` stays the programme-area code)

Revision ID: 0004_crosscheck
Revises: 0003
Create Date: 2026-12-07 03:10:00

Old rows: `roll_recipient.programme` and `roll_import.programme` are renamed in place, their
values kept (on SQLite the batch operation copies the table once).
"""
from alembic import op

revision = '0004_crosscheck'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('roll_recipient', schema=None) as batch_op:
        batch_op.alter_column('programme', new_column_name='grant_name')
    with op.batch_alter_table('roll_import', schema=None) as batch_op:
        batch_op.alter_column('programme', new_column_name='grant_name')


def downgrade() -> None:
    with op.batch_alter_table('roll_import', schema=None) as batch_op:
        batch_op.alter_column('grant_name', new_column_name='programme')
    with op.batch_alter_table('roll_recipient', schema=None) as batch_op:
        batch_op.alter_column('grant_name', new_column_name='programme')
