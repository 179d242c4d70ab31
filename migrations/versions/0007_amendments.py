"""Amendments: a filing may amend an approved one, which becomes superseded or cancelled.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from registry.revision import refuse_data_loss

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
OLD_STATUSES = "status IN ('draft', 'submitted', 'returned', 'approved', 'rejected', 'withdrawn')"
NEW_STATUSES = ("status IN ('draft', 'submitted', 'returned', 'approved', 'rejected', 'withdrawn', 'superseded', "
                "'cancelled')")
OPEN = "amends_id IS NOT NULL AND status IN ('draft', 'submitted', 'returned')"


def upgrade():
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('amends_id', ID, nullable=True))
        batch_op.add_column(sa.Column('superseded_by', ID, nullable=True))
        batch_op.add_column(sa.Column('cancel', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f('fk_filings_amends_id_filings'), 'filings', ['amends_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_filings_superseded_by_filings'), 'filings',
                                    ['superseded_by'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_filings_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_filings_status'), sa.text(NEW_STATUSES))
        batch_op.create_index('uq_filings_open_amendment', ['amends_id'], unique=True,
                              sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    refuse_data_loss(columns=(('filings', 'amends_id'), ('indicators', 'voided_at')))
    # Forced: before amendments a plan replaced by its amendment could only have been withdrawn, and an
    # approved cancellation, which changes nothing by itself, too.
    op.execute("UPDATE filings SET status = 'withdrawn' WHERE status IN ('superseded', 'cancelled') "
               "OR (cancel AND status = 'approved')")
    op.execute("DELETE FROM filing_counts")
    op.execute("INSERT INTO filing_counts (smelter_id, status, kind, filings) "
               "SELECT smelter_id, status, kind, COUNT(*) FROM filings GROUP BY smelter_id, status, kind")
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_column('voided_at')
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.drop_index('uq_filings_open_amendment')
        batch_op.drop_constraint(batch_op.f('ck_filings_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_filings_status'), sa.text(OLD_STATUSES))
        batch_op.drop_constraint(batch_op.f('fk_filings_superseded_by_filings'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_filings_amends_id_filings'), type_='foreignkey')
        batch_op.drop_column('cancel')
        batch_op.drop_column('superseded_by')
        batch_op.drop_column('amends_id')
