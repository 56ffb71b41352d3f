"""The hall's day close (值班长): one row per business day and mode, after every counter settled.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hall_close',
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('mode', sa.String(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=False),
    sa.Column('closed_by', sa.String(), nullable=False),
    sa.Column('counters', sa.Integer(), nullable=False),
    sa.Column('shifts', sa.Integer(), nullable=False),
    sa.Column('cash_fen', sa.Integer(), nullable=False),
    sa.Column('variance_fen', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('business_day', 'mode')
    )


def downgrade() -> None:
    op.drop_table('hall_close')
