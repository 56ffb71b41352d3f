"""The daily summary tables the reports read (kept apart from teller.store.reports so that
`python -m teller.store.reports` does not define them twice)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class DailySummaryRecord(SQLModel, table=True):
    """Business per day, counter, clerk and procedure; voided transactions are taken out."""

    __tablename__ = "daily_summary"
    business_day: date = Field(primary_key=True)
    counter: str = Field(primary_key=True)
    clerk: str = Field(primary_key=True)
    procedure_id: str = Field(primary_key=True)
    mode: str = Field(default="live", primary_key=True)
    tx_count: int = 0
    amount_fen: int = 0
    pay_count: int = 0  # transactions whose report category is prepayment (teller.domain.books)
    pay_fen: int = 0
    arrears_count: int = 0  # payments that cleared some arrears
    arrears_fen: int = 0  # the part of payments that cleared arrears
    void_count: int = 0
    void_fen: int = 0
    deposit_count: int = 0  # transactions that took a deposit (report category deposit: not revenue)
    deposit_fen: int = 0
    deposit_back_count: int = 0  # transactions that returned deposits (to the account, a refund, a closing)
    deposit_back_fen: int = 0


class PaymentAmountRecord(SQLModel, table=True):
    """How many payments of each exact amount a day saw: amount bands are read from this."""

    __tablename__ = "payment_amount"
    business_day: date = Field(primary_key=True)
    counter: str = Field(primary_key=True)
    mode: str = Field(default="live", primary_key=True)
    amount_fen: int = Field(primary_key=True)
    count: int = 0


INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_receipt_job_status ON receipt_job (status, tx_id)",
    "CREATE INDEX IF NOT EXISTS ix_void_day ON void (business_day)",
)


def ensure_indexes(engine) -> None:
    """The indexes the reports query by, also on databases created before they existed."""
    from sqlalchemy import text

    with engine.begin() as con:
        for ddl in INDEXES:
            con.execute(text(ddl))
