"""A void restores exactly the state before the sale, for every shipped procedure, or is refused
with the reason before the supervisor's PIN is asked.

Each case commits one visit through the engine on a real Desk, voids it, and compares a snapshot
of everything an operation can touch (customers, the number pool, family links, bills printed,
subscriptions and service flags, points, reservations, tickets, handset stock and sales, refund
claims, deposits, orders) with the snapshot taken before the visit.
"""

from __future__ import annotations


import pytest
from sqlmodel import Session, select

from teller import operations
from teller.domain import books, catalog
from teller.errors import AuthError
from teller.operations import VoidRefused
from teller.store import shifts
from teller.store.models import (
    AuditRecord,
    BillPrintRecord,
    ComplaintRecord,
    CustomerRecord,
    DepositRecord,
    FamilyLinkRecord,
    HandsetRecord,
    HandsetSaleRecord,
    NumberRecord,
    OrderRecord,
    PointsRedemptionRecord,
    RefundClaimRecord,
    ReservationRecord,
    SubscriptionRecord,
    TransactionRecord,
)
from tests.conftest import REPO, start, walk

WANG, WANG_ID, WANG_PW = "13800138000", catalog.demo_id("11010519800101123"), "135790"
LI = "13912345678"  # owes ¥30.50, suspended for arrears
ZHANG, ZHANG_PW = "13700001111", "102938"
NEW_ID, NEW_PW = "11010519491231002X", "258036"
NEW_NUMBER = "13477771314"
IMEI = "490154203237518"  # 15 digits, the last its Luhn check digit

TOUCHED = [CustomerRecord, NumberRecord, FamilyLinkRecord, BillPrintRecord, SubscriptionRecord, PointsRedemptionRecord,
           ReservationRecord, ComplaintRecord, HandsetRecord, HandsetSaleRecord, RefundClaimRecord, DepositRecord, OrderRecord]


def snapshot(desk) -> dict[str, list[dict]]:
    """Every row an operation can change, by table (the books — transactions, voids, cash — apart)."""
    with Session(desk.engine) as s:
        return {m.__tablename__: sorted((r.model_dump() for r in s.exec(select(m))), key=repr) for m in TOUCHED}


def to_commit(run, *values):
    walk(run, *values)
    for _ in range(12):
        if run.committed is not None:
            return run.committed
        run.submit()
    raise AssertionError(f"no commit, stuck at {run.step.id}")


def family(desk, main=WANG, secondary=ZHANG):
    return to_commit(start(desk, "family_number"), main, secondary, None, "password", WANG_PW, ZHANG_PW)


#: procedure id -> (setup before the snapshot or None, the visit to its commit)
VISITS = {
    "payment": (None, lambda d: to_commit(start(d, "payment"), LI, "李静", None, "50", "100")),
    "open_account": (None, lambda d: to_commit(start(d, "open_account"), "yes", NEW_ID, "赵小刚", "local", "jiayuan", None,
                                                NEW_NUMBER, "135790", "135790", "", "100", "115")),
    "replace_sim": (None, lambda d: to_commit(start(d, "replace_sim"), WANG, "yes", WANG_ID, None, "20")),
    "close_account": (family, lambda d: to_commit(start(d, "close_account"), WANG, "yes", WANG_ID, "王小明", "tariff", None, "closed")),
    "change_plan": (None, lambda d: to_commit(start(d, "change_plan"), ZHANG, "too_expensive", None, "jiayuan", None, "password", ZHANG_PW)),
    "change_password": (None, lambda d: to_commit(start(d, "change_password"), ZHANG, "password", ZHANG_PW, NEW_PW, NEW_PW)),
    "transfer_ownership": (None, lambda d: to_commit(start(d, "transfer_ownership"), WANG, "yes", WANG_ID, WANG_PW, "李四", NEW_ID, NEW_PW, NEW_PW)),
    "suspend_resume": (None, lambda d: to_commit(start(d, "suspend_resume"), ZHANG, "suspend", None, "password", ZHANG_PW)),
    "family_number": (None, family),
    "bill_print": (None, lambda d: to_commit(start(d, "bill_print"), WANG, None, "password", WANG_PW, "2026-10")),
    "cancel_service": (None, lambda d: to_commit(start(d, "cancel_service"), WANG, WANG_PW, "cailing", "不常用", "declined")),
    "redeem_points": (None, lambda d: to_commit(start(d, "redeem_points"), WANG, "password", WANG_PW, "王小明", None, "credit_10")),
    "cross_region": (None, lambda d: to_commit(start(d, "cross_region"), "yes", "13800138000", "陕西", "2026-12-01", "2026-12-31", "张三",
                                                "广东", "深圳", "2026-12-02 09:30", "resident_id", NEW_ID, "李四", "13912345678")),
    "complaint": (None, lambda d: to_commit(start(d, "complaint"), ZHANG, "张伟", None, "停机期间仍扣月费", "ticket", "", None, "10", "9001", "9999")),
    "network_complaint": (None, lambda d: to_commit(start(d, "network_complaint"), WANG, "上周一", "经常", "ok", "长安路", "3号楼", "1202",
                                                     "华为", "Mate 60", "13912345678")),
    "handset_sale": (None, lambda d: to_commit(start(d, "handset_sale"), None, "oppo_a2", None, "yes", "赵六", NEW_ID, "", IMEI, "1300")),
    # written in YAML only (generic operations): two service flags and a deposit; an order
    "intl_roaming": (None, lambda d: roaming(d)),
    "billing_info": (None, lambda d: to_commit(start(d, "billing_info"), WANG, "王小明", "agent", "李四", NEW_ID, WANG_ID,
                                                "bill_email", "wang@example.com")),
}


