"""Audit chain: each audit event gets seq, prev_hash and hash; the chain's head has a one-row table.

The events already stored are chained in id order with registry.audit.chain's
own canonical form, so ``flask --app wsgi audit verify`` holds right after
the upgrade.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 15:00:00.000000

"""
from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op

from registry.audit.chain import GENESIS, chain_hash
from registry.db import UTCDateTime
from registry.revision import refuse_data_loss

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
BATCH = 1000
EVENTS = sa.table(
    'audit_events',
    sa.column('id', ID), sa.column('occurred_at', UTCDateTime()), sa.column('actor_id', ID),
    sa.column('entity_type', sa.String()), sa.column('entity_id', ID), sa.column('action', sa.String()),
    sa.column('before', sa.JSON()), sa.column('after', sa.JSON()),
    sa.column('seq', ID), sa.column('prev_hash', sa.String()), sa.column('hash', sa.String()),
)


def _chained_in_id_order(bind) -> Iterator[tuple[sa.Row, int, str, str]]:
    """Every event by id, a batch at a time, with the (seq, prev_hash, hash) the id order gives it."""
    last_id, seq, prev = 0, 0, GENESIS
    while True:
        rows = bind.execute(sa.select(EVENTS).where(EVENTS.c.id > last_id).order_by(EVENTS.c.id)
                            .limit(BATCH)).all()
        for row in rows:
            seq += 1
            digest = chain_hash({**row._mapping, "seq": seq, "prev_hash": prev})
            yield row, seq, prev, digest
            prev = digest
        if len(rows) < BATCH:
            return
        last_id = rows[-1].id


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', ID, nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    op.create_table(
        'audit_chain_head',
        sa.Column('id', ID, nullable=False, autoincrement=False),
        sa.Column('seq', ID, nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_audit_chain_head_single_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head')),
    )

    bind = op.get_bind()
    update = (sa.update(EVENTS).where(EVENTS.c.id == sa.bindparam('_id'))
              .values(seq=sa.bindparam('_seq'), prev_hash=sa.bindparam('_prev'), hash=sa.bindparam('_hash')))
    pending: list[dict] = []
    head = None
    for row, seq, prev, digest in _chained_in_id_order(bind):
        pending.append({'_id': row.id, '_seq': seq, '_prev': prev, '_hash': digest})
        head = (seq, digest)
        if len(pending) == BATCH:
            bind.execute(update, pending)
            pending = []
    if pending:
        bind.execute(update, pending)
    if head is not None:  # an empty trail has no head row (the first append creates it)
        bind.execute(sa.table('audit_chain_head', sa.column('id'), sa.column('seq'), sa.column('hash'))
                     .insert().values(id=1, seq=head[0], hash=head[1]))

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_seq'), ['seq'])


def downgrade():
    # The chain is derived from the events only while it is their id order, untouched: the upgrade then
    # gives back every hash (and so every head a closed summary recorded). Otherwise (events numbered
    # out of id order by concurrent commits, or a broken chain) dropping it loses evidence.
    bind = op.get_bind()
    derived = all((row.seq, row.prev_hash, row.hash) == (seq, prev, digest)
                  for row, seq, prev, digest in _chained_in_id_order(bind))
    if not derived:
        refuse_data_loss(columns=(('audit_events', 'seq'),))
    op.drop_table('audit_chain_head')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_seq'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
