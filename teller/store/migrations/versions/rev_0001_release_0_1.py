"""The schema of teller 0.1, the release before Alembic: every table as `SQLModel.metadata.create_all`
and teller.store.migrate made them. A database of that release (no alembic_version table) is
stamped at this revision after the old fix-ups have run (teller.store.schema.upgrade).

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: the tables of this revision (a database holding some of them and no alembic_version is 0.1's)
TABLES = ('audit', 'bill_print', 'cash_move', 'clerk', 'complaint', 'customer', 'daily_summary', 'day_close', 'family_link', 'fee_line', 'handset', 'handset_sale', 'meta', 'number_pool', 'payment_amount', 'plan', 'points_redemption', 'receipt_job', 'refund_claim', 'reservation', 'reversal', 'shift', 'subscription', 'transaction', 'void')


def upgrade() -> None:
    op.create_table('audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('counter', sa.String(), nullable=False),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('detail', sa.String(), nullable=False),
    sa.Column('tx_id', sa.Integer(), nullable=True),
    sa.Column('prev_hash', sa.String(), nullable=False),
    sa.Column('hash', sa.String(), nullable=False),
    sa.Column('books', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_audit_at'), 'audit', ['at'], unique=False)
    op.create_table('clerk',
    sa.Column('staff_no', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('pin_hash', sa.String(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('staff_no')
    )
    op.create_table('daily_summary',
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('counter', sa.String(), nullable=False),
    sa.Column('clerk', sa.String(), nullable=False),
    sa.Column('procedure_id', sa.String(), nullable=False),
    sa.Column('mode', sa.String(), nullable=False),
    sa.Column('tx_count', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('pay_count', sa.Integer(), nullable=False),
    sa.Column('pay_fen', sa.Integer(), nullable=False),
    sa.Column('arrears_count', sa.Integer(), nullable=False),
    sa.Column('arrears_fen', sa.Integer(), nullable=False),
    sa.Column('void_count', sa.Integer(), nullable=False),
    sa.Column('void_fen', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('business_day', 'counter', 'clerk', 'procedure_id', 'mode')
    )
    op.create_table('day_close',
    sa.Column('counter', sa.String(), nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('mode', sa.String(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=False),
    sa.Column('closed_by', sa.String(), nullable=False),
    sa.Column('shifts', sa.Integer(), nullable=False),
    sa.Column('cash_fen', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('counter', 'business_day', 'mode')
    )
    op.create_table('handset',
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('make', sa.String(), nullable=False),
    sa.Column('model', sa.String(), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('meta',
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('number_pool',
    sa.Column('number', sa.String(), nullable=False),
    sa.Column('free', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('number')
    )
    op.create_index(op.f('ix_number_pool_free'), 'number_pool', ['free'], unique=False)
    op.create_table('payment_amount',
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('counter', sa.String(), nullable=False),
    sa.Column('mode', sa.String(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('business_day', 'counter', 'mode', 'amount_fen')
    )
    op.create_table('plan',
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('brand', sa.String(), nullable=False),
    sa.Column('monthly_fee_fen', sa.Integer(), nullable=False),
    sa.Column('tariff', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('reservation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reservation_no', sa.String(), nullable=False),
    sa.Column('contact', sa.String(), nullable=False),
    sa.Column('current_province', sa.String(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('target_province', sa.String(), nullable=False),
    sa.Column('target_city', sa.String(), nullable=False),
    sa.Column('appointment', sa.DateTime(), nullable=False),
    sa.Column('id_type', sa.String(), nullable=False),
    sa.Column('id_number', sa.String(), nullable=False),
    sa.Column('second_name', sa.String(), nullable=False),
    sa.Column('second_contact', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('callback_due', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reservation_no')
    )
    op.create_table('customer',
    sa.Column('number', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('id_type', sa.String(), nullable=False),
    sa.Column('id_number', sa.String(), nullable=False),
    sa.Column('male', sa.Boolean(), nullable=True),
    sa.Column('brand', sa.String(), nullable=False),
    sa.Column('plan_code', sa.String(), nullable=False),
    sa.Column('pending_plan_code', sa.String(), nullable=True),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('balance_fen', sa.Integer(), nullable=False),
    sa.Column('month_charges_fen', sa.Integer(), nullable=False),
    sa.Column('prepaid_1st_fen', sa.Integer(), nullable=False),
    sa.Column('last_unpaid_fen', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('local', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(), nullable=False),
    sa.Column('sim_serial', sa.String(), nullable=False),
    sa.Column('contact', sa.String(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['plan_code'], ['plan.code'], ),
    sa.PrimaryKeyConstraint('number')
    )
    op.create_index(op.f('ix_customer_id_number'), 'customer', ['id_number'], unique=False)
    op.create_table('handset_sale',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handset_code', sa.String(), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('buyer_name', sa.String(), nullable=False),
    sa.Column('id_number', sa.String(), nullable=False),
    sa.Column('contact', sa.String(), nullable=False),
    sa.Column('sold_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['handset_code'], ['handset.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('shift',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counter', sa.String(), nullable=False),
    sa.Column('clerk', sa.String(), nullable=False),
    sa.Column('mode', sa.String(), nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('counted_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('float_json', sa.String(), nullable=False),
    sa.Column('float_fen', sa.Integer(), nullable=False),
    sa.Column('counted_json', sa.String(), nullable=False),
    sa.Column('counted_fen', sa.Integer(), nullable=True),
    sa.Column('expected_fen', sa.Integer(), nullable=True),
    sa.Column('variance_fen', sa.Integer(), nullable=True),
    sa.Column('supervisor', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('slip_status', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['clerk'], ['clerk.staff_no'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_shift_business_day'), 'shift', ['business_day'], unique=False)
    op.create_index(op.f('ix_shift_counter'), 'shift', ['counter'], unique=False)
    op.create_table('transaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt_no', sa.String(), nullable=False),
    sa.Column('counter', sa.String(), nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('clerk', sa.String(), nullable=False),
    sa.Column('procedure_id', sa.String(), nullable=False),
    sa.Column('procedure_version', sa.Integer(), nullable=False),
    sa.Column('procedure_digest', sa.String(), nullable=False),
    sa.Column('customer_number', sa.String(), nullable=True),
    sa.Column('amount_due_fen', sa.Integer(), nullable=False),
    sa.Column('tendered_fen', sa.Integer(), nullable=False),
    sa.Column('change_fen', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('mode', sa.String(), nullable=False),
    sa.Column('answers_json', sa.String(), nullable=False),
    sa.Column('visit_token', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['clerk'], ['clerk.staff_no'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('counter', 'business_day', 'seq'),
    sa.UniqueConstraint('receipt_no'),
    sa.UniqueConstraint('visit_token')
    )
    op.create_index(op.f('ix_transaction_business_day'), 'transaction', ['business_day'], unique=False)
    op.create_index('ix_transaction_counter_created', 'transaction', ['counter', 'mode', 'created_at'], unique=False)
    op.create_index(op.f('ix_transaction_created_at'), 'transaction', ['created_at'], unique=False)
    op.create_index(op.f('ix_transaction_customer_number'), 'transaction', ['customer_number'], unique=False)
    op.create_index(op.f('ix_transaction_procedure_id'), 'transaction', ['procedure_id'], unique=False)
    op.create_table('bill_print',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(), nullable=False),
    sa.Column('month', sa.String(), nullable=False),
    sa.Column('printed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['number'], ['customer.number'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number', 'month')
    )
    op.create_index(op.f('ix_bill_print_number'), 'bill_print', ['number'], unique=False)
    op.create_table('cash_move',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('tx_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_cash_move_shift_id'), 'cash_move', ['shift_id'], unique=False)
    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_no', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('number', sa.String(), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('outcome', sa.String(), nullable=False),
    sa.Column('reply_due', sa.DateTime(), nullable=True),
    sa.Column('compensation_fen', sa.Integer(), nullable=False),
    sa.Column('authorized_by', sa.String(), nullable=False),
    sa.Column('details_json', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['number'], ['customer.number'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ticket_no')
    )
    op.create_index(op.f('ix_complaint_number'), 'complaint', ['number'], unique=False)
    op.create_table('family_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('main_number', sa.String(), nullable=False),
    sa.Column('secondary_number', sa.String(), nullable=False),
    sa.Column('monthly_fee_fen', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('effective_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['main_number'], ['customer.number'], ),
    sa.ForeignKeyConstraint(['secondary_number'], ['customer.number'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_family_link_main_number'), 'family_link', ['main_number'], unique=False)
    op.create_index(op.f('ix_family_link_secondary_number'), 'family_link', ['secondary_number'], unique=False)
    op.create_table('fee_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tx_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('label', sa.String(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tx_id'], ['transaction.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_fee_line_tx_id'), 'fee_line', ['tx_id'], unique=False)
    op.create_table('points_redemption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(), nullable=False),
    sa.Column('reward_code', sa.String(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('credit_fen', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['number'], ['customer.number'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_points_redemption_number'), 'points_redemption', ['number'], unique=False)
    op.create_table('receipt_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tx_id', sa.Integer(), nullable=True),
    sa.Column('void_id', sa.Integer(), nullable=True),
    sa.Column('shift_id', sa.Integer(), nullable=True),
    sa.Column('layout', sa.String(), nullable=False),
    sa.Column('copy_no', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('bytes_sent', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('reprints', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['tx_id'], ['transaction.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_receipt_job_shift_id'), 'receipt_job', ['shift_id'], unique=False)
    op.create_index('ix_receipt_job_status', 'receipt_job', ['status', 'tx_id'], unique=False)
    op.create_index(op.f('ix_receipt_job_tx_id'), 'receipt_job', ['tx_id'], unique=False)
    op.create_index(op.f('ix_receipt_job_void_id'), 'receipt_job', ['void_id'], unique=False)
    op.create_table('refund_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('payable_from', sa.Date(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['number'], ['customer.number'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_refund_claim_number'), 'refund_claim', ['number'], unique=False)
    op.create_table('reversal',
    sa.Column('tx_id', sa.Integer(), nullable=False),
    sa.Column('data_json', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['tx_id'], ['transaction.id'], ),
    sa.PrimaryKeyConstraint('tx_id')
    )
    op.create_table('subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(), nullable=False),
    sa.Column('service_code', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('monthly_fee_fen', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('cancel_effective', sa.Date(), nullable=True),
    sa.Column('retention', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['number'], ['customer.number'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_subscription_number'), 'subscription', ['number'], unique=False)
    op.create_table('void',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('void_no', sa.String(), server_default='', nullable=False),
    sa.Column('tx_id', sa.Integer(), nullable=False),
    sa.Column('receipt_no', sa.String(), nullable=False),
    sa.Column('counter', sa.String(), nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('clerk', sa.String(), nullable=False),
    sa.Column('tx_clerk', sa.String(), nullable=False),
    sa.Column('supervisor', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('slip_status', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['tx_id'], ['transaction.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tx_id')
    )
    op.create_index(op.f('ix_void_business_day'), 'void', ['business_day'], unique=False)
    op.create_index('ix_void_day', 'void', ['business_day'], unique=False)
    op.create_index(op.f('ix_void_void_no'), 'void', ['void_no'], unique=False)


def downgrade() -> None:
    op.drop_table('void')
    op.drop_table('subscription')
    op.drop_table('reversal')
    op.drop_table('refund_claim')
    op.drop_table('receipt_job')
    op.drop_table('points_redemption')
    op.drop_table('fee_line')
    op.drop_table('family_link')
    op.drop_table('complaint')
    op.drop_table('cash_move')
    op.drop_table('bill_print')
    op.drop_table('transaction')
    op.drop_table('shift')
    op.drop_table('handset_sale')
    op.drop_table('customer')
    op.drop_table('reservation')
    op.drop_table('plan')
    op.drop_table('payment_amount')
    op.drop_table('number_pool')
    op.drop_table('meta')
    op.drop_table('handset')
    op.drop_table('day_close')
    op.drop_table('daily_summary')
    op.drop_table('clerk')
    op.drop_table('audit')
