"""Users' session_version: bumping it ends every web session of the user.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 20:55:00.000000

"""
import sqlalchemy as sa
from alembic import op

from registry.revision import refuse_data_loss

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                      server_default='1', nullable=False))


def downgrade():
    refuse_data_loss(columns=(('users', 'session_version'),))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
