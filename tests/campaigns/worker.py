"""One counter process for the campaigns: commits payments through Desk and a Run (as the
tests do), prints them, voids every fifth; prints `committed <receipt>` after each commit.

With a sixth argument `mixed` (the four-counter campaign), the visits rotate: a payment to
the same subscriber, a sale of the same handset model (stock 3 for the whole hall), and an
account opened on the same free number every counter tries in the same order; a visit the
books refuse (number taken, out of stock) prints `refused <kind> <what>`:

    committed <receipt> <kind> <what>      kind: pay | handset | open
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from teller.clock import FixedClock  # noqa: E402
from teller.config import load_settings  # noqa: E402
from tests.conftest import DAY, open_desk, start, walk  # noqa: E402

WANG = "13800138000"
HANDSET = "mi_14"


IMEI = "490154203237518"  # 15 digits, the last its Luhn check digit


def _pay(run):
    walk(run, WANG, "王小明")
    if run.step.id.startswith("account_"):
        run.submit()
    walk(run, "10", "10")
    run.submit()


def _handset(run, id_number: str):
    walk(run, None, HANDSET, None, "yes", "赵六", id_number, "", IMEI, "4000")
    run.submit()


def _open(run, number: str, id_number: str):
    walk(run, "yes", id_number, "赵小刚", "local", "jiayuan", None, number, "135790", "135790", "", "100", "115")
    run.submit()


#: where the hall's books may refuse a visit of each kind: the model no longer offered (the stock
#: ran out) or refused at the commit; the number no longer free, chosen or committed. A refusal
#: anywhere else is the campaign's own failure (a procedure it no longer follows).
REFUSED_AT = {"handset": {"handset", "confirm"}, "open": {"new_number", "confirm"}}


def main(home: str, counter: str, clerk: str, pin: str, visits: int, mixed: bool = False) -> None:
    from teller.domain import catalog
    from teller.errors import TellerError

    settings = load_settings(home=Path(home), counter=counter)
    desk = open_desk(settings, FixedClock(DAY), clerk, pin)
    desk.prints_after_commit = True  # as the console: the commit claims its papers, printed right after
    pays = 0
    for i in range(visits):
        kind = ("pay", "handset", "open")[i % 3] if mixed else "pay"
        id_number = catalog.demo_id(f"11010519900101{(int(counter) * 97 + i) % 1000:03d}")
        what = WANG if kind == "pay" else HANDSET if kind == "handset" else catalog.FREE_NUMBERS[(i // 3) % len(catalog.FREE_NUMBERS)]
        procedure = {"pay": "payment", "handset": "handset_sale", "open": "open_account"}[kind]
        run = start(desk, procedure)
        try:
            _pay(run) if kind == "pay" else _handset(run, id_number) if kind == "handset" else _open(run, what, id_number)
        except TellerError as exc:  # the hall's books said no: taken, out of stock (never a lock)
            if run.step.id not in REFUSED_AT.get(kind, ()):
                raise
            print(f"refused {kind} {what} {type(exc).__name__} at {run.step.id}", flush=True)
            continue
        if run.committed is None:
            raise RuntimeError(f"{kind} {what}: the visit stopped at {run.step.id} ({run.stop_code})")
        print(f"committed {run.committed.receipt_no} {kind} {what}", flush=True)
        desk.print_transaction(run.committed.tx_id)
        if kind == "pay":
            pays += 1
            if pays % 5 == 0 and clerk != "9001":  # a supervisor cannot authorize their own void
                desk.void(run.committed.receipt_no, reason="customer_request", supervisor="9001", pin="9999")
                print(f"voided {run.committed.receipt_no}", flush=True)
    desk.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), len(sys.argv) > 6 and sys.argv[6] == "mixed")
