"""The printer-faults campaign at its CI size: every failure mode of the fake TCP printer,
one committed sale each (tests/campaigns/printer_faults.py; --runs N for a long run)."""

from __future__ import annotations

from tests.campaigns.printer_faults import MODES, run_campaign


def test_every_printer_fault_keeps_the_sale_and_marks_what_may_be_on_paper(desk):
    tally = run_campaign(desk, runs=1)
    assert tally.runs == len(MODES)
    assert tally.failures == [] and tally.lost == 0, tally.failures
