"""Sent notifications: each reminder and decision e-mail recorded once, per user, kind and key.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from registry.revision import refuse_data_loss

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'sent_notifications',
        sa.Column('id', ID, nullable=False),
        sa.Column('user_id', ID, nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sent_notifications_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_notifications')),
        sa.UniqueConstraint('user_id', 'kind', 'key', name='uq_sent_notifications_once'),
    )


def downgrade():
    # without its rows, the next `notify` would send every reminder still due a second time
    refuse_data_loss(tables=('sent_notifications',))
    op.drop_table('sent_notifications')
