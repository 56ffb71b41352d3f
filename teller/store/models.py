"""SQLModel tables. Money is integer fen; times are UTC-aware datetimes."""

from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 1


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC (SQLite has no zones), handed back aware. Refuses naive input."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; times must be aware")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


def utc_field(**kw):
    """A timezone-aware datetime column (stored as naive UTC)."""
    return Field(sa_type=UTCDateTime, **kw)


class MetaRecord(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class ClerkRecord(SQLModel, table=True):
    __tablename__ = "clerk"
    staff_no: str = Field(primary_key=True)
    name: str
    role: str = "clerk"  # clerk | trainer | supervisor | ops
    pin_hash: str
    active: bool = True
    failed_logins: int = 0


class PlanRecord(SQLModel, table=True):
    __tablename__ = "plan"
    code: str = Field(primary_key=True)
    name: str
    brand: str
    monthly_fee_fen: int
    tariff: str


class CustomerRecord(SQLModel, table=True):
    __tablename__ = "customer"
    number: str = Field(primary_key=True)
    name: str
    id_type: str = "resident_id"
    id_number: str = Field(index=True)
    male: bool | None = None
    brand: str
    plan_code: str = Field(foreign_key="plan.code")
    pending_plan_code: str | None = None
    status: str = "active"  # active | suspended_arrears | suspended_lost | closed
    balance_fen: int = 0
    month_charges_fen: int = 0
    prepaid_1st_fen: int = 0
    last_unpaid_fen: int = 0
    points: int = 0
    local: bool = True
    password_hash: str = ""
    sim_serial: str = ""
    contact: str = ""
    opened_at: datetime | None = utc_field(default=None)


class NumberRecord(SQLModel, table=True):
    """The number pool: free numbers a new subscriber may choose."""

    __tablename__ = "number_pool"
    number: str = Field(primary_key=True)
    free: bool = Field(default=True, index=True)


class TransactionRecord(SQLModel, table=True):
    __tablename__ = "transaction"
    __table_args__ = (
        sa.UniqueConstraint("counter", "business_day", "seq"),
        sa.Index("ix_transaction_counter_created", "counter", "mode", "created_at"),  # a shift's drawer
    )
    id: int | None = Field(default=None, primary_key=True)
    receipt_no: str = Field(unique=True)
    counter: str
    business_day: date = Field(index=True)
    seq: int
    clerk: str = Field(foreign_key="clerk.staff_no")
    procedure_id: str = Field(index=True)
    procedure_version: int = 1
    procedure_digest: str
    customer_number: str | None = Field(default=None, index=True)
    amount_due_fen: int = 0
    tendered_fen: int = 0
    change_fen: int = 0
    status: str = "completed"  # completed | voided
    mode: str = "live"  # live | practice
    answers_json: str = "{}"
    visit_token: str = Field(unique=True)
    created_at: datetime = utc_field(index=True)


class FeeLineRecord(SQLModel, table=True):
    __tablename__ = "fee_line"
    id: int | None = Field(default=None, primary_key=True)
    tx_id: int = Field(foreign_key="transaction.id", index=True)
    code: str
    label: str
    amount_fen: int


class AuditRecord(SQLModel, table=True):
    __tablename__ = "audit"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_field(index=True)
    actor: str
    counter: str
    action: str
    detail: str = ""
    tx_id: int | None = None
    # the hash chain (teller.store.audit): sha256 of this entry's fields and the previous hash
    prev_hash: str = ""
    hash: str = ""
    # digests of the business rows this entry's unit of work wrote (teller.store.audit.books)
    books: str | None = ""


class ReceiptJobRecord(SQLModel, table=True):
    """One paper to print: the print journal. A job belongs to one subject: a transaction
    (`tx_id`), a void (`void_id`, its void slip) or a shift (`shift_id`, its settlement slip).

    `bytes_sent` is written (and committed) before any byte goes to the printer and is never
    cleared once a byte may have reached it: such a job may be on paper even when it is
    marked failed, so every later copy of it is a 补打 (and an invoice needs a supervisor).
    """

    __tablename__ = "receipt_job"
    __table_args__ = (sa.Index("ix_receipt_job_status", "status", "tx_id"),)  # pending papers, the exceptions report
    id: int | None = Field(default=None, primary_key=True)
    tx_id: int | None = Field(default=None, foreign_key="transaction.id", index=True)
    void_id: int | None = Field(default=None, index=True)
    shift_id: int | None = Field(default=None, index=True)
    layout: str
    copy_no: int = 1
    status: str = "pending"  # pending | sending | printed | failed
    bytes_sent: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    attempts: int = 0
    reprints: int = 0
    error: str = ""
    updated_at: datetime | None = utc_field(default=None)


class RefundClaimRecord(SQLModel, table=True):
    """A closed account's remaining balance, owed to the holder from `payable_from` (with the ID)."""

    __tablename__ = "refund_claim"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(foreign_key="customer.number", index=True)
    amount_fen: int
    payable_from: date
    status: str = "open"  # open | paid
    created_at: datetime = utc_field()


class FamilyLinkRecord(SQLModel, table=True):
    """A family number (亲情号): the main card pays a monthly fee; the secondary shares its minutes."""

    __tablename__ = "family_link"
    id: int | None = Field(default=None, primary_key=True)
    main_number: str = Field(foreign_key="customer.number", index=True)
    secondary_number: str = Field(foreign_key="customer.number", index=True)
    monthly_fee_fen: int
    created_at: datetime = utc_field()
    effective_at: datetime = utc_field()
    ended_at: datetime | None = utc_field(default=None)
# ---- issue 3 (i3b): bills printed, subscriptions, points, reservations, complaints, handsets ----


class BillPrintRecord(SQLModel, table=True):
    """A month's bill printed at the counter: each number's month prints once."""

    __tablename__ = "bill_print"
    __table_args__ = (sa.UniqueConstraint("number", "month"),)
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(foreign_key="customer.number", index=True)
    month: str  # YYYY-MM
    printed_at: datetime = utc_field()


class SubscriptionRecord(SQLModel, table=True):
    """A value-added service (彩铃, 手机报, ...) a subscriber holds."""

    __tablename__ = "subscription"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(foreign_key="customer.number", index=True)
    service_code: str
    name: str
    monthly_fee_fen: int = 0
    status: str = "active"  # active | cancelling (until cancel_effective) | cancelled
    cancel_effective: date | None = None
    retention: str = ""  # the last retention attempt: retained | declined


class PointsRedemptionRecord(SQLModel, table=True):
    __tablename__ = "points_redemption"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(foreign_key="customer.number", index=True)
    reward_code: str
    points: int
    credit_fen: int = 0
    at: datetime = utc_field()


class ReservationRecord(SQLModel, table=True):
    """A cross-region reservation (跨区预约): the form, and the number the other region calls back on."""

    __tablename__ = "reservation"
    id: int | None = Field(default=None, primary_key=True)
    reservation_no: str = Field(unique=True)
    contact: str
    current_province: str
    effective_date: date
    end_date: date
    name: str
    target_province: str
    target_city: str
    appointment: datetime = utc_field()
    id_type: str
    id_number: str
    second_name: str
    second_contact: str
    created_at: datetime = utc_field()
    callback_due: datetime = utc_field()


class ComplaintRecord(SQLModel, table=True):
    """A complaint (service or network): resolved on the spot or a ticket with a promised reply."""

    __tablename__ = "complaint"
    id: int | None = Field(default=None, primary_key=True)
    ticket_no: str = Field(unique=True)
    kind: str  # service | network
    number: str = Field(foreign_key="customer.number", index=True)
    text: str = ""
    outcome: str = "ticket"  # resolved | ticket
    reply_due: datetime | None = utc_field(default=None)
    compensation_fen: int = 0
    authorized_by: str = ""
    details_json: str = "{}"
    created_at: datetime = utc_field()


class HandsetRecord(SQLModel, table=True):
    """The handset catalogue of the hall, with stock."""

    __tablename__ = "handset"
    code: str = Field(primary_key=True)
    make: str
    model: str
    price_fen: int
    stock: int = 0


class HandsetSaleRecord(SQLModel, table=True):
    __tablename__ = "handset_sale"
    id: int | None = Field(default=None, primary_key=True)
    handset_code: str = Field(foreign_key="handset.code")
    price_fen: int
    buyer_name: str
    id_number: str
    contact: str = ""
    sold_at: datetime = utc_field()


# ---- issue 9 (genops): deposits and orders of the generic operations ---------------------------


class DepositRecord(SQLModel, table=True):
    """A deposit (押金) held for a number, e.g. before international roaming is opened: taken at
    the counter (take_deposit), returned to the account or into a refund (return_deposit), or
    with the closing's refund (close_account). Not revenue and not prepayment."""

    __tablename__ = "deposit"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(foreign_key="customer.number", index=True)
    purpose: str  # what it secures, a service code (intl_roaming)
    name: str  # as printed: 国际漫游押金
    amount_fen: int
    status: str = "held"  # held | returned
    taken_at: datetime = utc_field()
    returned_at: datetime | None = utc_field(default=None)
    returned_to: str = ""  # balance | refund | closing


class OrderRecord(SQLModel, table=True):
    """An order or request taken at the counter (record_order): its kind and the answers the
    procedure keeps, for the back office; the number is never issued twice."""

    __tablename__ = "order_request"
    id: int | None = Field(default=None, primary_key=True)
    order_no: str = Field(unique=True)
    kind: str = Field(index=True)
    name: str
    number: str = Field(foreign_key="customer.number", index=True)
    details_json: str = "{}"
    status: str = "open"  # open | done
    created_at: datetime = utc_field(index=True)


# ---- issue 11: a real hall's catalogue (teller-admin catalog import) ----------------------------------


class ServiceRecord(SQLModel, table=True):
    """The value-added services (彩铃, 手机报, ...) the hall offers: code, name, monthly fee."""

    __tablename__ = "service"
    code: str = Field(primary_key=True)
    name: str
    monthly_fee_fen: int = 0
