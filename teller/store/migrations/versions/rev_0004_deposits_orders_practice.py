"""Generic operations' deposits (押金) and orders, their daily-summary columns, and practice mode's
attempts, mistakes and drill sets. Each part only if missing: a database made by a development
build between 0.1 and this revision may hold some of them already.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    insp = sa.inspect(op.get_bind())
    tables = set(insp.get_table_names())

    def columns(table: str) -> set[str]:
        return {c["name"] for c in insp.get_columns(table)}

    if 'practice_set' not in tables:
        op.create_table('practice_set',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trainee', sa.String(), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('title', sa.String(), nullable=False),
        sa.Column('scenarios_json', sa.String(), nullable=False),
        sa.Column('assigned_by', sa.String(), nullable=False),
        sa.Column('assigned_at', sa.DateTime(), nullable=False),
        sa.Column('pass_mark', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=True),
        sa.Column('passed', sa.Boolean(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['trainee'], ['clerk.staff_no'], ),
        sa.PrimaryKeyConstraint('id')
        )
        op.create_index(op.f('ix_practice_set_trainee'), 'practice_set', ['trainee'], unique=False)
    if 'deposit' not in tables:
        op.create_table('deposit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(), nullable=False),
        sa.Column('purpose', sa.String(), nullable=False),
        sa.Column('name', sa.String(), nullable=False),
        sa.Column('amount_fen', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(), nullable=False),
        sa.Column('taken_at', sa.DateTime(), nullable=False),
        sa.Column('returned_at', sa.DateTime(), nullable=True),
        sa.Column('returned_to', sa.String(), nullable=False),
        sa.ForeignKeyConstraint(['number'], ['customer.number'], ),
        sa.PrimaryKeyConstraint('id')
        )
        op.create_index(op.f('ix_deposit_number'), 'deposit', ['number'], unique=False)
    if 'order_request' not in tables:
        op.create_table('order_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_no', sa.String(), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('name', sa.String(), nullable=False),
        sa.Column('number', sa.String(), nullable=False),
        sa.Column('details_json', sa.String(), nullable=False),
        sa.Column('status', sa.String(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['number'], ['customer.number'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('order_no')
        )
        op.create_index(op.f('ix_order_request_created_at'), 'order_request', ['created_at'], unique=False)
        op.create_index(op.f('ix_order_request_kind'), 'order_request', ['kind'], unique=False)
        op.create_index(op.f('ix_order_request_number'), 'order_request', ['number'], unique=False)
    if 'practice_attempt' not in tables:
        op.create_table('practice_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trainee', sa.String(), nullable=False),
        sa.Column('scenario_id', sa.String(), nullable=False),
        sa.Column('procedure_id', sa.String(), nullable=False),
        sa.Column('attempt_no', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('set_id', sa.Integer(), nullable=True),
        sa.Column('counter', sa.String(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=False),
        sa.Column('elapsed_ms', sa.Integer(), nullable=False),
        sa.Column('limit_s', sa.Integer(), nullable=False),
        sa.Column('ending', sa.String(), nullable=False),
        sa.Column('outcome_ok', sa.Boolean(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('passed', sa.Boolean(), nullable=False),
        sa.Column('receipt_no', sa.String(), nullable=False),
        sa.Column('breakdown_json', sa.String(), nullable=False),
        sa.ForeignKeyConstraint(['set_id'], ['practice_set.id'], ),
        sa.ForeignKeyConstraint(['trainee'], ['clerk.staff_no'], ),
        sa.PrimaryKeyConstraint('id')
        )
        op.create_index(op.f('ix_practice_attempt_scenario_id'), 'practice_attempt', ['scenario_id'], unique=False)
        op.create_index(op.f('ix_practice_attempt_set_id'), 'practice_attempt', ['set_id'], unique=False)
        op.create_index(op.f('ix_practice_attempt_started_at'), 'practice_attempt', ['started_at'], unique=False)
        op.create_index(op.f('ix_practice_attempt_trainee'), 'practice_attempt', ['trainee'], unique=False)
    if 'practice_mistake' not in tables:
        op.create_table('practice_mistake',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('step', sa.String(), nullable=False),
        sa.Column('detail', sa.String(), nullable=False),
        sa.Column('at_ms', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['practice_attempt.id'], ),
        sa.PrimaryKeyConstraint('id')
        )
        op.create_index(op.f('ix_practice_mistake_attempt_id'), 'practice_mistake', ['attempt_id'], unique=False)
    if 'deposit_count' not in columns('daily_summary'):
        op.add_column('daily_summary', sa.Column('deposit_count', sa.Integer(), server_default='0', nullable=False))
    if 'deposit_fen' not in columns('daily_summary'):
        op.add_column('daily_summary', sa.Column('deposit_fen', sa.Integer(), server_default='0', nullable=False))
    if 'deposit_back_count' not in columns('daily_summary'):
        op.add_column('daily_summary', sa.Column('deposit_back_count', sa.Integer(), server_default='0', nullable=False))
    if 'deposit_back_fen' not in columns('daily_summary'):
        op.add_column('daily_summary', sa.Column('deposit_back_fen', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("daily_summary") as batch:
        for column in ("deposit_back_fen", "deposit_back_count", "deposit_fen", "deposit_count"):
            batch.drop_column(column)
    for table in ("practice_mistake", "practice_attempt", "order_request", "deposit", "practice_set"):
        op.drop_table(table)
