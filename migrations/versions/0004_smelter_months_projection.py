"""The capacity projection (smelter_months), filled from the ledger; filings lose their fixed deltas.

A closure's split between idle and operating capacity is no longer fixed at
approval: in every month operating is min(operating before, built after), so
positions do not depend on the order of approvals (domain.md). The fill
below replays every smelter's approved and submitted filings under that rule,
which recomputes the effect of every approved closure.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 07:00:00.000000

"""
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
FLOWS = ('restart_tpa', 'new_tpa', 'curtail_tpa', 'closure_tpa')
FLOW_OF_KIND = {'restart': 'restart_tpa', 'new_capacity': 'new_tpa', 'curtailment': 'curtail_tpa',
                'closure': 'closure_tpa'}

filings = sa.table('filings', sa.column('id', ID), sa.column('smelter_id', ID), sa.column('kind', sa.String),
                   sa.column('capacity_tpa', ID), sa.column('effective_month', sa.String),
                   sa.column('status', sa.String), sa.column('built_delta_tpa', ID),
                   sa.column('operating_delta_tpa', ID))
smelters = sa.table('smelters', sa.column('id', ID), sa.column('baseline_month', sa.String),
                    sa.column('baseline_built_tpa', ID), sa.column('baseline_operating_tpa', ID))


# A copy, not an import: a migration must not change when the app's code does.
def _months(first, last):
    index, end = int(first[:4]) * 12 + int(first[5:]) - 1, int(last[:4]) * 12 + int(last[5:]) - 1
    while index <= end:
        yield f"{index // 12:04d}-{index % 12 + 1:02d}"
        index += 1


def _step(built, operating, flows):
    closed = built - flows['closure_tpa']  # closures first, idle capacity first
    operating = min(operating, closed)
    return closed + flows['new_tpa'], operating + flows['restart_tpa'] + flows['new_tpa'] - flows['curtail_tpa']


def _rows(bind):
    flows = defaultdict(lambda: defaultdict(lambda: dict.fromkeys(FLOWS + tuple('pending_' + f for f in FLOWS), 0)))
    for smelter_id, month, status, kind, total in bind.execute(
            sa.select(filings.c.smelter_id, filings.c.effective_month, filings.c.status, filings.c.kind,
                      sa.func.sum(filings.c.capacity_tpa))
            .where(filings.c.status.in_(('approved', 'submitted')))
            .group_by(filings.c.smelter_id, filings.c.effective_month, filings.c.status, filings.c.kind)):
        prefix = '' if status == 'approved' else 'pending_'
        flows[smelter_id][month][prefix + FLOW_OF_KIND[kind]] += int(total)
    for smelter_id, baseline_month, built, operating in bind.execute(sa.select(smelters).order_by(smelters.c.id)):
        by_month = flows.get(smelter_id, {})
        last = max([baseline_month, *by_month])
        pending_built, pending_operating = built, operating
        for month in _months(baseline_month, last):
            f = by_month.get(month) or dict.fromkeys(FLOWS + tuple('pending_' + f for f in FLOWS), 0)
            built, operating = _step(built, operating, f)
            both = {name: f[name] + f['pending_' + name] for name in FLOWS}
            pending_built, pending_operating = _step(pending_built, pending_operating, both)
            yield {'smelter_id': smelter_id, 'month': month, **f, 'built_tpa': built, 'operating_tpa': operating,
                   'pending_built_tpa': pending_built, 'pending_operating_tpa': pending_operating,
                   'is_last': month == last}


def upgrade():
    table = op.create_table(
        'smelter_months',
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('smelter_id', ID, nullable=False),
        *(sa.Column(name, ID, nullable=False) for name in FLOWS + tuple('pending_' + f for f in FLOWS)),
        sa.Column('built_tpa', ID, nullable=False),
        sa.Column('operating_tpa', ID, nullable=False),
        sa.Column('pending_built_tpa', ID, nullable=False),
        sa.Column('pending_operating_tpa', ID, nullable=False),
        sa.Column('is_last', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['smelter_id'], ['smelters.id'], name=op.f('fk_smelter_months_smelter_id_smelters')),
        sa.PrimaryKeyConstraint('month', 'smelter_id', name=op.f('pk_smelter_months')),
        sqlite_with_rowid=False,  # SQLite: the table is its month-first key (a period is one range)
    )
    with op.batch_alter_table('smelter_months', schema=None) as batch_op:
        batch_op.create_index('ix_smelter_months_last', ['is_last', 'month'], unique=False)
        batch_op.create_index('ix_smelter_months_smelter_id', ['smelter_id', 'month'], unique=False)
    rows = list(_rows(op.get_bind()))
    for start in range(0, len(rows), 5000):
        op.bulk_insert(table, rows[start:start + 5000])
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.drop_column('operating_delta_tpa')
        batch_op.drop_column('built_delta_tpa')


def downgrade():
    # smelter_months is derived from the filings: dropping it loses nothing. The fixed deltas come
    # back from a replay in month order (each month's closures first, taking idle capacity first).
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('built_delta_tpa', ID, nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('operating_delta_tpa', ID, nullable=False, server_default='0'))
    bind = op.get_bind()
    positions = {sid: [b, o] for sid, _, b, o in bind.execute(sa.select(smelters))}
    approved = bind.execute(sa.select(filings.c.id, filings.c.smelter_id, filings.c.kind, filings.c.capacity_tpa)
                            .where(filings.c.status == 'approved')
                            .order_by(filings.c.effective_month, filings.c.kind != 'closure', filings.c.id)).all()
    nominal = {'restart': (0, 1), 'new_capacity': (1, 1), 'curtailment': (0, -1), 'closure': (-1, 0)}
    for filing_id, smelter_id, kind, capacity in approved:
        position = positions[smelter_id]
        built, operating = (sign * capacity for sign in nominal[kind])
        if kind == 'closure':
            operating = -max(0, capacity - max(position[0] - position[1], 0))
        position[0] += built
        position[1] += operating
        bind.execute(filings.update().where(filings.c.id == filing_id)
                     .values(built_delta_tpa=built, operating_delta_tpa=operating))
    for kind, (built_sign, operating_sign) in nominal.items():
        bind.execute(filings.update().where(filings.c.status != 'approved', filings.c.kind == kind).values(
            built_delta_tpa=built_sign * filings.c.capacity_tpa,
            operating_delta_tpa=operating_sign * filings.c.capacity_tpa))
    op.drop_table('smelter_months')
