"""Four eyes: awaiting_second_approval, and who gave a large filing's first approval.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from registry.revision import refuse_data_loss

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
BEFORE = ("'draft', 'submitted', 'returned', 'approved', 'rejected', 'withdrawn', 'superseded', 'cancelled'")
AFTER = BEFORE + ", 'awaiting_second_approval'"
OPEN_BEFORE = "amends_id IS NOT NULL AND status IN ('draft', 'submitted', 'returned')"
OPEN_AFTER = "amends_id IS NOT NULL AND status IN ('draft', 'submitted', 'returned', 'awaiting_second_approval')"


def _statuses(batch_op, statuses: str, open_amendment: str) -> None:
    batch_op.drop_index('uq_filings_open_amendment')
    batch_op.drop_constraint(batch_op.f('ck_filings_status'), type_='check')
    batch_op.create_check_constraint(batch_op.f('ck_filings_status'), sa.text(f"status IN ({statuses})"))
    batch_op.create_index('uq_filings_open_amendment', ['amends_id'], unique=True,
                          sqlite_where=sa.text(open_amendment), postgresql_where=sa.text(open_amendment))


def upgrade():
    with op.batch_alter_table('filing_counts', schema=None) as batch_op:
        batch_op.alter_column('status', type_=sa.String(length=30), existing_type=sa.String(length=20))
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.alter_column('status', type_=sa.String(length=30), existing_type=sa.String(length=20),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('first_approved_by', ID, nullable=True))
        batch_op.add_column(sa.Column('first_approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_filings_first_approved_by_users'), 'users',
                                    ['first_approved_by'], ['id'])
        _statuses(batch_op, AFTER, OPEN_AFTER)


def downgrade():
    refuse_data_loss(columns=(('filings', 'first_approved_by'),))
    bind = op.get_bind()
    waiting = bind.execute(sa.text("SELECT COUNT(*) FROM filings WHERE status = 'awaiting_second_approval'")).scalar()
    if waiting:  # before four eyes they were simply submitted; the counts follow (as 0005 made them)
        op.execute("UPDATE filings SET status = 'submitted' WHERE status = 'awaiting_second_approval'")
        op.execute("DELETE FROM filing_counts")
        op.execute("INSERT INTO filing_counts (smelter_id, status, kind, filings) "
                   "SELECT smelter_id, status, kind, COUNT(*) FROM filings GROUP BY smelter_id, status, kind")
    with op.batch_alter_table('filings', schema=None) as batch_op:
        _statuses(batch_op, BEFORE, OPEN_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_filings_first_approved_by_users'), type_='foreignkey')
        batch_op.drop_column('first_approved_at')
        batch_op.drop_column('first_approved_by')
        batch_op.alter_column('status', type_=sa.String(length=20), existing_type=sa.String(length=30),
                              existing_nullable=False)
    with op.batch_alter_table('filing_counts', schema=None) as batch_op:
        batch_op.alter_column('status', type_=sa.String(length=20), existing_type=sa.String(length=30))
