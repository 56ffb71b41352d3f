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


def _pay(desk):
    run = walk(start(desk, "payment"), WANG, "王小明")
    if run.step.id.startswith("account_"):
        run.submit()
    walk(run, "10", "10")
    run.submit()
    return run


def _handset(desk, id_number: str):
    run = walk(start(desk, "handset_sale"), None, HANDSET, None, "yes", "赵六", id_number, "", "4000")
    run.submit()
    return run


def _open(desk, number: str, id_number: str):
    run = walk(start(desk, "open_account"), "yes", id_number, "赵小刚", "local", "jiayuan", None,
               number, "135790", "135790", "", "100", "115")
    run.submit()
    return run


def main(home: str, counter: str, clerk: str, pin: str, visits: int, mixed: bool = False) -> None:
    from teller.domain import catalog
    from teller.errors import TellerError

    settings = load_settings(home=Path(home), counter=counter)
    desk = open_desk(settings, FixedClock(DAY), clerk, pin)
    pays = 0
    for i in range(visits):
        kind = ("pay", "handset", "open")[i % 3] if mixed else "pay"
        id_number = catalog.demo_id(f"11010519900101{(int(counter) * 97 + i) % 1000:03d}")
        what = WANG if kind == "pay" else HANDSET if kind == "handset" else catalog.FREE_NUMBERS[(i // 3) % len(catalog.FREE_NUMBERS)]
        try:
            run = _pay(desk) if kind == "pay" else _handset(desk, id_number) if kind == "handset" else _open(desk, what, id_number)
        except TellerError as exc:  # the hall's books said no: taken, out of stock (never a lock)
            print(f"refused {kind} {what} {type(exc).__name__}", flush=True)
            continue
        if run.committed is None:  # the procedure stopped before the commit (not offered any more)
            print(f"refused {kind} {what} {run.stop_code or run.step.id}", flush=True)
            continue
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