def roaming(desk, number=WANG, name="王小明", id_number=WANG_ID, tendered="500"):
    return to_commit(start(desk, "intl_roaming"), number, name, id_number, "roaming", None, tendered)


def test_every_shipped_procedure_has_a_void_case():
    shipped = {p.stem for p in (REPO / "scripts_yaml").glob("*.yaml")}
    assert shipped == set(VISITS)


@pytest.mark.parametrize("procedure_id", sorted(VISITS))
def test_a_void_restores_exactly_the_state_before_the_sale(desk, procedure_id):
    setup, visit = VISITS[procedure_id]
    if setup:
        setup(desk)
    before = snapshot(desk)
    committed = visit(desk)
    assert snapshot(desk) != before  # the visit changed something a void must undo
    with Session(desk.engine) as s:
        tx = s.get(TransactionRecord, committed.tx_id)
        paid = tx.amount_due_fen if tx.tendered_fen else 0
    preview = desk.check_void(committed.receipt_no)
    assert (preview.receipt_no, preview.procedure_id, preview.refund_fen) == (committed.receipt_no, procedure_id, paid)
    assert preview.category in operations.CATEGORIES
    assert snapshot(desk) != before  # the preview changed nothing
    void = desk.void(committed.receipt_no, reason="customer_request", supervisor="9001", pin="9999")
    assert snapshot(desk) == before
    assert void.void_no and void.void_no != committed.receipt_no and void.amount_fen == paid
    with Session(desk.engine) as s:
        assert s.get(TransactionRecord, committed.tx_id).status == "voided"
        moves = [m for m in shifts.movements(s, shift_id=desk.current_shift().id) if m.kind == books.VOID_REFUND]
    assert [m.amount_fen for m in moves] == ([paid] if paid else [])  # the cash paid back is in the settlement
    with pytest.raises(VoidRefused, match="已冲正"):  # twice: refused, before the PIN
        desk.void(committed.receipt_no, reason="duplicate", supervisor="9001", pin="0000")
    with pytest.raises(VoidRefused, match="冲正不能再冲正"):  # a void's own number
        desk.void(void.void_no, reason="duplicate", supervisor="9001", pin="0000")


def test_every_operation_declares_its_reversal_and_category():
    for name, op in operations.registry().items():
        assert op.category in operations.CATEGORIES, name
        assert op.reverse is not None or op.irreversible, name
        assert op.fields, name


def authorizations(desk) -> int:
    with Session(desk.engine) as s:
        return len(s.exec(select(AuditRecord).where(AuditRecord.action == "authorize")).all())


