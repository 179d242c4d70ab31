"""Indicator eligibility: source document, expiry, transfer routes, province policy, prefecture ratios.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-09 10:00:00.000000

Transfers recorded before routes existed were trades between members, so
they get ``trade``. Only the Pearl River Delta part of Guangdong is a
sensitive region (MIIT 2015 No. 127): Guangdong 44 goes to 1.0 and its nine
PRD prefectures to 1.25; every other ratio stays as it is.
"""
import datetime as dt

import sqlalchemy as sa
from alembic import context, op

from registry.revision import refuse_data_loss

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

ROUTES = "('merger', 'intra_group', 'trade')"
PEARL_RIVER_DELTA = ('4401', '4403', '4404', '4406', '4407', '4412', '4413', '4419', '4420')


def upgrade():
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_document', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('expires_on', sa.Date(), nullable=True))
    with op.batch_alter_table('indicator_transfers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('route', sa.String(length=20), nullable=False, server_default='trade'))
    with op.batch_alter_table('indicator_transfers', schema=None) as batch_op:
        batch_op.alter_column('route', server_default=None, existing_type=sa.String(length=20),
                              existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_indicator_transfers_route'), sa.text(f"route IN {ROUTES}"))
    with op.batch_alter_table('smelters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prefecture', sa.String(length=4), nullable=True))
    op.create_table(
        'province_indicator_policies',
        sa.Column('province', sa.String(length=2), nullable=False),
        sa.Column('trade_out_allowed', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['province'], ['provinces.code'],
                                name=op.f('fk_province_indicator_policies_province_provinces')),
        sa.PrimaryKeyConstraint('province', name=op.f('pk_province_indicator_policies')),
    )
    ratios = op.create_table(
        'prefecture_ratios',
        sa.Column('prefecture', sa.String(length=4), nullable=False),
        sa.Column('province', sa.String(length=2), nullable=False),
        sa.Column('ratio', sa.Numeric(precision=6, scale=3), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('ratio >= 1 AND ratio <= 10', name=op.f('ck_prefecture_ratios_ratio')),
        sa.ForeignKeyConstraint(['province'], ['provinces.code'], name=op.f('fk_prefecture_ratios_province_provinces')),
        sa.PrimaryKeyConstraint('prefecture', name=op.f('pk_prefecture_ratios')),
    )
    with op.batch_alter_table('prefecture_ratios', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prefecture_ratios_province'), ['province'], unique=False)
    now = dt.datetime.now(dt.UTC)
    op.bulk_insert(ratios, [{'prefecture': code, 'province': '44', 'ratio': 1.25, 'updated_at': now}
                            for code in PEARL_RIVER_DELTA])
    op.execute(sa.text("UPDATE replacement_ratios SET ratio = 1.0, updated_at = :now WHERE province = '44'")
               .bindparams(now=now))


def downgrade():
    refuse_data_loss(tables=('province_indicator_policies',),
                     columns=(('indicators', 'source_document'), ('indicators', 'expires_on'),
                              ('smelters', 'prefecture')))
    bind = op.get_bind()
    forced = context.is_offline_mode() or "force" in context.get_x_argument(as_dictionary=True)
    routed = bind.execute(sa.text("SELECT COUNT(*) FROM indicator_transfers WHERE route <> 'trade'")).scalar()
    if routed and not forced:  # the earlier revision called every transfer a trade
        from alembic.util import CommandError

        raise CommandError(
            f"This downgrade would drop data: indicator_transfers.route ({routed:,} merger or intra-group "
            "routes). Back up first (`flask --app wsgi export FILE`, README, Backups), then run it again "
            "with `-x force`.")
    # all of Guangdong was sensitive before prefectures had ratios
    op.execute("UPDATE replacement_ratios SET ratio = 1.25 WHERE province = '44' AND ratio = 1.0")
    with op.batch_alter_table('prefecture_ratios', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prefecture_ratios_province'))
    op.drop_table('prefecture_ratios')
    op.drop_table('province_indicator_policies')
    with op.batch_alter_table('smelters', schema=None) as batch_op:
        batch_op.drop_column('prefecture')
    with op.batch_alter_table('indicator_transfers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_indicator_transfers_route'), type_='check')
        batch_op.drop_column('route')
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_column('expires_on')
        batch_op.drop_column('source_document')
