"""Filing counts per smelter, status and kind: the filings list's exact total without counting rows.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 07:15:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'filing_counts',
        sa.Column('smelter_id', ID, nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('filings', ID, nullable=False),
        sa.ForeignKeyConstraint(['smelter_id'], ['smelters.id'], name=op.f('fk_filing_counts_smelter_id_smelters')),
        sa.PrimaryKeyConstraint('smelter_id', 'status', 'kind', name=op.f('pk_filing_counts')),
    )
    op.execute("INSERT INTO filing_counts (smelter_id, status, kind, filings) "
               "SELECT smelter_id, status, kind, COUNT(*) FROM filings GROUP BY smelter_id, status, kind")


def downgrade():
    op.drop_table('filing_counts')  # derived from the filings: nothing is lost