def test_a_closing_whose_refund_was_paid_is_refused_before_the_pin(desk):
    committed = to_commit(start(desk, "close_account"), WANG, "yes", WANG_ID, "王小明", "tariff", None, "closed")
    with Session(desk.engine) as s:
        claim = s.exec(select(RefundClaimRecord).where(RefundClaimRecord.number == WANG)).one()
        claim.status = "paid"
        s.add(claim)
        s.commit()
    with pytest.raises(VoidRefused, match="退款已支付"):
        desk.check_void(committed.receipt_no)
    asked = authorizations(desk)
    with pytest.raises(VoidRefused, match="退款已支付"):  # a wrong PIN is never even looked at
        desk.void(committed.receipt_no, reason="customer_request", supervisor="9001", pin="0000")
    assert authorizations(desk) == asked
    with Session(desk.engine) as s:
        assert s.get(CustomerRecord, WANG).status == "closed"
        assert s.get(TransactionRecord, committed.tx_id).status == "completed"


def test_a_change_undone_since_is_refused_with_the_reason(desk):
    committed = VISITS["change_plan"][1](desk)
    with Session(desk.engine) as s:
        rec = s.get(CustomerRecord, ZHANG)
        rec.pending_plan_code = None  # changed back since (another route)
        s.add(rec)
        s.commit()
    with pytest.raises(VoidRefused, match="已有后续变动"):
        desk.check_void(committed.receipt_no)


def test_a_handset_sale_void_puts_the_handset_back_and_the_slip_has_its_own_number(desk, settings):
    with Session(desk.engine) as s:
        stock = s.get(HandsetRecord, "oppo_a2").stock
    first = VISITS["handset_sale"][1](desk)
    second = VISITS["payment"][1](desk)
    v1 = desk.void(first.receipt_no, reason="customer_request", supervisor="9001", pin="9999")
    v2 = desk.void(second.receipt_no, reason="wrong_amount", supervisor="9001", pin="9999")
    assert (v1.void_no, v2.void_no) == ("V01-20261123-0001", "V01-20261123-0002")
    assert v1.amount_fen == 129900
    with Session(desk.engine) as s:
        assert s.get(HandsetRecord, "oppo_a2").stock == stock
        assert s.exec(select(HandsetSaleRecord)).all() == []
        audit = s.exec(select(AuditRecord).where(AuditRecord.action == "void")).all()
    assert [a.detail.split()[0] for a in audit] == [v1.void_no, v2.void_no]


def test_a_ticket_number_voided_is_never_issued_again(desk):
    first = VISITS["network_complaint"][1](desk)
    with Session(desk.engine) as s:
        voided_no = s.exec(select(ComplaintRecord.ticket_no)).one()
    desk.void(first.receipt_no, reason="duplicate", supervisor="9001", pin="9999")
    VISITS["network_complaint"][1](desk)
    with Session(desk.engine) as s:
        again = s.exec(select(ComplaintRecord.ticket_no)).one()
    assert again != voided_no and again.startswith("WL20261123")


def test_a_transaction_without_reversal_data_is_refused(desk):
    committed = VISITS["payment"][1](desk)
    with Session(desk.engine) as s:
        s.delete(s.get(shifts.ReversalRecord, committed.tx_id))
        s.commit()
    with pytest.raises(VoidRefused, match="人工处理"):
        desk.void(committed.receipt_no, reason="duplicate", supervisor="9001", pin="9999")


def test_the_supervisor_check_still_applies_after_the_preview(desk):
    committed = VISITS["payment"][1](desk)
    with pytest.raises(AuthError):
        desk.void(committed.receipt_no, reason="duplicate", supervisor="9001", pin="0000")
    assert desk.check_void(committed.receipt_no).refund_fen == 5000


def test_an_operation_without_reversal_must_say_why():
    from teller.operations._base import NON_CASH, Operation

    with pytest.raises(ValueError, match="no reverse"):
        Operation("x", frozenset({"number"}), lambda s, a, n: None, None, NON_CASH)
    with pytest.raises(ValueError, match="category"):
        Operation("x", frozenset({"number"}), lambda s, a, n: None, None, "gift", irreversible="void.irreversible")




def test_an_irreversible_operation_is_refused_with_its_reason_before_the_pin(desk, monkeypatch):
    import dataclasses

    from teller.operations._base import REGISTRY

    committed = VISITS["bill_print"][1](desk)
    monkeypatch.setitem(REGISTRY, "print_bill", dataclasses.replace(REGISTRY["print_bill"], reverse=None, irreversible="bill.printed_mark"))
    asked = authorizations(desk)
    with pytest.raises(VoidRefused, match="该业务不能冲正"):
        desk.void(committed.receipt_no, reason="duplicate", supervisor="9001", pin="9999")
    assert authorizations(desk) == asked
