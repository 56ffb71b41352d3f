"""The catalogue of value-added services a hall offers (loaded by teller-admin catalog import,
or the demo's by the seed).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('service',
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('monthly_fee_fen', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )


def downgrade() -> None:
    op.drop_table('service')
