"""Working-day calendar: the State Council's holiday arrangements, seeded for 2016 onwards.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 02:00:00.000000

The seed copies each year from the pinned chinese-calendar package at
upgrade time; afterwards the table is the only source, and an admin adds a
year when its notice is published.
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op
from chinese_calendar.constants import holidays, workdays

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

FIRST_SEEDED = 2016
SOURCE = "chinese-calendar (国务院办公厅部分节假日安排的通知)"


def upgrade():
    years = op.create_table(
        'calendar_years',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_years')),
    )
    days = op.create_table(
        'calendar_days',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('working', sa.Boolean(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(['year'], ['calendar_years.year'], name=op.f('fk_calendar_days_year_calendar_years'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_days')),
    )
    with op.batch_alter_table('calendar_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_days_year'), ['year'], unique=False)
    last = max(day.year for day in holidays)
    now = dt.datetime.now(dt.UTC)
    op.bulk_insert(years, [{"year": y, "source": SOURCE, "loaded_at": now} for y in range(FIRST_SEEDED, last + 1)])
    rows = [{"day": d, "year": d.year, "working": False, "name": name} for d, name in holidays.items()
            if d.year >= FIRST_SEEDED and d.weekday() < 5]
    rows += [{"day": d, "year": d.year, "working": True, "name": name} for d, name in workdays.items()
             if d.year >= FIRST_SEEDED and d.weekday() >= 5]
    op.bulk_insert(days, sorted(rows, key=lambda row: row["day"]))


def downgrade():
    # the calendar is reference data: an earlier revision does not count working days
    with op.batch_alter_table('calendar_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_days_year'))
    op.drop_table('calendar_days')
    op.drop_table('calendar_years')
