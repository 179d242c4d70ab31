"""Proof of replacement: public notices with objections and announcement, and closures' dismantling.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 02:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

from registry.revision import refuse_data_loss

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        'filing_notices',
        sa.Column('id', ID, nullable=False),
        sa.Column('filing_id', ID, nullable=False),
        sa.Column('authority', sa.String(length=200), nullable=False),
        sa.Column('published_on', sa.Date(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('announced_on', sa.Date(), nullable=True),
        sa.Column('document_no', sa.String(length=100), nullable=True),
        sa.Column('created_by', ID, nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('replaced_at', WHEN, nullable=True),
        sa.ForeignKeyConstraint(['filing_id'], ['filings.id'], name=op.f('fk_filing_notices_filing_id_filings')),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_filing_notices_created_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_notices')),
    )
    with op.batch_alter_table('filing_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filing_notices_filing_id'), ['filing_id'], unique=False)
    op.create_table(
        'notice_objections',
        sa.Column('id', ID, nullable=False),
        sa.Column('notice_id', ID, nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('raised_by', ID, nullable=False),
        sa.Column('raised_at', WHEN, nullable=False),
        sa.Column('upheld', sa.Boolean(), nullable=True),
        sa.Column('resolution_note', sa.Text(), nullable=True),
        sa.Column('resolved_by', ID, nullable=True),
        sa.Column('resolved_at', WHEN, nullable=True),
        sa.ForeignKeyConstraint(['notice_id'], ['filing_notices.id'],
                                name=op.f('fk_notice_objections_notice_id_filing_notices')),
        sa.ForeignKeyConstraint(['raised_by'], ['users.id'], name=op.f('fk_notice_objections_raised_by_users')),
        sa.ForeignKeyConstraint(['resolved_by'], ['users.id'], name=op.f('fk_notice_objections_resolved_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_objections')),
    )
    with op.batch_alter_table('notice_objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_objections_notice_id'), ['notice_id'], unique=False)
    op.create_table(
        'dismantlings',
        sa.Column('filing_id', ID, autoincrement=False, nullable=False),
        sa.Column('completed_on', sa.Date(), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=False),
        sa.Column('recorded_by', ID, nullable=False),
        sa.Column('recorded_at', WHEN, nullable=False),
        sa.Column('confirmed_by', ID, nullable=True),
        sa.Column('confirmed_at', WHEN, nullable=True),
        sa.ForeignKeyConstraint(['filing_id'], ['filings.id'], name=op.f('fk_dismantlings_filing_id_filings')),
        sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_dismantlings_recorded_by_users')),
        sa.ForeignKeyConstraint(['confirmed_by'], ['users.id'], name=op.f('fk_dismantlings_confirmed_by_users')),
        sa.PrimaryKeyConstraint('filing_id', name=op.f('pk_dismantlings')),
    )


def downgrade():
    # the notices, announcements and dismantling records are the proof behind approved new capacity
    refuse_data_loss(tables=('filing_notices', 'notice_objections', 'dismantlings'))
    op.drop_table('dismantlings')
    with op.batch_alter_table('notice_objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_objections_notice_id'))
    op.drop_table('notice_objections')
    with op.batch_alter_table('filing_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filing_notices_filing_id'))
    op.drop_table('filing_notices')
