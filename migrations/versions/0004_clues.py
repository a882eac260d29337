"""clue register: clue, clue_counter, clue_notice, clue_objection

Revision ID: 0004_clues
Revises: 0003
Create Date: 2026-12-07 03:30:00

Old rows: every existing complaint (merged ones too: each was a report received) becomes a clue,
numbered in received order (received_at, then id) with the CLUE_NUMBER_PATTERN and COMMISSION_NAME
in force when the migration runs, one sequence per local (TIMEZONE) year of receipt; each year's
counter continues after the last number given. The source comes from the complaint's first contact
(电话/语音 → 来电, 短信, 网络 → 网络举报, 来信, 来访, 12345 → 12345转来, cross-check → 大数据比对).
A clue is named (实名) when its complainant gave a name and is not anonymous. Old clues owe no 受理告知
(ack_due_at stays empty: the duty did not exist when they were received) and carry no referral data.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base

revision = '0004_clues'
down_revision = '0003'
branch_labels = None
depends_on = None

# The first contact's channel → the clue's source (models.clues.ClueSource values).
_CHANNEL_SOURCE = {"call": "call", "voice": "call", "sms": "sms", "web": "online", "letter": "letter",
                   "visit": "visit", "open311": "platform_12345", "crosscheck": "crosscheck"}
_COMPLAINT_SOURCE = {"crosscheck": "crosscheck", "open311": "platform_12345"}
_SOURCES = ('call', 'sms', 'letter', 'visit', 'online', 'platform_12345', 'superior_assigned',
            'superior_forwarded', 'inspection_tour', 'audit', 'department', 'crosscheck', 'supervision', 'media')


def upgrade() -> None:
    op.create_table('clue_counter',
    sa.Column('commission', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('commission', 'year')
    )
    op.create_table('clue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('commission', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum(*_SOURCES, name='cluesource', native_enum=False, length=30), nullable=False),
    sa.Column('referring_body', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('referral_doc_number', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('referral_date', sa.Date(), nullable=True),
    sa.Column('referral_due_date', sa.Date(), nullable=True),
    sa.Column('named', sa.Boolean(), nullable=False),
    sa.Column('name_withdrawn_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('received_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('registered_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('handling', sa.Enum('own', 'transferred', name='cluehandling', native_enum=False, length=30), nullable=False),
    sa.Column('transferred_to', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('transfer_reason', sa.Text(), nullable=True),
    sa.Column('transferred_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('transferred_by_id', sa.Integer(), nullable=True),
    sa.Column('ack_due_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ack_given_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accept_due_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reported_back_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('report_back_note', sa.Text(), nullable=True),
    sa.Column('reported_back_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['reported_back_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['transferred_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('commission', 'year', 'seq', name='uq_clue_commission_year_seq'),
    sa.UniqueConstraint('complaint_id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('clue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clue_ack_due_at'), ['ack_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_clue_handling'), ['handling'], unique=False)
        batch_op.create_index(batch_op.f('ix_clue_named'), ['named'], unique=False)
        batch_op.create_index(batch_op.f('ix_clue_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_clue_source'), ['source'], unique=False)

    op.create_table('clue_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clue_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('acknowledgement', 'transfer', 'feedback', 'objection_answer', name='noticekind', native_enum=False, length=30), nullable=False),
    sa.Column('method', sa.Enum('sms', 'phone', 'written', name='noticemethod', native_enum=False, length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['clue_id'], ['clue.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('clue_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clue_notice_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_clue_notice_clue_id'), ['clue_id'], unique=False)

    op.create_table('clue_objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clue_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('received_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Enum('upheld', 'review', name='objectionoutcome', native_enum=False, length=30), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['clue_id'], ['clue.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('clue_objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clue_objection_clue_id'), ['clue_id'], unique=False)

    _number_existing_complaints(op.get_bind())


def _number_existing_complaints(bind) -> None:
    """A clue for every complaint already received, numbered in received order (see the docstring)."""
    from hotline.settings import load_settings

    settings = load_settings()
    zone, commission = ZoneInfo(settings.TIMEZONE), settings.COMMISSION_NAME
    stamp = models.base.UTCDateTime()
    complaint = sa.table('complaint', sa.column('id'), sa.column('source'), sa.column('complainant_id'),
                         sa.column('received_at', stamp), sa.column('created_at', stamp),
                         sa.column('created_by_id'))
    complainant = sa.table('complainant', sa.column('id'), sa.column('anonymous'), sa.column('name_enc'))
    contact = sa.table('contact', sa.column('id'), sa.column('complaint_id'), sa.column('channel'))
    first_channel = (sa.select(contact.c.channel).where(contact.c.complaint_id == complaint.c.id)
                     .order_by(contact.c.id).limit(1).scalar_subquery())
    rows = bind.execute(
        sa.select(complaint.c.id, complaint.c.source, complaint.c.received_at, complaint.c.created_at,
                  complaint.c.created_by_id, complainant.c.anonymous, complainant.c.name_enc,
                  first_channel.label('channel'))
        .select_from(complaint.outerjoin(complainant, complainant.c.id == complaint.c.complainant_id))
        .order_by(complaint.c.received_at, complaint.c.id)).all()
    clue = sa.table('clue', *(sa.column(name) for name in (
        'complaint_id', 'number', 'commission', 'year', 'seq', 'source', 'named', 'handling', 'registered_by_id')),
        sa.column('received_at', stamp), sa.column('registered_at', stamp))
    counters: dict[int, int] = {}
    batch = []
    for row in rows:
        year = row.received_at.astimezone(zone).year
        seq = counters[year] = counters.get(year, 0) + 1
        source = _COMPLAINT_SOURCE.get(row.source) or _CHANNEL_SOURCE.get(row.channel or "", "call")
        batch.append({'complaint_id': row.id, 'commission': commission, 'year': year, 'seq': seq,
                      'number': settings.CLUE_NUMBER_PATTERN.format(year=year, seq=seq), 'source': source,
                      'named': row.anonymous is not None and not row.anonymous and bool(row.name_enc), 'handling': 'own',
                      'registered_by_id': row.created_by_id, 'received_at': row.received_at,
                      'registered_at': row.created_at or row.received_at})
        if len(batch) >= 1000:
            bind.execute(clue.insert(), batch)
            batch = []
    if batch:
        bind.execute(clue.insert(), batch)
    counter = sa.table('clue_counter', sa.column('commission'), sa.column('year'), sa.column('last_seq'))
    if counters:
        bind.execute(counter.insert(), [{'commission': commission, 'year': year, 'last_seq': last}
                                        for year, last in counters.items()])


def downgrade() -> None:
    with op.batch_alter_table('clue_objection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clue_objection_clue_id'))
    op.drop_table('clue_objection')
    with op.batch_alter_table('clue_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clue_notice_clue_id'))
        batch_op.drop_index(batch_op.f('ix_clue_notice_at'))
    op.drop_table('clue_notice')
    with op.batch_alter_table('clue', schema=None) as batch_op:
        for name in ('ix_clue_source', 'ix_clue_received_at', 'ix_clue_named', 'ix_clue_handling', 'ix_clue_ack_due_at'):
            batch_op.drop_index(name)
    op.drop_table('clue')
    op.drop_table('clue_counter')
