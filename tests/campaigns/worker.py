"""One counter process for the campaigns: commits payments through Desk and a Run (as the
tests do), prints them, voids every fifth; prints `committed <receipt>` after each commit."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from teller.clock import FixedClock  # noqa: E402
from teller.config import load_settings  # noqa: E402
from tests.conftest import DAY, open_desk, start, walk  # noqa: E402

WANG = "13800138000"


def main(home: str, counter: str, clerk: str, pin: str, visits: int) -> None:
    settings = load_settings(home=Path(home), counter=counter)
    desk = open_desk(settings, FixedClock(DAY), clerk, pin)
    for i in range(visits):
        run = walk(start(desk, "payment"), WANG, "王小明")
        if run.step.id.startswith("account_"):
            run.submit()
        walk(run, "10", "10")
        run.submit()
        print(f"committed {run.committed.receipt_no}", flush=True)
        desk.print_transaction(run.committed.tx_id)
        if i % 5 == 4 and clerk != "9001":  # a supervisor cannot authorize their own void
            desk.void(run.committed.receipt_no, reason="customer_request", supervisor="9001", pin="9999")
            print(f"voided {run.committed.receipt_no}", flush=True)
    desk.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
